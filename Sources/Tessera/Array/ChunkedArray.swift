import Backends
import NumPyBackend
import TaskGraph

/// A lazy n-dimensional array cut into chunks, each a chunk of the backend library chosen by
/// `array.backend` when the array was created.
///
/// Operations build a task graph; nothing runs until ``compute()``, ``toHost()``, ``item(_:)`` or
/// ``persist()``. Elementwise operations fuse: `(a + 1) * b - a / 2` is one task per block, and a
/// reduction of it evaluates the fused expression tile by tile without storing it.
///
/// ```swift
/// let a = try ChunkedArray.ones(shape: [20_000, 20_000], chunks: [2_000, 2_000])
/// let total: Double = try (a * 2).sum().item()
/// ```
public struct ChunkedArray: Sendable {
    /// The length of each axis.
    public let shape: [Int]
    /// The block sizes along each axis.
    public let chunks: [[Int]]
    /// The element type.
    public let dtype: DType
    /// The label and chunk type of the backend whose chunks this array holds.
    public let meta: ArrayMeta
    /// The layers that compute the blocks.
    public let graph: HighLevelGraph
    /// The name of the layer whose tasks `(name, i, j, ...)` produce this array's blocks.
    public let name: String
    /// For an elementwise result: the expression over materialised inputs, so that later
    /// elementwise operations and reductions fuse with it.
    let fused: FusedElementwise?
    /// For an array whose blocks are a pure function of their position (`arange`, `fromArray`):
    /// that function, so a rechunk or a slice makes the new blocks directly instead of cutting
    /// and joining old ones.
    let blockMaker: BlockMaker?

    /// The backend label, for example `"numpy"`.
    public var backend: String { meta.backend }

    /// The number of axes.
    public var ndim: Int { shape.count }

    /// The number of elements.
    public var size: Int { shape.reduce(1, *) }

    /// The number of blocks along each axis.
    public var numBlocks: [Int] { chunks.map(\.count) }

    /// The total number of blocks.
    public var blockCount: Int { numBlocks.reduce(1, *) }

    /// The shape of the first block, as Dask's `chunksize`.
    public var chunkSize: [Int] { chunks.map { $0.max() ?? 0 } }

    /// Makes an array from its parts; used by backends and operations.
    init(shape: [Int], chunks: [[Int]], dtype: DType, meta: ArrayMeta, graph: HighLevelGraph, name: String,
                 fused: FusedElementwise? = nil, blockMaker: BlockMaker? = nil) {
        self.shape = shape
        self.chunks = chunks
        self.dtype = dtype
        self.meta = meta
        self.graph = graph
        self.name = name
        self.fused = fused
        self.blockMaker = blockMaker
    }

    /// The task key of the block at `index`.
    public func key(_ index: [Int]) -> TaskKey { TaskKey(name, index) }

    /// Every block index in row-major order.
    public var blockIndices: [[Int]] { BlockGrid.indices(numBlocks) }

    /// The shape of the block at `index`.
    public func blockShape(_ index: [Int]) -> [Int] { zip(chunks, index).map { $0[$1] } }

    /// The offset of the block at `index` along each axis.
    public func blockOffset(_ index: [Int]) -> [Int] { zip(chunks, index).map { $0[..<$1].reduce(0, +) } }
}

/// What a collection records about its backend when it is created: the label and a small chunk
/// of the backend's type, used to dispatch compute functions (Dask's `_meta`).
public struct ArrayMeta: Sendable {
    /// The backend label.
    public let backend: String
    /// A chunk of the backend's type (typically 0-d); its methods are the backend's kernels.
    public let chunk: any ArrayChunk

    /// Metadata for `backend` whose kernels `chunk` provides.
    public init(backend: String, chunk: any ArrayChunk) {
        self.backend = backend
        self.chunk = chunk
    }

    /// The name of the chunk type, for example `"NDArray"`.
    public var chunkType: String { String(describing: type(of: chunk)) }
}

