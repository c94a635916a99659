import Backends

/// One piece of a set of ORC files that one task reads: some consecutive stripes of one file,
/// with their statistics for skipping partitions a filter cannot match.
public struct ORCPartition: Sendable, Hashable {
    /// The file.
    public let path: String
    /// The indices of its stripes this partition covers, in order.
    public let stripes: [Int]
    /// The number of rows.
    public let rowCount: Int
    /// Statistics of each column whose stripes all record them, merged over the stripes.
    public let statistics: [String: ParquetColumnStatistics]

    /// A partition from its parts.
    public init(path: String, stripes: [Int], rowCount: Int, statistics: [String: ParquetColumnStatistics] = [:]) {
        self.path = path
        self.stripes = stripes
        self.rowCount = rowCount
        self.statistics = statistics
    }

    /// Whether some row may satisfy `filter`: `false` only when the statistics prove none does.
    public func mayMatch(_ filter: ParquetFilter) -> Bool {
        guard let statistics = statistics[filter.column] else { return rowCount > 0 }
        return statistics.mayMatch(filter.comparison, filter.values)
    }

    /// Whether some row may satisfy Dask-style `filters`: a disjunction of conjunctions (an
    /// empty list matches everything).
    public func mayMatch(_ filters: [[ParquetFilter]]) -> Bool {
        if filters.isEmpty { return true }
        return filters.contains { conjunction in conjunction.allSatisfy { mayMatch($0) } }
    }
}
