import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// The matrix product `self @ other` (`np.matmul`).
    ///
    /// For 2-d arrays, block `(i, j)` of the result is the sum over `k` of the products of block
    /// `(i, k)` of `self` and block `(k, j)` of `other` (`other` is rechunked along its rows to
    /// match `self`'s columns). A transposed operand (`x.transposed()`) is not copied: its source
    /// blocks go to the kernel with a transpose flag, so `x.matmul(x.transposed())` reads `x` only,
    /// and as that product is symmetric only the blocks on and above the diagonal are multiplied.
    /// 1-d operands act as a row or a column (that axis is removed from the result), and arrays
    /// of more axes are stacks of matrices with equal leading axes, as in NumPy.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the inner lengths (or the
    ///   stacks' leading axes) differ, ``ShapeError/invalidArgument(_:)`` for a 0-d operand,
    ///   ``BackendError`` for operands of different backends.
    public func matmul(_ other: ChunkedArray) throws -> ChunkedArray {
        guard ndim >= 1, other.ndim >= 1 else {
            throw ShapeError.invalidArgument("matmul: Input operand does not have enough dimensions (0-d arrays are not matrices).")
        }
        guard other.backend == backend else {
            throw BackendError.notImplemented(function: "matmul with a \"\(other.backend)\" array", backend: backend)
        }
        let inner = shape[ndim - 1], otherInner = other.ndim == 1 ? other.shape[0] : other.shape[other.ndim - 2]
        guard inner == otherInner else {
            throw ShapeError.incompatible(operation: "matmul", shapes: [shape, other.shape])
        }
        if ndim == 2 && other.ndim == 2 { return try matrixProduct(other) }
        guard Swift.max(ndim, other.ndim) <= 20 else {
            throw ShapeError.invalidArgument("matmul: too many axes (\(Swift.max(ndim, other.ndim))).")
        }
        // Stacks of matrices: leading axes aligned from the right, as NumPy broadcasts them
        // (lengths must be equal where both have the axis).
        let letters = Array("abcdefghijklmnopqrstuvw")
        let batch = Array(letters.prefix(Swift.max(ndim, other.ndim, 2) - 2))
        let (i, k, j): (Character, Character, Character) = ("x", "y", "z")
        let left = ndim == 1 ? [k] : Array(batch.suffix(ndim - 2)) + [i, k]
        let right = other.ndim == 1 ? [k] : Array(batch.suffix(other.ndim - 2)) + [k, j]
        let out = batch + (ndim >= 2 ? [i] : []) + (other.ndim >= 2 ? [j] : [])
        do {
            return try Self.einsum(String(left) + "," + String(right) + "->" + String(out), self, other)
        } catch ShapeError.incompatible {
            throw ShapeError.incompatible(operation: "matmul", shapes: [shape, other.shape])
        }
    }

    /// The 2-d product, with transposed operands read from their source blocks.
    private func matrixProduct(_ other: ChunkedArray) throws -> ChunkedArray {
        // An operand that is a transposed view of a materialised matrix is multiplied from its source.
        func transposedSource(_ array: ChunkedArray) -> ChunkedArray? {
            guard let fused = array.fused, fused.inputs.count == 1, fused.inputs[0].array.ndim == 2,
                  case let .permutedInput(0, _, permutation) = fused.expression, permutation == [1, 0] else { return nil }
            return fused.inputs[0].array
        }
        let leftSource = transposedSource(self), rightSource = transposedSource(other)
        // Left blocks (i, k): chunks [rows of self, columns of self]; right blocks (k, j).
        let kChunks = chunks[1]
        let left: ChunkedArray = leftSource.map { $0 } ?? self
        let right: ChunkedArray = try rightSource.map { try $0.rechunk(.explicit([$0.chunks[0], kChunks])) }
            ?? other.rechunk(.explicit([kChunks, other.chunks[1]]))
        let transA = leftSource != nil, transB = rightSource != nil
        let rightColumns = transB ? right.chunks[0] : right.chunks[1]
        let innerBlocks = kChunks.count
        let meta = self.meta
        let outChunks = [chunks[0], rightColumns]
        // x @ x.T and x.T @ x are symmetric (what NumPy's dsyrk exploits): the blocks below the
        // diagonal are the transposes of those above it, so only half the products are computed.
        let symmetric = transA != transB && left.name == right.name && outChunks[0] == outChunks[1]
        let name = LayerName.unique("matmul")
        let counts = outChunks.map(\.count)
        let axes = ([transA ? 0 : 1], [transB ? 1 : 0])
        let layer = Layer(name: name, dependencies: [left.name, right.name], taskCount: counts.reduce(1, *),
                          summary: symmetric ? "matmul (symmetric: upper blocks)" : "matmul") {
            BlockGrid.indices(counts).map { index in
                if symmetric, index[0] > index[1] {
                    return GraphTask(TaskKey(name, index), dependencies: [TaskKey(name, [index[1], index[0]])],
                                     label: "matmul-mirror") { values in try asChunk(values[0]).transposed([1, 0]) }
                }
                let dependencies = (0..<innerBlocks).flatMap { k in
                    [left.key(transA ? [k, index[0]] : [index[0], k]), right.key(transB ? [index[1], k] : [k, index[1]])]
                }
                return GraphTask(TaskKey(name, index), dependencies: dependencies, label: "matmul") { values in
                    let blocks = try values.map(asChunk)
                    let pairs = (0..<innerBlocks).map { k in (blocks[2 * k], blocks[2 * k + 1]) }
                    return try meta.chunk.tensordotSum(pairs, axes: axes)
                }
            }
        }
        return ChunkedArray(shape: [shape[0], other.shape[1]], chunks: outChunks, dtype: DType.promote(dtype, other.dtype),
                            meta: meta, graph: HighLevelGraph(adding: layer, to: [left.graph, right.graph]), name: name)
    }

    /// `np.tensordot(self, other, axes)`: sums over the last `axes` axes of `self` and the first
    /// `axes` of `other` (`tensordot(other, axes: 1)` of matrices is `matmul`).
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the paired lengths differ,
    ///   ``ShapeError/invalidArgument(_:)`` for a negative count or more than either has.
    public func tensordot(_ other: ChunkedArray, axes: Int = 2) throws -> ChunkedArray {
        guard axes >= 0, axes <= ndim, axes <= other.ndim else {
            throw ShapeError.invalidArgument("tensordot: axes=\(axes) must be between 0 and both arrays' number of axes "
                                             + "(\(ndim) and \(other.ndim)).")
        }
        return try tensordot(other, axes: (Array((ndim - axes)..<ndim), Array(0..<axes)))
    }

    /// `np.tensordot(self, other, axes=(a, b))`: sums products over axes `a` of `self` paired with
    /// axes `b` of `other`; the result has `self`'s other axes, then `other`'s.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` for lengths that differ or lists of
    ///   different lengths, ``ShapeError/axisOutOfRange(axis:ndim:)``, ``ShapeError/invalidArgument(_:)``
    ///   for a repeated axis.
    public func tensordot(_ other: ChunkedArray, axes: ([Int], [Int])) throws -> ChunkedArray {
        let axesA = try axes.0.map { try NDArray.normalizeAxes([$0], ndim: ndim)[0] }
        let axesB = try axes.1.map { try NDArray.normalizeAxes([$0], ndim: other.ndim)[0] }
        guard axesA.count == axesB.count, zip(axesA, axesB).allSatisfy({ shape[$0] == other.shape[$1] }) else {
            throw ShapeError.incompatible(operation: "tensordot", shapes: [shape, other.shape])
        }
        guard Set(axesA).count == axesA.count, Set(axesB).count == axesB.count else {
            throw ShapeError.invalidArgument("tensordot: repeated axes \(axes.0) or \(axes.1).")
        }
        guard ndim + other.ndim <= 52 else { throw ShapeError.invalidArgument("tensordot: too many axes.") }
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let left = Array(letters.prefix(ndim))
        var right = Array(letters.dropFirst(ndim).prefix(other.ndim))
        for (a, b) in zip(axesA, axesB) { right[b] = left[a] }
        let out = left.indices.filter { !axesA.contains($0) }.map { left[$0] }
            + right.indices.filter { !axesB.contains($0) }.map { right[$0] }
        return try Self.einsum(String(left) + "," + String(right) + "->" + String(out), self, other)
    }

    /// `np.dot`: the inner product of 1-d arrays, the matrix product of 2-d arrays, and in
    /// general a sum over the last axis of `self` and the second-to-last of `other`.
    public func dot(_ other: ChunkedArray) throws -> ChunkedArray {
        if ndim == 0 || other.ndim == 0 { return try self * other }
        if ndim == 2 && other.ndim == 2 { return try matmul(other) }
        return try tensordot(other, axes: ([ndim - 1], [other.ndim == 1 ? 0 : other.ndim - 2]))
    }

    /// Einstein summation over chunked arrays (`da.einsum`), for example `"ij,jk->ik"`, `"ii->i"`,
    /// `"bij,bjk->bik"`, `"i,j->ij"`, `"ij->"`.
    ///
    /// Every axis named by one letter gets the same chunks (operands are rechunked to the first
    /// operand that has the letter); block `b` of the result sums the block-level einsum over every
    /// combination of blocks of the letters summed away.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for an invalid or unsupported specification
    ///   (`...` is not supported), ``ShapeError/incompatible(operation:shapes:)`` if a letter names
    ///   axes of different lengths, ``BackendError`` for operands of different backends.
    public static func einsum(_ subscripts: String, _ operands: ChunkedArray...) throws -> ChunkedArray {
        try einsum(subscripts, operands)
    }

    /// Einstein summation over an array of operands (see ``einsum(_:_:)-(String,ChunkedArray...)``).
    public static func einsum(_ subscripts: String, _ operands: [ChunkedArray]) throws -> ChunkedArray {
        guard let first = operands.first else { throw ShapeError.invalidArgument("einsum needs at least one operand.") }
        for operand in operands where operand.backend != first.backend {
            throw BackendError.notImplemented(function: "einsum with a \"\(operand.backend)\" array", backend: first.backend)
        }
        let spec = try EinsumSpec(subscripts, ranks: operands.map(\.ndim))
        var sizes: [Character: Int] = [:]
        var letterChunks: [Character: [Int]] = [:]
        for (term, operand) in zip(spec.inputs, operands) {
            for (axis, letter) in term.enumerated() {
                if let known = sizes[letter], known != operand.shape[axis] {
                    throw ShapeError.incompatible(operation: "einsum \"\(subscripts)\" (subscript '\(letter)')",
                                                  shapes: operands.map(\.shape))
                }
                sizes[letter] = operand.shape[axis]
                if letterChunks[letter] == nil { letterChunks[letter] = operand.chunks[axis] }
            }
        }
        let aligned = try zip(spec.inputs, operands).map { term, operand in
            try operand.rechunk(.explicit(term.map { letterChunks[$0] ?? [] }))
        }
        let summed = Array(Set(spec.inputs.flatMap { $0 }).subtracting(spec.output)).sorted()
        let summedCounts = summed.map { letterChunks[$0]?.count ?? 1 }
        let outChunks = spec.output.map { letterChunks[$0] ?? [] }
        let dtype = operands.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        let meta = first.meta
        let inputs = spec.inputs, output = spec.output
        // For an output block and a combination of summed blocks: each operand's block key.
        @Sendable func keys(_ index: [Int], _ combination: [Int]) -> [TaskKey] {
            var block: [Character: Int] = [:]
            for (letter, b) in zip(output, index) { block[letter] = b }
            for (letter, b) in zip(summed, combination) { block[letter] = b }
            return zip(inputs, aligned).map { term, operand in operand.key(term.map { block[$0] ?? 0 }) }
        }
        let combinations = BlockGrid.indices(summedCounts)
        return ChunkedArray.derived(
            from: aligned, shape: outChunks.map { $0.reduce(0, +) }, chunks: outChunks, dtype: dtype, meta: meta,
            prefix: "einsum",
            dependencies: { index in
                var seen: Set<TaskKey> = []
                var result: [TaskKey] = []
                for combination in combinations {
                    for key in keys(index, combination) where seen.insert(key).inserted { result.append(key) }
                }
                return result
            },
            compute: { index, values in
                var seen: [TaskKey: Int] = [:]
                var order = 0
                for combination in combinations {
                    for key in keys(index, combination) where seen[key] == nil { seen[key] = order; order += 1 }
                }
                var total: (any ArrayChunk)?
                for combination in combinations {
                    let blocks = keys(index, combination).compactMap { seen[$0].map { values[$0] } }
                    let part = try meta.chunk.einsum(subscripts, blocks).astype(dtype)
                    if let sum = total {
                        total = try meta.chunk.evaluate(.binary(.add, .input(0, dtype), .input(1, dtype)),
                                                        inputs: [sum, part], shape: part.shape)
                    } else {
                        total = part
                    }
                }
                guard let result = total else { throw InternalError(message: "einsum with no blocks") }
                return result
            })
    }
}
