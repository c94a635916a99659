import Backends

extension NDArray {
    // MARK: - Partials

    /// Reduces the values of `expression` over `axes` (kept as length-1 axes) into a partial.
    ///
    /// When every axis is reduced, the expression is evaluated tile by tile and each tile reduced at
    /// once, so its values never reach memory: `((x + 1) * y - x / 2).sum()` reads `x` and `y` once.
    /// `argmin` and `argmax` give positions within this array: along the one reduced axis, or
    /// flat row-major positions when every axis is reduced.
    ///
    /// - Throws: ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis,
    ///   ``ShapeError/invalidArgument(_:)`` for `argmin`/`argmax` over several but not all axes.
    package static func reducePartial(_ expression: ElementwiseExpression, inputs: [NDArray], shape: [Int],
                                      operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial {
        let axes = try normalizeAxes(axes, ndim: shape.count)
        if axes.count == shape.count && !operation.isPositional {   // normalised axes are distinct
            return try reduceAll(expression, inputs: inputs, shape: shape, operation: operation)
        }
        let values: NDArray
        if case let .input(index, _) = expression, index < inputs.count, inputs[index].shape == shape {
            values = inputs[index]
        } else {
            values = try evaluate(expression, inputs: inputs, shape: shape)
        }
        return try values.reduceAxes(operation, axes: axes)
    }

    /// Validates and sorts axes, turning negative axes into positive ones.
    ///
    /// - Throws: ``ShapeError/axisOutOfRange(axis:ndim:)``, or ``ShapeError/invalidArgument(_:)``
    ///   for a repeated axis.
    public static func normalizeAxes(_ axes: [Int], ndim: Int) throws -> [Int] {
        // Already normal (in range, increasing): the common case, once per reduced block.
        if axes.indices.allSatisfy({ axes[$0] >= 0 && axes[$0] < ndim && ($0 == 0 || axes[$0 - 1] < axes[$0]) }) {
            return axes
        }
        let normalized = try axes.map { axis in
            let positive = axis < 0 ? axis + ndim : axis
            guard positive >= 0, positive < ndim else { throw ShapeError.axisOutOfRange(axis: axis, ndim: ndim) }
            return positive
        }
        // Sorted, a duplicate sits next to its twin.
        let sorted = normalized.sorted()
        guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0 != $1 }) else {
            throw ShapeError.invalidArgument("Duplicate axes \(axes) in a reduction.")
        }
        return sorted
    }

    private static func reduceAll(_ expression: ElementwiseExpression, inputs: [NDArray], shape: [Int],
                                  operation: ReductionOperation) throws -> ReductionPartial {
        let ones = [Int](repeating: 1, count: shape.count)
        let kind = AccumulatorKind(expression.dtype)
        if case let .constant(value, dtype) = expression {
            return constantPartial(value, dtype: dtype, count: shape.reduce(1, *), operation: operation, shape: ones)
        }
        if operation.usesMoments {
            var total = Moments()
            let skip = operation.skipsNaN
            try forEachTile(of: expression, inputs: inputs, shape: shape) { tile in total.merge(tile.moments(skipNaN: skip)) }
            return total.partial(shape: ones)
        }
        if operation == .count {
            var count: Int64 = 0
            try forEachTile(of: expression, inputs: inputs, shape: shape) { tile in count += tile.nonNaNCount }
            return .value(NDArray(filled: ScalarValue.int(count), shape: ones, dtype: .int64))
        }
        var accumulator = ScalarAccumulator(operation: operation, kind: kind)
        try forEachTile(of: expression, inputs: inputs, shape: shape) { tile in accumulator.add(tile) }
        return .value(NDArray(filled: accumulator.value, shape: ones, dtype: accumulator.dtype))
    }

    /// The partial of `count` copies of one value, without touching memory.
    private static func constantPartial(_ value: ScalarValue, dtype: DType, count: Int, operation: ReductionOperation,
                                        shape: [Int]) -> ReductionPartial {
        let tile: TileValues
        if dtype.isFloatingPoint {
            let v = dtype == .float32 ? Double(Float(value.doubleValue)) : value.doubleValue
            tile = .repeatedDouble(v, count)
        } else {
            tile = dtype == .uint64 ? .repeatedUnsigned(value.int64Value, count) : .repeatedInteger(value.int64Value, count)
        }
        if operation.usesMoments { return tile.moments(skipNaN: operation.skipsNaN).partial(shape: shape) }
        if operation == .count {
            return .value(NDArray(filled: .int(count > 0 ? tile.nonNaNCount : 0), shape: shape, dtype: .int64))
        }
        var accumulator = ScalarAccumulator(operation: operation, kind: AccumulatorKind(dtype))
        if count > 0 { accumulator.add(tile) }
        return .value(NDArray(filled: accumulator.value, shape: shape, dtype: accumulator.dtype))
    }

    /// Reduces over `axes` (sorted, valid), keeping them as length-1 axes.
    private func reduceAxes(_ operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial {
        let keptShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        // An (outer, reduced, inner) view; the reduced axes are moved last by a copy if they are not adjacent.
        let contiguous = zip(axes, axes.dropFirst()).allSatisfy { $1 == $0 + 1 }
        let source = contiguous ? self : try transposedCopy(shape.indices.filter { !axes.contains($0) } + axes)
        let reduced = axes.reduce(1) { $0 * shape[$1] }
        let first = contiguous ? (axes.first ?? 0) : shape.count - axes.count
        let outer = source.shape[..<first].reduce(1, *)
        let inner = source.shape[(first + axes.count)...].reduce(1, *)
        let layout = AxisLayout(outer: outer, reduced: reduced, inner: inner)
        if operation.isPositional {
            guard axes.count == 1 || axes.count == shape.count else {
                throw ShapeError.invalidArgument("\(operation.rawValue) reduces one axis or all of them, not \(axes).")
            }
            return try source.positionalPartial(operation, layout, shape: keptShape)
        }
        let kind = AccumulatorKind(dtype)
        if operation.usesMoments {
            let doubles = try source.converted(to: .float64)
            var empty = 0.0
            return doubles.withUnsafeElements(as: Double.self) { x in
                withUnsafePointer(to: &empty) { placeholder in
                    Moments.alongAxis(x.baseAddress ?? placeholder, layout, skipNaN: operation.skipsNaN, shape: keptShape)
                }
            }
        }
        if kind == .double {
            let doubles = try source.converted(to: .float64)
            let result = NDArray(uninitializedShape: keptShape, dtype: .float64)
            doubles.withUnsafeElements(as: Double.self) { x in
                result.withUnsafeMutableElements(as: Double.self) { out in
                    guard let input = x.baseAddress, let output = out.baseAddress, !out.isEmpty else { return }
                    if layout.reduced == 0 {
                        output.update(repeating: DoubleReducer.identity(operation), count: out.count)
                    } else {
                        DoubleReducer.reduce(operation, input, layout, into: output)
                    }
                }
            }
            switch operation {
            case .any, .all: return .value(try result.converted(to: .bool))
            case .count: return .value(try result.converted(to: .int64))
            default: return .value(result)
            }
        }
        let unsigned = kind == .unsigned
        let integers = try source.converted(to: kind.dtype)
        let result = NDArray(uninitializedShape: keptShape, dtype: operation == .count ? .int64 : kind.dtype)
        integers.withUnsafeElements(as: Int64.self) { x in
            result.withUnsafeMutableElements(as: Int64.self) { out in
                guard let input = x.baseAddress, let output = out.baseAddress, !out.isEmpty else { return }
                if layout.reduced == 0 {
                    output.update(repeating: operation == .count ? 0 : IntegerReducer.identity(operation, unsigned: unsigned),
                                  count: out.count)
                } else {
                    IntegerReducer.reduce(operation, unsigned: unsigned, input, layout, into: output)
                }
            }
        }
        if operation == .any || operation == .all { return .value(try result.converted(to: .bool)) }
        return .value(result)
    }

    /// The best value and its position along the middle axis of `layout`, for `argmin`/`argmax`.
    private func positionalPartial(_ operation: ReductionOperation, _ layout: AxisLayout, shape keptShape: [Int]) throws
        -> ReductionPartial {
        guard layout.reduced > 0 else {
            throw ShapeError.invalidArgument("attempt to get \(operation.rawValue) of an empty sequence")
        }
        let kind = AccumulatorKind(dtype)
        let indices = NDArray(uninitializedShape: keptShape, dtype: .int64)
        let valueType: DType = kind == .double ? .float64 : kind.dtype
        let values = NDArray(uninitializedShape: keptShape, dtype: valueType)
        let isMin = operation == .argmin
        func scan<T>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ better: (T, T) -> Bool) {
            indices.withUnsafeMutableElements(as: Int64.self) { positions in
                for o in 0..<layout.outer {
                    for i in 0..<layout.inner {
                        let base = o * layout.reduced * layout.inner + i
                        var best = x[base], at = 0
                        for r in 1..<Swift.max(layout.reduced, 1) {
                            let v = x[base + r * layout.inner]
                            if better(v, best) { best = v; at = r }
                        }
                        out[o * layout.inner + i] = best
                        positions[o * layout.inner + i] = Int64(at)
                    }
                }
            }
        }
        switch kind {
        case .double:
            let doubles = try converted(to: .float64)
            doubles.withUnsafeElements(as: Double.self) { x in
                values.withUnsafeMutableElements(as: Double.self) { out in
                    guard let input = x.baseAddress, let output = out.baseAddress else { return }
                    // NaN wins (the first one), as NumPy's argmin and argmax return it.
                    if isMin { scan(input, output) { v, best in !best.isNaN && (v < best || v.isNaN) } }
                    else { scan(input, output) { v, best in !best.isNaN && (v > best || v.isNaN) } }
                }
            }
        case .signed, .unsigned:
            let integers = try converted(to: kind.dtype)
            let unsigned = kind == .unsigned
            integers.withUnsafeElements(as: Int64.self) { x in
                values.withUnsafeMutableElements(as: Int64.self) { out in
                    guard let input = x.baseAddress, let output = out.baseAddress else { return }
                    switch (isMin, unsigned) {
                    case (true, false): scan(input, output) { $0 < $1 }
                    case (false, false): scan(input, output) { $0 > $1 }
                    case (true, true): scan(input, output) { UInt64(bitPattern: $0) < UInt64(bitPattern: $1) }
                    case (false, true): scan(input, output) { UInt64(bitPattern: $0) > UInt64(bitPattern: $1) }
                    }
                }
            }
        }
        return .arg(values: values, indices: indices)
    }

    // MARK: - Combining and finishing

    /// Combines two partials elementwise; for `argmin`/`argmax`, `a` comes first in the array.
    package static func combine(_ a: ReductionPartial, _ b: ReductionPartial,
                                operation: ReductionOperation) throws -> ReductionPartial {
        switch (a, b) {
        case let (.moments(na, ma, sa), .moments(nb, mb, sb)):
            return try Moments.combine((na.toNDArray(), ma.toNDArray(), sa.toNDArray()),
                                       (nb.toNDArray(), mb.toNDArray(), sb.toNDArray()))
        case let (.value(x), .value(y)):
            let left = try x.toNDArray()
            let right = try y.toNDArray()
            if left.count == 1, right.count == 1, left.dtype == .float64, right.dtype == .float64, left.shape == right.shape {
                // The common top of a tree: two scalars, combined without building an evaluator.
                let value = DoubleReducer.combine(operation, left.scalar(at: 0).doubleValue, right.scalar(at: 0).doubleValue)
                return .value(NDArray(filled: .double(value), shape: left.shape, dtype: .float64))
            }
            let op: BinaryOperation = switch operation {
            case .prod, .nanprod: .multiply
            case .min: .minimum
            case .max: .maximum
            case .nanmin: .fmin
            case .nanmax: .fmax
            case .any: .logicalOr
            case .all: .logicalAnd
            default: .add
            }
            let expression = ElementwiseExpression.binary(op, .input(0, left.dtype), .input(1, right.dtype))
            return .value(try evaluate(expression, inputs: [left, right], shape: try broadcastShape(left.shape, right.shape)))
        case let (.arg(va, ia), .arg(vb, ib)):
            let (leftValues, rightValues) = (try va.toNDArray(), try vb.toNDArray())
            let (leftIndices, rightIndices) = (try ia.toNDArray(), try ib.toNDArray())
            guard leftValues.shape == rightValues.shape, leftIndices.shape == leftValues.shape,
                  rightIndices.shape == rightValues.shape else {
                throw ShapeError.incompatible(operation: "combine", shapes: [leftValues.shape, rightValues.shape])
            }
            let type = DType.promote(leftValues.dtype, rightValues.dtype)
            let l = ElementwiseExpression.input(0, leftValues.dtype), r = ElementwiseExpression.input(1, rightValues.dtype)
            // Take the right one where it is strictly better, or NaN where the left is not.
            let strictly: ElementwiseExpression = .binary(operation == .argmin ? .less : .greater, r, l)
            var takeRight = strictly
            if type.isFloatingPoint {
                takeRight = .binary(.logicalAnd, .unary(.logicalNot, .unary(.isnan, l)),
                                    .binary(.logicalOr, strictly, .unary(.isnan, r)))
            }
            let shape = leftValues.shape
            let pick = try evaluate(takeRight, inputs: [leftValues, rightValues], shape: shape)
            let values = try evaluate(.select(.input(2, .bool), r, l), inputs: [leftValues, rightValues, pick], shape: shape)
            let indices = try evaluate(.select(.input(2, .bool), .input(1, .int64), .input(0, .int64)),
                                       inputs: [leftIndices, rightIndices, pick], shape: shape)
            return .arg(values: values, indices: indices)
        default:
            throw ShapeError.invalidArgument("Cannot combine partial results of different kinds.")
        }
    }

    /// The reduction's result from its partial, in the dtype NumPy gives.
    package static func finalize(_ partial: ReductionPartial, operation: ReductionOperation, inputType: DType,
                                 ddof: Int) throws -> NDArray {
        let resultType = operation.resultType(inputType)
        switch partial {
        case let .value(chunk):
            let values = try chunk.toNDArray()
            return try (values.dtype == .int64 && resultType == .uint64 ? values.reinterpreted(as: .uint64) : values)
                .converted(to: resultType)
        case let .arg(_, indices):
            return try indices.toNDArray().converted(to: .int64)
        case let .moments(countChunk, meanChunk, m2Chunk):
            let mean = try meanChunk.toNDArray()
            if operation == .mean || operation == .nanmean { return try mean.converted(to: resultType) }
            let count = try countChunk.toNDArray().toArray(Double.self)
            let m2 = try m2Chunk.toNDArray().toArray(Double.self)
            // NumPy divides by max(n - ddof, 0): 0/0 is NaN, a positive sum over 0 is infinite.
            let variance = zip(count, m2).map { n, s in s / Swift.max(n - Double(ddof), 0) }
            let std = operation == .std || operation == .nanstd
            let values = std ? variance.map { $0.squareRoot() } : variance
            return try NDArray(values, shape: mean.shape).converted(to: resultType)
        }
    }
}

