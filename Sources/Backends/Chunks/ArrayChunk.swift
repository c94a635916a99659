/// The operations a backend's chunk type provides, so that every `ChunkedArray` operation runs on it.
///
/// This is Tessera's compute dispatch: a task calls these requirements on a chunk of the backend
/// (an operand, or the collection's *meta*, a small chunk of the backend's type recorded when the
/// collection was created), and the chunk's own type supplies the kernel, as NEP-18 and Dask's
/// `*_lookup` registries do in Python. Dask's compute-dispatch functions map onto requirements:
///
/// | Dask | requirement |
/// | --- | --- |
/// | `concatenate_lookup` | ``concatenate(_:axis:)`` |
/// | `divide_lookup` | ``divide(_:_:)`` |
/// | `einsum_lookup` | ``einsum(_:_:)`` |
/// | `empty_lookup` | ``empty(shape:dtype:)`` |
/// | `numel_lookup`, `nannumel_lookup` | ``numel(axes:keepdims:)``, ``nannumel(axes:keepdims:)`` |
/// | `percentile_lookup` | ``percentile(_:)`` |
/// | `tensordot_lookup` | ``tensordot(_:_:axes:)`` |
///
/// Requirements that take several chunks are called on the meta chunk with every operand passed
/// explicitly; a backend may reject operands of another chunk type. Every requirement except the
/// first four has a default that throws ``BackendError/notImplemented(function:backend:)``, so a
/// backend implements what it can and the rest fails with a clear message when the graph runs.
/// Collections move data between backends only through ``toNDArray()`` and ``fromNDArray(_:)``.
public protocol ArrayChunk: Sendable, CustomStringConvertible {
    /// The length of each axis.
    var shape: [Int] { get }
    /// The element type.
    var dtype: DType { get }
    /// The label of the backend whose chunk type this is, for example `"numpy"`.
    var backendLabel: String { get }
    /// A host copy of this chunk (the identity for `NDArray`).
    func toNDArray() throws -> NDArray

    /// A chunk of this backend holding a copy of `host`.
    func fromNDArray(_ host: NDArray) throws -> any ArrayChunk
    /// An uninitialised chunk of this backend (`empty_lookup`).
    func empty(shape: [Int], dtype: DType) throws -> any ArrayChunk
    /// A chunk of this backend with every element `value`.
    func full(shape: [Int], value: ScalarValue, dtype: DType) throws -> any ArrayChunk

