import Backends

/// The accumulator kinds reductions use: doubles for floating point, wrapping 64-bit integers
/// otherwise (NumPy's integer sums wrap too).
enum AccumulatorKind {
    case double, signed, unsigned

    init(_ dtype: DType) {
        switch dtype.kind {
        case .floatingPoint: self = .double
        case .unsignedInteger: self = .unsigned
        case .boolean, .signedInteger: self = .signed
        }
    }

    /// The dtype partial results of this kind are stored as.
    var dtype: DType {
        switch self {
        case .double: .float64
        case .signed: .int64
        case .unsigned: .uint64
        }
    }
}

/// An (outer, reduced, inner) view of a contiguous array for reducing its middle axis.
struct AxisLayout {
    var outer: Int
    var reduced: Int
    var inner: Int

    /// Reduces the middle axis into `out` (`outer * inner` elements) with `combine`, from `identity`.
    ///
    /// When `inner` is 1 each row is reduced with four independent accumulators, so the loop is
    /// not bound by the latency of one chain of operations; otherwise whole rows are combined
    /// into the output row, which the compiler vectorises.
    @inline(__always)
    func reduce<T>(_ x: UnsafePointer<T>, into out: UnsafeMutablePointer<T>, identity: T, _ combine: (T, T) -> T) {
        reduce(x, into: out, identity: identity, combine, merge: combine)
    }

    /// Reduces as ``reduce(_:into:identity:_:)``, merging the independent accumulators with
    /// `merge` (which differs from `combine` where an element is not a partial, as for a count).
    @inline(__always)
    func reduce<T>(_ x: UnsafePointer<T>, into out: UnsafeMutablePointer<T>, identity: T, _ combine: (T, T) -> T,
                   merge: (T, T) -> T) {
        if inner == 1 {
            for o in 0..<outer {
                let row = x + o * reduced
                var a0 = identity, a1 = identity, a2 = identity, a3 = identity
                var r = 0
                while r + 4 <= reduced {
                    a0 = combine(a0, row[r])
                    a1 = combine(a1, row[r + 1])
                    a2 = combine(a2, row[r + 2])
                    a3 = combine(a3, row[r + 3])
                    r += 4
                }
                while r < reduced { a0 = combine(a0, row[r]); r += 1 }
                out[o] = merge(merge(a0, a1), merge(a2, a3))
            }
            return
        }
        for o in 0..<outer {
            let target = out + o * inner
            target.update(repeating: identity, count: inner)
            // Four source rows per pass over the output row: a quarter of the traffic to it,
            // and the same order of operations as one row at a time.
            var r = 0
            while r + 4 <= reduced {
                let s0 = x + (o * reduced + r) * inner
                let (s1, s2, s3) = (s0 + inner, s0 + 2 * inner, s0 + 3 * inner)
                for i in 0..<inner { target[i] = combine(combine(combine(combine(target[i], s0[i]), s1[i]), s2[i]), s3[i]) }
                r += 4
            }
            while r < reduced {
                let source = x + (o * reduced + r) * inner
                for i in 0..<inner { target[i] = combine(target[i], source[i]) }
                r += 1
            }
        }
    }
}

// MARK: - Elementwise combiners, shared by tiles, axes and tree combines

/// The operations of a value reduction on doubles, with their identities.
enum DoubleReducer {
    @inline(__always) static func min(_ a: Double, _ b: Double) -> Double { a < b || a.isNaN ? a : b }
    @inline(__always) static func max(_ a: Double, _ b: Double) -> Double { a > b || a.isNaN ? a : b }
    @inline(__always) static func nanmin(_ a: Double, _ b: Double) -> Double { a <= b || b.isNaN ? a : b }
    @inline(__always) static func nanmax(_ a: Double, _ b: Double) -> Double { a >= b || b.isNaN ? a : b }

    static func identity(_ operation: ReductionOperation) -> Double {
        switch operation {
        case .prod, .nanprod, .all: 1
        case .min: .infinity
        case .max: -.infinity
        case .nanmin, .nanmax: .nan
        default: 0
        }
    }

