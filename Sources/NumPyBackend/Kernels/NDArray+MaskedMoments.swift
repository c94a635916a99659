import Backends

/// The statistics of a set of `Double` values that whole-column reductions are finished from: how
/// many, their sum, extremes and sum of squared deviations from their mean.
package struct ValueMoments: Sendable, Equatable {
    /// How many values.
    package var count = 0
    /// Their sum.
    package var sum = 0.0
    /// The smallest (`+infinity` when there are none).
    package var min = Double.infinity
    /// The largest (`-infinity` when there are none).
    package var max = -Double.infinity
    /// The sum of squared deviations from their mean (0 unless asked for).
    package var m2 = 0.0

    /// No values.
    package init() {}

    /// Adds the statistics of a disjoint set of values (Chan et al.'s update for `m2`).
    package mutating func merge(_ other: ValueMoments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n = Double(count), m = Double(other.count)
        let delta = other.sum / m - sum / n
        m2 += other.m2 + delta * delta * n * m / (n + m)
        count += other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }
}

extension NDArray {
    /// Reduces `values` over the elements where `mask` is true, without materialising either:
    /// the number of such elements, and for each of `values` the ``ValueMoments`` of its non-NaN
    /// values there (a NaN is a missing value, as pandas' reductions skip it).
    ///
    /// All expressions are evaluated together over `inputs`, tile by tile (see
    /// ``evaluate(_:inputs:shape:)``), so each input is read from memory once and each tile is
    /// reduced while it is in cache. `mask` must be boolean and `values` floating point; every
    /// input must have `count` elements or one. `extremes` asks for ``ValueMoments/min`` and
    /// ``ValueMoments/max`` (left at their empty values otherwise); `deviations` for
    /// ``ValueMoments/m2`` (a second pass over each tile in cache).
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for a mask that is not boolean or values that
    ///   are not floating point; as ``evaluate(_:inputs:shape:)`` otherwise.
    package static func maskedMoments(mask: ElementwiseExpression, values: [ElementwiseExpression], inputs: [NDArray],
                                      count: Int, extremes: Bool = true, deviations: Bool) throws
        -> (kept: Int, moments: [ValueMoments]) {
        guard mask.dtype == .bool else { throw ShapeError.invalidArgument("A mask must be boolean, not \(mask.dtype).") }
        guard values.allSatisfy({ $0.dtype.isFloatingPoint }) else {
            throw ShapeError.invalidArgument("Masked moments are taken of floating-point values.")
        }
        try checkShape([count])
        let evaluator = try TileEvaluator(roots: [mask] + values, inputs: inputs, shape: [count])
        defer { evaluator.release() }
        let ones = UnsafeMutablePointer<Int64>.allocate(capacity: TileEvaluator.tileSize)
        let filled = UnsafeMutablePointer<Double>.allocate(capacity: TileEvaluator.tileSize)
        let flags = UnsafeMutablePointer<Int64>.allocate(capacity: TileEvaluator.tileSize)
        defer { ones.deallocate(); filled.deallocate(); flags.deallocate() }
        ones.initialize(repeating: 1, count: TileEvaluator.tileSize)
        var kept = 0
        var moments = [ValueMoments](repeating: ValueMoments(), count: values.count)
        evaluator.forEachTile { _, placement in
            let length = placement.count
            let keep: UnsafePointer<Int64>
            switch evaluator.register(ofRoot: 0) {
            case let .integer(p): keep = UnsafePointer(p)
            case let .integerScalar(v): guard v != 0 else { return }; keep = UnsafePointer(ones)
            case let .float(p):
                for j in 0..<length { flags[j] = p[j] != 0 ? 1 : 0 }
                keep = UnsafePointer(flags)
            case let .floatScalar(v): guard v != 0 else { return }; keep = UnsafePointer(ones)
            }
            kept += countNonzero(keep, length)
            for k in values.indices {
                let x: UnsafePointer<Double>
                switch evaluator.register(ofRoot: k + 1) {
                case let .float(p): x = UnsafePointer(p)
                case let .floatScalar(v): filled.update(repeating: v, count: length); x = UnsafePointer(filled)
                case let .integer(p):
                    for j in 0..<length { filled[j] = Double(p[j]) }
                    x = UnsafePointer(filled)
                case let .integerScalar(v): filled.update(repeating: Double(v), count: length); x = UnsafePointer(filled)
                }
                let tile = extremes
                    ? tileMoments(x, keep, length, extremes: true, deviations: deviations)
                    : tileMoments(x, keep, length, extremes: false, deviations: deviations)
                moments[k].merge(tile)
            }
        }
        try evaluator.checkFailure()
        return (kept, moments)
    }