    /// Evaluates a fused elementwise expression whose input `k` is `inputs[k]`, over `shape`
    /// (inputs have that shape or one element).
    func evaluate(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int]) throws -> any ArrayChunk
    /// Evaluates the expression and reduces its values over `axes` (kept as length-1 axes) in the
    /// same pass, without materialising them.
    func evaluateAndReduce(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int],
                           operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial
    /// Combines two partials of `operation` with the same shape.
    func combine(_ a: ReductionPartial, _ b: ReductionPartial, operation: ReductionOperation) throws -> ReductionPartial
    /// Turns a partial into the reduction's result for input of `inputType` (`ddof` is for
    /// variance and standard deviation).
    func finalize(_ partial: ReductionPartial, operation: ReductionOperation, inputType: DType,
                  ddof: Int) throws -> any ArrayChunk

    /// True division, elementwise, with broadcasting (`divide_lookup`).
    func divide(_ a: any ArrayChunk, _ b: any ArrayChunk) throws -> any ArrayChunk
    /// Joins `chunks` along `axis` (`concatenate_lookup`).
    func concatenate(_ chunks: [any ArrayChunk], axis: Int) throws -> any ArrayChunk
    /// Sums products over `axes.0` of `a` and `axes.1` of `b` (`tensordot_lookup`).
    func tensordot(_ a: any ArrayChunk, _ b: any ArrayChunk, axes: ([Int], [Int])) throws -> any ArrayChunk
    /// The sum of `tensordot(a, b, axes)` over the pairs, with one result buffer (a block of a
    /// chunked matrix product: the sum over the inner blocks). The default adds the products.
    func tensordotSum(_ pairs: [(any ArrayChunk, any ArrayChunk)], axes: ([Int], [Int])) throws -> any ArrayChunk
    /// Einstein summation over `operands` (`einsum_lookup`).
    func einsum(_ subscripts: String, _ operands: [any ArrayChunk]) throws -> any ArrayChunk
    /// The number of elements of this chunk along `axes` (`numel_lookup`).
    func numel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk
    /// The number of non-NaN elements of this chunk along `axes` (`nannumel_lookup`).
    func nannumel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk
    /// The `q`-th percentiles (0...100) of this chunk's elements, linear interpolation (`percentile_lookup`).
    func percentile(_ q: [Double]) throws -> any ArrayChunk

    /// The `q`-th percentiles (0...100) along `axis`, linear interpolation: the result's first
    /// axis has one entry per `q`, followed by the other axes (as `np.percentile(x, q, axis)`).
    func percentile(_ q: [Double], axis: Int) throws -> any ArrayChunk
    /// Running sums or products along `axis` (`operation` is `.sum`, `.prod`, `.nansum` or
    /// `.nanprod`), in the dtype NumPy's `cumsum`/`cumprod` give.
    func cumulative(_ operation: ReductionOperation, axis: Int) throws -> any ArrayChunk
    /// The elements sorted along `axis`, NaN last (`np.sort`).
    func sorted(axis: Int) throws -> any ArrayChunk
    /// The distinct elements, sorted, as a 1-d chunk (`np.unique`).
    func unique() throws -> any ArrayChunk
    /// The elements at `indices` (each in `0..<shape[axis]`) along `axis` (`np.take`).
    func take(_ indices: [Int], axis: Int) throws -> any ArrayChunk
    /// The elements where the boolean chunk `mask` (same shape) is true, row-major, as a 1-d chunk.
    func compress(_ mask: any ArrayChunk) throws -> any ArrayChunk

    /// A chunk of `shape` assembled from pieces of other chunks (a block of a rechunked array):
    /// each piece's `ranges` of its chunk go at its `offset`, and the pieces tile `shape`. The
    /// default slices each piece and joins them with ``concatenate(_:axis:)``.
    func assemble(_ pieces: [ChunkPiece], shape: [Int]) throws -> any ArrayChunk
    /// The elements of this chunk in `ranges` (one per axis).
    func slice(_ ranges: [StridedRange]) throws -> any ArrayChunk
    /// This chunk with axes permuted: result axis `i` is axis `permutation[i]`.
    func transposed(_ permutation: [Int]) throws -> any ArrayChunk
    /// This chunk's elements in a new shape with the same count.
    func reshaped(_ shape: [Int]) throws -> any ArrayChunk
    /// This chunk's elements converted to `dtype`.
    func astype(_ dtype: DType) throws -> any ArrayChunk
}

/// A range of indices along one axis, with a step (NumPy's `start:stop:step` after normalisation).
public struct StridedRange: Sendable, Hashable, CustomStringConvertible {
    /// The first index.
    public var start: Int
    /// The number of indices.
    public var count: Int
    /// The distance between consecutive indices (nonzero).
    public var step: Int

    /// A range of `count` indices from `start`, `step` apart.
    public init(start: Int, count: Int, step: Int = 1) {
        self.start = start
        self.count = count
        self.step = step
    }

    /// Every index of an axis of `length`.
    public static func all(_ length: Int) -> StridedRange { StridedRange(start: 0, count: length) }

    /// The `k`-th index of the range.
    public func index(_ k: Int) -> Int { start + k * step }

    /// `start:stop:step` as NumPy writes it.
    public var description: String { "\(start):\(start + count * step):\(step)" }
}

/// A region of a chunk and where it goes in a chunk being assembled (see ``ArrayChunk/assemble(_:shape:)``).
public struct ChunkPiece: Sendable {
    /// The chunk the region is read from.
    public var chunk: any ArrayChunk
    /// The region, one range per axis.
    public var ranges: [StridedRange]
    /// Where the region's first element goes in the assembled chunk.
    public var offset: [Int]

    /// A piece: `ranges` of `chunk`, placed at `offset`.
    public init(chunk: any ArrayChunk, ranges: [StridedRange], offset: [Int]) {
        self.chunk = chunk
        self.ranges = ranges
        self.offset = offset
    }
}
