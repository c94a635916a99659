import Backends
import Testing
@testable import PandasBackend

/// The host kernels behind shuffles: join, sort, range and staged hash splits, drop duplicates.
@Suite("Shuffle kernels")
struct ShuffleKernelTests {
    typealias Random = GroupByTestSupport.Random

    /// Cells of a row, for comparing frames as multisets.
    static func rows(_ frame: DataFrame) -> [String] {
        (0..<frame.rowCount).map { row in frame.columns.map { series in
            let value = series[row]
            if let number = value.doubleValue { return number.isNaN ? "null" : String(number) }
            return value.description
        }.joined(separator: "|") }.sorted()
    }

    @Test("A hand-checked join of every kind, null keys matching null keys")
    func handCheckedJoin() throws {
        let left = try DataFrame(["k": [1, 2, nil, 2] as ColumnValues, "a": [10, 20, 30, 40]])
        let right = try DataFrame(["k": [2, nil, 3] as ColumnValues, "b": ["x", "y", "z"]])
        func joined(_ how: JoinKind) throws -> DataFrame {
            try left.merge(right, spec: JoinSpec(leftOn: ["k"], rightOn: ["k"], how: how))
        }
        let inner = try joined(.inner)
        #expect(inner.columnNames == ["k", "a", "b"])
        #expect(inner["k"].toArray(Int.self) == [2, nil, 2])
        #expect(inner["a"].toArray(Int.self) == [20, 30, 40])
        #expect(inner["b"].strings == ["x", "y", "x"])
        let leftJoin = try joined(.left)
        #expect(leftJoin["a"].toArray(Int.self) == [10, 20, 30, 40])
        #expect(leftJoin["b"].strings == [nil, "x", "y", "x"])
        #expect(leftJoin["a"].type == .int64)
        let rightJoin = try joined(.right)
        #expect(rightJoin["k"].toArray(Int.self) == [2, 2, nil, 3])
        #expect(rightJoin["a"].toArray(Int.self) == [20, 40, 30, nil])
        #expect(rightJoin["a"].type == .int64, "unmatched int64 columns keep their type, with nulls")
        let outer = try joined(.outer)
        #expect(outer["k"].toArray(Int.self) == [1, 2, nil, 2, 3])
        #expect(outer["a"].toArray(Int.self) == [10, 20, 30, 40, nil])
        #expect(outer["b"].strings == [nil, "x", "y", "x", "z"])
    }

