import Backends
import NumPyBackend
import TaskGraph

/// NumPy's operations on host arrays, computed at once, with the same spellings, dtypes and
/// errors as ``ChunkedArray``'s: each runs the chunked operation on the array as one block.
///
/// ```swift
/// let x = try NDArray([1.0, 2, 3, 4, 5, 6], shape: [2, 3])
/// let y = try (x + 1).sum(axis: 0)            // NDArray [7, 9, 11]
/// let z = try x.matmul(x.transposed())        // 2 × 2
/// ```
extension NDArray {
    /// This array as a one-block chunked array of the "numpy" backend.
    var asChunked: ChunkedArray {
        let host = self
        return ChunkedArray.generated(shape: shape, chunks: shape.map { [$0] }, dtype: dtype,
                                      meta: ArrayMeta(backend: NumPyEntrypoint.label, chunk: NumPyEntrypoint.meta),
                                      prefix: "ndarray", regenerable: true) { block in
            block.shape == host.shape ? host
                : try host.sliced(zip(block.offset, block.shape).map { StridedRange(start: $0, count: $1) })
        }
    }

    /// Runs a chunked operation on this array as one block and returns the host result.
    private func lifted(_ body: (ChunkedArray) throws -> ChunkedArray) throws -> NDArray {
        try Config.set(["scheduler": "sync"]) { try body(asChunked).toHost() }
    }

    /// Runs a chunked operation on two arrays.
    private static func lifted(_ a: NDArray, _ b: NDArray, _ body: (ChunkedArray, ChunkedArray) throws -> ChunkedArray)
        throws -> NDArray {
        try Config.set(["scheduler": "sync"]) { try body(a.asChunked, b.asChunked).toHost() }
    }

    // MARK: - Conversion and shape

    /// The elements converted to `dtype` (NumPy's `astype`).
    public func astype(_ dtype: DType) throws -> NDArray { try lifted { try $0.astype(dtype) } }
    /// The axes reversed (`.T`).
    public func transposed() throws -> NDArray { try transposedCopy(Array((0..<ndim).reversed())) }
    /// The axes permuted: result axis `i` is axis `permutation[i]`.
    public func transposed(_ permutation: [Int]) throws -> NDArray { try transposedCopy(permutation) }
    /// The same elements with a new shape (one length may be `-1`).
    public func reshaped(_ shape: [Int]) throws -> NDArray {
        try reshapedView(ChunkedArray.resolveReshape(shape, size: count, from: self.shape))
    }
    /// The elements as a 1-d array.
    public func flattened() throws -> NDArray { try reshapedView([count]) }
    /// Without the given (or every) length-1 axis.
    public func squeezed(axes: [Int]? = nil) throws -> NDArray { try lifted { try $0.squeezed(axes: axes) } }
    /// With a new length-1 axis at `axis`.
    public func expandDims(axis: Int) throws -> NDArray { try lifted { try $0.expandDims(axis: axis) } }
    /// The elements a NumPy-style index selects (see ``ChunkedArray``'s subscript).
    public subscript(_ items: any ArrayIndexConvertible...) -> NDArray {
        get throws { try lifted { try $0.index(items.map(\.arrayIndex)) } }
    }
    /// The elements at `positions` along `axis` (`np.take`).
    public func take(_ positions: [Int], axis: Int) throws -> NDArray { try lifted { try $0.take(positions, axis: axis) } }
    /// Arrays joined along an existing axis (`np.concatenate`).
    public static func concatenate(_ arrays: [NDArray], axis: Int = 0) throws -> NDArray {
        try Config.set(["scheduler": "sync"]) { try ChunkedArray.concatenate(arrays.map(\.asChunked), axis: axis).toHost() }
    }
    /// Arrays of one shape joined along a new axis (`np.stack`).
    public static func stack(_ arrays: [NDArray], axis: Int = 0) throws -> NDArray {
        try Config.set(["scheduler": "sync"]) { try ChunkedArray.stack(arrays.map(\.asChunked), axis: axis).toHost() }
    }

    // MARK: - Elementwise

