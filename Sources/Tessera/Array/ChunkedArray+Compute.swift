import Backends
import Foundation
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// The low-level graph that computes every block: materialised, culled and fused.
    public func optimizedGraph() throws -> Graph { try Self.optimizedGraph(for: [self]) }

    /// The low-level graph that computes every block of `arrays`, sharing common tasks.
    static func optimizedGraph(for arrays: [ChunkedArray]) throws -> Graph {
        let keys = arrays.flatMap { array in array.blockIndices.map(array.key) }
        // One expression: each step gets a graph nothing else holds, and fusion rewrites it in place.
        return try HighLevelGraph(merging: arrays.map(\.graph)).materialize(for: arrays.map(\.name))
            .culled(keeping: keys)
            .fusingLinearChains(keeping: Set(keys))
    }

    /// Computes every block with the scheduler the configuration names now.
    func computeBlocks(callbacks: SchedulerCallbacks? = nil) throws -> [[Int]: any ArrayChunk] {
        try Self.computeBlocks(of: [self], callbacks: callbacks)[0]
    }

    /// Computes the blocks of several arrays in one run of the scheduler, so tasks they share run once.
    ///
    /// Under `scheduler: "mpi"`, a rank that receives no results (any but rank 0, unless
    /// `mpi.results: all`) gets no blocks, and with `keepOutputs` each rank gets the blocks it computed.
    static func computeBlocks(of arrays: [ChunkedArray], callbacks: SchedulerCallbacks?, keepOutputs: Bool = false) throws
        -> [[[Int]: any ArrayChunk]] {
        let config = try Config.resolved()
        let scheduler = try SchedulerChoice.scheduler(config, keepOutputs: keepOutputs)
        let keys = arrays.flatMap { array in array.blockIndices.map(array.key) }
        let results = try scheduler.run(try optimizedGraph(for: arrays), outputs: keys,
                                        callbacks: GlobalCallbacks.combined(with: callbacks))
        let partial = SchedulerChoice.mayLackOutputs(scheduler)
        // A rank that receives no results holds only the outputs it computed: it returns none.
        if partial && !keepOutputs && keys.contains(where: { results[$0] == nil }) { return arrays.map { _ in [:] } }
        return try arrays.map { array in
            var blocks: [[Int]: any ArrayChunk] = [:]
            for index in array.blockIndices {
                guard let value = results[array.key(index)] else {
                    if partial { continue }
                    throw InternalError(message: "no result for \(array.key(index))")
                }
                blocks[index] = try asChunk(value)
            }
            return blocks
        }
    }

    /// Computes several arrays together (Dask's `dask.compute(a, b)`): tasks they share, such as
    /// the generation of a common input, run once.
    ///
    /// ```swift
    /// let x = try rng.standardNormal(shape: [10_000, 10_000], chunks: [1_000, 1_000])
    /// let results = try ChunkedArray.compute([x.mean(), x.std()])
    /// ```
    public static func compute(_ arrays: [ChunkedArray], callbacks: SchedulerCallbacks? = nil) throws -> [any ArrayChunk] {
        let blocks = try computeBlocks(of: arrays, callbacks: callbacks)
        return try zip(arrays, blocks).map { array, blocks in
            if blocks.isEmpty && array.blockCount > 0 {
                return try array.meta.chunk.empty(shape: [Int](repeating: 0, count: array.ndim), dtype: array.dtype)
            }
            return try array.assemble(blocks)
        }
    }

    /// Computes the array and returns it as one chunk of its backend (an `NDArray` for "numpy").
    ///
    /// - Throws: `TaskError` naming the task that failed and carrying its error, or the errors of
    ///   reading the configuration.
    public func compute() throws -> any ArrayChunk {
        try compute(callbacks: nil)
    }

    /// Computes the array, calling `callbacks` (for example a ``ProgressBar``'s) as tasks run.
    ///
    /// Under `scheduler: "mpi"` every rank must call it; rank 0 gets the array (every rank with
    /// `mpi.results: all`), the others an empty array of the same dtype (docs/distributed.md).
    public func compute(callbacks: SchedulerCallbacks?) throws -> any ArrayChunk {
        let blocks = try computeBlocks(callbacks: callbacks)
        if blocks.isEmpty && blockCount > 0 {
            return try meta.chunk.empty(shape: [Int](repeating: 0, count: ndim), dtype: dtype)
        }
        return try assemble(blocks)
    }

    /// Computes the array without blocking the caller's thread.
    ///
    /// The scoped configuration of the caller (``Config/set(_:isolation:_:)``) holds on the
    /// threads that run the graph.
    public func compute() async throws -> any ArrayChunk {
        let snapshot = Config.snapshot
        let array = self
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try Config.with(snapshot) { try array.compute() } })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Computes the array and copies it to host memory as an ``NDArray``.
    public func toHost() throws -> NDArray { try compute().toNDArray() }

    /// Computes a one-element array and returns its value converted to `T`.
    ///
    /// ```swift
    /// let total: Double = try a.sum().item()
    /// ```
    ///
    /// - Throws: ``ShapeError/notScalar(shape:)`` if the array has more than one element.
    public func item<T: NDArrayElement>(_: T.Type = T.self) throws -> T {
        guard size == 1 else { throw ShapeError.notScalar(shape: shape) }
        let value = try toHost().scalar(at: 0)
        return T.dtype.isFloatingPoint ? T(convertingFrom: value.doubleValue) : T(convertingFrom: value.int64Value)
    }

    /// Computes the blocks now and returns an array that holds them in memory; operations on it
    /// start from the stored blocks.
    ///
    /// Under `scheduler: "mpi"` each rank keeps the blocks it computed, and later computations run
    /// the tasks that read a block on the rank holding it.
    public func persist() throws -> ChunkedArray {
        let blocks = try Self.computeBlocks(of: [self], callbacks: nil, keepOutputs: true)[0]
        let owners = Distributed.size > 1 ? (Distributed.lastRun?.outputOwners ?? [:]) : [:]
        var ownerOfBlock: [[Int]: Int] = [:]
        for index in blockIndices { ownerOfBlock[index] = owners[key(index)] }
        let blockOwners = ownerOfBlock
        var placement: (@Sendable ([Int]) -> Int?)?
        if !owners.isEmpty {
            placement = { @Sendable (index: [Int]) -> Int? in blockOwners[index] }
        }
        return ChunkedArray.generated(shape: shape, chunks: chunks, dtype: dtype, meta: meta, prefix: "persisted",
                                      preferredRank: placement) {
            block in
            guard let chunk = blocks[block.index] else {
                throw InternalError(message: "block \(block.index) is not stored on rank \(Distributed.rank)")
            }
            return chunk
        }
    }

    /// Joins computed blocks into one chunk, axis by axis.
    func assemble(_ blocks: [[Int]: any ArrayChunk]) throws -> any ArrayChunk {
        if blockCount == 1, let only = blocks[[Int](repeating: 0, count: ndim)] { return only }
        if size == 0 || blockCount == 0 { return try meta.chunk.empty(shape: shape, dtype: dtype) }
        // One copy of every element into the result (the backend's assemble).
        let pieces = try blockIndices.map { index -> ChunkPiece in
            guard let block = blocks[index] else { throw InternalError(message: "missing block \(index)") }
            return ChunkPiece(chunk: block, ranges: block.shape.map { StridedRange.all($0) }, offset: blockOffset(index))
        }
        return try meta.chunk.assemble(pieces, shape: shape)
    }

    /// The graph as Graphviz DOT text: the low-level tasks after optimisation, or the high-level
    /// layers when `layers` is true.
    public func visualize(layers: Bool = false) throws -> String {
        layers ? graph.dot(name: name) : try optimizedGraph().dot(name: name)
    }

    /// Moves the array to the backend named `label` (the configured one when `nil`).
    ///
    /// The identity when the array is already there; otherwise each block is copied through host
    /// memory into the target backend's chunk type.
    ///
    /// - Throws: ``BackendError`` if the label is unknown or the backend is unavailable.
    public func toBackend(_ label: String? = nil) throws -> ChunkedArray {
        let target = label ?? ChunkedArray.backends.currentLabel
        if label == nil { try Config.check() }
        let entrypoint = try ChunkedArray.backends.entrypoint(for: target)
        if target == backend { return self }
        return try entrypoint.toBackend(self, label: target)
    }

    /// An array with this one's blocks converted by `meta`'s backend from host copies.
    func converted(to label: String, meta targetMeta: any ArrayChunk) -> ChunkedArray {
        let source = self
        return ChunkedArray.derived(
            from: [source], shape: shape, chunks: chunks, dtype: dtype,
            meta: ArrayMeta(backend: label, chunk: targetMeta), prefix: "to-\(label)",
            dependencies: { [source.key($0)] },
            compute: { _, inputs in try targetMeta.fromNDArray(inputs[0].toNDArray()) })
    }
}

extension ChunkedArray: CustomStringConvertible {
    /// The array as Dask's repr shows one, plus its block and task counts and backend:
    /// `ChunkedArray<ones, shape=(4, 4), dtype=float64, chunksize=(2, 2), chunks=4, tasks=4, backend=numpy, chunktype=NDArray>`.
    public var description: String {
        let layerKind = name.split(separator: "-").dropLast().joined(separator: "-")
        func tuple(_ values: [Int]) -> String {
            values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
        }
        return "ChunkedArray<\(layerKind), shape=\(tuple(shape)), dtype=\(dtype), chunksize=\(tuple(chunkSize)), "
            + "chunks=\(blockCount), tasks=\(graph.taskCount), backend=\(backend), chunktype=\(meta.chunkType)>"
    }
}
