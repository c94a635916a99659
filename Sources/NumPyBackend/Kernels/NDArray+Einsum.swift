import Backends

/// A parsed `np.einsum` specification: one term of letters per operand and the output's letters.
package struct EinsumSpec: Sendable, Equatable {
    /// The letters of each operand, one per axis.
    package let inputs: [[Character]]
    /// The letters of the result, one per axis.
    package let output: [Character]

    /// Parses `subscripts` for `ranks.count` operands of those numbers of axes (NumPy's explicit
    /// `"ij,jk->ik"` and implicit `"ij,jk"` forms; the implicit output is the letters used once, sorted).
    ///
    /// Supported: any number of operands, repeated letters in an operand (diagonals, traces),
    /// letters summed away, transposes, outer and batched products. Not supported: `...` broadcasting.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` naming what is wrong.
    package init(_ subscripts: String, ranks: [Int]) throws {
        let text = subscripts.filter { !$0.isWhitespace }
        if text.contains(".") {
            throw ShapeError.invalidArgument("einsum: '...' (ellipsis broadcasting) is not supported; name every axis.")
        }
        let characters = Array(text)
        var parts = [text]
        if let arrow = characters.indices.first(where: { characters[$0] == "-" && $0 + 1 < characters.count
                                                         && characters[$0 + 1] == ">" }) {
            parts = [String(characters[..<arrow]), String(characters[(arrow + 2)...])]
            if parts[1].contains("-") || parts[1].contains(">") { parts.append("") }
        } else if text.contains("-") || text.contains(">") {
            throw ShapeError.invalidArgument("einsum: \"\(subscripts)\" has a malformed '->'.")
        }
        guard parts.count <= 2 else {
            throw ShapeError.invalidArgument("einsum: \"\(subscripts)\" has more than one '->'.")
        }
        let terms = parts[0].split(separator: ",", omittingEmptySubsequences: false).map { Array($0) }
        guard terms.count == ranks.count else {
            throw ShapeError.invalidArgument(
                "einsum: \"\(subscripts)\" names \(terms.count) operand\(terms.count == 1 ? "" : "s"), but \(ranks.count) were given.")
        }
        for (k, term) in terms.enumerated() {
            if let bad = term.first(where: { !($0.isASCII && $0.isLetter) }) {
                throw ShapeError.invalidArgument("einsum: invalid subscript '\(bad)' in \"\(subscripts)\"; use letters a-z, A-Z.")
            }
            guard term.count == ranks[k] else {
                throw ShapeError.invalidArgument(
                    "einsum: operand \(k) has \(ranks[k]) axes but its subscripts \"\(String(term))\" name \(term.count).")
            }
        }
        let all = terms.flatMap { $0 }
        if parts.count == 2 {
            let output = Array(parts[1])
            if let bad = output.first(where: { !($0.isASCII && $0.isLetter) }) {
                throw ShapeError.invalidArgument("einsum: invalid output subscript '\(bad)' in \"\(subscripts)\".")
            }
            guard Set(output).count == output.count else {
                throw ShapeError.invalidArgument("einsum: output subscripts \"\(parts[1])\" repeat a letter.")
            }
            if let missing = output.first(where: { !all.contains($0) }) {
                throw ShapeError.invalidArgument("einsum: output subscript '\(missing)' does not appear in the inputs.")
            }
            self.output = output
        } else {
            output = Set(all).filter { letter in all.filter { $0 == letter }.count == 1 }.sorted()
        }
        inputs = terms
    }
}

extension NDArray {
    /// Einstein summation (`np.einsum`) over `operands`, in the dtype the operands promote to.
    ///
    /// Operands are contracted left to right; each pairwise contraction is a batched matrix product
    /// (so it uses BLAS or Tessera's ``Gemm``), after taking diagonals of repeated letters and summing
    /// letters nothing later needs.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for an invalid specification,
    ///   ``ShapeError/incompatible(operation:shapes:)`` if one letter names axes of different lengths.
    package static func einsum(_ subscripts: String, _ operands: [NDArray]) throws -> NDArray {
        let spec = try EinsumSpec(subscripts, ranks: operands.map(\.ndim))
        var sizes: [Character: Int] = [:]
        for (term, array) in zip(spec.inputs, operands) {
            for (letter, length) in zip(term, array.shape) {
                if let known = sizes[letter], known != length {
                    throw ShapeError.incompatible(operation: "einsum \"\(subscripts)\" (subscript '\(letter)')",
                                                  shapes: operands.map(\.shape))
                }
                sizes[letter] = length
            }
        }
        guard let first = operands.first else {
            throw ShapeError.invalidArgument("einsum needs at least one operand.")
        }
        let resultType = operands.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        func needed(after k: Int) -> Set<Character> {
            Set(spec.output).union(spec.inputs.dropFirst(k + 1).flatMap { $0 })
        }
        var (current, letters) = try prepare(first, spec.inputs[0], keeping: needed(after: 0))
        for k in 1..<Swift.max(operands.count, 1) {
            let keep = needed(after: k)
            let (other, otherLetters) = try prepare(operands[k], spec.inputs[k], keeping: keep.union(letters))
            (current, letters) = try contract(current, letters, other, otherLetters, keeping: keep)
            (current, letters) = try prepare(current, letters, keeping: keep)
        }
        (current, letters) = try prepare(current, letters, keeping: Set(spec.output))
        let order = spec.output.compactMap { letters.firstIndex(of: $0) }
        return try current.transposedCopy(order).converted(to: resultType)
    }

