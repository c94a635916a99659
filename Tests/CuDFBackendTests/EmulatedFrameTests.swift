import Backends
import CUDARuntime
import CUDATestSupport
import Foundation
import NumPyBackend
import PandasBackend
import Testing
@testable import CuDFBackend

/// The "cudf" kernels run on the CPU emulator of CUDA and compared with the "pandas" backend on
/// the same frames: every column kind, nulls and NaNs, more rows than one tile.
@Suite("cudf kernels on the CPU emulator", .serialized,
       .enabled(if: emulator != nil, "no C++ compiler (c++) for the CUDA emulator"))
struct EmulatedFrameTests {
    let host: DataFrame
    let device: CuDataFrame

    init() throws {
        host = try TestFrames.mixed(rows: 1_500, seed: 11)
        device = try CuDataFrame(host, on: #require(emulator))
    }

    private func column(_ name: String) -> ColumnExpression { .column(name) }

    @Test("Upload and download keep every column kind, nulls and NaN bit for bit")
    func roundTrip() throws {
        expectSameFrame(try device.download(), host, "round trip")
        #expect(device.schema == host.schema)
        #expect(device.rowCount == 1_500)
        let empty = try CuDataFrame(emptyWith: host.schema, on: device.device)
        expectSameFrame(try empty.download(), DataFrame(emptyWith: host.schema), "empty")
    }

    static let predicates: [ColumnExpression] = [
        .binary(.greater, .column("x"), .literal(.double(0.5))),
        .binary(.equal, .column("k"), .literal(.int(3))),
        .binary(.notEqual, .column("y"), .literal(.int(3))),
        .binary(.logicalAnd, .binary(.greater, .column("x"), .literal(.int(0))), .binary(.less, .column("y"), .literal(.int(5)))),
        .binary(.logicalOr, .binary(.notEqual, .column("k"), .literal(.int(2))), .column("b")),
        .binary(.equal, .column("g"), .literal(.string("bb"))),
        .binary(.notEqual, .column("g"), .literal(.string("a"))),
        .binary(.equal, .column("c"), .literal(.string("ccc"))),
        .binary(.equal, .column("c"), .literal(.string("not a category"))),
        .isNull(.column("x")),
        .isNull(.column("g")),
        .binary(.greater, .binary(.add, .binary(.multiply, .column("y"), .literal(.int(2))), .column("k")), .literal(.int(7))),
        .binary(.lessEqual, .column("f"), .column("x")),
        .column("b"),
        .binary(.less, .column("g"), .literal(.string("b"))),
        .binary(.lessEqual, .literal(.string("b")), .column("g")),
        .binary(.greaterEqual, .column("g"), .literal(.string("ccc"))),
        .binary(.greater, .column("c"), .literal(.string("bb"))),
        .binary(.lessEqual, .literal(.string("bb")), .column("c")),
        .string(.contains("b"), .column("g")),
        .string(.startsWith("dd"), .column("g")),
        .string(.endsWith("text"), .column("g")),
        .binary(.greater, .string(.length, .column("g")), .literal(.int(2))),
        .string(.contains("c"), .column("c")),
        .binary(.notEqual, .column("g"), .string(.lower, .column("g"))),
        .binary(.less, .fillNull(.column("g"), .string("m")), .column("g")),
    ]

    @Test("Filters (stream compaction) keep the rows pandas keeps, in order", arguments: predicates)
    func filter(_ predicate: ColumnExpression) throws {
        let expected = try host.filter(where: predicate)
        let actual = try device.filter(where: predicate).download()
        expectSameFrame(actual, expected, "\(predicate)")
    }

    static let expressions: [ColumnExpression] = [
        .binary(.add, .binary(.multiply, .column("x"), .literal(.double(2))), .literal(.int(1))),
        .binary(.add, .column("y"), .column("k")),
        .binary(.divide, .column("f"), .literal(.int(3))),
        .binary(.subtract, .column("u"), .column("y")),
        .binary(.power, .column("y"), .literal(.int(2))),
        .unary(.negate, .column("x")),
        .unary(.abs, .column("y")),
        .unary(.sqrt, .column("f")),
        .cast(.column("y"), .float64),
        .cast(.column("x"), .int32),
        .fillNull(.column("x"), .double(0)),
        .fillNull(.column("y"), .int(1)),
        .fillNull(.column("k"), .double(2.5)),
        .isNull(.column("b")),
        .literal(.int(3)),
        .binary(.less, .column("t"), .literal(.timestamp(500_000_000_000_000, .ns, timeZone: nil))),
        .binary(.greaterEqual, .column("d"), .column("d")),
        .string(.upper, .column("g")),             // on the host for now
        .string(.length, .column("g")),
        .string(.contains("é"), .column("g")),
        .string(.endsWith(""), .column("g")),
        .string(.length, .column("c")),
        .fillNull(.column("g"), .string("none")),
        .fillNull(.column("c"), .string("bb")),
        .fillNull(.column("c"), .string("not a category")),
        .string(.startsWith("a"), .column("c")),
        .binary(.less, .column("c"), .literal(.string("ccc"))),
        .cast(.column("g"), .categorical),          // on the host for now
    ]

    @Test("Assigned expressions equal pandas' values, nulls included", arguments: expressions)
    func assign(_ expression: ColumnExpression) throws {
        let expected = try host.assigning("z", host.evaluate(expression).broadcast(to: host.rowCount))
        let actual = try #require(device.assigning("z", expression) as? CuDataFrame).download()
        expectSameFrame(actual, expected, "\(expression)")
    }

    @Test("ASCII upper and lower run on the device; other text on the host, alike")
    func caseMapping() throws {
        let ascii = try DataFrame(["s": ["Hello", nil, "WORLD", "mixed Case 1", ""]])
        let unicode = try DataFrame(["s": ["straße", "ÉTÉ", nil]])
        for frame in [ascii, unicode] {
            let onDevice = try CuDataFrame(frame, on: device.device)
            for function in [ColumnExpression.StringFunction.upper, .lower] {
                let expression = ColumnExpression.string(function, .column("s"))
                expectSameFrame(try #require(onDevice.assigning("t", expression) as? CuDataFrame).download(),
                                try frame.assigning("t", frame.evaluate(expression)), "\(function) of \(frame["s"].strings)")
            }
        }
    }

    @Test("head, tail, select, concatenation and dropna match pandas")
    func rows() throws {
        expectSameFrame(try #require(device.prefix(300) as? CuDataFrame).download(), host.head(300), "head")
        expectSameFrame(try #require(device.prefix(-1_400) as? CuDataFrame).download(), host.head(-1_400), "head(-n)")
        expectSameFrame(try #require(device.suffix(77) as? CuDataFrame).download(), host.tail(77), "tail")
        let picked = try #require(device.selecting(["g", "x"]) as? CuDataFrame)
        expectSameFrame(try picked.download(), try host.selecting(["g", "x"]), "select")
        let other = try TestFrames.mixed(rows: 321, seed: 5)
        let parts: [any DataFrameChunk] = [device, try CuDataFrame(other, on: device.device), try device.slice(10..<20)]
        let joined = try #require(device.concatenate(parts) as? CuDataFrame)
        expectSameFrame(try joined.download(), try DataFrame.concatenate([host, other, host.slice(10..<20)]), "concat")
        let dropped = try #require(device.droppingNulls(in: ["x", "g"]) as? CuDataFrame)
        expectSameFrame(try dropped.download(), try #require(host.droppingNulls(in: ["x", "g"]) as? DataFrame), "dropna subset")
        let all = try #require(device.droppingNulls(in: nil) as? CuDataFrame)
        expectSameFrame(try all.download(), try #require(host.droppingNulls(in: nil) as? DataFrame), "dropna")
    }

    @Test("Row hashes equal pandas' for every column kind, and hash splits deal the same rows")
    func hashing() throws {
        for names in [["k"], ["g"], ["c"], ["x"], ["y"], ["f"], ["u"], ["b"], ["t"], ["d"], ["k", "g", "x"], []] {
            #expect(try device.rowHashes(names) == host.hashRows(names), "\(names)")
        }
        // A categorical hashes as its text: the string column and its categorical agree.
        #expect(try device.rowHashes(["c"]) == device.rowHashes(["g"]))
        let expected = try host.split(byHashOf: ["k", "g"], into: 5)
        let actual = try device.hashPartitions(by: ["k", "g"], into: 5)
        #expect(actual.count == 5)
        for (a, e) in zip(actual, expected) { expectSameFrame(try a.toHost(), e, "hash split") }
        let staged = try device.hashPartitions(by: ["x"], modulus: 12, divisor: 3, base: 4)
        for (a, e) in zip(staged, try host.split(byHashOf: ["x"], modulus: 12, divisor: 3, base: 4)) {
            expectSameFrame(try a.toHost(), e, "staged split")
        }
    }

    static let groupings: [[String]] = [["k"], ["g"], ["c"], ["k", "g"], ["b", "y"], ["t"], []]

    @Test("Groupby partial states (hash table on the device) finalize to pandas' groupby", arguments: groupings)
    func groupby(_ keys: [String]) throws {
        var specs: [AggregationSpec] = []
        for column in ["x", "y", "f", "u"] {
            for aggregation in [Aggregation.count, .sum, .mean, .min, .max, .std, .var] {
                specs.append(AggregationSpec(column: column, aggregation: aggregation, outputName: "\(column)_\(aggregation)"))
            }
        }
        specs.append(AggregationSpec(column: "x", aggregation: .size, outputName: "rows"))
        for dropna in [true, false] {
            let expected = try host.groupby(keys: keys, specs: specs, dropna: dropna)
            let partial = try device.groupbyPartial(keys: keys, specs: specs, dropna: dropna)
            // The device state is the host's: pandas finalizes it to the same result.
            expectSameFrame(try partial.download().groupbyFinalize(keys: keys, specs: specs), expected, tolerance: 1e-9,
                            "groupby \(keys) dropna \(dropna), finalized by pandas")
            expectSameFrame(try partial.groupbyFinalize(keys: keys, specs: specs).download(), expected, tolerance: 1e-9,
                            "groupby \(keys) dropna \(dropna), finalized on the device")
            // Partials of three slices combine (on the device) to the same result.
            let slices = [0..<400, 400..<1_100, 1_100..<1_500]
            let partials = try slices.map { try device.slice($0).groupbyPartial(keys: keys, specs: specs, dropna: dropna) }
            let combined = try CuDataFrame.groupbyCombine(partials, keys: keys, specs: specs)
            expectSameFrame(try combined.groupbyFinalize(keys: keys, specs: specs).download(), expected, tolerance: 1e-9,
                            "groupby \(keys) in three partials combined on the device")
            let hostCombined = try DataFrame.groupbyCombine(partials.map { try $0.download() }, keys: keys, specs: specs)
            expectSameFrame(try hostCombined.groupbyFinalize(keys: keys, specs: specs), expected, tolerance: 1e-9,
                            "groupby \(keys) in three partials combined by pandas")
        }
    }

    @Test("Aggregations the device does not compute run on the host with the same result")
    func groupbyOnHost() throws {
        let specs = [AggregationSpec(column: "g", aggregation: .first, outputName: "first"),
                     AggregationSpec(column: "x", aggregation: .nunique, outputName: "distinct")]
        let partial = try device.groupbyPartial(keys: ["k"], specs: specs, dropna: true)
        expectSameFrame(try partial.groupbyFinalize(keys: ["k"], specs: specs).download(),
                        try host.groupby(keys: ["k"], specs: specs), "first/nunique")
        let combined = try CuDataFrame.groupbyCombine([partial, partial], keys: ["k"], specs: specs)
        expectSameFrame(try combined.download(), try DataFrame.groupbyCombine([partial.download(), partial.download()], keys: ["k"], specs: specs),
                        "first/nunique combined")
    }

    static let joins: [([String], JoinKind)] = [
        (["k"], .inner), (["k"], .left), (["g"], .inner), (["g"], .left), (["k", "g"], .left), (["x"], .inner), (["d"], .left),
        (["k"], .right), (["c"], .inner), (["k"], .outer), (["g", "k"], .right), (["x"], .outer), (["d"], .right), (["g"], .outer),
    ]

    @Test("Merges (hash join on the device) give pandas' rows in pandas' order", arguments: joins)
    func merge(_ keys: [String], _ how: JoinKind) throws {
        let right = try TestFrames.mixed(rows: 300, seed: 99, keys: 9)
        let spec = JoinSpec(leftOn: keys, rightOn: keys, how: how)
        let expected = try host.merge(right, spec: spec)
        let actual = try device.merge(CuDataFrame(right, on: device.device), spec: spec).download()
        expectSameFrame(actual, expected, "merge \(keys) \(how)")
    }

    static let sorts: [([SortKey], NullPlacement)] = [
        ([SortKey(column: "k", ascending: true)], .last),
        ([SortKey(column: "x", ascending: true)], .first),
        ([SortKey(column: "x", ascending: false)], .last),
        ([SortKey(column: "y", ascending: false), SortKey(column: "f", ascending: true)], .first),
        ([SortKey(column: "k", ascending: true), SortKey(column: "x", ascending: false)], .last),
        ([SortKey(column: "u", ascending: true), SortKey(column: "b", ascending: false)], .last),
        ([SortKey(column: "t", ascending: false), SortKey(column: "d", ascending: true)], .first),
        ([SortKey(column: "g", ascending: true)], .last),
        ([SortKey(column: "g", ascending: false), SortKey(column: "k", ascending: true)], .first),
        ([SortKey(column: "c", ascending: true), SortKey(column: "y", ascending: false)], .last),
        ([SortKey(column: "c", ascending: false)], .first),
    ]

    @Test("Merges on keys of two numeric dtypes (converted to the common one on the device)",
          arguments: [(["y"], ["k"], JoinKind.inner), (["y"], ["k"], .left), (["k"], ["u"], .outer), (["f"], ["x"], .right)])
    func mixedKeyMerge(_ leftOn: [String], _ rightOn: [String], _ how: JoinKind) throws {
        let right = try TestFrames.mixed(rows: 300, seed: 7, keys: 9)
        let spec = JoinSpec(leftOn: leftOn, rightOn: rightOn, how: how)
        expectSameFrame(try device.merge(CuDataFrame(right, on: device.device), spec: spec).download(), try host.merge(right, spec: spec),
                        "merge \(leftOn) with \(rightOn) \(how)")
    }

    @Test("Sorts (radix sort on the device) give pandas' stable order, nulls and NaN placed", arguments: sorts)
    func sort(_ keys: [SortKey], _ nulls: NullPlacement) throws {
        let expected = try host.sorted(by: keys, nulls: nulls)
        expectSameFrame(try device.sorted(by: keys, nulls: nulls).download(), expected, "sort \(keys) \(nulls)")
        // Range partitions against boundaries drawn from the sorted rows deal the rows as pandas does.
        let boundaries: DataFrame = try expected.take([0, 200, 201, 700, 1_400, 1_499]).selecting(keys.map(\.column))
        let parts = try device.split(byRanges: boundaries, keys: keys, nulls: nulls)
        let reference = try host.split(byRanges: boundaries, keys: keys, nulls: nulls)
        #expect(parts.count == reference.count)
        for (part, want) in zip(parts, reference) { expectSameFrame(try part.download(), want, "range split \(keys) \(nulls)") }
    }

    static let duplicates: [([String]?, DuplicateKeep)] = [
        (["k", "g"], .first), (["k", "g"], .last), (["k", "g"], .none), (["x"], .first), (["c", "b"], .last), (nil, .first), (["y"], .none),
    ]

    @Test("Duplicate removal (hash table on the device) keeps pandas' rows in order", arguments: duplicates)
    func dropDuplicates(_ subset: [String]?, _ keep: DuplicateKeep) throws {
        let unique: DataFrame = try host.droppingDuplicates(subset: subset, keep: keep)
        expectSameFrame(try device.droppingDuplicates(of: subset, keep: keep).download(), unique, "drop_duplicates \(String(describing: subset)) \(keep)")
    }

    @Test("Empty partitions: every device operation gives pandas' empty (or one-row) result")
    func emptyFrames() throws {
        let none = try device.slice(0..<0)
        let hostNone = host.slice(0..<0)
        let predicate = ColumnExpression.binary(.greater, .column("x"), .literal(.int(0)))
        expectSameFrame(try none.filter(where: predicate).download(), try hostNone.filter(where: predicate), "filter")
        let sortKeys = [SortKey(column: "g", ascending: true), SortKey(column: "x", ascending: true)]
        expectSameFrame(try none.sorted(by: sortKeys, nulls: .last).download(), try hostNone.sorted(by: sortKeys, nulls: .last), "sort")
        let specs = [AggregationSpec(column: "x", aggregation: .mean, outputName: "m"),
                     AggregationSpec(column: "y", aggregation: .max, outputName: "top")]
        for keys in [["k"], []] {
            let partial = try none.groupbyPartial(keys: keys, specs: specs, dropna: true)
            expectSameFrame(try partial.groupbyFinalize(keys: keys, specs: specs).download(),
                            try hostNone.groupby(keys: keys, specs: specs), "groupby \(keys)")
        }
        let spec = JoinSpec(leftOn: ["k"], rightOn: ["k"], how: .left)
        expectSameFrame(try none.merge(device, spec: spec).download(), try hostNone.merge(host, spec: spec), "merge empty left")
        expectSameFrame(try device.merge(none, spec: spec).download(), try host.merge(hostNone, spec: spec), "merge empty right")
        let outer = JoinSpec(leftOn: ["g"], rightOn: ["g"], how: .outer)
        expectSameFrame(try none.merge(device, spec: outer).download(), try hostNone.merge(host, spec: outer), "outer merge, empty left")
        let unique: DataFrame = try hostNone.droppingDuplicates(subset: nil, keep: .none)
        expectSameFrame(try none.droppingDuplicates(of: nil, keep: .none).download(), unique, "drop_duplicates")
        #expect(try none.rowHashes(["k", "g"]).isEmpty)
        #expect(try none.hashPartitions(by: ["k"], into: 3).allSatisfy { $0.rowCount == 0 })
    }

    @Test("Bad input is a thrown error naming the problem")
    func badInput() throws {
        #expect(throws: FrameError.self) { try device.filter(where: .binary(.greater, .column("nope"), .literal(.int(1)))) }
        #expect(throws: FrameError.self) { try device.filter(where: .column("x")) }
        #expect(throws: FrameError.self) { try device.evaluate(.binary(.add, .column("g"), .literal(.int(1)))) }
        #expect(throws: FrameError.self) { try device.hashPartitions(by: ["k"], into: 0) }
        #expect(throws: FrameError.self) { try device.hashPartitions(by: ["nope"], into: 2) }
        #expect(throws: FrameError.self) { try device.groupbyPartial(keys: ["nope"], specs: [], dropna: true) }
        #expect(throws: FrameError.self) {
            try device.groupbyPartial(keys: ["k"], specs: [AggregationSpec(column: "g", aggregation: .sum, outputName: "s")], dropna: true)
        }
        #expect(throws: FrameError.self) { try device.merge(device, spec: JoinSpec(leftOn: ["k"], rightOn: ["g"], how: .inner)) }
    }
}

extension Column {
    /// A one-row column repeated to `count` rows (a literal's result), else itself.
    func broadcast(to count: Int) -> Column {
        guard self.count == 1, count != 1 else { return self }
        return [Int](repeating: 0, count: count).withUnsafeBufferPointer { take($0) }
    }
}