    /// `|x|`.
    public func abs() throws -> NDArray { try lifted { try $0.abs() } }
    /// The sign of each element.
    public func sign() throws -> NDArray { try lifted { try $0.sign() } }
    /// The square root.
    public func sqrt() throws -> NDArray { try lifted { try $0.sqrt() } }
    /// `e^x`.
    public func exp() throws -> NDArray { try lifted { try $0.exp() } }
    /// The natural logarithm.
    public func log() throws -> NDArray { try lifted { try $0.log() } }
    /// `log(1 + x)`.
    public func log1p() throws -> NDArray { try lifted { try $0.log1p() } }
    /// The sine.
    public func sin() throws -> NDArray { try lifted { try $0.sin() } }
    /// The cosine.
    public func cos() throws -> NDArray { try lifted { try $0.cos() } }
    /// The hyperbolic tangent.
    public func tanh() throws -> NDArray { try lifted { try $0.tanh() } }
    /// Rounded down.
    public func floor() throws -> NDArray { try lifted { try $0.floor() } }
    /// Rounded up.
    public func ceil() throws -> NDArray { try lifted { try $0.ceil() } }
    /// Rounded to the nearest integer, halves to even.
    public func round() throws -> NDArray { try lifted { try $0.round() } }
    /// Whether each element is NaN.
    public func isnan() throws -> NDArray { try lifted { try $0.isnan() } }
    /// Whether each element is finite.
    public func isfinite() throws -> NDArray { try lifted { try $0.isfinite() } }
    /// Whether each element is infinite.
    public func isinf() throws -> NDArray { try lifted { try $0.isinf() } }
    /// Whether each element is zero.
    public func logicalNot() throws -> NDArray { try lifted { try $0.logicalNot() } }
    /// `self ** exponent`, broadcasting.
    public func power(_ exponent: NDArray) throws -> NDArray { try Self.lifted(self, exponent) { try $0.power($1) } }
    /// `self ** exponent`.
    public func power(_ exponent: Double) throws -> NDArray { try lifted { try $0.power(exponent) } }
    /// `self ** exponent`; integer arrays stay integers.
    public func power(_ exponent: Int) throws -> NDArray { try lifted { try $0.power(exponent) } }
    /// The elementwise minimum, NaN propagating.
    public func minimum(_ other: NDArray) throws -> NDArray { try Self.lifted(self, other) { try $0.minimum($1) } }
    /// The elementwise maximum, NaN propagating.
    public func maximum(_ other: NDArray) throws -> NDArray { try Self.lifted(self, other) { try $0.maximum($1) } }
    /// The elements limited to `[min, max]`.
    public func clip(min lower: Double? = nil, max upper: Double? = nil) throws -> NDArray {
        try lifted { try $0.clip(min: lower, max: upper) }
    }
    /// `condition ? x : y` elementwise, broadcasting.
    public static func `where`(_ condition: NDArray, _ x: NDArray, _ y: NDArray) throws -> NDArray {
        try Config.set(["scheduler": "sync"]) {
            try ChunkedArray.where(condition.asChunked, x.asChunked, y.asChunked).toHost()
        }
    }

