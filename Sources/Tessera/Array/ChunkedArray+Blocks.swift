import Backends
import NumPyBackend
import TaskGraph

/// Where a block sits in its array, for functions that make blocks.
public struct BlockInfo: Sendable {
    /// The block's index in the grid of blocks.
    public let index: [Int]
    /// The block's shape.
    public let shape: [Int]
    /// The position of the block's first element along each axis.
    public let offset: [Int]
    /// The shape of the whole array.
    public let arrayShape: [Int]
}

extension ChunkedArray {
    /// An array whose blocks `makeBlock` creates, one task per block: the building block of a
    /// backend's creation functions.
    ///
    /// ```swift
    /// func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
    ///     try ChunkedArray.fromBlocks(shape: shape, chunks: chunks, dtype: dtype, backend: "mylib",
    ///                                 meta: MyChunk.meta) { block in MyChunk.ones(block.shape) }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - shape: The array's shape.
    ///   - chunks: How to cut it; `.auto` uses `array.chunk-size`.
    ///   - dtype: The element type the blocks will have.
    ///   - backend: The backend label recorded in the array's metadata.
    ///   - meta: A chunk of the backend's type, whose methods run the array's operations.
    ///   - name: The prefix of the layer's name.
    ///   - makeBlock: Makes one block; it runs inside a task, on a worker thread.
    /// - Throws: ``ShapeError`` for a negative shape or invalid chunks.
    public static func fromBlocks(
        shape: [Int], chunks: ChunkSpec, dtype: DType, backend: String, meta: any ArrayChunk, name: String = "array",
        makeBlock: @escaping @Sendable (BlockInfo) throws -> any ArrayChunk
    ) throws -> ChunkedArray {
        let config = try Config.resolved()
        let blocks = try chunks.resolve(shape: shape, dtype: dtype, limitBytes: config.chunkSizeBytes)
        return generated(shape: shape, chunks: blocks, dtype: dtype, meta: ArrayMeta(backend: backend, chunk: meta),
                         prefix: name, makeBlock: makeBlock)
    }

    /// An array of resolved chunks whose blocks `makeBlock` creates.
    static func generated(shape: [Int], chunks: [[Int]], dtype: DType, meta: ArrayMeta, prefix: String,
                          fused: FusedElementwise? = nil, regenerable: Bool = false,
                          preferredRank: (@Sendable ([Int]) -> Int?)? = nil,
                          makeBlock: @escaping @Sendable (BlockInfo) throws -> any ArrayChunk) -> ChunkedArray {
        let layerName = LayerName.unique(prefix)
        let counts = chunks.map(\.count)
        let boundaries = chunks.map(BlockGrid.boundaries)
        let layer = Layer(name: layerName, dependencies: [], taskCount: counts.reduce(1, *), summary: prefix) {
            BlockGrid.indices(counts).map { index in
                let info = BlockInfo(index: index, shape: zip(chunks, index).map { $0[$1] },
                                     offset: zip(boundaries, index).map { $0[$1] }, arrayShape: shape)
                return GraphTask(TaskKey(layerName, index), label: prefix, preferredRank: preferredRank?(index)) { _ in
                    try makeBlock(info)
                }
            }
        }
        return ChunkedArray(shape: shape, chunks: chunks, dtype: dtype, meta: meta,
                            graph: HighLevelGraph(adding: layer, to: []), name: layerName, fused: fused,
                            blockMaker: regenerable ? makeBlock : nil)
    }

    /// An array whose block `index` is computed from the blocks `inputs` of other arrays.
    ///
    /// - Parameters:
    ///   - dependencies: For each output block index, the keys of the input blocks it needs.
    ///   - compute: Computes one output block from its index and the input blocks.
    static func derived(
        from sources: [ChunkedArray], shape: [Int], chunks: [[Int]], dtype: DType, meta: ArrayMeta, prefix: String,
        dependencies: @escaping @Sendable ([Int]) -> [TaskKey],
        compute: @escaping @Sendable ([Int], [any ArrayChunk]) throws -> any ArrayChunk
    ) -> ChunkedArray {
        let layerName = LayerName.unique(prefix)
        let counts = chunks.map(\.count)
        let layer = Layer(name: layerName, dependencies: sources.map(\.name), taskCount: counts.reduce(1, *),
                          summary: prefix) {
            BlockGrid.indices(counts).map { index in
                GraphTask(TaskKey(layerName, index), dependencies: dependencies(index), label: prefix) { inputs in
                    try compute(index, inputs.map(asChunk))
                }
            }
        }
        return ChunkedArray(shape: shape, chunks: chunks, dtype: dtype, meta: meta,
                            graph: HighLevelGraph(adding: layer, to: sources.map(\.graph)), name: layerName)
    }
}