    /// `array` with repeated letters reduced to their diagonal and letters not in `keep` summed.
    private static func prepare(_ array: NDArray, _ term: [Character], keeping keep: Set<Character>) throws
        -> (NDArray, [Character]) {
        var array = array
        var letters = term
        if Set(term).count < term.count {
            (array, letters) = try diagonal(array, term)
        }
        let summed = letters.indices.filter { !keep.contains(letters[$0]) }
        if !summed.isEmpty {
            let partial = try reducePartial(.input(0, array.dtype), inputs: [array], shape: array.shape, operation: .sum,
                                            axes: summed)
            var shape = array.shape
            for axis in summed.reversed() { shape.remove(at: axis) }
            array = try finalize(partial, operation: .sum, inputType: array.dtype, ddof: 0).reshapedView(shape)
            letters = letters.indices.filter { !summed.contains($0) }.map { letters[$0] }
        }
        return (array, letters)
    }

    /// The generalised diagonal: each letter once, its axes walked together.
    private static func diagonal(_ array: NDArray, _ term: [Character]) throws -> (NDArray, [Character]) {
        var letters: [Character] = []
        for letter in term where !letters.contains(letter) { letters.append(letter) }
        let sourceStrides = array.strides
        let shape = letters.map { letter in array.shape[term.firstIndex(of: letter) ?? 0] }
        let strides = letters.map { letter in term.indices.filter { term[$0] == letter }.reduce(0) { $0 + sourceStrides[$1] } }
        let result = NDArray(uninitializedShape: shape, dtype: array.dtype)
        let item = array.dtype.itemSize
        let source = UnsafeRawPointer(array.storage.bytes)
        var index = [Int](repeating: 0, count: shape.count)
        for flat in 0..<result.count {
            var offset = 0
            for (axis, i) in index.enumerated() { offset += i * strides[axis] }
            (result.storage.bytes + flat * item).copyMemory(from: source + offset * item, byteCount: item)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return (result, letters)
    }

    /// Contracts two prepared operands: letters in both are multiplied, and summed unless `keep`
    /// needs them; the result's letters are the batch letters, then `a`'s own, then `b`'s own.
    private static func contract(_ a: NDArray, _ la: [Character], _ b: NDArray, _ lb: [Character],
                                 keeping keep: Set<Character>) throws -> (NDArray, [Character]) {
        let shared = la.filter { lb.contains($0) }
        let batch = shared.filter { keep.contains($0) }
        let summed = shared.filter { !keep.contains($0) }
        let ownA = la.filter { !lb.contains($0) }
        let ownB = lb.filter { !la.contains($0) }
        func size(_ letters: [Character], _ term: [Character], _ array: NDArray) -> Int {
            letters.reduce(1) { $0 * array.shape[term.firstIndex(of: $1) ?? 0] }
        }
        let (nb, nk) = (size(batch, la, a), size(summed, la, a))
        let (ni, nj) = (size(ownA, la, a), size(ownB, lb, b))
        let left = try a.transposedCopy((batch + ownA + summed).compactMap { la.firstIndex(of: $0) })
            .reshapedView([nb, ni, nk])
        let right = try b.transposedCopy((batch + summed + ownB).compactMap { lb.firstIndex(of: $0) })
            .reshapedView([nb, nk, nj])
        let product = nb == 1 ? try matrixProduct(left.reshapedView([ni, nk]), right.reshapedView([nk, nj]))
                              : try matmul(left, right)
        let shape = batch.map { a.shape[la.firstIndex(of: $0) ?? 0] } + ownA.map { a.shape[la.firstIndex(of: $0) ?? 0] }
            + ownB.map { b.shape[lb.firstIndex(of: $0) ?? 0] }
        return (try product.reshapedView(shape), batch + ownA + ownB)
    }
}
