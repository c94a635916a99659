import Backends

/// One piece of a Parquet dataset that one task reads: some consecutive row groups of one file,
/// with their statistics (for skipping partitions a filter cannot match) and the file's hive
/// partition keys.
public struct ParquetPartition: Sendable, Hashable {
    /// The file.
    public let path: String
    /// The indices of its row groups this partition covers, in order.
    public let rowGroups: [Int]
    /// The number of rows.
    public let rowCount: Int
    /// The columns given by the file's directories (hive partitioning).
    public let partitionKeys: [ParquetPartitionKey]
    /// Statistics of each column whose row groups all record them, merged over the row groups.
    public let statistics: [String: ParquetColumnStatistics]

    /// A partition from its parts.
    public init(path: String, rowGroups: [Int], rowCount: Int, partitionKeys: [ParquetPartitionKey] = [],
                statistics: [String: ParquetColumnStatistics] = [:]) {
        self.path = path
        self.rowGroups = rowGroups
        self.rowCount = rowCount
        self.partitionKeys = partitionKeys
        self.statistics = statistics
    }

    /// The statistics of `column`: a partition key's exact value, or the row groups' statistics.
    public func statistics(of column: String) -> ParquetColumnStatistics? {
        if let key = partitionKeys.first(where: { $0.name == column }) {
            let isNull = key.value.isNull
            return ParquetColumnStatistics(min: isNull ? nil : key.value, max: isNull ? nil : key.value,
                                           nullCount: isNull ? rowCount : 0, nanCount: 0, rowCount: rowCount)
        }
        return statistics[column]
    }

    /// Whether some row may satisfy `filter`: `false` only when the statistics prove none does.
    public func mayMatch(_ filter: ParquetFilter) -> Bool {
        guard let statistics = statistics(of: filter.column) else { return rowCount > 0 }
        return statistics.mayMatch(filter.comparison, filter.values)
    }

    /// Whether some row may satisfy `column comparison value` (the row-group statistics test).
    public func mayMatch(column: String, _ comparison: ParquetComparison, _ value: FrameValue) -> Bool {
        mayMatch(ParquetFilter(column, comparison, value))
    }

    /// Whether some row may satisfy Dask-style `filters`: a disjunction of conjunctions (an
    /// empty list matches everything).
    public func mayMatch(_ filters: [[ParquetFilter]]) -> Bool {
        if filters.isEmpty { return true }
        return filters.contains { conjunction in conjunction.allSatisfy { mayMatch($0) } }
    }
}
