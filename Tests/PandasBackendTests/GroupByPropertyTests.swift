import Backends
import Testing
@testable import PandasBackend

@Suite("groupby: partition independence, types, errors")
struct GroupByPropertyTests {
    /// A random frame with nulls in every column type and keys of several kinds.
    static func randomFrame(rows: Int, seed: UInt64) throws -> DataFrame {
        var random = GroupByTestSupport.Random(state: seed)
        let smallInt = (0..<rows).map { _ in random.chance(0.05) ? nil : Int64(random.below(20)) - 5 }
        let wideInt = (0..<rows).map { _ in Int64(random.below(50)) &* 1_000_000_007 &* 65_537 - (1 << 40) }
        let names = ["alpha", "beta", "", "gamma delta epsilon zeta", "é", "Z"]
        let text = (0..<rows).map { _ in random.chance(0.1) ? nil : names[random.below(names.count)] }
        let floatKey = (0..<rows).map { _ in random.chance(0.05) ? Double.nan : [0.0, -0.0, 1.5, -2.25, 1e300][random.below(5)] }
        let values = (0..<rows).map { _ in random.chance(0.1) ? nil : (random.uniform() - 0.5) * 1000 }
        let nanValues = (0..<rows).map { _ in random.chance(0.1) ? Double.nan : random.uniform() }
        let ints = (0..<rows).map { _ in random.chance(0.1) ? nil : Int64(random.below(2_000_001)) - 1_000_000 }
        let int32s = (0..<rows).map { _ in Int32(random.below(200)) - 100 }
        let uint8s = (0..<rows).map { _ in UInt8(random.below(256)) }
        let flags = (0..<rows).map { _ in random.chance(0.1) ? nil : random.chance(0.5) }
        let floats32 = (0..<rows).map { _ in random.chance(0.1) ? nil : Float(random.uniform() * 10) }
        let stamps = Column.numbers((0..<rows).map { _ in random.chance(0.1) ? nil : Int64(random.below(1_000_000)) * 1_000_000_007 })
        let days = Column.numbers((0..<rows).map { _ in random.chance(0.1) ? nil : Int32(random.below(40_000)) - 10_000 })
        let codes = Column.numbers((0..<rows).map { _ in random.chance(0.1) ? nil : Int32(random.below(4)) })
        guard case let .fixedWidth(codeArray) = codes.storage else { throw GroupByFixtures.FixtureError("codes") }
        return try DataFrame(columns: [
            Series(name: "small", column: Column.numbers(smallInt)),
            Series(name: "wide", column: Column.numbers(wideInt)),
            Series(name: "text", column: Column.strings(text)),
            Series(name: "fkey", column: Column.numbers(floatKey)),
            Series(name: "flag", column: Column.numbers(flags)),
            Series(name: "cat", column: try Column(type: .categorical,
                                                   storage: .dictionary(codes: codeArray, categories: StringBuffer(["d", "b", "c", "a"].map { Optional($0) })),
                                                   validity: codes.validity)),
            Series(name: "x", column: Column.numbers(values)),
            Series(name: "y", column: Column.numbers(nanValues)),
            Series(name: "i", column: Column.numbers(ints)),
            Series(name: "i32", column: Column.numbers(int32s)),
            Series(name: "u8", column: Column.numbers(uint8s)),
            Series(name: "f32", column: Column.numbers(floats32)),
            Series(name: "ts", column: try Column(type: .timestamp(.ns, timeZone: nil), storage: stamps.storage, validity: stamps.validity)),
            Series(name: "day", column: try Column(type: .date, storage: days.storage, validity: days.validity)),
        ])
    }

    static let allSpecs: [AggregationSpec] = {
        var specs: [AggregationSpec] = []
        func add(_ column: String, _ aggregations: [Aggregation]) {
            for aggregation in aggregations {
                specs.append(AggregationSpec(column: column, aggregation: aggregation, outputName: "\(column)_\(aggregation.rawValue)"))
            }
        }
        // nunique keeps every distinct (key, value) pair in the state: asked of a few columns only,
        // so that the debug-build test stays quick.
        add("x", Aggregation.allCases.filter { $0 != .nunique })
        add("y", Aggregation.allCases)
        add("i", Aggregation.allCases.filter { $0 != .nunique })
        add("i32", [.sum, .mean, .var, .min, .max, .first])
        add("u8", [.sum, .mean, .std, .max, .last])
        add("f32", [.sum, .mean, .std, .min, .first])
        add("flag", [.sum, .mean, .min, .max, .first, .last, .count, .nunique])
        add("text", [.count, .size, .min, .max, .first, .last, .nunique])
        add("cat", [.count, .first, .last])
        add("ts", [.min, .max, .first, .last])
        add("day", [.min, .max, .count])
        return specs
    }()

