/// A comparison a filter applies to a column, as in Dask's and pyarrow's `filters`.
public enum ParquetComparison: String, Sendable, Hashable, CaseIterable {
    /// `==`.
    case equal = "=="
    /// `!=`.
    case notEqual = "!="
    /// `<`.
    case less = "<"
    /// `<=`.
    case lessOrEqual = "<="
    /// `>`.
    case greater = ">"
    /// `>=`.
    case greaterOrEqual = ">="
    /// `in`: equal to one of the values.
    case isIn = "in"
    /// `not in`: equal to none of the values.
    case notIn = "not in"
    /// The value is missing (no operand).
    case isNull = "is null"
    /// The value is present (no operand).
    case isNotNull = "is not null"
}
