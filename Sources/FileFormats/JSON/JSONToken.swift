/// One JSON value read by the parser's general path, before it is stored in a column.
///
/// Strings are decoded, and nested objects and arrays compacted, into the parser's scratch buffer;
/// `start ..< end` is always the value's text as written.
struct JSONToken {
    /// What the value is.
    enum Kind: UInt8 {
        /// `null`.
        case null
        /// `true` or `false` (``flag``).
        case bool
        /// A number (``number``), including `NaN`, `Infinity` and `-Infinity`.
        case number
        /// A string, decoded into the scratch buffer.
        case string
        /// An object or array, compacted into the scratch buffer.
        case nested
    }

    /// What the value is.
    var kind: Kind
    /// The boolean's value.
    var flag = false
    /// The number's value.
    var number = JSONNumber(kind: .int64, bits: 0)
    /// The first byte of the value's text.
    var start: UnsafePointer<UInt8>
    /// One past the last byte of the value's text.
    var end: UnsafePointer<UInt8>
}
