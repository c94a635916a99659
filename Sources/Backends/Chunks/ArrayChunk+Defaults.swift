extension ArrayChunk {
    private func missing(_ function: String) -> BackendError {
        .notImplemented(function: function, backend: backendLabel)
    }

    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func fromNDArray(_ host: NDArray) throws -> any ArrayChunk { throw missing("fromNDArray") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func empty(shape: [Int], dtype: DType) throws -> any ArrayChunk { throw missing("empty") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func full(shape: [Int], value: ScalarValue, dtype: DType) throws -> any ArrayChunk { throw missing("full") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func evaluate(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int]) throws
        -> any ArrayChunk { throw missing("elementwise operations") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func evaluateAndReduce(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int],
                                  operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial {
        throw missing(operation.rawValue)
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func combine(_ a: ReductionPartial, _ b: ReductionPartial, operation: ReductionOperation) throws
        -> ReductionPartial { throw missing(operation.rawValue) }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func finalize(_ partial: ReductionPartial, operation: ReductionOperation, inputType: DType,
                         ddof: Int) throws
        -> any ArrayChunk { throw missing(operation.rawValue) }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func divide(_ a: any ArrayChunk, _ b: any ArrayChunk) throws -> any ArrayChunk { throw missing("divide") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func concatenate(_ chunks: [any ArrayChunk], axis: Int) throws -> any ArrayChunk {
        throw missing("concatenate")
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func tensordot(_ a: any ArrayChunk, _ b: any ArrayChunk, axes: ([Int], [Int])) throws -> any ArrayChunk {
        throw missing("tensordot")
    }
    /// Each product with ``tensordot(_:_:axes:)``, summed with ``evaluate(_:inputs:shape:)``.
    public func tensordotSum(_ pairs: [(any ArrayChunk, any ArrayChunk)], axes: ([Int], [Int])) throws
        -> any ArrayChunk {
        var total: (any ArrayChunk)?
        for (a, b) in pairs {
            let product = try tensordot(a, b, axes: axes)
            if let sum = total {
                total = try evaluate(.binary(.add, .input(0, sum.dtype), .input(1, product.dtype)), inputs: [sum, product],
                                     shape: product.shape)
            } else {
                total = product
            }
        }
        guard let result = total else {
            throw ShapeError.invalidArgument("A sum of products needs at least one pair of blocks.")
        }
        return result
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func einsum(_ subscripts: String, _ operands: [any ArrayChunk]) throws -> any ArrayChunk {
        throw missing("einsum")
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func numel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk { throw missing("numel") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func nannumel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk { throw missing("nannumel") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func percentile(_ q: [Double]) throws -> any ArrayChunk { throw missing("percentile") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func percentile(_ q: [Double], axis: Int) throws -> any ArrayChunk { throw missing("percentile") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func cumulative(_ operation: ReductionOperation, axis: Int) throws -> any ArrayChunk {
        throw missing("cum" + operation.rawValue)
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    @_disfavoredOverload // as the conforming types' own, so theirs is chosen where both are visible
    public func sorted(axis: Int) throws -> any ArrayChunk { throw missing("sort") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    @_disfavoredOverload // as the conforming types' own, so theirs is chosen where both are visible
    public func unique() throws -> any ArrayChunk { throw missing("unique") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    @_disfavoredOverload // as the conforming types' own, so theirs is chosen where both are visible
    public func take(_ indices: [Int], axis: Int) throws -> any ArrayChunk { throw missing("take") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func compress(_ mask: any ArrayChunk) throws -> any ArrayChunk { throw missing("boolean indexing") }
    /// Slices every piece and joins them axis by axis with ``concatenate(_:axis:)``.
    public func assemble(_ pieces: [ChunkPiece], shape: [Int]) throws -> any ArrayChunk {
        guard let first = pieces.first else { throw ShapeError.invalidArgument("Nothing to assemble into \(shape).") }
        if pieces.count == 1 { return try first.chunk.slice(first.ranges) }
        // The pieces form a grid: their distinct offsets along each axis are its lines.
        let lines = shape.indices.map { axis in Array(Set(pieces.map { $0.offset[axis] })).sorted() }
        var grid: [[Int]: any ArrayChunk] = [:]
        for piece in pieces {
            let position = shape.indices.map { axis in lines[axis].firstIndex(of: piece.offset[axis]) ?? 0 }
            grid[position] = try piece.chunk.slice(piece.ranges)
        }
        func join(_ prefix: [Int]) throws -> any ArrayChunk {
            if prefix.count == shape.count {
                guard let part = grid[prefix] else {
                    throw ShapeError.invalidArgument("The pieces do not tile shape \(shape).")
                }
                return part
            }
            let parts = try lines[prefix.count].indices.map { try join(prefix + [$0]) }
            return parts.count == 1 ? parts[0] : try concatenate(parts, axis: prefix.count)
        }
        return try join([])
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func slice(_ ranges: [StridedRange]) throws -> any ArrayChunk { throw missing("slicing") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    @_disfavoredOverload // as the conforming types' own, so theirs is chosen where both are visible
    public func transposed(_ permutation: [Int]) throws -> any ArrayChunk { throw missing("transpose") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    @_disfavoredOverload // as the conforming types' own, so theirs is chosen where both are visible
    public func reshaped(_ shape: [Int]) throws -> any ArrayChunk { throw missing("reshape") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    @_disfavoredOverload // as the conforming types' own, so theirs is chosen where both are visible
    public func astype(_ dtype: DType) throws -> any ArrayChunk { throw missing("astype") }
}
