import Backends
import CUDARuntime
import CUDATestSupport
import Foundation
import NumPyBackend
import PandasBackend
import Testing

/// A deterministic generator (SplitMix64) for test frames.
struct TestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

enum TestFrames {
    static let words = ["a", "bb", "ccc", "", "dddddddddd", "ééé", "a longer string of text"]

    /// A frame of every column kind, with nulls and NaNs: `k` int64 keys, `g` string keys, `c`
    /// categorical, `x` float64 (NaN and nulls), `y` int32, `f` float32, `u` uint16, `b` bool,
    /// `t` timestamps, `d` dates.
    static func mixed(rows: Int, seed: UInt64, keys: Int = 7) throws -> DataFrame {
        var random = TestRandom(state: seed)
        var k: [Int64?] = [], g: [String?] = [], x: [Double?] = [], y: [Int32?] = [], f: [Float] = [], u: [UInt16] = []
        var b: [Bool?] = [], t: [Int64] = [], d: [Int32] = []
        for _ in 0..<rows {
            k.append(random.chance(5) ? nil : Int64(random.below(keys)) - 2)
            g.append(random.chance(5) ? nil : words[random.below(words.count)])
            x.append(random.chance(5) ? nil : (random.chance(3) ? .nan : Double(random.below(2000)) / 8 - 100))
            y.append(random.chance(8) ? nil : Int32(random.below(200)) - 50)
            f.append(Float(random.below(1000)) / 4)
            u.append(UInt16(random.below(60_000)))
            b.append(random.chance(10) ? nil : random.chance(50))
            t.append(Int64(random.below(1_000_000)) * 1_000_000_007)
            d.append(Int32(random.below(20_000)))
        }
        let strings = Column.strings(g)
        let categories = try strings.converted(to: .categorical)
        let timestamps = try Column(type: .timestamp(.ns, timeZone: nil), storage: .fixedWidth(NDArray(t)))
        let dates = try Column(type: .date, storage: .fixedWidth(NDArray(d)))
        return try DataFrame(columns: [
            Series(name: "k", column: Column.numbers(k)), Series(name: "g", column: strings), Series(name: "c", column: categories),
            Series(name: "x", column: Column.numbers(x)), Series(name: "y", column: Column.numbers(y)),
            Series(name: "f", column: Column.numbers(f)), Series(name: "u", column: Column.numbers(u)),
            Series(name: "b", column: Column.numbers(b)), Series(name: "t", column: timestamps), Series(name: "d", column: dates),
        ])
    }
}

/// Checks two host frames hold the same columns, types and cells; floating-point cells may
/// differ by `tolerance` relative to the larger magnitude (sums added in another order).
func expectSameFrame(_ actual: DataFrame, _ expected: DataFrame, tolerance: Double = 0, _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.columnNames == expected.columnNames, "\(what): columns", sourceLocation: sourceLocation)
    #expect(actual.schema == expected.schema, "\(what): schema", sourceLocation: sourceLocation)
    #expect(actual.rowCount == expected.rowCount, "\(what): rows", sourceLocation: sourceLocation)
    guard actual.columnNames == expected.columnNames, actual.rowCount == expected.rowCount else { return }
    var mismatches: [String] = []
    for (a, e) in zip(actual.columns, expected.columns) {
        for row in 0..<actual.rowCount {
            let x = a[row], y = e[row]
            if x == y { continue }
            if case let .double(p) = x, case let .double(q) = y, abs(p - q) <= tolerance * max(abs(p), abs(q)) { continue }
            mismatches.append("\(a.name)[\(row)]: \(x) vs \(y)")
        }
    }
    #expect(mismatches.isEmpty, "\(what): \(mismatches.count) cells differ, first \(mismatches.prefix(5))", sourceLocation: sourceLocation)
}

/// The emulated device, or nil without a C++ compiler.
let emulator: CUDADevice? = EmulatedDriver.device
