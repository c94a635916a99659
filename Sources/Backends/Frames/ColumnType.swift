/// The logical type of a dataframe column, as pandas names it.
///
/// Numeric and boolean columns store one `DType` element per row; strings are offsets into a byte
/// buffer; timestamps are 64-bit counts of `unit` since the Unix epoch (UTC), with an optional
/// time zone used for display; dates are 32-bit day counts since the epoch; categoricals are
/// 32-bit codes into a dictionary of strings. Every type can hold nulls (see ``Column``).
public enum ColumnType: Hashable, Sendable, CustomStringConvertible {
    /// Booleans, integers and floats: one element of the dtype per row.
    case numeric(DType)
    /// UTF-8 strings.
    case string
    /// Instants: a count of `unit` since 1970-01-01T00:00:00Z, shown in `timeZone` when set.
    case timestamp(TimeUnit, timeZone: String?)
    /// Calendar dates: days since 1970-01-01.
    case date
    /// Dictionary-encoded strings: codes into a list of categories.
    case categorical

    /// The resolution of a timestamp column.
    public enum TimeUnit: String, Hashable, Sendable {
        /// Seconds.
        case s
        /// Milliseconds.
        case ms
        /// Microseconds.
        case us
        /// Nanoseconds.
        case ns

        /// How many of this unit make one second.
        public var perSecond: Int64 {
            switch self {
            case .s: 1
            case .ms: 1_000
            case .us: 1_000_000
            case .ns: 1_000_000_000
            }
        }
    }

    /// `bool`.
    public static let bool = ColumnType.numeric(.bool)
    /// `int32`.
    public static let int32 = ColumnType.numeric(.int32)
    /// `int64`.
    public static let int64 = ColumnType.numeric(.int64)
    /// `float32`.
    public static let float32 = ColumnType.numeric(.float32)
    /// `float64`.
    public static let float64 = ColumnType.numeric(.float64)

    /// The dtype of the fixed-width values buffer (`nil` for strings).
    ///
    /// Timestamps store `int64`, dates `int32`, categoricals their `int32` codes.
    public var storageDType: DType? {
        switch self {
        case let .numeric(dtype): dtype
        case .timestamp: .int64
        case .date, .categorical: .int32
        case .string: nil
        }
    }

    /// The numeric dtype, if this is a boolean, integer or float column.
    public var numericDType: DType? {
        if case let .numeric(dtype) = self { return dtype }
        return nil
    }

    /// Whether values of this type are ordered numbers that arithmetic applies to.
    public var isNumeric: Bool { numericDType.map { $0 != .bool } ?? false }

    /// Whether the column holds text (strings or categories).
    public var isTextual: Bool { self == .string || self == .categorical }

    /// The name pandas prints for the dtype, for example `int64`, `datetime64[ns, UTC]`, `category`.
    public var description: String {
        switch self {
        case let .numeric(dtype): dtype.rawValue
        case .string: "string"
        case let .timestamp(unit, nil): "datetime64[\(unit.rawValue)]"
        case let .timestamp(unit, zone?): "datetime64[\(unit.rawValue), \(zone)]"
        case .date: "date32[day]"
        case .categorical: "category"
        }
    }
}