    @Test("Partial, combine in any tree shape, finalize equals the one-frame result",
          arguments: [["small"], ["wide"], ["text"], ["fkey"], ["cat"], ["flag", "text"], ["small", "wide", "cat"], [], ["ts", "day"]])
    func partitionIndependence(_ keys: [String]) throws {
        let frame = try Self.randomFrame(rows: 600, seed: 11)
        for dropna in [true, false] {
            let expected = try frame.groupby(keys: keys, specs: Self.allSpecs, dropna: dropna)
            #expect(expected.rowCount > 0)
            var random = GroupByTestSupport.Random(state: 5)
            for pieces in [1, 3, 7] {
                // Random cuts, including empty pieces.
                var cuts = [0] + (1..<pieces).map { _ in random.below(frame.rowCount + 1) }.sorted() + [frame.rowCount]
                if pieces == 7 { cuts[3] = cuts[2] }
                let parts = GroupByTestSupport.slices(frame, cuts: cuts)
                let partials = try parts.map { try $0.groupbyPartial(keys: keys, specs: Self.allSpecs, dropna: dropna) }
                let shapes: [(String, DataFrame)] = [
                    ("all at once", try DataFrame.groupbyCombine(partials, keys: keys, specs: Self.allSpecs)),
                    ("split_every 2", try GroupByTestSupport.treeCombine(partials, splitEvery: 2, keys: keys, specs: Self.allSpecs)),
                    ("split_every 3", try GroupByTestSupport.treeCombine(partials, splitEvery: 3, keys: keys, specs: Self.allSpecs)),
                    ("left fold", try GroupByTestSupport.leftFoldCombine(partials, keys: keys, specs: Self.allSpecs)),
                    ("right fold", try GroupByTestSupport.rightFoldCombine(partials, keys: keys, specs: Self.allSpecs)),
                ]
                for (shape, merged) in shapes {
                    let result = try merged.groupbyFinalize(keys: keys, specs: Self.allSpecs)
                    let problems = GroupByTestSupport.differences(result, expected)
                    #expect(problems.isEmpty, "keys \(keys), dropna \(dropna), \(pieces) pieces, \(shape): \(problems.prefix(6))")
                }
            }
        }
    }

    @Test("Finalizing a single partial needs no combine, and a partial of a partial's rows is stable")
    func finalizeWithoutCombine() throws {
        let frame = try Self.randomFrame(rows: 500, seed: 3)
        let partial = try frame.groupbyPartial(keys: ["small"], specs: Self.allSpecs)
        let direct = try partial.groupbyFinalize(keys: ["small"], specs: Self.allSpecs)
        let viaCombine = try DataFrame.groupbyCombine([partial], keys: ["small"], specs: Self.allSpecs)
            .groupbyFinalize(keys: ["small"], specs: Self.allSpecs)
        #expect(GroupByTestSupport.differences(direct, viaCombine).isEmpty)
    }

    @Test("Keys come out sorted ascending with nulls last; default index")
    func sortedKeys() throws {
        let frame = try DataFrame(["k": [3, nil, 1, 2, 1, nil, 3], "s": ["c", "b", "a", nil, "b", "a", "a"], "v": [1, 2, 3, 4, 5, 6, 7]])
        let spec = [AggregationSpec(column: "v", aggregation: .sum, outputName: "total")]
        let result = try frame.groupby(keys: ["k"], specs: spec)
        #expect(result["k"].toArray(Int.self) == [1, 2, 3])
        #expect(result["total"].toArray(Int.self) == [8, 4, 8])
        #expect(result.indexStart == 0)
        let withNulls = try frame.groupby(keys: ["k"], specs: spec, dropna: false)
        #expect(withNulls["k"].toArray(Int.self) == [1, 2, 3, nil])
        #expect(withNulls["total"].toArray(Int.self) == [8, 4, 8, 8])
        let two = try frame.groupby(keys: ["s", "k"], specs: spec, dropna: false)
        #expect(two["s"].toArray(String.self) == ["a", "a", "a", "b", "b", "c", nil])
        #expect(two["k"].toArray(Int.self) == [1, 3, nil, 1, nil, 3, 2])
    }

