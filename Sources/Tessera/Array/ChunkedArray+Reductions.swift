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
    /// `argmin` and `argmax` reduce one axis, or every axis (`axes` `nil`) giving the flat
    /// row-major position; each block's positions are made global before the tree combines them.
    ///
    /// - Throws: ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis, ``ConfigError`` for a
    ///   malformed configuration, ``ShapeError/invalidArgument(_:)`` for `splitEvery` below 2, a
    ///   negative `ddof`, `argmin`/`argmax` over several axes, or `min`, `max`, `argmin`, `argmax`
    ///   over no elements (NumPy's "zero-size array to reduction operation").
    public func reduce(_ operation: ReductionOperation, axes requested: [Int]? = nil, keepdims: Bool = false,
                       ddof: Int = 0, splitEvery: Int? = nil) throws -> ChunkedArray {
        let axes = try NDArray.normalizeAxes(requested ?? Array(0..<ndim), ndim: ndim)
        let fanIn = try splitEvery ?? Config.resolved().splitEvery
        guard fanIn >= 2 else { throw ShapeError.invalidArgument("splitEvery must be at least 2, got \(fanIn).") }
        guard ddof >= 0 else { throw ShapeError.invalidArgument("ddof must be zero or more, got \(ddof).") }
        if operation.isPositional && requested != nil && axes.count != 1 {
            throw ShapeError.invalidArgument("\(operation.rawValue) takes one axis (or none for the flat position), got \(axes).")
        }
        if operation.needsElements, axes.contains(where: { self.shape[$0] == 0 }) || (axes.isEmpty && size == 0) {
            throw ShapeError.invalidArgument(
                "zero-size array to reduction operation \(operation.rawValue) which has no identity (shape \(shape)).")
        }
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
        let boundaries = chunks.map(BlockGrid.boundaries)
        let flatPositions = axes.count == ndim
        let reduceBlock: @Sendable ([any Sendable], [Int]) throws -> any Sendable = { values, index in
            let blockShape = zip(chunks, index).map { $0[$1] }
            let partial = try meta.chunk.evaluateAndReduce(expression, inputs: values.map(asChunk), shape: blockShape,
                                                           operation: operation, axes: axes)
            guard case let .arg(best, local) = partial else { return partial }
            // Positions in the block become positions in the array.
            let offsets = zip(boundaries, index).map { $0[$1] }
            let position = flatPositions
                ? Self.flatPosition(blockShape: blockShape, offsets: offsets, arrayShape: shape)
                : .binary(.add, .input(0, .int64), .constant(.int(Int64(offsets[axes[0]])), .int64))
            return ReductionPartial.arg(values: best, indices: try meta.chunk.evaluate(position, inputs: [local],
                                                                                      shape: local.shape))
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

    /// The expression turning a flat position in a block (input 0, `int64`) into the flat
    /// position in the array: `sum over d of (offset[d] + (p // blockStride[d]) % blockShape[d]) * arrayStride[d]`.
    static func flatPosition(blockShape: [Int], offsets: [Int], arrayShape: [Int]) -> ElementwiseExpression {
        let p = ElementwiseExpression.input(0, .int64)
        func constant(_ value: Int) -> ElementwiseExpression { .constant(.int(Int64(value)), .int64) }
        var total = constant(0)
        var blockStride = 1, arrayStride = 1
        for axis in blockShape.indices.reversed() {
            let local = ElementwiseExpression.binary(.remainder, .binary(.floorDivide, p, constant(blockStride)),
                                                     constant(Swift.max(blockShape[axis], 1)))
            total = .binary(.add, total, .binary(.multiply, .binary(.add, local, constant(offsets[axis])),
                                                 constant(arrayStride)))
            blockStride *= blockShape[axis]
            arrayStride *= arrayShape[axis]
        }
        return total
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

    // MARK: - Named reductions

    /// The axes of a reduction given as one optional axis.
    private func axesOf(_ axis: Int?) -> [Int]? { axis.map { [$0] } }

    /// The sum of the elements, over `axis` if given (`np.sum`; integers sum as `int64`/`uint64`).
    public func sum(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.sum, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The sum over several axes.
    public func sum(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.sum, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The product of the elements, over `axis` if given (`np.prod`).
    public func prod(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.prod, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The product over several axes.
    public func prod(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.prod, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The arithmetic mean, over `axis` if given, in float64 for integer input (`np.mean`).
    public func mean(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.mean, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The mean over several axes.
    public func mean(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.mean, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The smallest element, over `axis` if given; NaN if any is NaN (`np.min`).
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` over no elements.
    public func min(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.min, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The smallest element over several axes.
    public func min(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.min, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The largest element, over `axis` if given; NaN if any is NaN (`np.max`).
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` over no elements.
    public func max(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.max, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The largest element over several axes.
    public func max(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.max, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The variance, dividing by `n - ddof` (`np.var`).
    public func `var`(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, splitEvery: Int? = nil) throws
        -> ChunkedArray {
        try reduce(.variance, axes: axesOf(axis), keepdims: keepdims, ddof: ddof, splitEvery: splitEvery)
    }
    /// The variance over several axes.
    public func `var`(axes: [Int], ddof: Int = 0, keepdims: Bool = false, splitEvery: Int? = nil) throws
        -> ChunkedArray {
        try reduce(.variance, axes: axes, keepdims: keepdims, ddof: ddof, splitEvery: splitEvery)
    }
    /// The standard deviation, dividing by `n - ddof` (`np.std`).
    public func std(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, splitEvery: Int? = nil) throws
        -> ChunkedArray {
        try reduce(.std, axes: axesOf(axis), keepdims: keepdims, ddof: ddof, splitEvery: splitEvery)
    }
    /// The standard deviation over several axes.
    public func std(axes: [Int], ddof: Int = 0, keepdims: Bool = false, splitEvery: Int? = nil) throws
        -> ChunkedArray {
        try reduce(.std, axes: axes, keepdims: keepdims, ddof: ddof, splitEvery: splitEvery)
    }
    /// Whether any element is nonzero, over `axis` if given (`np.any`).
    public func any(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.any, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// Whether any element is nonzero over several axes.
    public func any(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.any, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// Whether every element is nonzero, over `axis` if given (`np.all`).
    public func all(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.all, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// Whether every element is nonzero over several axes.
    public func all(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.all, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The number of elements that are not NaN, over `axis` if given (`int64`; every element for integers).
    public func countNonNaN(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.count, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The number of elements that are not NaN over several axes.
    public func countNonNaN(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.count, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The sum with NaN counted as zero (`np.nansum`).
    public func nansum(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.nansum, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The sum with NaN counted as zero, over several axes.
    public func nansum(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.nansum, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The product with NaN counted as one (`np.nanprod`).
    public func nanprod(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.nanprod, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The mean of the elements that are not NaN (`np.nanmean`; NaN where all are).
    public func nanmean(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.nanmean, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The mean of the elements that are not NaN, over several axes.
    public func nanmean(axes: [Int], keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.nanmean, axes: axes, keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The smallest element ignoring NaN (`np.nanmin`; NaN where all are).
    public func nanmin(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.nanmin, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The largest element ignoring NaN (`np.nanmax`; NaN where all are).
    public func nanmax(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.nanmax, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The variance of the elements that are not NaN (`np.nanvar`).
    public func nanvar(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, splitEvery: Int? = nil) throws
        -> ChunkedArray {
        try reduce(.nanvar, axes: axesOf(axis), keepdims: keepdims, ddof: ddof, splitEvery: splitEvery)
    }
    /// The standard deviation of the elements that are not NaN (`np.nanstd`).
    public func nanstd(axis: Int? = nil, ddof: Int = 0, keepdims: Bool = false, splitEvery: Int? = nil) throws
        -> ChunkedArray {
        try reduce(.nanstd, axes: axesOf(axis), keepdims: keepdims, ddof: ddof, splitEvery: splitEvery)
    }
    /// The position of the smallest element along `axis`, or the flat row-major position when
    /// `axis` is `nil` (`np.argmin`; the first one on ties, the first NaN if any).
    public func argmin(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.argmin, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
    /// The position of the largest element along `axis`, or the flat position when `axis` is `nil` (`np.argmax`).
    public func argmax(axis: Int? = nil, keepdims: Bool = false, splitEvery: Int? = nil) throws -> ChunkedArray {
        try reduce(.argmax, axes: axesOf(axis), keepdims: keepdims, splitEvery: splitEvery)
    }
}
