import Backends

extension NDArray {
    /// Evaluates a fused elementwise expression over `inputs` (input `k` is `inputs[k]`).
    ///
    /// Inputs must have `shape` or broadcast to it (NumPy's rules); broadcast inputs other than
    /// scalars are expanded first.
    package static func evaluate(_ expression: ElementwiseExpression, inputs: [NDArray], shape: [Int]) throws -> NDArray {
        let prepared = try inputs.map { try $0.expanded(to: shape) }
        let result = NDArray(uninitializedShape: shape, dtype: expression.dtype)
        let evaluator = TileEvaluator(expression, inputs: prepared)
        defer { evaluator.release() }
        let n = result.count
        var start = 0
        while start < n {
            let length = Swift.min(TileEvaluator.tileSize, n - start)
            let register = evaluator.evaluateTile(start: start, length: length)
            result.store(register, at: start, length: length)
            start += length
        }
        return result
    }

    /// `self` if it has `shape` or one element, else a copy broadcast to `shape`.
    package func expanded(to target: [Int]) throws -> NDArray {
        if shape == target || count == 1 { return self }
        let broadcastShape = try Self.broadcastShape(shape, target)
        guard broadcastShape == target else {
            throw ShapeError.incompatible(operation: "broadcast", shapes: [shape, target])
        }
        return try broadcast(to: target)
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

    /// A copy of `self` repeated along its length-1 axes to `target` (which it must broadcast to).
    package func broadcast(to target: [Int]) throws -> NDArray {
        let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
        let result = NDArray(uninitializedShape: target, dtype: dtype)
        let item = dtype.itemSize
        let sourceStrides = NDArray(shape: padded, dtype: dtype, storage: storage).strides
        let n = result.count
        var index = [Int](repeating: 0, count: target.count)
        let source = UnsafeRawPointer(storage.bytes)
        let destination = result.storage.bytes
        for flat in 0..<n {
            var offset = 0
            for axis in 0..<target.count where padded[axis] != 1 { offset += index[axis] * sourceStrides[axis] }
            destination.advanced(by: flat * item).copyMemory(from: source.advanced(by: offset * item), byteCount: item)
            var axis = target.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < target[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Writes a tile register into elements `start..<start+length`, converting to `dtype`.
    fileprivate func store(_ register: TileEvaluator.Register, at start: Int, length: Int) {
        func write<T: NDArrayElement>(_: T.Type) {
            let out = storage.bytes.assumingMemoryBound(to: T.self) + start
            switch register {
            case let .float(p): for k in 0..<length { out[k] = T(convertingFrom: p[k]) }
            case let .integer(p): for k in 0..<length { out[k] = T(convertingFrom: p[k]) }
            case let .floatScalar(v): out.update(repeating: T(convertingFrom: v), count: length)
            case let .integerScalar(v): out.update(repeating: T(convertingFrom: v), count: length)
            }
        }
        switch dtype {
        case .float64:
            let out = storage.bytes.assumingMemoryBound(to: Double.self) + start
            switch register {
            case let .float(p): out.update(from: p, count: length)
            case let .floatScalar(v): out.update(repeating: v, count: length)
            case let .integer(p): for k in 0..<length { out[k] = Double(p[k]) }
            case let .integerScalar(v): out.update(repeating: Double(v), count: length)
            }
        case .uint64:
            let out = storage.bytes.assumingMemoryBound(to: Int64.self) + start
            switch register {
            case let .integer(p): out.update(from: p, count: length)
            case let .integerScalar(v): out.update(repeating: v, count: length)
            case let .float(p): for k in 0..<length { out[k] = Int64(bitPattern: UInt64(convertingFrom: p[k])) }
            case let .floatScalar(v): out.update(repeating: Int64(bitPattern: UInt64(convertingFrom: v)), count: length)
            }
        case .bool: write(Bool.self)
        case .int8: write(Int8.self)
        case .int16: write(Int16.self)
        case .int32: write(Int32.self)
        case .int64: write(Int64.self)
        case .uint8: write(UInt8.self)
        case .uint16: write(UInt16.self)
        case .uint32: write(UInt32.self)
        case .float32: write(Float.self)
        }
    }

    /// Runs `body` on each tile of the expression's values, as doubles or as integers.
    ///
    /// Used by the fused reductions: the expression's result is never stored.
    package static func forEachTile(
        of expression: ElementwiseExpression, inputs: [NDArray], shape: [Int],
        _ body: (TileValues) -> Void
    ) throws {
        let prepared = try inputs.map { try $0.expanded(to: shape) }
        let evaluator = TileEvaluator(expression, inputs: prepared)
        defer { evaluator.release() }
        let n = shape.reduce(1, *)
        var start = 0
        let unsigned = expression.dtype == .uint64
        while start < n {
            let length = Swift.min(TileEvaluator.tileSize, n - start)
            switch evaluator.evaluateTile(start: start, length: length) {
            case let .float(p): body(.doubles(UnsafeBufferPointer(start: p, count: length)))
            case let .floatScalar(v): body(.repeatedDouble(v, length))
            case let .integer(p):
                body(unsigned ? .unsigned(UnsafeBufferPointer(start: p, count: length))
                              : .integers(UnsafeBufferPointer(start: p, count: length)))
            case let .integerScalar(v): body(unsigned ? .repeatedUnsigned(v, length) : .repeatedInteger(v, length))
            }
            start += length
        }
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
