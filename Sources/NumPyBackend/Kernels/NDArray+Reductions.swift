import Backends

/// The accumulator kinds reductions use: doubles for floating point, wrapping 64-bit integers
/// otherwise (NumPy's integer sums wrap too).
private enum AccumulatorKind {
    case double, signed, unsigned

    init(_ dtype: DType) {
        switch dtype.kind {
        case .floatingPoint: self = .double
        case .unsignedInteger: self = .unsigned
        case .boolean, .signedInteger: self = .signed
        }
    }

    var dtype: DType {
        switch self {
        case .double: .float64
        case .signed: .int64
        case .unsigned: .uint64
        }
    }
}

extension NDArray {
    // MARK: - Partials

    /// Reduces the values of `expression` over `axes` (kept as length-1 axes) into a partial.
    ///
    /// When every axis is reduced, the expression is evaluated tile by tile and each tile reduced at
    /// once, so its values never reach memory: `((x + 1) * y - x / 2).sum()` reads `x` and `y` once.
    package static func reducePartial(_ expression: ElementwiseExpression, inputs: [NDArray], shape: [Int],
                                      operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial {
        let axes = try normalizeAxes(axes, ndim: shape.count)
        if axes.count == shape.count {   // normalised axes are distinct
            return try reduceAll(expression, inputs: inputs, shape: shape, operation: operation)
        }
        let values: NDArray
        if case let .input(index, _) = expression, inputs[index].shape == shape {
            values = inputs[index]
        } else {
            values = try evaluate(expression, inputs: inputs, shape: shape)
        }
        return try values.reduceAxes(operation, axes: axes)
    }

    /// Validates and sorts axes, turning negative axes into positive ones.
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
        switch operation {
        case .mean, .variance, .std:
            var total = Moments()
            try forEachTile(of: expression, inputs: inputs, shape: shape) { tile in total.merge(Moments(tile)) }
            return total.partial(shape: ones)
        case .count:
            var count: Int64 = 0
            try forEachTile(of: expression, inputs: inputs, shape: shape) { tile in count += tile.nonNaNCount }
            return .value(NDArray(filled: ScalarValue.int(count), shape: ones, dtype: .int64))
        case .sum, .prod, .min, .max, .any, .all:
            var accumulator = ScalarAccumulator(operation: operation, kind: kind)
            try forEachTile(of: expression, inputs: inputs, shape: shape) { tile in accumulator.add(tile) }
            return .value(NDArray(filled: accumulator.value, shape: ones, dtype: accumulator.dtype))
        }
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
        switch operation {
        case .mean, .variance, .std:
            var total = Moments()
            if count > 0 { total.merge(Moments(tile)) }
            return total.partial(shape: shape)
        case .count:
            return .value(NDArray(filled: .int(count > 0 ? tile.nonNaNCount : 0), shape: shape, dtype: .int64))
        default:
            var accumulator = ScalarAccumulator(operation: operation, kind: AccumulatorKind(dtype))
            if count > 0 { accumulator.add(tile) }
            return .value(NDArray(filled: accumulator.value, shape: shape, dtype: accumulator.dtype))
        }
    }

