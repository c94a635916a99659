import Testing
@testable import NumPyBackend
import Backends

@Suite("NDArray kernels")
struct NDArrayTests {
    @Test("A fused expression matches step-by-step evaluation, across tile boundaries")
    func fusedExpression() throws {
        let n = 3000
        let x = try NDArray((0..<n).map { Double($0) * 0.5 }, shape: [n])
        let y = try NDArray((0..<n).map { Double($0 % 7) }, shape: [n])
        let e = ElementwiseExpression.binary(.subtract,
            .binary(.multiply, .binary(.add, .input(0, .float64), .constant(.double(1), .float64)), .input(1, .float64)),
            .binary(.divide, .input(0, .float64), .constant(.double(2), .float64)))
        let result = try NDArray.evaluate(e, inputs: [x, y], shape: [n]).toArray(Double.self)
        let expected = (0..<n).map { i -> Double in let a = Double(i) * 0.5; return (a + 1) * Double(i % 7) - a / 2 }
        #expect(result == expected)
    }

    @Test("Integer arithmetic wraps at the dtype's width, as NumPy's")
    func integerWrap() throws {
        let x = try NDArray([Int8(120), Int8(-128)], shape: [2])
        let result = try NDArray.evaluate(.binary(.add, .input(0, .int8), .constant(.int(10), .int8)), inputs: [x], shape: [2])
        #expect(result.dtype == .int8)
        #expect(result.toArray(Int64.self) == [-126, -118])
    }

    @Test("float32 arithmetic rounds to float32 after each operation")
    func float32Rounding() throws {
        let x = try NDArray([Float(0.1), Float(1e8)], shape: [2])
        let e = ElementwiseExpression.binary(.add, .binary(.add, .input(0, .float32), .constant(.double(1), .float32)),
                                             .constant(.double(-1), .float32))
        let result = try NDArray.evaluate(e, inputs: [x], shape: [2]).toArray(Float.self)
        #expect(result == [(Float(0.1) + 1) - 1, (Float(1e8) + 1) - 1])
    }

    @Test("Comparisons give booleans; uint64 compares unsigned")
    func comparisons() throws {
        let x = try NDArray([UInt64.max, 1], shape: [2])
        let result = try NDArray.evaluate(.binary(.greater, .input(0, .uint64), .constant(.uint(2), .uint64)), inputs: [x], shape: [2])
        #expect(result.dtype == .bool)
        #expect(result.toArray(Bool.self) == [true, false])
    }

    @Test("Reductions over all axes and over one axis")
    func reductions() throws {
        let x = try NDArray((1...6).map(Double.init), shape: [2, 3])
        let sum = try NDArray.finalize(NDArray.reducePartial(.input(0, .float64), inputs: [x], shape: [2, 3], operation: .sum, axes: [0, 1]),
                                       operation: .sum, inputType: .float64, ddof: 0)
        #expect(sum.toArray(Double.self) == [21])
        let columns = try NDArray.finalize(NDArray.reducePartial(.input(0, .float64), inputs: [x], shape: [2, 3], operation: .sum, axes: [0]),
                                           operation: .sum, inputType: .float64, ddof: 0)
        #expect(columns.shape == [1, 3])
        #expect(columns.toArray(Double.self) == [5, 7, 9])
        let rows = try NDArray.finalize(NDArray.reducePartial(.input(0, .float64), inputs: [x], shape: [2, 3], operation: .max, axes: [1]),
                                        operation: .max, inputType: .float64, ddof: 0)
        #expect(rows.toArray(Double.self) == [3, 6])
        let std = try NDArray.finalize(NDArray.reducePartial(.input(0, .float64), inputs: [x], shape: [2, 3], operation: .std, axes: [0, 1]),
                                       operation: .std, inputType: .float64, ddof: 1)
        #expect(abs(std.toArray(Double.self)[0] - 1.8708286933869707) < 1e-12)
    }

    @Test("Slicing, transposing and concatenating")
    func shapes() throws {
        let x = try NDArray((0..<12).map(Int64.init), shape: [3, 4])
        #expect(try x.sliced([StridedRange(start: 1, count: 2), StridedRange(start: 0, count: 2, step: 2)]).toArray(Int64.self) == [4, 6, 8, 10])
        #expect(try x.transposedCopy([1, 0]).toArray(Int64.self) == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        let joined = try NDArray.concatenated([x, x], axis: 1)
        #expect(joined.shape == [3, 8])
        #expect(joined.toArray(Int64.self).prefix(8) == [0, 1, 2, 3, 0, 1, 2, 3])
        #expect(throws: ShapeError.self) { try x.sliced([StridedRange(start: 2, count: 2), .all(4)]) }
    }

    @Test("Matrix product against a hand-worked example")
    func matmul() throws {
        let a = try NDArray([1.0, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = try NDArray([7.0, 8, 9, 10, 11, 12], shape: [3, 2])
        #expect(try NDArray.matmul(a, b).toArray(Double.self) == [58, 64, 139, 154])
        #expect(throws: ShapeError.self) { try NDArray.matmul(a, a) }
    }

    @Test("Printing follows NumPy's str")
    func printing() throws {
        #expect(try NDArray([1.0, 2, 3], shape: [3]).description == "[1. 2. 3.]")
        #expect(try NDArray([0.5, 1.25], shape: [2]).description == "[0.5  1.25]")
        #expect(try NDArray((0..<4).map(Int64.init), shape: [2, 2]).description == "[[0 1]\n [2 3]]")
        let big = try NDArray([Double](repeating: 1, count: 2000), shape: [2000])
        #expect(big.description == "[1. 1. 1. ... 1. 1. 1.]")
    }

    @Test("Raw element access checks the element type instead of trapping")
    func rawAccess() throws {
        let x = try NDArray([1.0, 2, 3], shape: [3])
        #expect(try x.withUnsafeBufferPointer(as: Double.self) { $0.reduce(0, +) } == 6)
        #expect(throws: ShapeError.self) { try x.withUnsafeBufferPointer(as: Int64.self) { $0.count } }
        #expect(throws: ShapeError.self) { try x.withUnsafeBufferPointer(as: Float.self) { $0.count } }
    }
}
