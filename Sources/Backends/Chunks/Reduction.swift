/// A reduction over one or more axes.
public enum ReductionOperation: String, Sendable, Hashable, CaseIterable {
    /// The sum (`np.sum`).
    case sum
    /// The product (`np.prod`).
    case prod
    /// The smallest element; NaN if any is NaN (`np.min`).
    case min
    /// The largest element; NaN if any is NaN (`np.max`).
    case max
    /// The arithmetic mean (`np.mean`).
    case mean
    /// The variance (`np.var`).
    case variance = "var"
    /// The standard deviation (`np.std`).
    case std
    /// Whether any element is nonzero (`np.any`).
    case any
    /// Whether every element is nonzero (`np.all`).
    case all
    /// The number of elements that are not NaN.
    case count
    /// The sum, NaN counted as zero (`np.nansum`).
    case nansum
    /// The product, NaN counted as one (`np.nanprod`).
    case nanprod
    /// The smallest element ignoring NaN; NaN where every element is (`np.nanmin`).
    case nanmin
    /// The largest element ignoring NaN (`np.nanmax`).
    case nanmax
    /// The mean of the elements that are not NaN (`np.nanmean`).
    case nanmean
    /// The variance of the elements that are not NaN (`np.nanvar`).
    case nanvar
    /// The standard deviation of the elements that are not NaN (`np.nanstd`).
    case nanstd
    /// The position of the smallest element, the first NaN if any (`np.argmin`).
    case argmin
    /// The position of the largest element, the first NaN if any (`np.argmax`).
    case argmax

    /// The dtype of the result for input of `dtype`, as NumPy gives it.
    public func resultType(_ dtype: DType) -> DType {
        switch self {
        case .sum, .prod, .nansum, .nanprod: dtype.sumResult
        case .min, .max, .nanmin, .nanmax: dtype
        case .mean, .variance, .std, .nanmean, .nanvar, .nanstd: dtype.meanResult
        case .any, .all: .bool
        case .count, .argmin, .argmax: .int64
        }
    }

    /// Whether the partial is count, mean and M2 (``ReductionPartial/moments(count:mean:m2:)``).
    public var usesMoments: Bool {
        switch self {
        case .mean, .variance, .std, .nanmean, .nanvar, .nanstd: true
        default: false
        }
    }

    /// Whether the partial is a value and its position (``ReductionPartial/arg(values:indices:)``).
    public var isPositional: Bool { self == .argmin || self == .argmax }

    /// Whether NaN elements are left out (the `nan*` reductions and `count`).
    public var skipsNaN: Bool {
        switch self {
        case .nansum, .nanprod, .nanmin, .nanmax, .nanmean, .nanvar, .nanstd, .count: true
        default: false
        }
    }

    /// Whether NumPy refuses this reduction over zero elements (it has no identity).
    public var needsElements: Bool {
        switch self {
        case .min, .max, .argmin, .argmax: true
        default: false
        }
    }
}

/// The running state of a reduction over part of an array, combined pairwise up a tree.
///
/// For `sum`, `prod`, `min`, `max`, `any`, `all`, `count` and their `nan` forms the partial is the
/// partial result itself; for `mean`, `var` and `std` (and `nan` forms) it is the count, mean and
/// sum of squared deviations (Chan et al.'s parallel algorithm, which stays accurate where the
/// naive sum of squares cancels); for `argmin` and `argmax` it is the best value and its position.
public enum ReductionPartial: Sendable {
    /// A partial result of the same reduction.
    case value(any ArrayChunk)
    /// Count, mean and M2 (sum of squared deviations from the mean), elementwise.
    case moments(count: any ArrayChunk, mean: any ArrayChunk, m2: any ArrayChunk)
    /// The best value so far and its position (`int64`): along the reduced axis, or the flat
    /// row-major position when every axis is reduced.
    case arg(values: any ArrayChunk, indices: any ArrayChunk)
}