    @Test("The dense integer join and the factorizing join agree", arguments: [10, 1_000, 1_000_000_000])
    func denseAndHashedJoinsAgree(_ span: Int) throws {
        var random = Random(state: UInt64(span))
        let leftKeys = (0..<3_000).map { _ in Int64(random.below(span)) - Int64(span / 2) }
        let rightKeys = (0..<500).map { _ in Int64(random.below(span)) - Int64(span / 2) }
        let left = try DataFrame(["k": ColumnValues(leftKeys), "a": ColumnValues((0..<3_000).map { $0 })])
        let right = try DataFrame(["k": ColumnValues(rightKeys), "b": ColumnValues((0..<500).map { Double($0) })])
        // float64 keys never take the dense path; equal values match alike.
        let leftFloat = try left.assigning("k", try left["k"].column.converted(to: .float64))
        let rightFloat = try right.assigning("k", try right["k"].column.converted(to: .float64))
        for how in JoinKind.allCases {
            let spec = JoinSpec(leftOn: ["k"], rightOn: ["k"], how: how)
            let dense = try left.merge(right, spec: spec)
            let hashed = try leftFloat.merge(rightFloat, spec: spec)
            #expect(Self.rows(dense) == Self.rows(hashed), "\(how), span \(span)")
            // Against a nested-loop join.
            var expected = 0
            for l in leftKeys { expected += rightKeys.filter { $0 == l }.count }
            if how == .inner { #expect(dense.rowCount == expected) }
        }
    }

    @Test("Radix and comparison sorts agree on every dtype, direction and null placement")
    func sortsAgree() throws {
        var random = Random(state: 99)
        let n = 3_000
        let specials: [Double] = [0.0, -0.0, .infinity, -.infinity, .nan, 1e300, -1e-300]
        let doubles: [Double?] = (0..<n).map { _ in
            random.chance(0.05) ? nil : (random.chance(0.1) ? specials[random.below(specials.count)] : Double(random.below(200)) / 4 - 20)
        }
        let ints: [Int?] = (0..<n).map { _ in random.chance(0.05) ? nil : random.below(50) - 25 }
        let text: [String?] = (0..<n).map { _ in random.chance(0.05) ? nil : ["b", "a", "ab", "", "é", "Z"][random.below(6)] }
        var frame = try DataFrame(["d": ColumnValues(doubles), "i": ColumnValues(ints), "s": ColumnValues(text),
                                   "row": ColumnValues((0..<n).map { $0 })])
        frame = try frame.assigning("u8", try frame["i"].column.fillingNullsForTest(0).converted(to: .numeric(.uint8)))
            .assigning("i16", try frame["i"].column.converted(to: .numeric(.int16)))
            .assigning("f32", try frame["d"].column.converted(to: .float32))
        let keySets: [[SortKey]] = [
            [SortKey(column: "d")], [SortKey(column: "d", ascending: false)], [SortKey(column: "i"), SortKey(column: "d", ascending: false)],
            [SortKey(column: "u8", ascending: false), SortKey(column: "i16")], [SortKey(column: "f32")],
            [SortKey(column: "s"), SortKey(column: "i")], [SortKey(column: "s", ascending: false)],
        ]
        for keys in keySets {
            for nulls in [NullPlacement.first, .last] {
                let sorted = try frame.sorted(by: keys, nulls: nulls)
                // The reference: a comparison sort of row numbers on cells, ties by row.
                let columns = try keys.map { try frame.column($0.column).column }
                let order = (0..<n).sorted { a, b in
                    for (column, key) in zip(columns, keys) {
                        let x = column[a], y = column[b]
                        let nullX = column.isNull(a), nullY = column.isNull(b)
                        if nullX != nullY { return nulls == .first ? nullX : nullY }
                        if nullX { continue }
                        let c = FrameValue.compare(x, y)
                        if c != 0 { return key.ascending ? c < 0 : c > 0 }
                    }
                    return a < b
                }
                #expect(sorted["row"].toArray(Int.self).map { $0 ?? -1 } == order, "\(keys) \(nulls)")
            }
        }
    }

    @Test("Range splits send each row between its boundaries, equal keys together")
    func rangeSplit() throws {
        var random = Random(state: 5)
        let values: [Int?] = (0..<2_000).map { _ in random.chance(0.1) ? nil : random.below(40) }
        let frame = try DataFrame(["k": ColumnValues(values), "row": ColumnValues((0..<2_000).map { $0 })])
        for ascending in [true, false] {
            for nulls in [NullPlacement.first, .last] {
                let keys = [SortKey(column: "k", ascending: ascending)]
                let sorted = try frame.sorted(by: keys, nulls: nulls)
                let picked = sorted.take([100, 500, 500, 1_000, 1_950])
                let boundaries: DataFrame = try picked.selecting(["k"])
                let parts = try frame.split(byRanges: boundaries, keys: keys, nulls: nulls)
                #expect(parts.count == 6)
                // Sorting each part and concatenating gives the full sort.
                let rejoined = try DataFrame.concatenate(try parts.map { try $0.sorted(by: keys, nulls: nulls) })
                #expect(rejoined["row"].toArray(Int.self) == sorted["row"].toArray(Int.self), "\(ascending) \(nulls)")
                // The generic (comparison) path agrees with the typed one.
                let narrow: DataFrame = try frame.assigning("k", try frame["k"].column.converted(to: ColumnType.int32))
                let narrowBounds: DataFrame = try boundaries.assigning("k", try boundaries["k"].column.converted(to: ColumnType.int32))
                let generic = try narrow.split(byRanges: narrowBounds, keys: keys, nulls: nulls)
                #expect(generic.map { $0.rowCount } == parts.map { $0.rowCount })
            }
        }
    }

    @Test("A staged split routes by the digits of the direct split's partition")
    func stagedSplitDigits() throws {
        var random = Random(state: 8)
        let frame = try DataFrame(["k": ColumnValues((0..<1_000).map { _ in random.below(10_000) })])
        let hashes = try frame.hashRows(["k"])
        for (modulus, divisor, base) in [(30, 1, 4), (30, 4, 4), (30, 16, 4), (7, 1, 7)] {
            let parts = try frame.split(byHashOf: ["k"], modulus: modulus, divisor: divisor, base: base)
            #expect(parts.count == base)
            for (digit, part) in parts.enumerated() {
                let partHashes = try part.hashRows(["k"])
                #expect(partHashes.allSatisfy { HashMixer.partition($0, count: modulus) / divisor % base == digit })
            }
            #expect(parts.reduce(0) { $0 + $1.rowCount } == hashes.count)
        }
    }

    @Test("A groupby keeping null keys with sparse integer keys numbers groups right (dense factorizer regression)")
    func denseFactorizerWithNullsAndGaps() throws {
        let frame = try DataFrame(["k": [nil, 2, 0, 2, nil] as ColumnValues, "x": [1.0, 2.0, 3.0, 4.0, 5.0]])
        let result = try frame.groupby(keys: ["k"], specs: [AggregationSpec(column: "x", aggregation: .sum, outputName: "x")], dropna: false)
        #expect(result["k"].toArray(Int.self) == [0, 2, nil])
        #expect(result["x"].toArray(Double.self) == [3.0, 6.0, 6.0])
        let distinct: DataFrame = try frame.droppingDuplicates(subset: ["k"], keep: .last)
        #expect(distinct["x"].toArray(Double.self) == [3.0, 4.0, 5.0])
    }
}

extension Column {
    /// The column with nulls replaced by `value` (test helper: a cast to an unsigned type needs no nulls).
    func fillingNullsForTest(_ value: Int64) throws -> Column {
        Column.numbers((0..<count).map { isNull($0) ? value : Int64(self[$0].doubleValue ?? 0) })
    }
}
