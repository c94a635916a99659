import Testing
@testable import NumPyBackend
import Backends

/// The tile evaluator's views: broadcast and transposed inputs read in place or staged, on sizes
/// large enough for every path (flat runs, row tiles, banded and whole staging of transposes).
@Suite("Tile evaluator views")
struct TileEvaluatorTests {
    private func matrix(_ rows: Int, _ columns: Int, _ dtype: DType = .float64, seed: Int = 1) throws -> NDArray {
        try NDArray((0..<(rows * columns)).map { Double(($0 * 37 + seed * 11) % 101) - 50 }, shape: [rows, columns])
            .converted(to: dtype)
    }

    @Test("a + b.T for large matrices, banded staging, every width", arguments: [DType.float64, .float32, .int32, .int16, .uint8])
    func bandedTranspose(_ dtype: DType) throws {
        let (rows, columns) = (203, 301)
        let a = try matrix(rows, columns, dtype), b = try matrix(columns, rows, dtype, seed: 2)
        let expression = ElementwiseExpression.binary(.add, .input(0, dtype), .permutedInput(1, dtype, permutation: [1, 0]))
        let result = try NDArray.evaluate(expression, inputs: [a, b], shape: [rows, columns])
        let x = a.toArray(Double.self), y = b.toArray(Double.self)
        let expected = try NDArray.evaluate(.binary(.add, .input(0, dtype), .input(1, dtype)),
                                            inputs: [a, b.transposedCopy([1, 0])], shape: [rows, columns])
        #expect(result.toArray(Double.self) == expected.toArray(Double.self))
        #expect(result.toArray(Double.self)[5 * columns + 7] == expected.toArray(Double.self)[5 * columns + 7])
        _ = (x, y)
        // And reduced without storing it.
        var total = 0.0
        try NDArray.forEachTile(of: .cast(expression, .float64), inputs: [a, b], shape: [rows, columns]) { tile in
            if case let .doubles(values) = tile { total += values.reduce(0, +) }
        }
        #expect(total == expected.toArray(Double.self).reduce(0, +))
    }

    @Test("A transposed matrix beside a broadcast row is staged whole")
    func wholeStaging() throws {
        let (rows, columns) = (180, 150)
        let a = try matrix(rows, columns), b = try matrix(columns, rows, seed: 3)
        let row = try NDArray((0..<columns).map(Double.init), shape: [columns])
        let expression = ElementwiseExpression.binary(.multiply,
            .binary(.subtract, .input(0, .float64), .permutedInput(1, .float64, permutation: [1, 0])), .input(2, .float64))
        let result = try NDArray.evaluate(expression, inputs: [a, b, row], shape: [rows, columns]).toArray(Double.self)
        let x = a.toArray(Double.self), y = b.toArray(Double.self)
        for i in stride(from: 0, to: rows, by: 17) {
            for j in stride(from: 0, to: columns, by: 13) {
                let expected: Double = (x[i * columns + j] - y[j * rows + i]) * Double(j)
                #expect(result[i * columns + j] == expected)
            }
        }
    }

    @Test("Three-axis permutations and broadcasts read through strided tiles")
    func stridedTiles() throws {
        let a = try NDArray((0..<(40 * 30 * 20)).map { Double($0 % 97) }, shape: [40, 30, 20])
        let permuted = try NDArray.evaluate(.permutedInput(0, .float64, permutation: [2, 0, 1]), inputs: [a], shape: [20, 40, 30])
        let x = a.toArray(Double.self), p = permuted.toArray(Double.self)
        for (i, j, k) in [(0, 0, 0), (19, 39, 29), (7, 13, 3), (11, 2, 28)] {
            let (to, from) = ((i * 40 + j) * 30 + k, (j * 30 + k) * 20 + i)
            #expect(p[to] == x[from])
        }
        let column = try NDArray((0..<40).map(Double.init), shape: [40, 1, 1])
        let sum = try NDArray.evaluate(.binary(.add, .input(0, .float64), .input(1, .float64)), inputs: [a, column],
                                       shape: [40, 30, 20]).toArray(Double.self)
        let position = (5 * 30 + 4) * 20 + 3
        #expect(sum[position] == x[position] + 5)
        #expect(throws: ShapeError.self) {
            try NDArray.evaluate(.input(0, .float64), inputs: [column], shape: [40, 30, 3, 2])
        }
    }
}

/// Division by a power of two is computed as a multiplication by its reciprocal: the results must
/// be bit for bit those of division, subnormals, infinities, signed zeros and NaN included.
@Suite("Division by powers of two")
struct PowerOfTwoDivisionTests {
    @Test("x / d equals Swift's division bit for bit", arguments: [2.0, 0.5, 1024, -8, 0x1p-1000, 0x1p1000, 3])
    func exact(_ divisor: Double) throws {
        let values: [Double] = [1, 3, -7.5, 0x1p-1030, .leastNonzeroMagnitude, .infinity, -.infinity, -0.0, 0, .nan,
                                .greatestFiniteMagnitude, 0x1.fffffffffffffp-1022, 1.0 / 3]
        let x = try NDArray(values, shape: [values.count])
        let quotient = try NDArray.evaluate(.binary(.divide, .input(0, .float64), .constant(.double(divisor), .float64)),
                                            inputs: [x], shape: [values.count]).toArray(Double.self)
        for (value, got) in zip(values, quotient) {
            let expected = value / divisor
            #expect(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN), "\(value) / \(divisor)")
        }
    }
}
