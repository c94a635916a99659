import Backends
import Testing
@testable import PandasBackend

@Suite("Row hashes and hash splits")
struct HashPartitioningTests {
    @Test("Equal values hash equally across frames, widths and encodings; different values differ")
    func equalValuesEqualHashes() throws {
        let a = try DataFrame(["k": [1, 2, 3], "s": ["x", "y", nil]])
        let b = try DataFrame(["k": [3, 1, 2], "s": [nil, "x", "y"]])
        let hashA = try a.hashRows(["k", "s"]), hashB = try b.hashRows(["k", "s"])
        #expect(hashA == [hashB[1], hashB[2], hashB[0]])
        #expect(Set(hashA).count == 3)
        #expect(try a.hashRows(["s", "k"]) != hashA)

        let narrow = try DataFrame(columns: [Series(name: "k", column: Column.numbers([Int32(1), 2, 3]))])
        #expect(try narrow.hashRows(["k"]) == a.hashRows(["k"]))

        let categories = StringBuffer(["y", "x"].map { Optional($0) })
        let codes = try NDArray([Int32(1), 0, 0], shape: [3])
        let category = try DataFrame(columns: [Series(name: "s", column: try Column(type: .categorical,
            storage: .dictionary(codes: codes, categories: categories), validity: ValidityBitmap([true, true, false])))])
        #expect(try category.hashRows(["s"]) == a.hashRows(["s"]))

        let zeros = try DataFrame(["x": ColumnValues([0.0, -0.0, Double.nan])])
        let zeroHashes = try zeros.hashRows(["x"])
        #expect(zeroHashes[0] == zeroHashes[1])
        let nulls = try DataFrame(["x": [nil, 1.0]])
        #expect(try nulls.hashRows(["x"])[0] == zeroHashes[2])
    }

    @Test("split(byHashOf:) deals every row to the part of its hash, keeping order and types")
    func split() throws {
        let frame = try GroupByPropertyTests.randomFrame(rows: 1000, seed: 21)
        let parts = try frame.split(byHashOf: ["text", "small"], into: 4)
        #expect(parts.count == 4)
        #expect(parts.map(\.rowCount).reduce(0, +) == frame.rowCount)
        for part in parts {
            #expect(part.columnNames == frame.columnNames)
            #expect(part.schema == frame.schema)
        }
        let hashes = try frame.hashRows(["text", "small"])
        for (index, part) in parts.enumerated() {
            let partHashes = try part.hashRows(["text", "small"])
            #expect(partHashes.allSatisfy { HashMixer.partition($0, count: 4) == index })
            // Rows keep their original order: the part equals the frame filtered by hash.
            let expected = hashes.enumerated().filter { HashMixer.partition($0.element, count: 4) == index }.map(\.element)
            #expect(partHashes == expected)
        }
        // A key never spans two parts.
        var partOfKey: [String: Int] = [:]
        for (index, part) in parts.enumerated() {
            for row in 0..<part.rowCount {
                let key = "\(part["text"][row])|\(part["small"][row])"
                #expect(partOfKey.updateValue(index, forKey: key) ?? index == index)
            }
        }
        #expect(throws: FrameError.invalidValue("Cannot split a frame into 0 parts; give 1 or more.")) {
            try frame.split(byHashOf: ["text"], into: 0)
        }
        #expect(try frame.split(byHashOf: ["text"], into: 1)[0].rowCount == frame.rowCount)
    }

    @Test("Hash-split partitions grouped separately give the one-frame groupby")
    func shuffleThenGroupby() throws {
        let frame = try GroupByPropertyTests.randomFrame(rows: 2000, seed: 8)
        let specs = GroupByPropertyTests.allSpecs
        let expected = try frame.groupby(keys: ["wide"], specs: specs)
        let parts = try frame.split(byHashOf: ["wide"], into: 3)
        let results = try parts.map { try $0.groupby(keys: ["wide"], specs: specs) }
        #expect(results.map(\.rowCount).reduce(0, +) == expected.rowCount)
        let merged = try DataFrame.groupingConcatenate(results)
        let order = GroupOrdering.sortedRows([try merged.column("wide").column], count: merged.rowCount)
        let problems = GroupByTestSupport.differences(merged.groupingGather(order), expected)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }
}

@Suite("value_counts and describe")
struct ValueCountsDescribeTests {
    @Test("value_counts sorts by count, ties by value, nulls last")
    func valueCounts() throws {
        let frame = try DataFrame(["x": ["b", nil, "a", "c", "a", "b", nil, "d"]])
        let counts = try frame.valueCounts("x")
        #expect(counts.columnNames == ["x", "count"])
        #expect(counts["x"].toArray(String.self) == ["a", "b", "c", "d"])
        #expect(counts["count"].toArray(Int.self) == [2, 2, 1, 1])
        #expect(counts["count"].type == .int64)
        let withNulls = try frame.valueCounts("x", dropna: false)
        #expect(withNulls["x"].toArray(String.self) == ["a", "b", nil, "c", "d"])
        #expect(withNulls["count"].toArray(Int.self) == [2, 2, 2, 1, 1])
        let clash = try DataFrame(["count": [1, 1]])
        #expect(throws: FrameError.duplicateColumn("count")) { try clash.valueCounts("count") }
    }

    @Test("describe: statistics column, float64 per numeric column, empty and constant columns")
    func describe() throws {
        let frame = try DataFrame(["i": [4, 1, 3, 2], "s": ["a", "b", "c", "d"], "e": [nil, nil, 1.0, nil], "b": [true, false, true, true]])
        let stats = try frame.describe()
        #expect(stats.columnNames == ["statistic", "i", "e"])
        #expect(stats["statistic"].toArray(String.self) == ["count", "mean", "std", "min", "25%", "50%", "75%", "max"])
        #expect(stats["i"].type == .float64)
        let i = stats["i"].toArray(Double.self)
        #expect(i[0] == 4 && i[1] == 2.5 && i[3] == 1 && i[4] == 1.75 && i[5] == 2.5 && i[6] == 3.25 && i[7] == 4)
        #expect(abs(i[2]! - 1.2909944487358056) < 1e-15)
        #expect(stats["e"].toArray(Double.self) == [1, 1, nil, 1, 1, 1, 1, 1])
        let none = try DataFrame(["s": ["a"]]).describe()
        #expect(none.columnNames == ["statistic"])
    }
}