    /// Reduces `x`'s middle axis by `operation` into `out`.
    static func reduce(_ operation: ReductionOperation, _ x: UnsafePointer<Double>, _ layout: AxisLayout,
                       into out: UnsafeMutablePointer<Double>) {
        let e = identity(operation)
        switch operation {
        case .sum:
            if layout.inner == 1 {
                for o in 0..<layout.outer {
                    out[o] = sumDoubles(UnsafeBufferPointer(start: x + o * layout.reduced, count: layout.reduced))
                }
            } else {
                layout.reduce(x, into: out, identity: e) { $0 + $1 }
            }
        case .nansum: layout.reduce(x, into: out, identity: e, { $0 + ($1.isNaN ? 0 : $1) }, merge: { $0 + $1 })
        case .prod: layout.reduce(x, into: out, identity: e) { $0 * $1 }
        case .nanprod: layout.reduce(x, into: out, identity: e, { $0 * ($1.isNaN ? 1 : $1) }, merge: { $0 * $1 })
        case .min: layout.reduce(x, into: out, identity: e, min)
        case .max: layout.reduce(x, into: out, identity: e, max)
        case .nanmin: layout.reduce(x, into: out, identity: e, nanmin)
        case .nanmax: layout.reduce(x, into: out, identity: e, nanmax)
        case .any: layout.reduce(x, into: out, identity: e) { $0 != 0 || $1 != 0 ? 1 : 0 }
        case .all: layout.reduce(x, into: out, identity: e) { $0 != 0 && $1 != 0 ? 1 : 0 }
        case .count: layout.reduce(x, into: out, identity: 0, { $0 + ($1.isNaN ? 0 : 1) }, merge: { $0 + $1 })
        default: layout.reduce(x, into: out, identity: e) { $0 + $1 }
        }
    }

    /// Reduces a run of values into `accumulator`.
    static func accumulate(_ operation: ReductionOperation, _ x: UnsafeBufferPointer<Double>,
                           into accumulator: inout Double) {
        guard let base = x.baseAddress, !x.isEmpty else { return }
        if operation == .sum {
            accumulator += sumDoubles(x)
            return
        }
        if operation == .nansum {
            accumulator += nansumDoubles(x)
            return
        }
        var partial = identity(operation)
        reduce(operation, base, AxisLayout(outer: 1, reduced: x.count, inner: 1), into: &partial)
        accumulator = combine(operation, accumulator, partial)
    }

    /// Combines two partial results of `operation`.
    @inline(__always)
    static func combine(_ operation: ReductionOperation, _ a: Double, _ b: Double) -> Double {
        switch operation {
        case .prod, .nanprod: a * b
        case .min: min(a, b)
        case .max: max(a, b)
        case .nanmin: nanmin(a, b)
        case .nanmax: nanmax(a, b)
        case .any: a != 0 || b != 0 ? 1 : 0
        case .all: a != 0 && b != 0 ? 1 : 0
        default: a + b
        }
    }
}

/// The operations of a value reduction on 64-bit integers (unsigned ones by their bit patterns).
enum IntegerReducer {
    static func identity(_ operation: ReductionOperation, unsigned: Bool) -> Int64 {
        switch operation {
        case .prod, .nanprod, .all: 1
        case .min, .nanmin: unsigned ? -1 : .max
        case .max, .nanmax: unsigned ? 0 : .min
        default: 0
        }
    }

