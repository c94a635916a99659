/// A row-preserving step of a dataframe plan, applied to a chunk in order: the steps between a
/// filter and the aggregation above it (see ``DataFrameChunk/filteredPartialAggregate(where:steps:specs:dropna:)``).
public enum FrameStep: Sendable, Hashable {
    /// Keep these columns, in this order.
    case select([String])
    /// Add or replace a column computed from the columns so far.
    case assign(String, ColumnExpression)
}