    /// Elementwise sum, broadcasting.
    public static func + (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 + $1 } }
    /// Elementwise difference, broadcasting.
    public static func - (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 - $1 } }
    /// Elementwise product, broadcasting.
    public static func * (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 * $1 } }
    /// Elementwise true division, broadcasting.
    public static func / (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 / $1 } }
    /// Elementwise remainder (Python's `%`), broadcasting.
    public static func % (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 % $1 } }
    /// Adds a number to every element.
    public static func + (lhs: NDArray, rhs: Double) throws -> NDArray { try lhs.lifted { try $0 + rhs } }
    /// Subtracts a number from every element.
    public static func - (lhs: NDArray, rhs: Double) throws -> NDArray { try lhs.lifted { try $0 - rhs } }
    /// Multiplies every element by a number.
    public static func * (lhs: NDArray, rhs: Double) throws -> NDArray { try lhs.lifted { try $0 * rhs } }
    /// Divides every element by a number.
    public static func / (lhs: NDArray, rhs: Double) throws -> NDArray { try lhs.lifted { try $0 / rhs } }
    /// Adds an integer to every element (integer arrays keep their dtype).
    public static func + (lhs: NDArray, rhs: Int) throws -> NDArray { try lhs.lifted { try $0 + rhs } }
    /// Subtracts an integer from every element.
    public static func - (lhs: NDArray, rhs: Int) throws -> NDArray { try lhs.lifted { try $0 - rhs } }
    /// Multiplies every element by an integer.
    public static func * (lhs: NDArray, rhs: Int) throws -> NDArray { try lhs.lifted { try $0 * rhs } }
    /// Divides every element by an integer (true division).
    public static func / (lhs: NDArray, rhs: Int) throws -> NDArray { try lhs.lifted { try $0 / rhs } }
    /// Negates every element.
    public static prefix func - (operand: NDArray) throws -> NDArray { try operand.lifted { try -$0 } }
    /// Elementwise `==`, broadcasting.
    public static func .== (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 .== $1 } }
    /// Elementwise `!=`, broadcasting.
    public static func .!= (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 .!= $1 } }
    /// Elementwise `<`, broadcasting.
    public static func .< (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 .< $1 } }
    /// Elementwise `<=`, broadcasting.
    public static func .<= (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 .<= $1 } }
    /// Elementwise `>`, broadcasting.
    public static func .> (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 .> $1 } }
    /// Elementwise `>=`, broadcasting.
    public static func .>= (lhs: NDArray, rhs: NDArray) throws -> NDArray { try lifted(lhs, rhs) { try $0 .>= $1 } }
    /// Elementwise `<` against a number.
    public static func .< (lhs: NDArray, rhs: Double) throws -> NDArray { try lhs.lifted { try $0 .< rhs } }
    /// Elementwise `>` against a number.
    public static func .> (lhs: NDArray, rhs: Double) throws -> NDArray { try lhs.lifted { try $0 .> rhs } }
    /// Elementwise `==` against a number.
    public static func .== (lhs: NDArray, rhs: Double) throws -> NDArray { try lhs.lifted { try $0 .== rhs } }

    // MARK: - Reductions

    /// Reduces over `axes` (all when `nil`); see ``ChunkedArray/reduce(_:axes:keepdims:ddof:splitEvery:)``.
    public func reduce(_ operation: ReductionOperation, axes: [Int]? = nil, keepdims: Bool = false, ddof: Int = 0) throws
        -> NDArray {
        try lifted { try $0.reduce(operation, axes: axes, keepdims: keepdims, ddof: ddof) }
    }
    /// The sum, over `axis` if given.
    public func sum(axis: Int? = nil, keepdims: Bool = false) throws -> NDArray {
        try reduce(.sum, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The product, over `axis` if given.
    public func prod(axis: Int? = nil, keepdims: Bool = false) throws -> NDArray {
        try reduce(.prod, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The mean, over `axis` if given.
    public func mean(axis: Int? = nil, keepdims: Bool = false) throws -> NDArray {
        try reduce(.mean, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The smallest element, over `axis` if given.
    public func min(axis: Int? = nil, keepdims: Bool = false) throws -> NDArray {
        try reduce(.min, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The largest element, over `axis` if given.
    public func max(axis: Int? = nil, keepdims: Bool = false) throws -> NDArray {
        try reduce(.max, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The variance, dividing by `n - ddof`.
    public func `var`(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false) throws -> NDArray {
        try reduce(.variance, axes: axis.map { [$0] }, keepdims: keepdims, ddof: ddof)
    }
    /// The standard deviation, dividing by `n - ddof`.
    public func std(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false) throws -> NDArray {
        try reduce(.std, axes: axis.map { [$0] }, keepdims: keepdims, ddof: ddof)
    }
    /// Whether any element is nonzero.
    public func any(axis: Int? = nil, keepdims: Bool = false) throws -> NDArray {
        try reduce(.any, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// Whether every element is nonzero.
    public func all(axis: Int? = nil, keepdims: Bool = false) throws -> NDArray {
        try reduce(.all, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The position of the smallest element (flat when `axis` is `nil`).
    public func argmin(axis: Int? = nil) throws -> NDArray { try reduce(.argmin, axes: axis.map { [$0] }) }
    /// The position of the largest element (flat when `axis` is `nil`).
    public func argmax(axis: Int? = nil) throws -> NDArray { try reduce(.argmax, axes: axis.map { [$0] }) }
    /// Running sums along `axis` (flattened when `nil`).
    public func cumsum(axis: Int? = nil) throws -> NDArray { try lifted { try $0.cumsum(axis: axis) } }
    /// Running products along `axis` (flattened when `nil`).
    public func cumprod(axis: Int? = nil) throws -> NDArray { try lifted { try $0.cumprod(axis: axis) } }
    /// Sorted along `axis`, NaN last.
    public func sorted(axis: Int = -1) throws -> NDArray { try sortedAlong(axis) }
    /// The sorted distinct elements.
    public func unique() throws -> NDArray { try uniqueValues() }
    /// The `q`-th percentiles (0...100), of all elements or along `axis`.
    public func percentile(_ q: [Double], axis: Int? = nil) throws -> NDArray {
        try lifted { try $0.percentile(q, axis: axis) }
    }

    // MARK: - Linear algebra

    /// The matrix product (`np.matmul`).
    public func matmul(_ other: NDArray) throws -> NDArray { try NDArray.matmul(self, other) }
    /// `np.dot`.
    public func dot(_ other: NDArray) throws -> NDArray { try NDArray.dot(self, other) }
    /// `np.tensordot` over paired axes.
    public func tensordot(_ other: NDArray, axes: ([Int], [Int])) throws -> NDArray {
        try NDArray.tensordot(self, other, axes: axes)
    }
    /// Einstein summation (`np.einsum`).
    public static func einsum(_ subscripts: String, _ operands: NDArray...) throws -> NDArray {
        try einsum(subscripts, operands)
    }
}
