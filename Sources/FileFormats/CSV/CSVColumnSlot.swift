/// What the parser does with one column of the file, and the raw buffers it fills: plain memory
/// (no reference counting) so the inner loop can index it freely. ``CSVColumnBuffers`` owns it.
struct CSVColumnSlot {
    /// How fields of the column are handled.
    enum Kind: UInt8 {
        /// Not wanted: fields are only scanned over.
        case skip
        /// `int64` values.
        case int64
        /// `float64` values.
        case float64
        /// UTF-8 strings (also the first stage of a categorical column).
        case string
        /// `bool` values.
        case bool
        /// Any other fixed-width type, converted in the general path (see ``Conversion``).
        case converted
    }

    /// The conversion of a ``Kind/converted`` column.
    enum Conversion: UInt8 {
        /// None (not a converted column).
        case none
        /// Integers that must fit the narrower type.
        case int8, int16, int32, uint8, uint16, uint32
        /// Non-negative integers up to `UInt64.max`.
        case uint64
        /// Floats rounded to single precision.
        case float32
        /// ISO 8601 date-times, in the column's unit.
        case timestamp
        /// ISO 8601 dates.
        case date
    }

    var kind: Kind
    var conversion: Conversion = .none
    /// Whether every field must be compared with the missing-value strings before conversion
    /// (some missing-value string is a valid value of the column's type).
    var checkStrings = false
    /// For timestamps: nanoseconds per unit of the column.
    var nanosecondsPerUnit: Int64 = 1
    /// The width of one value (fixed-width kinds).
    var elementSize = 0
    /// The values (fixed-width kinds), `elementSize * rowCapacity` bytes; a placeholder otherwise.
    var values: UnsafeMutableRawPointer
    /// Validity words, allocated at the first null (then covering `rowCapacity` rows).
    var validity: UnsafeMutablePointer<UInt64>?
    /// String bytes (string kind; a placeholder otherwise).
    var bytes: UnsafeMutablePointer<UInt8>
    /// The number of string bytes written.
    var byteCount = 0
    /// The room in `bytes`.
    var byteCapacity = 0
    /// String offsets, `rowCapacity + 1` of them (string kind; a placeholder otherwise).
    var offsets: UnsafeMutablePointer<Int64>

    /// A slot of `kind` for a column whose values are `elementSize` bytes wide.
    init(kind: Kind, elementSize: Int = 0) {
        self.kind = kind
        self.elementSize = elementSize
        values = CSVColumnSlot.placeholder
        bytes = CSVColumnSlot.placeholder.assumingMemoryBound(to: UInt8.self)
        offsets = CSVColumnSlot.placeholder.assumingMemoryBound(to: Int64.self)
    }

    /// Sixteen bytes that unused buffer pointers point at (never written).
    nonisolated(unsafe) static let placeholder = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
}
