import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// Reduces over `axes` (all axes when `nil`) with a tree of partial results.
    ///
    /// Each block is reduced by one task that evaluates the array's fused elementwise expression
    /// and reduces it in the same pass; partials are then combined `splitEvery` at a time (default
    /// `array.split-every`), and the final partial of each output block is finished (a mean divided,
    /// a variance normalised).
    ///
    /// - Throws: ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis, ``ConfigError`` for a
    ///   malformed configuration, ``ShapeError/invalidArgument(_:)`` for `splitEvery` below 2.
    public func reduce(_ operation: ReductionOperation, axes requested: [Int]? = nil, keepdims: Bool = false,
                       ddof: Int = 0, splitEvery: Int? = nil) throws -> ChunkedArray {
        let axes = try NDArray.normalizeAxes(requested ?? Array(0..<ndim), ndim: ndim)
        let fanIn = try splitEvery ?? Config.resolved().splitEvery
        guard fanIn >= 2 else { throw ShapeError.invalidArgument("splitEvery must be at least 2, got \(fanIn).") }
        guard ddof >= 0 else { throw ShapeError.invalidArgument("ddof must be zero or more, got \(ddof).") }
        let source = asFused
        let expression = source.expression
        let inputs = source.inputs
        let meta = self.meta
        let inputType = dtype
        let chunks = self.chunks
        let shape = self.shape
        let counts = numBlocks
        let keptAxes = (0..<ndim).filter { !axes.contains($0) }

        // Output: kept axes keep their chunks; reduced axes become one block of length 1 (kept) or vanish.
        let outChunks = keepdims ? chunks.enumerated().map { axes.contains($0.offset) ? [1] : $0.element }
                                 : keptAxes.map { chunks[$0] }
        let outShape = outChunks.map { $0.reduce(0, +) }
        let outCounts = outChunks.map(\.count)
        let prefix = operation.rawValue
        let partialName = LayerName.unique("\(prefix)-partial")
        let combineName = LayerName.unique("\(prefix)-combine")
        let finalName = LayerName.unique("\(prefix)-aggregate")
        let inputNames = inputs.map(\.array.name)
        let outputDType = operation.resultType(inputType)

        let totalPartials = counts.reduce(1, *)
        // One function and one label shared by every task of a layer: a task then holds only
        // what differs between blocks.
        let partialLabel = "\(prefix)-partial"
        let reduceBlock: @Sendable ([any Sendable], [Int]) throws -> any Sendable = { values, index in
            try meta.chunk.evaluateAndReduce(expression, inputs: values.map(asChunk),
                                             shape: zip(chunks, index).map { $0[$1] }, operation: operation, axes: axes)
        }
        let partialLayer = Layer(name: partialName, dependencies: inputNames, taskCount: totalPartials,
                                 summary: "\(prefix) of " + expression.formula) {
            BlockGrid.indices(counts).map { index in
                let dependencies = inputs.map { $0.key(forOutput: index, outputShape: shape) }
                return GraphTask(TaskKey(partialName, index), dependencies: dependencies, label: partialLabel) {
                    values in try reduceBlock(values, index)
                }
            }
        }

        // The tree: for each output block, the partials of every reduced block index, combined
        // `fanIn` at a time, level by level.
        let reducedCounts = axes.map { counts[$0] }
        let groupSize = reducedCounts.reduce(1, *)
        let levels = Self.treeLevels(groupSize, fanIn: fanIn)
        let combineCount = levels.reduce(0, +) * outCounts.reduce(1, *)
        let combineLabel = "\(prefix)-combine"
        let aggregateLabel = "\(prefix)-aggregate"
        let combinePartials: @Sendable ([any Sendable]) throws -> any Sendable = { values in
            var result = try asPartial(values[0])
            for value in values.dropFirst() {
                result = try meta.chunk.combine(result, asPartial(value), operation: operation)
            }
            return result
        }
        // One layer holds the combine tasks and the final task of each output block.
        let treeLayer = Layer(name: finalName, dependencies: [partialName], taskCount: combineCount + outCounts.reduce(1, *),
                                 summary: "combine \(prefix), split_every=\(fanIn)") {
            var tasks: [GraphTask] = []
            for outIndex in BlockGrid.indices(keptAxes.map { counts[$0] }) {
                var level = BlockGrid.indices(reducedCounts).map { reducedIndex -> TaskKey in
                    // Reducing every axis, the reduced index is the block index (axes are sorted).
                    if keptAxes.isEmpty { return TaskKey(partialName, reducedIndex) }
                    var full = [Int](repeating: 0, count: counts.count)
                    for (k, axis) in keptAxes.enumerated() { full[axis] = outIndex[k] }
                    for (k, axis) in axes.enumerated() { full[axis] = reducedIndex[k] }
                    return TaskKey(partialName, full)
                }
                var depth = 0
                while level.count > 1 {
                    var next: [TaskKey] = []
                    var start = 0
                    while start < level.count {
                        let group = Array(level[start..<Swift.min(start + fanIn, level.count)])
                        let key = TaskKey(combineName, outIndex + [depth, next.count])
                        tasks.append(GraphTask(key, dependencies: group, label: combineLabel, run: combinePartials))
                        next.append(key)
                        start += fanIn
                    }
                    level = next
                    depth += 1
                }
                let top = level[0]
                let outputIndex = keepdims ? (0..<counts.count).map { axis in
                    axes.contains(axis) ? 0 : outIndex[keptAxes.firstIndex(of: axis) ?? 0]
                } : outIndex
                let outBlockShape = zip(outChunks, outputIndex).map { $0[$1] }
                tasks.append(GraphTask(TaskKey(finalName, outputIndex), dependencies: [top], label: aggregateLabel) {
                    values in
                    let result = try meta.chunk.finalize(asPartial(values[0]), operation: operation,
                                                          inputType: inputType, ddof: ddof)
                    return try result.reshaped(outBlockShape)
                })
            }
            return tasks
        }
        let partials = HighLevelGraph(adding: partialLayer, to: inputs.map(\.array.graph))
        let graph = HighLevelGraph(adding: treeLayer, to: [partials])
        return ChunkedArray(shape: outShape, chunks: outChunks, dtype: outputDType, meta: meta, graph: graph,
                            name: finalName)
    }

    /// The number of combine tasks per level of a tree over `count` leaves.
    private static func treeLevels(_ count: Int, fanIn: Int) -> [Int] {
        var levels: [Int] = []
        var remaining = count
        while remaining > 1 {
            remaining = (remaining + fanIn - 1) / fanIn
            levels.append(remaining)
        }
        return levels
    }

    /// The sum of the elements (over `axis` if given).
    public func sum(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.sum, axes: axis.map { [$0] }, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The sum over several axes.
    public func sum(axes: [Int], keepdims: Bool = false) throws -> ChunkedArray { try reduce(.sum, axes: axes, keepdims: keepdims) }
    /// The product of the elements (over `axis` if given).
    public func prod(axis: Int? = nil, keepdims: Bool = false) throws -> ChunkedArray {
        try reduce(.prod, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The arithmetic mean (over `axis` if given), in float64 for integer input.
    public func mean(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.mean, axes: axis.map { [$0] }, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The mean over several axes.
    public func mean(axes: [Int], keepdims: Bool = false) throws -> ChunkedArray { try reduce(.mean, axes: axes, keepdims: keepdims) }
    /// The smallest element (NaN if any is NaN).
    public func min(axis: Int? = nil, keepdims: Bool = false) throws -> ChunkedArray {
        try reduce(.min, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The largest element (NaN if any is NaN).
    public func max(axis: Int? = nil, keepdims: Bool = false) throws -> ChunkedArray {
        try reduce(.max, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// The variance, dividing by `n - ddof`.
    public func `var`(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false) throws -> ChunkedArray {
        try reduce(.variance, axes: axis.map { [$0] }, keepdims: keepdims, ddof: ddof)
    }
    /// The standard deviation, dividing by `n - ddof`.
    public func std(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false) throws -> ChunkedArray {
        try reduce(.std, axes: axis.map { [$0] }, keepdims: keepdims, ddof: ddof)
    }
    /// Whether any element is nonzero.
    public func any(axis: Int? = nil, keepdims: Bool = false) throws -> ChunkedArray {
        try reduce(.any, axes: axis.map { [$0] }, keepdims: keepdims)
    }
    /// Whether every element is nonzero.
    public func all(axis: Int? = nil, keepdims: Bool = false) throws -> ChunkedArray {
        try reduce(.all, axes: axis.map { [$0] }, keepdims: keepdims)
    }
}
