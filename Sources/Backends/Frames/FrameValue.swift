/// One cell of a dataframe, dynamically typed: what a row access, a group key or a scalar
/// reduction of a column returns.
public enum FrameValue: Sendable, Hashable, CustomStringConvertible {
    /// A missing value.
    case null
    /// A boolean.
    case bool(Bool)
    /// A signed integer.
    case int(Int64)
    /// An unsigned integer.
    case uint(UInt64)
    /// A float.
    case double(Double)
    /// A string.
    case string(String)
    /// An instant: a count of `unit` since the epoch.
    case timestamp(Int64, ColumnType.TimeUnit, timeZone: String?)
    /// A date: days since 1970-01-01.
    case date(Int32)

    /// Whether this is ``null``.
    public var isNull: Bool { self == .null }

    /// The value as a double, for numbers and booleans.
    public var doubleValue: Double? {
        switch self {
        case let .bool(value): value ? 1 : 0
        case let .int(value): Double(value)
        case let .uint(value): Double(value)
        case let .double(value): value
        default: nil
        }
    }

    /// The value as pandas prints it in a table (`NaN` for a missing number is the table's business).
    public var description: String {
        switch self {
        case .null: "<NA>"
        case let .bool(value): value ? "True" : "False"
        case let .int(value): String(value)
        case let .uint(value): String(value)
        case let .double(value): formatDouble(value)
        case let .string(value): value
        case let .timestamp(value, unit, _): CivilTime.formatTimestamp(value, unit: unit)
        case let .date(days): CivilTime.formatDate(days)
        }
    }
}
