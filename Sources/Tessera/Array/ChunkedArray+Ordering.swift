import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// The elements sorted along `axis` (default the last), NaN last (`np.sort`).
    ///
    /// As in Dask, the axis must be a single chunk, so each block sorts on its own; other axes
    /// keep their chunks.
    ///
    /// - Throws: ``ShapeError/invalidChunks(shape:chunks:reason:)`` if `axis` has several chunks
    ///   (rechunk it with `-1` first), ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis.
    public func sorted(axis requested: Int = -1) throws -> ChunkedArray {
        let axis = try NDArray.normalizeAxes([requested], ndim: ndim)[0]
        guard chunks[axis].count == 1 else {
            throw ShapeError.invalidChunks(
                shape: shape, chunks: "\(chunks.map { $0.count })",
                reason: "sorting along axis \(axis) needs that axis in one chunk; rechunk it first "
                    + "(for example rechunk with -1 for axis \(axis))")
        }
        let source = self
        return ChunkedArray.derived(from: [source], shape: shape, chunks: chunks, dtype: dtype, meta: meta, prefix: "sort",
                                    dependencies: { [source.key($0)] },
                                    compute: { _, inputs in try inputs[0].sorted(axis: axis) })
    }

    /// The `q`-th percentiles (each in 0...100) along `axis`, or of all elements when `axis` is
    /// `nil`, with linear interpolation (`np.percentile`'s default): exact, equal to NumPy's.
    ///
    /// The result's first axis has one entry per `q`; the reduced axis is brought to one chunk
    /// (the whole array, when `axis` is `nil`), so this needs that much memory per block.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for a `q` outside 0...100,
    ///   ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis.
    public func percentile(_ q: [Double], axis requested: Int? = nil) throws -> ChunkedArray {
        guard q.allSatisfy({ $0 >= 0 && $0 <= 100 }) else {
            throw ShapeError.invalidArgument("Percentiles must be in the range [0, 100], got \(q).")
        }
        guard let requested else { return try flattened().percentile(q, axis: 0) }
        let axis = try NDArray.normalizeAxes([requested], ndim: ndim)[0]
        var target = chunks
        target[axis] = [shape[axis]]
        let source = try rechunk(.explicit(target))
        var kept = chunks
        kept.remove(at: axis)
        let outChunks = [[q.count]] + kept
        let resultType: DType = dtype == .float32 ? .float32 : .float64
        return ChunkedArray.derived(
            from: [source], shape: outChunks.map { $0.reduce(0, +) }, chunks: outChunks, dtype: resultType, meta: meta,
            prefix: "percentile",
            dependencies: { index in
                var original = Array(index.dropFirst())
                original.insert(0, at: axis)
                return [source.key(original)]
            },
            compute: { _, inputs in try inputs[0].percentile(q, axis: axis) })
    }

    /// The `q`-th quantiles (each in 0...1), as ``percentile(_:axis:)`` with `100 * q` (`np.quantile`).
    public func quantile(_ q: [Double], axis: Int? = nil) throws -> ChunkedArray {
        guard q.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw ShapeError.invalidArgument("Quantiles must be in the range [0, 1], got \(q).")
        }
        return try percentile(q.map { $0 * 100 }, axis: axis)
    }

    /// The sorted distinct elements (`np.unique`), computed now.
    ///
    /// Their number is not known until the data is read, so unlike other operations this one
    /// computes (as ``toHost()`` does): each block's distinct values, merged up a tree of
    /// `array.split-every` tasks.
    ///
    /// - Throws: what computing throws.
    public func unique() throws -> NDArray {
        let fanIn = try Config.resolved().splitEvery
        let source = self
        let meta = self.meta
        let name = LayerName.unique("unique")
        let partial = name + "-block"
        let layer = Layer(name: name, dependencies: [source.name], taskCount: blockCount * 2, summary: "unique") {
            var tasks = source.blockIndices.enumerated().map { k, index in
                GraphTask(TaskKey(partial, [k]), dependencies: [source.key(index)], label: "unique") { values in
                    try asChunk(values[0]).unique()
                }
            }
            var level = tasks.map(\.key)
            if level.isEmpty {
                tasks.append(GraphTask(TaskKey(name, []), label: "unique") { _ in
                    try meta.chunk.empty(shape: [0], dtype: source.dtype)
                })
                return tasks
            }
            var depth = 0
            while level.count > 1 {
                var next: [TaskKey] = []
                for start in stride(from: 0, to: level.count, by: fanIn) {
                    let group = Array(level[start..<Swift.min(start + fanIn, level.count)])
                    let key = TaskKey(partial, [depth + 1, next.count, 0])
                    tasks.append(GraphTask(key, dependencies: group, label: "unique-merge") { values in
                        try meta.chunk.concatenate(values.map(asChunk), axis: 0).unique()
                    })
                    next.append(key)
                }
                level = next
                depth += 1
            }
            tasks.append(GraphTask(TaskKey(name, []), dependencies: [level[0]], label: "unique") { values in values[0] })
            return tasks
        }
        let result = ChunkedArray(shape: [], chunks: [], dtype: dtype, meta: meta,
                                  graph: HighLevelGraph(adding: layer, to: [source.graph]), name: name)
        return try result.computeBlocks()[[]].map { try $0.toNDArray() }
            ?? { throw InternalError(message: "no unique result") }()
    }
}