    @Test("Dense and hashed integer keys agree (the same keys shifted far apart)")
    func denseAndHashedAgree() throws {
        var random = GroupByTestSupport.Random(state: 9)
        let keys = (0..<20_000).map { _ in Int64(random.below(1000)) }
        let values = (0..<20_000).map { _ in random.uniform() }
        let specs = [Aggregation.mean, .sum, .count, .var].map { AggregationSpec(column: "v", aggregation: $0, outputName: $0.rawValue) }
        let dense = try DataFrame(["k": ColumnValues(keys), "v": ColumnValues(values)]).groupby(keys: ["k"], specs: specs)
        let spread = try DataFrame(["k": ColumnValues(keys.map { $0 * (1 << 40) }), "v": ColumnValues(values)]).groupby(keys: ["k"], specs: specs)
        #expect(dense.rowCount == 1000)
        #expect(dense["k"].toArray(Int64.self).map { $0! * (1 << 40) } == spread["k"].toArray(Int64.self).map { $0! })
        for name in ["mean", "sum", "count", "var"] {
            #expect(dense[name].toArray(Double.self) == spread[name].toArray(Double.self))
        }
    }

    @Test("Result types follow pandas (sums of narrow integers widen to 64 bits)")
    func resultTypes() throws {
        let frame = try Self.randomFrame(rows: 200, seed: 4)
        func type(_ column: String, _ aggregation: Aggregation) throws -> ColumnType {
            try frame.groupby(keys: ["small"], specs: [AggregationSpec(column: column, aggregation: aggregation, outputName: "out")])["out"].type
        }
        #expect(try type("i32", .sum) == .int64)
        #expect(try type("flag", .sum) == .int64)
        #expect(try type("u8", .sum) == .numeric(.uint64))
        #expect(try type("x", .sum) == .float64)
        #expect(try type("f32", .sum) == .float32)
        #expect(try type("f32", .mean) == .float32)
        #expect(try type("f32", .std) == .float32)
        #expect(try type("i", .mean) == .float64)
        #expect(try type("i32", .var) == .float64)
        #expect(try type("flag", .mean) == .float64)
        for aggregation in [Aggregation.count, .size, .nunique] {
            #expect(try type("text", aggregation) == .int64)
        }
        #expect(try type("i32", .min) == .int32)
        #expect(try type("u8", .max) == .numeric(.uint8))
        #expect(try type("flag", .first) == .bool)
        #expect(try type("text", .max) == .string)
        #expect(try type("ts", .min) == .timestamp(.ns, timeZone: nil))
        #expect(try type("day", .last) == .date)
        #expect(try type("cat", .first) == .categorical)
    }

    @Test("Whole-frame reductions of nothing: sum 0, count 0, mean and min null")
    func emptyWholeFrame() throws {
        let frame = try DataFrame(["i": ColumnValues([Int]()), "x": ColumnValues([Double]()), "s": ColumnValues([String]())])
        let specs = [
            AggregationSpec(column: "i", aggregation: .sum, outputName: "i_sum"),
            AggregationSpec(column: "x", aggregation: .sum, outputName: "x_sum"),
            AggregationSpec(column: "x", aggregation: .count, outputName: "x_count"),
            AggregationSpec(column: "x", aggregation: .mean, outputName: "x_mean"),
            AggregationSpec(column: "s", aggregation: .min, outputName: "s_min"),
            AggregationSpec(column: "s", aggregation: .nunique, outputName: "s_nunique"),
        ]
        let result = try frame.groupby(keys: [], specs: specs)
        #expect(result.rowCount == 1)
        #expect(result.columnNames == specs.map(\.outputName))
        #expect(result["i_sum"][0] == .int(0))
        #expect(result["x_sum"][0] == .double(0))
        #expect(result["x_count"][0] == .int(0))
        #expect(result["x_mean"][0] == .null)
        #expect(result["s_min"][0] == .null)
        #expect(result["s_nunique"][0] == .int(0))
        // Grouped, an empty frame has no groups.
        let grouped = try frame.groupby(keys: ["s"], specs: Array(specs.prefix(3)))
        #expect(grouped.rowCount == 0)
        #expect(grouped.columnNames == ["s", "i_sum", "x_sum", "x_count"])
    }