// MARK: - Helpers

extension NDArray {
    /// An array of `shape` with every element `value`, stored as `dtype`.
    package init(filled value: ScalarValue, shape: [Int], dtype: DType) {
        self.init(uninitializedShape: shape, dtype: dtype)
        let n = count
        func fill<T: NDArrayElement>(_: T.Type) {
            let element: T = dtype.isFloatingPoint ? T(convertingFrom: value.doubleValue)
                : (dtype == .uint64 ? T(convertingFrom: Int64(bitPattern: value.uint64Value)) : T(convertingFrom: value.int64Value))
            storage.bytes.bindMemory(to: T.self, capacity: n).initialize(repeating: element, count: n)
        }
        switch dtype {
        case .bool: fill(Bool.self)
        case .int8: fill(Int8.self)
        case .int16: fill(Int16.self)
        case .int32: fill(Int32.self)
        case .int64: fill(Int64.self)
        case .uint8: fill(UInt8.self)
        case .uint16: fill(UInt16.self)
        case .uint32: fill(UInt32.self)
        case .uint64: fill(Int64.self)
        case .float32: fill(Float.self)
        case .float64: fill(Double.self)
        }
    }

    /// The same bytes seen as another dtype of the same width (`int64` ↔ `uint64`).
    package func reinterpreted(as other: DType) -> NDArray {
        NDArray(shape: shape, dtype: other, storage: storage)
    }

    /// A copy with elements converted to `target` (or `self` if it already is).
    package func converted(to target: DType) throws -> NDArray {
        if target == dtype { return self }
        return try NDArray.evaluate(.cast(.input(0, dtype), target), inputs: [self], shape: shape)
    }
}
