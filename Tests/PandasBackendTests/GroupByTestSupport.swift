import Backends
@testable import PandasBackend

/// Helpers of the groupby tests: splitting frames, merging states in tree shapes, comparing frames.
enum GroupByTestSupport {
    /// A deterministic random stream (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
        mutating func chance(_ probability: Double) -> Bool { uniform() < probability }
    }

    /// The frame cut into `pieces` consecutive slices at the given (or evenly spaced) row offsets.
    static func slices(_ frame: DataFrame, pieces: Int) -> [DataFrame] {
        let cuts = (0...pieces).map { frame.rowCount * $0 / pieces }
        return slices(frame, cuts: cuts)
    }

    /// The frame cut at `cuts` (non-decreasing, from 0 to the row count; equal cuts give empty slices).
    static func slices(_ frame: DataFrame, cuts: [Int]) -> [DataFrame] {
        zip(cuts, cuts.dropFirst()).map { start, end in
            frame.groupingGather((start..<end).map { Int32($0) }).withIndexStart(start)
        }
    }

    /// Merges states as Dask's tree reduction does: groups of `splitEvery` consecutive states,
    /// level by level, until one remains (always combining at least once).
    static func treeCombine(_ states: [DataFrame], splitEvery: Int, keys: [String], specs: [AggregationSpec]) throws -> DataFrame {
        var level = states
        repeat {
            var next: [DataFrame] = []
            var index = 0
            while index < level.count {
                let group = Array(level[index..<min(index + splitEvery, level.count)])
                next.append(try DataFrame.groupbyCombine(group, keys: keys, specs: specs))
                index += splitEvery
            }
            level = next
        } while level.count > 1
        return level[0]
    }

    /// Merges states one at a time from the left: combine(combine(combine(s0, s1), s2), s3)…
    static func leftFoldCombine(_ states: [DataFrame], keys: [String], specs: [AggregationSpec]) throws -> DataFrame {
        var accumulated = try DataFrame.groupbyCombine([states[0]], keys: keys, specs: specs)
        for state in states.dropFirst() {
            accumulated = try DataFrame.groupbyCombine([accumulated, state], keys: keys, specs: specs)
        }
        return accumulated
    }

    /// Merges states from the right: combine(s0, combine(s1, combine(s2, s3)))…
    static func rightFoldCombine(_ states: [DataFrame], keys: [String], specs: [AggregationSpec]) throws -> DataFrame {
        var accumulated = try DataFrame.groupbyCombine([states[states.count - 1]], keys: keys, specs: specs)
        for state in states.dropLast().reversed() {
            accumulated = try DataFrame.groupbyCombine([state, accumulated], keys: keys, specs: specs)
        }
        return accumulated
    }

    /// Differences between two frames: names, types, rows and cells; floats within `rtol`.
    static func differences(_ actual: DataFrame, _ expected: DataFrame, rtol: Double = 1e-9) -> [String] {
        var problems: [String] = []
        if actual.columnNames != expected.columnNames { problems.append("columns \(actual.columnNames) vs \(expected.columnNames)") }
        if actual.rowCount != expected.rowCount { problems.append("rows \(actual.rowCount) vs \(expected.rowCount)") }
        for series in expected.columns {
            guard let other = try? actual.column(series.name) else { continue }
            if other.type != series.type { problems.append("\(series.name): type \(other.type) vs \(series.type)") }
            for row in 0..<min(series.count, other.count) {
                let a = other[row], b = series[row]
                if a == b { continue }
                if case let .double(x) = a, case let .double(y) = b, abs(x - y) <= 1e-9 + rtol * abs(y) { continue }
                problems.append("\(series.name)[\(row)]: \(a) vs \(b)")
            }
        }
        return problems
    }
}
