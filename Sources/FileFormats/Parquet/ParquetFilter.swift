import Backends

/// One condition on a column, `column op value`, as one tuple of Dask's `filters`: partitions
/// whose statistics prove that no row satisfies it can be skipped.
public struct ParquetFilter: Sendable, Hashable, CustomStringConvertible {
    /// The column.
    public let column: String
    /// The comparison.
    public let comparison: ParquetComparison
    /// The operand(s): one for the ordering comparisons, any number for `in` / `not in`, none
    /// for the null tests.
    public let values: [FrameValue]

    /// `column comparison value`.
    public init(_ column: String, _ comparison: ParquetComparison, _ value: FrameValue) {
        self.column = column
        self.comparison = comparison
        values = [value]
    }

    /// `column in values` or `column not in values`, or a null test (`values` empty).
    public init(_ column: String, _ comparison: ParquetComparison, values: [FrameValue] = []) {
        self.column = column
        self.comparison = comparison
        self.values = values
    }

    /// The filter as Dask writes it, for example `("x", ">", 5)`.
    public var description: String {
        "(\"\(column)\", \"\(comparison.rawValue)\", \(values.map(\.description).joined(separator: ", ")))"
    }
}