    /// Reduces `x`'s middle axis by `operation` into `out`.
    static func reduce(_ operation: ReductionOperation, unsigned: Bool, _ x: UnsafePointer<Int64>,
                       _ layout: AxisLayout, into out: UnsafeMutablePointer<Int64>) {
        let e = identity(operation, unsigned: unsigned)
        switch operation {
        case .prod, .nanprod: layout.reduce(x, into: out, identity: e) { $0 &* $1 }
        case .min, .nanmin:
            if unsigned { layout.reduce(x, into: out, identity: e) { UInt64(bitPattern: $0) <= UInt64(bitPattern: $1) ? $0 : $1 } }
            else { layout.reduce(x, into: out, identity: e) { Swift.min($0, $1) } }
        case .max, .nanmax:
            if unsigned { layout.reduce(x, into: out, identity: e) { UInt64(bitPattern: $0) >= UInt64(bitPattern: $1) ? $0 : $1 } }
            else { layout.reduce(x, into: out, identity: e) { Swift.max($0, $1) } }
        case .any: layout.reduce(x, into: out, identity: e) { $0 != 0 || $1 != 0 ? 1 : 0 }
        case .all: layout.reduce(x, into: out, identity: e) { $0 != 0 && $1 != 0 ? 1 : 0 }
        case .count: layout.reduce(x, into: out, identity: 0, { a, _ in a &+ 1 }, merge: { $0 &+ $1 })
        default: layout.reduce(x, into: out, identity: e) { $0 &+ $1 }
        }
    }

    /// Combines two partial results of `operation`.
    @inline(__always)
    static func combine(_ operation: ReductionOperation, unsigned: Bool, _ a: Int64, _ b: Int64) -> Int64 {
        switch operation {
        case .prod, .nanprod: return a &* b
        case .min, .nanmin: return unsigned ? (UInt64(bitPattern: a) <= UInt64(bitPattern: b) ? a : b) : Swift.min(a, b)
        case .max, .nanmax: return unsigned ? (UInt64(bitPattern: a) >= UInt64(bitPattern: b) ? a : b) : Swift.max(a, b)
        case .any: return a != 0 || b != 0 ? 1 : 0
        case .all: return a != 0 && b != 0 ? 1 : 0
        default: return a &+ b
        }
    }
}

/// A sum of doubles with sixteen independent accumulators, so it runs at memory speed rather than
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

/// The sum of the values that are not NaN, with the SIMD accumulators of ``sumDoubles(_:)`` (a
/// NaN lane adds zero, so there is no branch).
package func nansumDoubles(_ x: UnsafeBufferPointer<Double>) -> Double {
    guard let base = x.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    var a = SIMD8<Double>(), b = SIMD8<Double>()
    let n16 = x.count & ~15
    var k = 0
    while k < n16 {
        let u = raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self)
        let v = raw.loadUnaligned(fromByteOffset: (k + 8) * 8, as: SIMD8<Double>.self)
        a += u.replacing(with: 0, where: u .!= u)
        b += v.replacing(with: 0, where: v .!= v)
        k += 16
    }
    var tail = 0.0
    while k < x.count { tail += x[k].isNaN ? 0 : x[k]; k += 1 }
    return (a + b).sum() + tail
}

// MARK: - Moments

/// Count, mean and sum of squared deviations of a set of values (Chan et al.).
struct Moments {
    var count: Double = 0
    var mean: Double = 0
    var m2: Double = 0

    init() {}

    /// The moments of a run of doubles (NaN left out when `skipNaN`): two passes over values
    /// that are in cache, the second with SIMD lanes.
    init(_ x: UnsafeBufferPointer<Double>, skipNaN: Bool) {
        guard let base = x.baseAddress, !x.isEmpty else { return }
        if skipNaN {
            var n = 0.0, s = 0.0
            for v in x where !v.isNaN { n += 1; s += v }
            guard n > 0 else { return }
            count = n
            mean = s / n
            var q = 0.0
            for v in x where !v.isNaN { let d = v - mean; q += d * d }
            m2 = q
            return
        }
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
    }

    /// The moments of a run of integers (unsigned ones by their bit patterns).
    init(integers x: UnsafeBufferPointer<Int64>, unsigned: Bool) {
        guard !x.isEmpty else { return }
        @inline(__always) func value(_ v: Int64) -> Double { unsigned ? Double(UInt64(bitPattern: v)) : Double(v) }
        var s = 0.0
        for v in x { s += value(v) }
        count = Double(x.count)
        mean = s / count
        var q = 0.0
        for v in x { let d = value(v) - mean; q += d * d }
        m2 = q
    }

    /// The moments of `n` copies of one value.
    init(repeating value: Double, count n: Int, skipNaN: Bool) {
        guard n > 0, !(skipNaN && value.isNaN) else { return }
        count = Double(n)
        mean = value
        m2 = value.isFinite ? 0 : .nan
    }

