import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// Running sums along `axis`, or over the flattened array when `axis` is `nil` (`np.cumsum`;
    /// `int64` for booleans and signed integers, `uint64` for unsigned ones).
    ///
    /// Each block is summed on its own; block `k` along the axis then adds the carry, the running
    /// total of the blocks before it, which a chain of small tasks passes along (Dask's `cumreduction`).
    ///
    /// - Throws: ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis.
    public func cumsum(axis: Int? = nil) throws -> ChunkedArray { try cumulative(.sum, axis: axis) }

    /// Running products along `axis`, or over the flattened array when `axis` is `nil` (`np.cumprod`).
    public func cumprod(axis: Int? = nil) throws -> ChunkedArray { try cumulative(.prod, axis: axis) }

    /// Running sums with NaN counted as zero (`np.nancumsum`).
    public func nancumsum(axis: Int? = nil) throws -> ChunkedArray { try cumulative(.nansum, axis: axis) }

    /// Running products with NaN counted as one (`np.nancumprod`).
    public func nancumprod(axis: Int? = nil) throws -> ChunkedArray { try cumulative(.nanprod, axis: axis) }

    /// Running sums or products (`.sum`, `.prod`, `.nansum`, `.nanprod`) along `axis`.
    func cumulative(_ operation: ReductionOperation, axis requested: Int?) throws -> ChunkedArray {
        guard let requested else { return try flattened().cumulative(operation, axis: 0) }
        let axis = try NDArray.normalizeAxes([requested], ndim: ndim)[0]
        let resultType = operation.resultType(dtype)
        let carryOp: BinaryOperation = operation == .sum || operation == .nansum ? .add : .multiply
        let source = self
        let meta = self.meta
        let chunks = self.chunks
        let counts = numBlocks
        let name = LayerName.unique("cum\(operation.rawValue)")
        let localName = name + "-block", carryName = name + "-carry"
        let carries = blockCount - blockCount / Swift.max(counts[axis], 1)
        let layer = Layer(name: name, dependencies: [source.name], taskCount: 2 * blockCount + carries,
                          summary: "cum\(operation.rawValue) along axis \(axis)") {
            var tasks: [GraphTask] = []
            for index in BlockGrid.indices(counts) {
                tasks.append(GraphTask(TaskKey(localName, index), dependencies: [source.key(index)], label: "cumulative") {
                    values in try asChunk(values[0]).cumulative(operation, axis: axis)
                })
                let k = index[axis]
                var previous = index
                previous[axis] = k - 1
                if k >= 1 {
                    // The carry into block k: the carry into block k-1 combined with its last running value.
                    let blockLength = chunks[axis][k - 1]
                    let deps = k >= 2 ? [TaskKey(localName, previous), TaskKey(carryName, previous)]
                                      : [TaskKey(localName, previous)]
                    tasks.append(GraphTask(TaskKey(carryName, index), dependencies: deps, label: "cumulative-carry") {
                        values in
                        let local = try asChunk(values[0])
                        let last = try local.slice(local.shape.enumerated().map { a, length in
                            a == axis ? StridedRange(start: blockLength - 1, count: 1) : .all(length)
                        })
                        guard values.count == 2 else { return last }
                        let carry = try asChunk(values[1])
                        return try meta.chunk.evaluate(.binary(carryOp, .input(0, carry.dtype), .input(1, last.dtype)),
                                                       inputs: [carry, last], shape: last.shape)
                    })
                }
                let blockShape = zip(chunks, index).map { $0[$1] }
                let deps = k >= 1 ? [TaskKey(localName, index), TaskKey(carryName, index)] : [TaskKey(localName, index)]
                tasks.append(GraphTask(TaskKey(name, index), dependencies: deps, label: "cumulative-add") { values in
                    let local = try asChunk(values[0])
                    guard values.count == 2 else { return local }
                    let carry = try asChunk(values[1])
                    return try meta.chunk.evaluate(.binary(carryOp, .input(0, local.dtype), .input(1, carry.dtype)),
                                                   inputs: [local, carry], shape: blockShape)
                })
            }
            return tasks
        }
        return ChunkedArray(shape: shape, chunks: chunks, dtype: resultType, meta: meta,
                            graph: HighLevelGraph(adding: layer, to: [source.graph]), name: name)
    }
}
