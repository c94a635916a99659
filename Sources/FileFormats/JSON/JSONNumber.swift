/// The value of a JSON number token: an integer if it has no fraction or exponent and fits 64 bits,
/// a double otherwise (correctly rounded, as Python's `float()` and C's `strtod` round).
struct JSONNumber {
    /// Which interpretation ``bits`` holds.
    enum Kind: UInt8 {
        /// A signed integer (`Int64(bitPattern: bits)`).
        case int64
        /// An unsigned integer above `Int64.max`.
        case uint64
        /// A double (`Double(bitPattern: bits)`): a fraction, an exponent, or an integer beyond 64 bits.
        case double
    }

    /// The interpretation.
    var kind: Kind
    /// The value's bits.
    var bits: UInt64

    /// The value as a double (integers converted with correct rounding).
    var doubleValue: Double {
        switch kind {
        case .int64: Double(Int64(bitPattern: bits))
        case .uint64: Double(bits)
        case .double: Double(bitPattern: bits)
        }
    }
}
