import Backends

extension NDArray {
    /// Evaluates a fused elementwise expression over `inputs` (input `k` is `inputs[k]`).
    ///
    /// Inputs must broadcast to `shape` (NumPy's rules, after the permutation of a
    /// ``ElementwiseExpression/permutedInput(_:_:permutation:)`` leaf); they are read in place,
    /// never expanded or transposed into copies first.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` for an input that does not broadcast,
    ///   ``ShapeError/invalidArgument(_:)`` for values NumPy rejects (an integer to a negative power).
    package static func evaluate(_ expression: ElementwiseExpression, inputs: [NDArray], shape: [Int]) throws -> NDArray {
        try checkShape(shape)
        let evaluator = try TileEvaluator(expression, inputs: inputs, shape: shape)
        defer { evaluator.release() }
        let result = NDArray(uninitializedShape: shape, dtype: expression.dtype)
        evaluator.forEachTile { register, placement in result.store(register, at: placement) }
        try evaluator.checkFailure()
        return result
    }

    /// `self` if it has `shape` or one element, else a copy broadcast to `shape`.
    package func expanded(to target: [Int]) throws -> NDArray {
        if shape == target || count == 1 { return self }
        let broadcastShape = try Self.broadcastShape(shape, target)
        guard broadcastShape == target else {
            throw ShapeError.incompatible(operation: "broadcast", shapes: [shape, target])
        }
        return try Self.evaluate(.input(0, dtype), inputs: [self], shape: target)
    }

    /// The shape two shapes broadcast to, by NumPy's rules.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if an axis differs and neither is 1.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let n = Swift.max(a.count, b.count)
        let pa = [Int](repeating: 1, count: n - a.count) + a
        let pb = [Int](repeating: 1, count: n - b.count) + b
        return try zip(pa, pb).map { x, y in
            if x == y || y == 1 { return x }
            if x == 1 { return y }
            throw ShapeError.incompatible(operation: "broadcast", shapes: [a, b])
        }
    }

    /// Writes a tile register to its place in this array, converting to `dtype`.
    fileprivate func store(_ register: TileEvaluator.Register, at placement: TileEvaluator.Placement) {
        for row in 0..<placement.rows {
            store(register, from: row * placement.columns, count: placement.columns,
                  at: placement.offset + row * placement.rowStride)
        }
    }

    /// Writes `count` values of a register, from its element `first`, into elements `start...`.
    private func store(_ register: TileEvaluator.Register, from first: Int, count length: Int, at start: Int) {
        func write<T: NDArrayElement>(_: T.Type) {
            let out = storage.bytes.assumingMemoryBound(to: T.self) + start
            switch register {
            case let .float(p): for k in 0..<length { out[k] = T(convertingFrom: p[first + k]) }
            case let .integer(p): for k in 0..<length { out[k] = T(convertingFrom: p[first + k]) }
            case let .floatScalar(v): out.update(repeating: T(convertingFrom: v), count: length)
            case let .integerScalar(v): out.update(repeating: T(convertingFrom: v), count: length)
            }
        }
        switch dtype {
        case .float64:
            let out = storage.bytes.assumingMemoryBound(to: Double.self) + start
            switch register {
            case let .float(p): out.update(from: p + first, count: length)
            case let .floatScalar(v): out.update(repeating: v, count: length)
            case let .integer(p): for k in 0..<length { out[k] = Double(p[first + k]) }
            case let .integerScalar(v): out.update(repeating: Double(v), count: length)
            }
        case .uint64:
            let out = storage.bytes.assumingMemoryBound(to: Int64.self) + start
            switch register {
            case let .integer(p): out.update(from: p + first, count: length)
            case let .integerScalar(v): out.update(repeating: v, count: length)
            case let .float(p): for k in 0..<length { out[k] = Int64(bitPattern: UInt64(convertingFrom: p[first + k])) }
            case let .floatScalar(v): out.update(repeating: Int64(bitPattern: UInt64(convertingFrom: v)), count: length)
            }
        case .int64:
            let out = storage.bytes.assumingMemoryBound(to: Int64.self) + start
            switch register {
            case let .integer(p): out.update(from: p + first, count: length)
            case let .integerScalar(v): out.update(repeating: v, count: length)
            case let .float(p): for k in 0..<length { out[k] = Int64(truncatingIfNeeded: p[first + k]) }
            case let .floatScalar(v): out.update(repeating: Int64(truncatingIfNeeded: v), count: length)
            }
        case .bool:
            let out = storage.bytes.assumingMemoryBound(to: UInt8.self) + start
            switch register {
            case let .integer(p): for k in 0..<length { out[k] = p[first + k] != 0 ? 1 : 0 }
            case let .integerScalar(v): out.update(repeating: v != 0 ? 1 : 0, count: length)
            case let .float(p): for k in 0..<length { out[k] = p[first + k] != 0 ? 1 : 0 }
            case let .floatScalar(v): out.update(repeating: v != 0 ? 1 : 0, count: length)
            }
        case .int8: write(Int8.self)
        case .int16: write(Int16.self)
        case .int32: write(Int32.self)
        case .uint8: write(UInt8.self)
        case .uint16: write(UInt16.self)
        case .uint32: write(UInt32.self)
        case .float32: write(Float.self)
        }
    }

    /// Runs `body` on each tile of the expression's values, as doubles or as integers.
    ///
    /// Used by the fused reductions: the expression's result is never stored. Tiles come in an
    /// order that depends on the inputs' layouts, so only order-free reductions may use this.
    package static func forEachTile(
        of expression: ElementwiseExpression, inputs: [NDArray], shape: [Int],
        _ body: (TileValues) -> Void
    ) throws {
        let evaluator = try TileEvaluator(expression, inputs: inputs, shape: shape)
        defer { evaluator.release() }
        let unsigned = expression.dtype == .uint64
        evaluator.forEachTile { register, placement in
            let length = placement.count
            switch register {
            case let .float(p): body(.doubles(UnsafeBufferPointer(start: p, count: length)))
            case let .floatScalar(v): body(.repeatedDouble(v, length))
            case let .integer(p):
                body(unsigned ? .unsigned(UnsafeBufferPointer(start: p, count: length))
                              : .integers(UnsafeBufferPointer(start: p, count: length)))
            case let .integerScalar(v): body(unsigned ? .repeatedUnsigned(v, length) : .repeatedInteger(v, length))
            }
        }
        try evaluator.checkFailure()
    }
}

/// One tile of values produced by a fused expression.
package enum TileValues {
    case doubles(UnsafeBufferPointer<Double>)
    case integers(UnsafeBufferPointer<Int64>)
    case unsigned(UnsafeBufferPointer<Int64>)
    case repeatedDouble(Double, Int)
    case repeatedInteger(Int64, Int)
    case repeatedUnsigned(Int64, Int)
}