    /// How many of `length` flags are nonzero.
    private static func countNonzero(_ flags: UnsafePointer<Int64>, _ length: Int) -> Int {
        let raw = UnsafeRawPointer(flags)
        var lanes = SIMD4<Int64>()
        let n4 = length & ~3
        var k = 0
        while k < n4 {
            let m = raw.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Int64>.self)
            lanes &+= SIMD4<Int64>().replacing(with: 1, where: m .!= 0)
            k += 4
        }
        var total = Int(lanes.wrappedSum())
        while k < length { total += flags[k] != 0 ? 1 : 0; k += 1 }
        return total
    }

    /// The moments of the non-NaN values of `x` whose flag in `keep` is nonzero, over one tile:
    /// branch-free SIMD lanes (a data-dependent branch mispredicts on half the rows of a random
    /// filter), the deviations in a second pass from the tile's own mean.
    @inline(__always)
    private static func tileMoments(_ x: UnsafePointer<Double>, _ keep: UnsafePointer<Int64>, _ length: Int,
                                    extremes: Bool, deviations: Bool) -> ValueMoments {
        let values = UnsafeRawPointer(x), flags = UnsafeRawPointer(keep)
        var sums = SIMD4<Double>(), counts = SIMD4<Int64>()
        var lows = SIMD4<Double>(repeating: .infinity), highs = SIMD4<Double>(repeating: -.infinity)
        let n4 = length & ~3
        var k = 0
        while k < n4 {
            let v = values.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self)
            let m = flags.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Int64>.self)
            let taken = (m .!= 0) .& (v .== v)
            sums += SIMD4<Double>().replacing(with: v, where: taken)
            counts &+= SIMD4<Int64>().replacing(with: 1, where: taken)
            if extremes {
                // Not `pointwiseMin`, which is not inlined: taken lanes never hold NaN here.
                lows = lows.replacing(with: v, where: taken .& (v .< lows))
                highs = highs.replacing(with: v, where: taken .& (v .> highs))
            }
            k += 4
        }
        var result = ValueMoments()
        result.sum = sums.sum()
        result.count = Int(counts.wrappedSum())
        if extremes {
            result.min = lows.min()
            result.max = highs.max()
        }
        while k < length {
            let v = x[k]
            if keep[k] != 0, !v.isNaN {
                result.sum += v
                result.count += 1
                if extremes {
                    result.min = Swift.min(result.min, v)
                    result.max = Swift.max(result.max, v)
                }
            }
            k += 1
        }
        guard deviations, result.count > 0 else { return result }
        let mean = result.sum / Double(result.count)
        let center = SIMD4<Double>(repeating: mean)
        var squares = SIMD4<Double>()
        k = 0
        while k < n4 {
            let v = values.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self)
            let m = flags.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Int64>.self)
            let d = (v - center).replacing(with: 0, where: .!((m .!= 0) .& (v .== v)))
            squares += d * d
            k += 4
        }
        var m2 = squares.sum()
        while k < length {
            if keep[k] != 0, !x[k].isNaN { let d = x[k] - mean; m2 += d * d }
            k += 1
        }
        result.m2 = m2
        return result
    }
}
