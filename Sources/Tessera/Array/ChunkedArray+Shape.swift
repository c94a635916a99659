import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// The same values cut into different chunks.
    ///
    /// Each new block is assembled from the pieces of the old blocks it overlaps, so a rechunk is
    /// one task per new block. Rechunking never changes values.
    ///
    /// - Throws: ``ShapeError/invalidChunks(shape:chunks:reason:)`` for invalid chunks.
    public func rechunk(_ spec: ChunkSpec) throws -> ChunkedArray {
        let config = try Config.resolved()
        let target = try spec.resolve(shape: shape, dtype: dtype, limitBytes: config.chunkSizeBytes)
        if target == chunks { return self }
        if let blockMaker {
            return Self.generated(shape: shape, chunks: target, dtype: dtype, meta: meta, prefix: "rechunk",
                                  regenerable: true,
                                  makeBlock: blockMaker)
        }
        if let fused, fused.inputs.isEmpty {
            // A constant: the same expression over the new blocks.
            return Self.fromFused(fused, shape: shape, chunks: target, meta: meta)
        }
        let ranges = target.map { blocks in
            zip(BlockGrid.boundaries(blocks), BlockGrid.boundaries(blocks).dropFirst()).map { $0..<$1 }
        }
        return gather(chunks: target, prefix: "rechunk") { index in
            zip(ranges, index).map { StridedRange(start: $0[$1].lowerBound, count: $0[$1].count) }
        }
    }

    /// The same values cut into uniform blocks of the given sizes.
    public func rechunk(_ sizes: [Int]) throws -> ChunkedArray { try rechunk(.uniform(sizes)) }

    /// The array with its axes reversed (NumPy's `.T`).
    public func transposed() throws -> ChunkedArray { try transposed(Array((0..<ndim).reversed())) }

    /// The array with axes permuted: result axis `i` is axis `permutation[i]`.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` if `permutation` is not a permutation of the axes.
    public func transposed(_ permutation: [Int]) throws -> ChunkedArray {
        guard permutation.sorted() == Array(0..<ndim) else {
            throw ShapeError.invalidArgument("\(permutation) is not a permutation of the \(ndim) axes.")
        }
        if permutation == Array(0..<ndim) { return self }
        let outShape = permutation.map { shape[$0] }
        let outChunks = permutation.map { chunks[$0] }
        // A view: blocks are read transposed by whatever consumes them (an elementwise operation or
        // a reduction reads them in place; anything else gets a transposed copy of each block).
        let view = asFused
        if view.inputs.allSatisfy({ $0.array.ndim == ndim && $0.viewShape == shape }) {
            let inputs = view.inputs.map { input in
                FusedInput(input.array, permutation: permutation.map { (input.permutation ?? Array(0..<ndim))[$0] })
            }
            let fused = FusedElementwise(expression: view.expression.permutingInputs(permutation), inputs: inputs)
            return Self.fromFused(fused, shape: outShape, chunks: outChunks, meta: meta)
        }
        let source = self
        return ChunkedArray.derived(
            from: [source], shape: permutation.map { shape[$0] }, chunks: permutation.map { chunks[$0] }, dtype: dtype,
            meta: meta, prefix: "transpose",
            dependencies: { index in
                var original = [Int](repeating: 0, count: permutation.count)
                for (k, axis) in permutation.enumerated() { original[axis] = index[k] }
                return [source.key(original)]
            },
            compute: { _, inputs in try inputs[0].transposed(permutation) })
    }

    /// An array with blocks `chunks` whose block `index` holds the elements `region(index)` of
    /// this array (step 1), assembled from the blocks they overlap.
    func gather(chunks outChunks: [[Int]], prefix: String,
                        region: @escaping @Sendable ([Int]) -> [StridedRange]) -> ChunkedArray {
        let source = self
        let bounds = chunks.map(BlockGrid.boundaries)
        // For a region along one axis: the overlapping source blocks and the local range in each.
        @Sendable func pieces(axis: Int, range: StridedRange) -> [(block: Int, local: StridedRange)] {
            let b = bounds[axis]
            var result: [(Int, StridedRange)] = []
            for block in 0..<(b.count - 1) {
                let low = Swift.max(b[block], range.start), high = Swift.min(b[block + 1], range.start + range.count)
                if low < high { result.append((block, StridedRange(start: low - b[block], count: high - low))) }
            }
            if result.isEmpty { result.append((0, StridedRange(start: 0, count: 0))) }
            return result
        }
        @Sendable func plan(_ index: [Int]) -> [[(block: Int, local: StridedRange)]] {
            zip(0..<source.ndim, region(index)).map { pieces(axis: $0, range: $1) }
        }
        let meta = self.meta
        return ChunkedArray.derived(
            from: [source], shape: outChunks.map { $0.reduce(0, +) }, chunks: outChunks, dtype: dtype, meta: meta,
            prefix: prefix,
            dependencies: { index in
                BlockGrid.indices(plan(index).map(\.count)).map { choice in
                    source.key(zip(plan(index), choice).map { $0[$1].block })
                }
            },
            compute: { index, inputs in
                let axesPlan = plan(index)
                let choices = BlockGrid.indices(axesPlan.map(\.count))
                // Where each piece goes: the sum of the lengths of the pieces before it, per axis.
                let starts = axesPlan.map { pieces in
                    pieces.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.local.count) }
                }
                let parts = zip(choices, inputs).map { choice, input in
                    ChunkPiece(chunk: input, ranges: zip(axesPlan, choice).map { $0[$1].local },
                               offset: choice.enumerated().map { starts[$0.offset][$0.element] })
                }
                return try meta.chunk.assemble(parts, shape: zip(outChunks, index).map { $0[$1] })
            })
    }

    /// Arrays joined along `axis`; they must agree on every other axis and come from one backend.
    ///
    /// - Throws: ``ShapeError`` for mismatched shapes or a bad axis, ``BackendError`` for mixed backends.
    public static func concatenate(_ arrays: [ChunkedArray], axis: Int = 0) throws -> ChunkedArray {
        guard let first = arrays.first else { throw ShapeError.invalidArgument("Need at least one array to concatenate.") }
        let axis = try NDArray.normalizeAxes([axis], ndim: first.ndim)[0]
        for array in arrays {
            guard array.ndim == first.ndim,
                  (0..<first.ndim).allSatisfy({ $0 == axis || array.shape[$0] == first.shape[$0] }) else {
                throw ShapeError.incompatible(operation: "concatenate", shapes: arrays.map(\.shape))
            }
            guard array.backend == first.backend else {
                throw BackendError.notImplemented(function: "concatenate with a \"\(array.backend)\" array",
                                                  backend: first.backend)
            }
        }
        let dtype = arrays.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        // Align the other axes' chunks to the first array's.
        let aligned = try arrays.map { array -> ChunkedArray in
            var target = first.chunks
            target[axis] = array.chunks[axis]
            return try array.astype(dtype).rechunk(.explicit(target))
        }
        var outChunks = first.chunks
        outChunks[axis] = aligned.flatMap { $0.chunks[axis] }
        var owner: [(array: Int, block: Int)] = []
        for (k, array) in aligned.enumerated() { for b in 0..<array.numBlocks[axis] { owner.append((k, b)) } }
        let ownerMap = owner
        return ChunkedArray.derived(
            from: aligned, shape: outChunks.map { $0.reduce(0, +) }, chunks: outChunks, dtype: dtype, meta: first.meta,
            prefix: "concatenate",
            dependencies: { index in
                var local = index
                local[axis] = ownerMap[index[axis]].block
                return [aligned[ownerMap[index[axis]].array].key(local)]
            },
            compute: { _, inputs in inputs[0] })
    }
}