/// Makes any block of an array from its position alone (see ``ChunkedArray/blockMaker``).
typealias BlockMaker = @Sendable (BlockInfo) throws -> any ArrayChunk

/// An elementwise expression over materialised arrays, each read through a view that broadcasts
/// it (NumPy's rules) to the result and may permute its axes.
struct FusedElementwise: Sendable {
    /// The expression; input `k` is `inputs[k]`.
    let expression: ElementwiseExpression
    /// The arrays read by the expression (none of which is itself fused).
    let inputs: [FusedInput]
}

/// One input of a fused expression: a materialised array, read with its axes permuted or not.
///
/// Along each axis that it does not broadcast, the (permuted) array has the result's chunks, so
/// block `index` of the result reads exactly one block of it.
struct FusedInput: Sendable {
    /// The array.
    let array: ChunkedArray
    /// Axis `i` of the view is axis `permutation[i]` of the array; `nil` for the identity.
    let permutation: [Int]?

    init(_ array: ChunkedArray, permutation: [Int]? = nil) {
        self.array = array
        self.permutation = permutation == Array(0..<array.ndim) ? nil : permutation
    }

    /// Identifies the view: the same array read the same way.
    var identity: String { "\(array.name)/\(permutation ?? [])" }

    /// The leaf that reads this input as input number `k` of an expression.
    func leaf(_ k: Int) -> ElementwiseExpression {
        if let permutation { return .permutedInput(k, array.dtype, permutation: permutation) }
        return .input(k, array.dtype)
    }

    /// The view's shape: the array's shape, permuted.
    var viewShape: [Int] { permutation.map { $0.map { array.shape[$0] } } ?? array.shape }

    /// The key of the block of the array that block `index` of a result of `shape` reads.
    func key(forOutput index: [Int], outputShape shape: [Int]) -> TaskKey {
        let view = viewShape
        let lead = shape.count - view.count
        var viewIndex = [Int](repeating: 0, count: view.count)
        for axis in 0..<view.count where axis + lead >= 0 && view[axis] == shape[axis + lead] && view[axis] != 1 {
            viewIndex[axis] = index[axis + lead]
        }
        guard let permutation else { return array.key(viewIndex) }
        var source = [Int](repeating: 0, count: view.count)
        for (axis, original) in permutation.enumerated() { source[original] = viewIndex[axis] }
        return array.key(source)
    }
}

/// Helpers for grids of blocks.
enum BlockGrid {
    /// Every index of a grid with `counts` blocks per axis, row-major.
    static func indices(_ counts: [Int]) -> [[Int]] {
        let total = counts.reduce(1, *)
        guard total > 0 else { return [] }
        var result: [[Int]] = []
        result.reserveCapacity(total)
        var index = [Int](repeating: 0, count: counts.count)
        for _ in 0..<total {
            result.append(index)
            var axis = counts.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < counts[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Block offsets along one axis: `[0, b0, b0 + b1, ...]` (one more than blocks).
    static func boundaries(_ blocks: [Int]) -> [Int] {
        var result = [0]
        for size in blocks { result.append(result[result.count - 1] + size) }
        return result
    }
}

/// A failure inside Tessera's own bookkeeping (a task received a value of the wrong kind); seeing
/// one is a bug to report.
struct InternalError: Error, CustomStringConvertible {
    let message: String
    var description: String { "Internal error in Tessera: \(message). Please report it." }
}

/// The value of a task result as a chunk.
func asChunk(_ value: any Sendable) throws -> any ArrayChunk {
    guard let chunk = value as? any ArrayChunk else { throw InternalError(message: "expected a chunk, got \(type(of: value))") }
    return chunk
}

/// The value of a task result as a reduction partial.
func asPartial(_ value: any Sendable) throws -> ReductionPartial {
    guard let partial = value as? ReductionPartial else {
        throw InternalError(message: "expected a reduction partial, got \(type(of: value))")
    }
    return partial
}
