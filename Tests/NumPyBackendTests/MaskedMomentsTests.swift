import Testing
@testable import NumPyBackend
import Backends

/// ``NDArray/maskedMoments(mask:values:inputs:count:deviations:)``: the mask and the values are
/// evaluated together tile by tile and reduced in one pass; compared with the same statistics
/// worked out here element by element, over lengths that cross tiles and leave SIMD tails.
@Suite("Masked moments: one-pass reductions of values where a mask holds")
struct MaskedMomentsTests {
    /// `a` with some NaN, `b` without.
    private func columns(_ n: Int) -> (a: [Double], b: [Double]) {
        let a = (0..<n).map { i in i % 13 == 5 ? Double.nan : Double((i * 29) % 41) - 20.5 }
        let b = (0..<n).map { i in Double((i * 7) % 11) * 0.5 - 1 }
        return (a, b)
    }

    /// Count, sum, min, max and squared deviations of `values` where `keep` holds, NaN left out.
    private func reference(_ values: [Double], _ keep: [Bool]) -> ValueMoments {
        let taken = zip(values, keep).filter { $0.1 && !$0.0.isNaN }.map(\.0)
        var result = ValueMoments()
        result.count = taken.count
        result.sum = taken.reduce(0, +)
        result.min = taken.min() ?? .infinity
        result.max = taken.max() ?? -.infinity
        let mean = taken.isEmpty ? 0 : result.sum / Double(taken.count)
        result.m2 = taken.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return result
    }

    private func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-9 * Swift.max(1, abs(y)) }

    @Test("a * b and a where b > 0, against element-by-element statistics", arguments: [0, 1, 3, 1023, 1024, 1030, 5001])
    func againstReference(_ n: Int) throws {
        let (a, b) = columns(n)
        let x = try NDArray(a, shape: [n]), y = try NDArray(b, shape: [n])
        let mask = ElementwiseExpression.binary(.greater, .input(1, .float64), .constant(.double(0), .float64))
        let product = ElementwiseExpression.binary(.multiply, .input(0, .float64), .input(1, .float64))
        let (kept, moments) = try NDArray.maskedMoments(mask: mask, values: [product, .input(0, .float64)], inputs: [x, y],
                                                        count: n, deviations: true)
        let keep = b.map { $0 > 0 }
        #expect(kept == keep.filter { $0 }.count)
        for (got, expected) in zip(moments, [reference(zip(a, b).map { $0 * $1 }, keep), reference(a, keep)]) {
            #expect(got.count == expected.count)
            #expect(close(got.sum, expected.sum))
            #expect(got.min == expected.min && got.max == expected.max)
            #expect(close(got.m2, expected.m2))
        }
    }

    @Test("A constant mask and constant values")
    func constants() throws {
        let n = 2500
        let x = try NDArray(columns(n).a, shape: [n])
        let everything = ElementwiseExpression.constant(.bool(true), .bool)
        let nothing = ElementwiseExpression.constant(.bool(false), .bool)
        let (all, moments) = try NDArray.maskedMoments(mask: everything, values: [.constant(.double(2), .float64)],
                                                       inputs: [x], count: n, deviations: true)
        #expect(all == n && moments[0].count == n && moments[0].sum == Double(2 * n) && moments[0].m2 == 0)
        let (none, empty) = try NDArray.maskedMoments(mask: nothing, values: [.input(0, .float64)], inputs: [x], count: n,
                                                      deviations: false)
        #expect(none == 0 && empty[0] == ValueMoments())
    }

    @Test("Merging moments of two halves gives the moments of the whole")
    func merge() {
        let values = (0..<200).map { Double(($0 * 17) % 23) * 1.5 }
        let keep = [Bool](repeating: true, count: 200)
        var left = reference(Array(values[..<70]), Array(keep[..<70]))
        left.merge(reference(Array(values[70...]), Array(keep[70...])))
        let whole = reference(values, keep)
        #expect(left.count == whole.count && close(left.sum, whole.sum) && close(left.m2, whole.m2))
        #expect(left.min == whole.min && left.max == whole.max)
    }

    @Test("A mask that is not boolean and values that are not floating point are rejected")
    func badInput() throws {
        let x = try NDArray([1.0, 2, 3], shape: [3])
        #expect(throws: ShapeError.self) {
            try NDArray.maskedMoments(mask: .input(0, .float64), values: [], inputs: [x], count: 3, deviations: false)
        }
        #expect(throws: ShapeError.self) {
            try NDArray.maskedMoments(mask: .constant(.bool(true), .bool), values: [.cast(.input(0, .float64), .int64)],
                                      inputs: [x], count: 3, deviations: false)
        }
    }
}
