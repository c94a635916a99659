import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// The same elements, in row-major order, with a new shape (`np.reshape`; one length may be
    /// `-1`, inferred from the others).
    ///
    /// Axes are matched in groups whose lengths multiply to the same number (`[6, 4] → [2, 3, 4]`
    /// splits axis 0, `[2, 3, 4] → [6, 4]` merges axes 0 and 1). Within a group every axis but the
    /// first is brought to a single chunk and the first axis's chunk boundaries are moved to
    /// multiples of what both sides need, so each result block is one source block reshaped, as
    /// Dask's `reshape` does. An `arange` (or any array whose blocks are made from their position)
    /// is regenerated with the new chunks instead of being cut and joined.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the sizes differ,
    ///   ``ShapeError/invalidArgument(_:)`` for more than one `-1` or another negative length.
    public func reshaped(_ requested: [Int]) throws -> ChunkedArray {
        let target = try Self.resolveReshape(requested, size: size, from: shape)
        if target == shape { return self }
        if size == 0 {
            let meta = self.meta, dtype = self.dtype
            return ChunkedArray.generated(shape: target, chunks: target.map { [$0] }, dtype: dtype, meta: meta,
                                          prefix: "reshape") { block in try meta.chunk.empty(shape: block.shape, dtype: dtype) }
        }
        // Drop length-1 axes on both sides; they are re-inserted by the block reshape.
        let inAxes = shape.indices.filter { shape[$0] != 1 }
        let outAxes = target.indices.filter { target[$0] != 1 }
        var inTarget = chunks.enumerated().map { $0.offset < shape.count && shape[$0.offset] == 1 ? [1] : $0.element }
        var outChunks = target.map { [$0] }
        var groups: [(inAxes: [Int], outAxes: [Int])] = []
        var i = 0, j = 0
        while i < inAxes.count || j < outAxes.count {
            var group: ([Int], [Int]) = ([], [])
            var p = 1, q = 1
            if i < inAxes.count { p = shape[inAxes[i]]; group.0.append(inAxes[i]); i += 1 }
            if j < outAxes.count { q = target[outAxes[j]]; group.1.append(outAxes[j]); j += 1 }
            while p != q {
                if p < q, i < inAxes.count {
                    p *= shape[inAxes[i]]; group.0.append(inAxes[i]); i += 1
                } else if j < outAxes.count {
                    q *= target[outAxes[j]]; group.1.append(outAxes[j]); j += 1
                } else {
                    throw ShapeError.incompatible(operation: "reshape", shapes: [shape, target])
                }
            }
            groups.append(group)
        }
        for (gin, gout) in groups {
            guard let firstIn = gin.first, let firstOut = gout.first else { continue }
            let innerIn = gin.dropFirst().reduce(1) { $0 * shape[$1] }
            let innerOut = gout.dropFirst().reduce(1) { $0 * target[$1] }
            for axis in gin.dropFirst() { inTarget[axis] = [shape[axis]] }
            let unit = lcm(innerIn, innerOut)
            let total = shape[firstIn] * innerIn
            var flat: [Int] = []
            for boundary in BlockGrid.boundaries(chunks[firstIn]).dropFirst().dropLast() {
                let rounded = boundary * innerIn / unit * unit
                if rounded > (flat.last ?? 0), rounded < total { flat.append(rounded) }
            }
            let cuts = [0] + flat + [total]
            let sizes = zip(cuts, cuts.dropFirst()).map { $1 - $0 }
            inTarget[firstIn] = sizes.map { $0 / innerIn }
            outChunks[firstOut] = sizes.map { $0 / innerOut }
        }
        let source = try rechunk(.explicit(inTarget))
        // Block k of a group's first input axis is block k of its first output axis.
        var inputAxisOf = [Int?](repeating: nil, count: target.count)
        for (gin, gout) in groups { if let a = gin.first, let b = gout.first { inputAxisOf[b] = a } }
        let sourceAxes = ndim
        let mapping = inputAxisOf
        let blocks = outChunks
        return ChunkedArray.derived(
            from: [source], shape: target, chunks: blocks, dtype: dtype, meta: meta, prefix: "reshape",
            dependencies: { index in
                var original = [Int](repeating: 0, count: sourceAxes)
                for (axis, input) in mapping.enumerated() { if let input { original[input] = index[axis] } }
                return [source.key(original)]
            },
            compute: { index, inputs in try inputs[0].reshaped(zip(blocks, index).map { $0[$1] }) })
    }

    /// The same elements with a new shape (variadic form of ``reshaped(_:)``).
    public func reshaped(_ lengths: Int...) throws -> ChunkedArray { try reshaped(lengths) }

    /// The elements as a 1-d array (`np.ravel`).
    public func flattened() throws -> ChunkedArray { try reshaped([size]) }

    /// The target shape of a reshape with at most one `-1`.
    static func resolveReshape(_ requested: [Int], size: Int, from shape: [Int]) throws -> [Int] {
        let unknown = requested.indices.filter { requested[$0] == -1 }
        guard unknown.count <= 1 else { throw ShapeError.invalidArgument("can only specify one unknown dimension") }
        if let bad = requested.first(where: { $0 < -1 }) {
            throw ShapeError.negativeDimension(shape: requested, value: bad)
        }
        var target = requested
        if let u = unknown.first {
            let known = requested.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            guard known > 0, size % known == 0 else {
                throw ShapeError.incompatible(operation: "reshape", shapes: [shape, requested])
            }
            target[u] = size / known
        }
        try NDArray.checkShape(target)
        guard target.reduce(1, *) == size else {
            throw ShapeError.incompatible(operation: "reshape", shapes: [shape, requested])
        }
        return target
    }

    /// The array without the given length-1 axes, or without every length-1 axis (`np.squeeze`).
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for an axis whose length is not 1,
    ///   ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis.
    public func squeezed(axes requested: [Int]? = nil) throws -> ChunkedArray {
        let axes = try requested.map { try NDArray.normalizeAxes($0, ndim: ndim) } ?? shape.indices.filter { shape[$0] == 1 }
        for axis in axes where shape[axis] != 1 {
            throw ShapeError.invalidArgument("cannot select an axis to squeeze out which has size not equal to one "
                                             + "(axis \(axis) has length \(shape[axis])).")
        }
        if axes.isEmpty { return self }
        return arrangingAxes((0..<ndim).filter { !axes.contains($0) }.map { Optional($0) })
    }

    /// The array with a new axis of length 1 at `axis` of the result (`np.expand_dims`; negative
    /// counts from the end of the result).
    ///
    /// - Throws: ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis.
    public func expandDims(axis requested: Int) throws -> ChunkedArray {
        let axis = try NDArray.normalizeAxes([requested], ndim: ndim + 1)[0]
        var plan: [Int?] = Array(0..<ndim).map { Optional($0) }
        plan.insert(nil, at: axis)
        return arrangingAxes(plan)
    }

    /// Arrays of one shape joined along a new axis (`np.stack`).
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the shapes differ,
    ///   ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis.
    public static func stack(_ arrays: [ChunkedArray], axis: Int = 0) throws -> ChunkedArray {
        guard let first = arrays.first else { throw ShapeError.invalidArgument("Need at least one array to stack.") }
        guard arrays.allSatisfy({ $0.shape == first.shape }) else {
            throw ShapeError.incompatible(operation: "stack", shapes: arrays.map(\.shape))
        }
        let normalized = try NDArray.normalizeAxes([axis], ndim: first.ndim + 1)[0]
        return try concatenate(arrays.map { try $0.expandDims(axis: normalized) }, axis: normalized)
    }
}

/// The least common multiple of two positive integers.
private func lcm(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return a / x * b
}