    /// Adds the values of `other` to these.
    mutating func merge(_ other: Moments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n = count + other.count
        let delta = other.mean - mean
        mean += delta * other.count / n
        m2 += other.m2 + delta * delta * count * other.count / n
        count = n
    }

    /// The partial of these moments, every element of `shape` the same.
    func partial(shape: [Int]) -> ReductionPartial {
        .moments(count: NDArray(filled: .double(count), shape: shape, dtype: .float64),
                 mean: NDArray(filled: .double(count > 0 ? mean : .nan), shape: shape, dtype: .float64),
                 m2: NDArray(filled: .double(m2), shape: shape, dtype: .float64))
    }

    /// The moments along the middle axis of `x`, one per (outer, inner) position.
    static func alongAxis(_ x: UnsafePointer<Double>, _ layout: AxisLayout, skipNaN: Bool,
                          shape: [Int]) -> ReductionPartial {
        let n = layout.outer * layout.inner
        let counts = NDArray(uninitializedShape: shape, dtype: .float64)
        let means = NDArray(uninitializedShape: shape, dtype: .float64)
        let m2s = NDArray(uninitializedShape: shape, dtype: .float64)
        counts.withUnsafeMutableElements(as: Double.self) { countOut in
            means.withUnsafeMutableElements(as: Double.self) { meanOut in
                m2s.withUnsafeMutableElements(as: Double.self) { m2Out in
                    guard let c = countOut.baseAddress, let m = meanOut.baseAddress, let q = m2Out.baseAddress,
                          n > 0 else { return }
                    if skipNaN {
                        DoubleReducer.reduce(.count, x, layout, into: c)
                        DoubleReducer.reduce(.nansum, x, layout, into: m)
                    } else {
                        c.update(repeating: Double(layout.reduced), count: n)
                        DoubleReducer.reduce(.sum, x, layout, into: m)
                    }
                    for k in 0..<n { m[k] = c[k] > 0 ? m[k] / c[k] : .nan }
                    q.update(repeating: 0, count: n)
                    for o in 0..<layout.outer {
                        for r in 0..<layout.reduced {
                            let source = x + (o * layout.reduced + r) * layout.inner
                            let mean = m + o * layout.inner, out = q + o * layout.inner
                            if skipNaN {
                                for i in 0..<layout.inner where !source[i].isNaN {
                                    let d = source[i] - mean[i]; out[i] += d * d
                                }
                            } else {
                                for i in 0..<layout.inner { let d = source[i] - mean[i]; out[i] += d * d }
                            }
                        }
                    }
                }
            }
        }
        return .moments(count: counts, mean: means, m2: m2s)
    }

    /// Combines two moment partials of the same shape elementwise.
    static func combine(_ a: (NDArray, NDArray, NDArray), _ b: (NDArray, NDArray, NDArray)) throws -> ReductionPartial {
        guard a.0.shape == b.0.shape else {
            throw ShapeError.incompatible(operation: "combine", shapes: [a.0.shape, b.0.shape])
        }
        let (na, ma, sa) = (a.0.toArray(Double.self), a.1.toArray(Double.self), a.2.toArray(Double.self))
        let (nb, mb, sb) = (b.0.toArray(Double.self), b.1.toArray(Double.self), b.2.toArray(Double.self))
        var count = na, mean = ma, m2 = sa
        for k in na.indices {
            var left = Moments(); left.count = na[k]; left.mean = ma[k]; left.m2 = sa[k]
            var right = Moments(); right.count = nb[k]; right.mean = mb[k]; right.m2 = sb[k]
            left.merge(right)
            count[k] = left.count; mean[k] = left.count > 0 ? left.mean : .nan; m2[k] = left.m2
        }
        let shape = a.0.shape
        return .moments(count: try NDArray(count, shape: shape), mean: try NDArray(mean, shape: shape),
                        m2: try NDArray(m2, shape: shape))
    }
}

// MARK: - Whole-array accumulation