    @Test("An int64 sum that overflows throws, in the partial and in the combine")
    func overflowDetected() throws {
        let spec = [AggregationSpec(column: "big", aggregation: .sum, outputName: "total")]
        let frame = try DataFrame(["k": [1, 2, 1], "big": ColumnValues([Int64.max, 5, 1])])
        #expect(throws: FrameError.overflow("the sum of column 'big' does not fit its 64-bit result type")) {
            try frame.groupby(keys: ["k"], specs: spec)
        }
        do {
            _ = try frame.groupby(keys: [], specs: spec)
            Issue.record("no overflow reported")
        } catch let error as FrameError {
            #expect(error.description == "Integer overflow: the sum of column 'big' does not fit its 64-bit result type.")
        }
        let low = try DataFrame(["k": [1, 1], "big": ColumnValues([Int64.min, -1])])
        #expect(throws: FrameError.self) { try low.groupby(keys: ["k"], specs: spec) }
        // Each partition's sum fits; their total does not.
        let parts = [try DataFrame(["k": [1], "big": ColumnValues([Int64.max - 1])]), try DataFrame(["k": [1], "big": ColumnValues([Int64(2)])])]
        let partials = try parts.map { try $0.groupbyPartial(keys: ["k"], specs: spec) }
        #expect(throws: FrameError.overflow("the sum of column 'big' does not fit its 64-bit result type")) {
            try DataFrame.groupbyCombine(partials, keys: ["k"], specs: spec)
        }
        // Unsigned sums are checked too.
        let unsigned = try DataFrame(columns: [Series(name: "k", column: Column.numbers([Int64(1), 1])),
                                               Series(name: "big", column: Column.numbers([UInt64.max, 1]))])
        #expect(throws: FrameError.self) { try unsigned.groupby(keys: ["k"], specs: spec) }
        // Sums that fit right up to the limit are exact.
        let edge = try DataFrame(["k": [1, 1], "big": ColumnValues([Int64.max - 1, 1])])
        #expect(try edge.groupby(keys: ["k"], specs: spec)["total"][0] == .int(Int64.max))
    }

    @Test("Unknown columns name what the frame has")
    func unknownColumns() throws {
        let frame = try DataFrame(["k": [1, 2], "x": [0.5, 1.5]])
        let good = [AggregationSpec(column: "x", aggregation: .sum, outputName: "s")]
        #expect(throws: FrameError.unknownColumn("nope", available: ["k", "x"])) {
            try frame.groupby(keys: ["nope"], specs: good)
        }
        do {
            _ = try frame.groupby(keys: ["k"], specs: [AggregationSpec(column: "y", aggregation: .mean, outputName: "m")])
            Issue.record("no error")
        } catch let error as FrameError {
            #expect(error.description == "Column 'y' not found; the frame has 'k', 'x'.")
        }
        #expect(throws: FrameError.unknownColumn("nope", available: ["k", "x"])) { try frame.valueCounts("nope") }
        #expect(throws: FrameError.unknownColumn("nope", available: ["k", "x"])) { try frame.hashRows(["k", "nope"]) }
    }

    @Test("Aggregations a column type does not support throw unsupportedType")
    func unsupportedAggregations() throws {
        let frame = try Self.randomFrame(rows: 20, seed: 1)
        let cases: [(String, Aggregation, ColumnType, String)] = [
            ("text", .mean, .string, "mean of column 'text' is not supported for string columns."),
            ("text", .sum, .string, "sum of column 'text' is not supported for string columns."),
            ("text", .std, .string, "std of column 'text' is not supported for string columns."),
            ("cat", .min, .categorical, "min of column 'cat' is not supported for category columns."),
            ("ts", .sum, .timestamp(.ns, timeZone: nil), "sum of column 'ts' is not supported for datetime64[ns] columns."),
            ("day", .var, .date, "var of column 'day' is not supported for date32[day] columns."),
        ]
        for (column, aggregation, type, message) in cases {
            let spec = [AggregationSpec(column: column, aggregation: aggregation, outputName: "out")]
            do {
                _ = try frame.groupby(keys: ["small"], specs: spec)
                Issue.record("\(aggregation) of \(column) did not throw")
            } catch let error as FrameError {
                #expect(error == .unsupportedType(operation: "\(aggregation.rawValue) of column '\(column)'", type: type))
                #expect(error.description == message)
            }
        }
    }

    @Test("Other bad inputs: no partials, duplicate keys or output names, a state of other specs")
    func otherBadInputs() throws {
        let frame = try DataFrame(["k": [1, 2], "x": [0.5, 1.5]])
        let spec = [AggregationSpec(column: "x", aggregation: .var, outputName: "v")]
        #expect(throws: FrameError.invalidValue("groupbyCombine needs at least one partial state.")) {
            try DataFrame.groupbyCombine([], keys: ["k"], specs: spec)
        }
        #expect(throws: FrameError.duplicateColumn("k")) { try frame.groupby(keys: ["k", "k"], specs: spec) }
        #expect(throws: FrameError.duplicateColumn("k")) {
            try frame.groupby(keys: ["k"], specs: [AggregationSpec(column: "x", aggregation: .sum, outputName: "k")])
        }
        let partial = try frame.groupbyPartial(keys: ["k"], specs: [AggregationSpec(column: "x", aggregation: .sum, outputName: "s")])
        #expect(throws: FrameError.self) { try partial.groupbyFinalize(keys: ["k"], specs: spec) }
    }

    @Test("count and size differ on nulls; first and last skip nulls; std needs two values")
    func nullSemantics() throws {
        let frame = try DataFrame(["k": [1, 1, 1, 2], "x": [nil, 2.0, nil, 5.0], "s": [nil, "b", "a", nil]])
        let specs = [
            AggregationSpec(column: "x", aggregation: .count, outputName: "count"),
            AggregationSpec(column: "x", aggregation: .size, outputName: "size"),
            AggregationSpec(column: "x", aggregation: .std, outputName: "std"),
            AggregationSpec(column: "s", aggregation: .first, outputName: "first"),
            AggregationSpec(column: "s", aggregation: .last, outputName: "last"),
            AggregationSpec(column: "s", aggregation: .min, outputName: "min"),
        ]
        let result = try frame.groupby(keys: ["k"], specs: specs)
        #expect(result["count"].toArray(Int.self) == [1, 1])
        #expect(result["size"].toArray(Int.self) == [3, 1])
        #expect(result["std"].toArray(Double.self) == [nil, nil])
        #expect(result["first"].toArray(String.self) == ["b", nil])
        #expect(result["last"].toArray(String.self) == ["a", nil])
        #expect(result["min"].toArray(String.self) == ["a", nil])
    }

    @Test("The benchmark's shape: 1000 integer keys, mean, sum and count of two float columns")
    func benchmarkShape() throws {
        var random = GroupByTestSupport.Random(state: 1)
        let n = 50_000
        let keys = (0..<n).map { _ in Int64(random.below(1000)) }
        let a = (0..<n).map { _ in random.uniform() - 0.5 }
        let frame = try DataFrame(["key": ColumnValues(keys), "a": ColumnValues(a)])
        let specs = [Aggregation.mean, .sum, .count].map { AggregationSpec(column: "a", aggregation: $0, outputName: $0.rawValue) }
        let result = try frame.groupby(keys: ["key"], specs: specs)
        var sums = [Double](repeating: 0, count: 1000), counts = [Int](repeating: 0, count: 1000)
        for (key, value) in zip(keys, a) {
            sums[Int(key)] += value
            counts[Int(key)] += 1
        }
        #expect(result["key"].toArray(Int.self) == (0..<1000).map { $0 })
        #expect(result["count"].toArray(Int.self) == counts.map { $0 })
        #expect(result["sum"].toArray(Double.self) == sums.map { $0 })
        #expect(result["mean"].toArray(Double.self) == zip(sums, counts).map { $0 / Double($1) })
    }
}