    /// Reduces over `axes` (sorted, valid, not all of them), keeping them as length-1 axes.
    private func reduceAxes(_ operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial {
        // Move the reduced axes to the middle of an (outer, reduced, inner) view; copy if they are not adjacent.
        let contiguous = zip(axes, axes.dropFirst()).allSatisfy { $1 == $0 + 1 }
        let source: NDArray
        let keptShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        if contiguous {
            source = self
        } else {
            let kept = shape.indices.filter { !axes.contains($0) }
            source = try transposedCopy(kept + axes)
        }
        let first = contiguous ? axes[0] : shape.count - axes.count
        let reducedShape = contiguous ? axes.map { shape[$0] } : axes.map { shape[$0] }
        let sourceShape = source.shape
        let outer = sourceShape[..<first].reduce(1, *)
        let reduced = reducedShape.reduce(1, *)
        let inner = sourceShape[(first + reducedShape.count)...].reduce(1, *)
        let layout = AxisLayout(outer: outer, reduced: reduced, inner: inner)
        let kind = AccumulatorKind(dtype)
        switch operation {
        case .mean, .variance, .std:
            let doubles = try source.converted(to: .float64)
            return doubles.withUnsafeElements(as: Double.self) { x in Moments.alongAxis(x, layout, shape: keptShape) }
        case .count:
            let doubles = try source.converted(to: .float64)
            let counts = doubles.withUnsafeElements(as: Double.self) { x in
                layout.reduce(x, initial: Int64(0)) { $0 + ($1.isNaN ? 0 : 1) }
            }
            return .value(try NDArray(counts, shape: keptShape))
        default:
            switch kind {
            case .double:
                let doubles = try source.converted(to: .float64)
                let combine = ScalarAccumulator.doubleCombiner(operation)
                let values = doubles.withUnsafeElements(as: Double.self) { x in
                    layout.reduce(x, initial: ScalarAccumulator.doubleIdentity(operation), combine)
                }
                return .value(try NDArray(values, shape: keptShape).converted(to: operation == .any || operation == .all ? .bool : .float64))
            case .signed, .unsigned:
                let integers = try source.converted(to: kind.dtype)
                let combine = ScalarAccumulator.integerCombiner(operation, unsigned: kind == .unsigned)
                let values = integers.withUnsafeElements(as: Int64.self) { x in
                    layout.reduce(x, initial: ScalarAccumulator.integerIdentity(operation, unsigned: kind == .unsigned), combine)
                }
                let result = try NDArray(values, shape: keptShape)
                if operation == .any || operation == .all { return .value(try result.converted(to: .bool)) }
                return .value(kind == .unsigned ? result.reinterpreted(as: .uint64) : result)
            }
        }
    }

    // MARK: - Combining and finishing

    /// Combines two partials elementwise.
    package static func combine(_ a: ReductionPartial, _ b: ReductionPartial,
                                operation: ReductionOperation) throws -> ReductionPartial {
        switch (a, b) {
        case let (.moments(na, ma, sa), .moments(nb, mb, sb)):
            return try Moments.combine((na.toNDArray(), ma.toNDArray(), sa.toNDArray()),
                                       (nb.toNDArray(), mb.toNDArray(), sb.toNDArray()))
        case let (.value(x), .value(y)):
            let left = try x.toNDArray()
            let right = try y.toNDArray()
            if left.count == 1, right.count == 1, left.dtype == .float64, right.dtype == .float64,
               left.shape == right.shape, operation == .sum || operation == .count {
                // The common top of a tree: two scalars, added without building an evaluator.
                let sum = left.scalar(at: 0).doubleValue + right.scalar(at: 0).doubleValue
                return .value(NDArray(filled: .double(sum), shape: left.shape, dtype: .float64))
            }
            let op: BinaryOperation = switch operation {
            case .sum, .count: .add
            case .prod: .multiply
            case .min: .minimum
            case .max: .maximum
            case .any: .logicalOr
            case .all: .logicalAnd
            case .mean, .variance, .std: .add
            }
            let expression = ElementwiseExpression.binary(op, .input(0, left.dtype), .input(1, right.dtype))
            return .value(try evaluate(expression, inputs: [left, right], shape: try broadcastShape(left.shape, right.shape)))
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
            return try chunk.toNDArray().converted(to: resultType)
        case let .moments(countChunk, meanChunk, m2Chunk):
            let count = try countChunk.toNDArray().toArray(Double.self)
            let mean = try meanChunk.toNDArray()
            if operation == .mean { return try mean.converted(to: resultType) }
            let m2 = try m2Chunk.toNDArray().toArray(Double.self)
            let variance = zip(count, m2).map { n, s in
                let dof = n - Double(ddof)
                return dof > 0 ? s / dof : .nan
            }
            let values = operation == .std ? variance.map { $0.squareRoot() } : variance
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
                : (dtype == .uint64 ? T(convertingFrom: Int64(bitPattern: UInt64(clamping: value))) : T(convertingFrom: value.int64Value))
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

extension UInt64 {
    /// The unsigned value of a scalar, wrapping negative integers and truncating doubles.
    fileprivate init(clamping value: ScalarValue) {
        switch value {
        case let .uint(v): self = v
        case let .int(v): self = UInt64(bitPattern: v)
        case let .bool(v): self = v ? 1 : 0
        case let .double(v): self = v.isNaN || v < 0 ? 0 : (v >= 18_446_744_073_709_551_616.0 ? .max : UInt64(v))
        }
    }
}

/// An (outer, reduced, inner) view of a contiguous array for reducing the middle axis.
private struct AxisLayout {
    var outer: Int
    var reduced: Int
    var inner: Int

    func reduce<T, A>(_ x: UnsafeBufferPointer<T>, initial: A, _ combine: (A, T) -> A) -> [A] {
        var out = [A](repeating: initial, count: outer * inner)
        guard let input = x.baseAddress, !out.isEmpty, reduced > 0 else { return out }
        out.withUnsafeMutableBufferPointer { result in
            guard let output = result.baseAddress else { return }
            for o in 0..<outer {
                let row = output + o * inner
                for r in 0..<reduced {
                    let source = input + (o * reduced + r) * inner
                    for i in 0..<inner { row[i] = combine(row[i], source[i]) }
                }
            }
        }
        return out
    }
}

/// Count, mean and sum of squared deviations of a set of values (Chan et al.).
private struct Moments {
    var count: Double = 0
    var mean: Double = 0
    var m2: Double = 0

    init() {}

    init(_ tile: TileValues) {
        switch tile {
        case let .doubles(x):
            guard let base = x.baseAddress, !x.isEmpty else { return }
            count = Double(x.count)
            mean = sumDoubles(x) / count
            var s = SIMD8<Double>()
            let m = SIMD8<Double>(repeating: mean)
            let n8 = x.count & ~7
            let raw = UnsafeRawPointer(base)
            var k = 0
            while k < n8 {
                let d = raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self) - m
                s += d * d
                k += 8
            }
            var tail = 0.0
            while k < x.count { let d = x[k] - mean; tail += d * d; k += 1 }
            m2 = s.sum() + tail
        case let .integers(x):
            var local = Moments()
            for v in x { local.add(Double(v)) }
            self = local
        case let .unsigned(x):
            var local = Moments()
            for v in x { local.add(Double(UInt64(bitPattern: v))) }
            self = local
        case let .repeatedDouble(v, n): count = Double(n); mean = v; m2 = v.isFinite ? 0 : .nan
        case let .repeatedInteger(v, n): count = Double(n); mean = Double(v)
        case let .repeatedUnsigned(v, n): count = Double(n); mean = Double(UInt64(bitPattern: v))
        }
    }

    mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / count
        m2 += delta * (x - mean)
    }

    mutating func merge(_ other: Moments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n = count + other.count
        let delta = other.mean - mean
        mean += delta * other.count / n
        m2 += other.m2 + delta * delta * count * other.count / n
        count = n
    }

    func partial(shape: [Int]) -> ReductionPartial {
        .moments(count: NDArray(filled: .double(count), shape: shape, dtype: .float64),
                 mean: NDArray(filled: .double(count > 0 ? mean : .nan), shape: shape, dtype: .float64),
                 m2: NDArray(filled: .double(m2), shape: shape, dtype: .float64))
    }

    static func alongAxis(_ x: UnsafeBufferPointer<Double>, _ layout: AxisLayout, shape: [Int]) -> ReductionPartial {
        let sums = layout.reduce(x, initial: 0.0, +)
        let n = Double(layout.reduced)
        let means = sums.map { $0 / n }
        var m2 = [Double](repeating: 0, count: layout.outer * layout.inner)
        for o in 0..<layout.outer {
            for r in 0..<layout.reduced {
                let base = (o * layout.reduced + r) * layout.inner
                for i in 0..<layout.inner {
                    let d = x[base + i] - means[o * layout.inner + i]
                    m2[o * layout.inner + i] += d * d
                }
            }
        }
        let counts = [Double](repeating: n, count: means.count)
        // Force-unwrap-free construction: shapes match by construction.
        let make = { (values: [Double]) in (try? NDArray(values, shape: shape)) ?? NDArray(filled: .double(.nan), shape: shape, dtype: .float64) }
        return .moments(count: make(counts), mean: make(n > 0 ? means : means.map { _ in .nan }), m2: make(m2))
    }

    static func combine(_ a: (NDArray, NDArray, NDArray), _ b: (NDArray, NDArray, NDArray)) throws -> ReductionPartial {
        let shape = try NDArray.broadcastShape(a.0.shape, b.0.shape)
        let (na, ma, sa) = (a.0.toArray(Double.self), a.1.toArray(Double.self), a.2.toArray(Double.self))
        let (nb, mb, sb) = (b.0.toArray(Double.self), b.1.toArray(Double.self), b.2.toArray(Double.self))
        guard na.count == nb.count else {
            throw ShapeError.incompatible(operation: "combine", shapes: [a.0.shape, b.0.shape])
        }
        var count = na, mean = ma, m2 = sa
        for k in na.indices {
            var left = Moments(); left.count = na[k]; left.mean = ma[k]; left.m2 = sa[k]
            var right = Moments(); right.count = nb[k]; right.mean = mb[k]; right.m2 = sb[k]
            left.merge(right)
            count[k] = left.count; mean[k] = left.mean; m2[k] = left.m2
        }
        return .moments(count: try NDArray(count, shape: shape), mean: try NDArray(mean, shape: shape),
                        m2: try NDArray(m2, shape: shape))
    }
}

/// A sum of doubles with eight independent accumulators, so it runs at memory speed rather than
/// at the latency of one add chain.
package func sumDoubles(_ x: UnsafeBufferPointer<Double>) -> Double {
    guard let base = x.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    var a = SIMD8<Double>(), b = SIMD8<Double>()
    let n16 = x.count & ~15
    var k = 0
    while k < n16 {
        a += raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self)
        b += raw.loadUnaligned(fromByteOffset: (k + 8) * 8, as: SIMD8<Double>.self)
        k += 16
    }
    var tail = 0.0
    while k < x.count { tail += x[k]; k += 1 }
    return (a + b).sum() + tail
}

extension TileValues {
    /// The number of values that are not NaN.
    fileprivate var nonNaNCount: Int64 {
        switch self {
        case let .doubles(x): Int64(x.reduce(0) { $0 + ($1.isNaN ? 0 : 1) })
        case let .integers(x), let .unsigned(x): Int64(x.count)
        case let .repeatedDouble(v, n): v.isNaN ? 0 : Int64(n)
        case let .repeatedInteger(_, n), let .repeatedUnsigned(_, n): Int64(n)
        }
    }
}

/// A running sum, product, minimum, maximum, any or all of scalars.
private struct ScalarAccumulator {
    let operation: ReductionOperation
    let kind: AccumulatorKind
    var double: Double
    var integer: Int64

