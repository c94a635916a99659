/// A reduction over one or more axes.
public enum ReductionOperation: String, Sendable, Hashable, CaseIterable {
    case sum, prod, min, max, mean, variance = "var", std, any, all, count

    /// The dtype of the result for input of `dtype`, as NumPy gives it.
    public func resultType(_ dtype: DType) -> DType {
        switch self {
        case .sum, .prod: dtype.sumResult
        case .min, .max: dtype
        case .mean, .variance, .std: dtype.meanResult
        case .any, .all: .bool
        case .count: .int64
        }
    }
}

/// The running state of a reduction over part of an array, combined pairwise up a tree.
///
/// For `sum`, `prod`, `min`, `max`, `any` and `all` the partial is the partial result itself;
/// for `mean`, `var` and `std` it is the count, mean and sum of squared deviations (Chan et al.'s
/// parallel algorithm, which stays accurate where the naive sum of squares cancels).
public enum ReductionPartial: Sendable {
    /// A partial result of the same reduction.
    case value(any ArrayChunk)
    /// Count, mean and M2 (sum of squared deviations from the mean), elementwise.
    case moments(count: any ArrayChunk, mean: any ArrayChunk, m2: any ArrayChunk)
}
