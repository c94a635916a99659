import Backends

/// A column whose value a dataset's directory layout gives (hive partitioning: a file under
/// `year=2024/` has `year` = 2024 in every row).
public struct ParquetPartitionKey: Sendable, Hashable {
    /// The column name.
    public let name: String
    /// The value (`.int` when every directory of the dataset holds an integer for this key,
    /// `.string` otherwise, `.null` for `__HIVE_DEFAULT_PARTITION__`).
    public let value: FrameValue
    /// The column type: `int64` or `string`.
    public let type: ColumnType

    /// A key from its parts.
    public init(name: String, value: FrameValue, type: ColumnType) {
        self.name = name
        self.value = value
        self.type = type
    }
}