    init(operation: ReductionOperation, kind: AccumulatorKind) {
        self.operation = operation
        self.kind = kind
        double = Self.doubleIdentity(operation)
        integer = Self.integerIdentity(operation, unsigned: kind == .unsigned)
    }

    var dtype: DType {
        if operation == .any || operation == .all { return .bool }
        return kind.dtype
    }

    var value: ScalarValue {
        switch kind {
        case .double: .double(double)
        case .signed: .int(integer)
        case .unsigned: .uint(UInt64(bitPattern: integer))
        }
    }

    static func doubleIdentity(_ operation: ReductionOperation) -> Double {
        switch operation {
        case .prod, .all: 1
        case .min: .infinity
        case .max: -.infinity
        default: 0
        }
    }

    static func integerIdentity(_ operation: ReductionOperation, unsigned: Bool) -> Int64 {
        switch operation {
        case .prod, .all: 1
        case .min: unsigned ? -1 : .max
        case .max: unsigned ? 0 : .min
        default: 0
        }
    }

    static func doubleCombiner(_ operation: ReductionOperation) -> (Double, Double) -> Double {
        switch operation {
        case .prod: { $0 * $1 }
        case .min: { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        case .max: { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        case .any: { ($0 != 0 || $1 != 0) ? 1 : 0 }
        case .all: { ($0 != 0 && $1 != 0) ? 1 : 0 }
        default: { $0 + $1 }
        }
    }

    static func integerCombiner(_ operation: ReductionOperation, unsigned: Bool) -> (Int64, Int64) -> Int64 {
        switch operation {
        case .prod: { $0 &* $1 }
        case .min: unsigned ? { UInt64(bitPattern: $0) <= UInt64(bitPattern: $1) ? $0 : $1 } : { Swift.min($0, $1) }
        case .max: unsigned ? { UInt64(bitPattern: $0) >= UInt64(bitPattern: $1) ? $0 : $1 } : { Swift.max($0, $1) }
        case .any: { ($0 != 0 || $1 != 0) ? 1 : 0 }
        case .all: { ($0 != 0 && $1 != 0) ? 1 : 0 }
        default: { $0 &+ $1 }
        }
    }

    mutating func add(_ tile: TileValues) {
        switch tile {
        case let .doubles(x):
            if operation == .sum {
                double += sumDoubles(x)
            } else {
                let f = Self.doubleCombiner(operation)
                for v in x { double = f(double, v) }
            }
        case let .integers(x), let .unsigned(x):
            let f = Self.integerCombiner(operation, unsigned: kind == .unsigned)
            if kind == .double {
                let g = Self.doubleCombiner(operation)
                for v in x { double = g(double, Double(v)) }
            } else {
                for v in x { integer = f(integer, v) }
            }
        case let .repeatedDouble(v, n):
            addRepeated(double: v, integer: Int64(truncatingIfNeeded: v), count: n)
        case let .repeatedInteger(v, n), let .repeatedUnsigned(v, n):
            addRepeated(double: Double(v), integer: v, count: n)
        }
    }

    /// Adds `count` copies of one value in O(log count) time.
    private mutating func addRepeated(double value: Double, integer intValue: Int64, count: Int) {
        guard count > 0 else { return }
        switch (operation, kind) {
        case (.sum, .double): double += value * Double(count)
        case (.sum, _): integer = integer &+ intValue &* Int64(count)
        case (.prod, .double): double *= powerBySquaring(value, count)
        case (.prod, _): integer = integer &* TileEvaluator.integerPower(intValue, Int64(count))
        default:
            if kind == .double {
                double = Self.doubleCombiner(operation)(double, value)
            } else {
                integer = Self.integerCombiner(operation, unsigned: kind == .unsigned)(integer, intValue)
            }
        }
    }
}

/// `value` raised to a non-negative integer power by repeated squaring.
private func powerBySquaring(_ value: Double, _ exponent: Int) -> Double {
    var result = 1.0, base = value, e = exponent
    while e > 0 {
        if e & 1 == 1 { result *= base }
        base *= base
        e >>= 1
    }
    return result
}
