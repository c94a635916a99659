import Backends

extension NDArray: ArrayChunk {
    /// `"numpy"`.
    public var backendLabel: String { "numpy" }

    /// `self`: an `NDArray` is already in host memory.
    public func toNDArray() throws -> NDArray { self }

    /// `host` itself.
    public func fromNDArray(_ host: NDArray) throws -> any ArrayChunk { host }

    /// An uninitialised array (its elements are zero, for determinism).
    public func empty(shape: [Int], dtype: DType) throws -> any ArrayChunk { try NDArray(zeros: shape, dtype: dtype) }

    /// An array of `shape` with every element `value`.
    public func full(shape: [Int], value: ScalarValue, dtype: DType) throws -> any ArrayChunk {
        try Self.checkShape(shape)
        return NDArray(filled: value, shape: shape, dtype: dtype)
    }

    /// Evaluates a fused expression over `self` and `others`.
    public func evaluate(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int]) throws
        -> any ArrayChunk {
        try NDArray.evaluate(expression, inputs: inputs.map { try $0.toNDArray() }, shape: shape)
    }

    /// Evaluates a fused expression and reduces it in one pass.
    public func evaluateAndReduce(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int],
                                  operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial {
        try NDArray.reducePartial(expression, inputs: inputs.map { try $0.toNDArray() }, shape: shape,
                                  operation: operation, axes: axes)
    }

    /// Combines two partials.
    public func combine(_ a: ReductionPartial, _ b: ReductionPartial, operation: ReductionOperation) throws
        -> ReductionPartial { try NDArray.combine(a, b, operation: operation) }

    /// Finishes a reduction.
    public func finalize(_ partial: ReductionPartial, operation: ReductionOperation, inputType: DType,
                         ddof: Int) throws -> any ArrayChunk {
        try NDArray.finalize(partial, operation: operation, inputType: inputType, ddof: ddof)
    }

    /// True division.
    public func divide(_ a: any ArrayChunk, _ b: any ArrayChunk) throws -> any ArrayChunk {
        let lhs = try a.toNDArray()
        let rhs = try b.toNDArray()
        let shape = try NDArray.broadcastShape(lhs.shape, rhs.shape)
        return try NDArray.evaluate(.binary(.divide, .input(0, lhs.dtype), .input(1, rhs.dtype)), inputs: [lhs, rhs],
                                    shape: shape)
    }

    /// Joins `chunks` along `axis`.
    public func concatenate(_ chunks: [any ArrayChunk], axis: Int) throws -> any ArrayChunk {
        try NDArray.concatenated(chunks.map { try $0.toNDArray() }, axis: axis)
    }

    /// `np.tensordot`.
    public func tensordot(_ a: any ArrayChunk, _ b: any ArrayChunk, axes: ([Int], [Int])) throws -> any ArrayChunk {
        try NDArray.tensordot(a.toNDArray(), b.toNDArray(), axes: axes)
    }

    /// Products of block pairs summed in one buffer (2-d pairs over one axis each go straight to
    /// the matrix kernel with transpose flags).
    public func tensordotSum(_ pairs: [(any ArrayChunk, any ArrayChunk)], axes: ([Int], [Int])) throws
        -> any ArrayChunk {
        let hosts = try pairs.map { (try $0.0.toNDArray(), try $0.1.toNDArray()) }
        if axes.0.count == 1, axes.1.count == 1, hosts.allSatisfy({ $0.0.ndim == 2 && $0.1.ndim == 2 }),
           (0...1).contains(axes.0[0]), (0...1).contains(axes.1[0]) {
            return try NDArray.matrixProductSum(hosts.map { ($0.0, axes.0[0] == 0, $0.1, axes.1[0] == 1) })
        }
        var total: NDArray?
        for (a, b) in hosts {
            let product = try NDArray.tensordot(a, b, axes: axes)
            total = try total.map {
                try NDArray.evaluate(.binary(.add, .input(0, $0.dtype), .input(1, product.dtype)), inputs: [$0, product],
                                     shape: product.shape)
            } ?? product
        }
        guard let result = total else {
            throw ShapeError.invalidArgument("A sum of products needs at least one pair of blocks.")
        }
        return result
    }

    /// `np.einsum`.
    public func einsum(_ subscripts: String, _ operands: [any ArrayChunk]) throws -> any ArrayChunk {
        try NDArray.einsum(subscripts, operands.map { try $0.toNDArray() })
    }

    /// Element counts along `axes`.
    public func numel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk {
        let axes = try NDArray.normalizeAxes(axes, ndim: ndim)
        let total = axes.reduce(1) { $0 * shape[$1] }
        let outShape = keepdims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return NDArray(filled: .int(Int64(total)), shape: outShape, dtype: .int64)
    }

    /// Non-NaN counts along `axes`.
    public func nannumel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk {
        let partial = try NDArray.reducePartial(.input(0, dtype), inputs: [self], shape: shape, operation: .count,
                                                axes: axes.isEmpty ? Array(0..<ndim) : axes)
        let result = try NDArray.finalize(partial, operation: .count, inputType: dtype, ddof: 0)
        if keepdims { return result }
        let normalized = try NDArray.normalizeAxes(axes.isEmpty ? Array(0..<ndim) : axes, ndim: ndim)
        return try result.reshapedView(shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element))
    }

    /// Percentiles of all elements.
    public func percentile(_ q: [Double]) throws -> any ArrayChunk { try percentiles(q) }

    /// Percentiles along `axis`.
    public func percentile(_ q: [Double], axis: Int) throws -> any ArrayChunk { try percentiles(q, axis: axis) }

    /// Running sums or products along `axis`.
    public func cumulative(_ operation: ReductionOperation, axis: Int) throws -> any ArrayChunk {
        try cumulative(operation, axis: axis) as NDArray
    }

    /// Sorted along `axis`, NaN last.
    @_disfavoredOverload
    public func sorted(axis: Int) throws -> any ArrayChunk { try sortedAlong(axis) }

    /// The sorted distinct elements.
    @_disfavoredOverload
    public func unique() throws -> any ArrayChunk { try uniqueValues() }

    /// The elements at `indices` along `axis`.
    @_disfavoredOverload
    public func take(_ indices: [Int], axis: Int) throws -> any ArrayChunk { try taking(indices, axis: axis) }

    /// The elements where `mask` is true.
    public func compress(_ mask: any ArrayChunk) throws -> any ArrayChunk { try compressed(by: mask.toNDArray()) }

    /// Pieces of host arrays copied straight into one new array.
    public func assemble(_ pieces: [ChunkPiece], shape: [Int]) throws -> any ArrayChunk {
        try NDArray.assembled(pieces.map { (try $0.chunk.toNDArray(), $0.ranges, $0.offset) }, shape: shape)
    }

    /// A strided selection.
    public func slice(_ ranges: [StridedRange]) throws -> any ArrayChunk { try sliced(ranges) }

    /// The axes permuted.
    @_disfavoredOverload
    public func transposed(_ permutation: [Int]) throws -> any ArrayChunk { try transposedCopy(permutation) }

    /// A new shape.
    @_disfavoredOverload
    public func reshaped(_ shape: [Int]) throws -> any ArrayChunk { try reshapedView(shape) }

    /// Converted elements.
    @_disfavoredOverload
    public func astype(_ dtype: DType) throws -> any ArrayChunk { try converted(to: dtype) }
}
