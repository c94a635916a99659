/// A reduction of a column, whole or per group: the names pandas' `agg` takes.
public enum Aggregation: String, Sendable, Hashable, CaseIterable {
    /// The number of non-null values.
    case count
    /// The number of rows, nulls included.
    case size
    /// The sum of non-null values (0 when there are none).
    case sum
    /// The mean of non-null values, as `float64` (null when there are none).
    case mean
    /// The smallest non-null value.
    case min
    /// The largest non-null value.
    case max
    /// The sample standard deviation (`ddof` 1).
    case std
    /// The sample variance (`ddof` 1).
    case `var`
    /// The first non-null value.
    case first
    /// The last non-null value.
    case last
    /// The number of distinct non-null values.
    case nunique
}

/// One output column of a groupby or reduction: `aggregation` of `column`, named `outputName`.
public struct AggregationSpec: Sendable, Hashable {
    /// The input column.
    public let column: String
    /// The reduction.
    public let aggregation: Aggregation
    /// The output column's name.
    public let outputName: String

    /// A spec.
    public init(column: String, aggregation: Aggregation, outputName: String) {
        self.column = column
        self.aggregation = aggregation
        self.outputName = outputName
    }
}
