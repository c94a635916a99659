/// Errors from building or using a host dataframe, with a message naming what was wrong.
public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A column's parts disagree (type, storage, length).
    case invalidColumn(String)
    /// Columns of different lengths in one frame.
    case lengthMismatch(column: String, count: Int, expected: Int)
    /// The same column name twice.
    case duplicateColumn(String)
    /// A column that is not in the frame; `available` lists those that are.
    case unknownColumn(String, available: [String])
    /// An operation that does not apply to a column of this type.
    case unsupportedType(operation: String, type: ColumnType)
    /// Values that cannot be converted (a cast, a literal of mixed kinds).
    case invalidValue(String)
    /// An integer result that does not fit its type.
    case overflow(String)

    /// The message.
    public var description: String {
        switch self {
        case let .invalidColumn(message): "Invalid column: \(message)."
        case let .lengthMismatch(column, count, expected):
            "Column '\(column)' has \(count) rows, but the frame has \(expected)."
        case let .duplicateColumn(name): "Duplicate column name '\(name)'."
        case let .unknownColumn(name, available):
            "Column '\(name)' not found; the frame has \(available.map { "'\($0)'" }.joined(separator: ", "))."
        case let .unsupportedType(operation, type): "\(operation) is not supported for \(type) columns."
        case let .invalidValue(message): message
        case let .overflow(message): "Integer overflow: \(message)."
        }
    }
}