extension TileValues {
    /// The number of values that are not NaN.
    var nonNaNCount: Int64 {
        switch self {
        case let .doubles(x):
            var n = 0
            for v in x where !v.isNaN { n += 1 }
            return Int64(n)
        case let .integers(x), let .unsigned(x): return Int64(x.count)
        case let .repeatedDouble(v, n): return v.isNaN ? 0 : Int64(n)
        case let .repeatedInteger(_, n), let .repeatedUnsigned(_, n): return Int64(n)
        }
    }

    /// The moments of the values.
    func moments(skipNaN: Bool) -> Moments {
        switch self {
        case let .doubles(x): Moments(x, skipNaN: skipNaN)
        case let .integers(x): Moments(integers: x, unsigned: false)
        case let .unsigned(x): Moments(integers: x, unsigned: true)
        case let .repeatedDouble(v, n): Moments(repeating: v, count: n, skipNaN: skipNaN)
        case let .repeatedInteger(v, n): Moments(repeating: Double(v), count: n, skipNaN: false)
        case let .repeatedUnsigned(v, n): Moments(repeating: Double(UInt64(bitPattern: v)), count: n, skipNaN: false)
        }
    }
}

/// A running sum, product, minimum, maximum, any or all (or a `nan` form) of scalars.
struct ScalarAccumulator {
    let operation: ReductionOperation
    let kind: AccumulatorKind
    var double: Double
    var integer: Int64

    init(operation: ReductionOperation, kind: AccumulatorKind) {
        self.operation = operation
        self.kind = kind
        double = DoubleReducer.identity(operation)
        integer = IntegerReducer.identity(operation, unsigned: kind == .unsigned)
    }

    /// The dtype of the partial.
    var dtype: DType {
        if operation == .any || operation == .all { return .bool }
        return kind.dtype
    }

    /// The partial value.
    var value: ScalarValue {
        switch kind {
        case .double: .double(double)
        case .signed: .int(integer)
        case .unsigned: .uint(UInt64(bitPattern: integer))
        }
    }

    mutating func add(_ tile: TileValues) {
        let unsigned = kind == .unsigned
        switch tile {
        case let .doubles(x):
            DoubleReducer.accumulate(operation, x, into: &double)
        case let .integers(x), let .unsigned(x):
            guard let base = x.baseAddress, !x.isEmpty else { return }
            var partial = IntegerReducer.identity(operation, unsigned: unsigned)
            IntegerReducer.reduce(operation, unsigned: unsigned, base, AxisLayout(outer: 1, reduced: x.count, inner: 1),
                                  into: &partial)
            integer = IntegerReducer.combine(operation, unsigned: unsigned, integer, partial)
        case let .repeatedDouble(v, n):
            addRepeated(double: v, integer: Int64(truncatingIfNeeded: v), count: n)
        case let .repeatedInteger(v, n), let .repeatedUnsigned(v, n):
            addRepeated(double: Double(v), integer: v, count: n)
        }
    }

    /// Adds `count` copies of one value in O(log count) time.
    private mutating func addRepeated(double value: Double, integer intValue: Int64, count: Int) {
        guard count > 0 else { return }
        let unsigned = kind == .unsigned
        switch (operation, kind) {
        case (.nansum, .double) where value.isNaN, (.nanprod, .double) where value.isNaN: return
        case (.sum, .double), (.nansum, .double): double += value * Double(count)
        case (.sum, _), (.nansum, _): integer = integer &+ intValue &* Int64(count)
        case (.prod, .double), (.nanprod, .double): double *= powerBySquaring(value, count)
        case (.prod, _), (.nanprod, _): integer = integer &* TileEvaluator.integerPower(intValue, Int64(count))
        default:
            if kind == .double {
                double = DoubleReducer.combine(operation, double, value)
            } else {
                integer = IntegerReducer.combine(operation, unsigned: unsigned, integer, intValue)
            }
        }
    }
}

/// `value` raised to a non-negative integer power by repeated squaring.
func powerBySquaring(_ value: Double, _ exponent: Int) -> Double {
    var result = 1.0, base = value, e = exponent
    while e > 0 {
        if e & 1 == 1 { result *= base }
        base *= base
        e >>= 1
    }
    return result
}
