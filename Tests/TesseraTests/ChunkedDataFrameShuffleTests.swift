import Foundation
import Synchronization
import Testing
@testable import Tessera

/// The shuffle machinery: spilling, staged exchanges, plan rewrites, properties and errors.
@Suite("Shuffles: spilling, stages, properties, errors", .serialized)
struct ChunkedDataFrameShuffleTests {
    /// A deterministic frame: `key` with repeats and nulls, `g` strings, `x` floats with NaN, `id` the row.
    static func sampleFrame(rows: Int, keys: Int, seed: UInt64 = 1) throws -> DataFrame {
        let indices = (0..<UInt64(rows))
        let key: [Int?] = indices.map { i in
            let h = ChunkedDataFrameShuffleFixtureTests.mix(i &+ seed)
            return h % 17 == 0 ? nil : Int(h % UInt64(keys))
        }
        let g: [String?] = indices.map { i in
            let h = ChunkedDataFrameShuffleFixtureTests.mix(i ^ (seed &* 31))
            return h % 13 == 0 ? nil : ["ant", "bee", "cat", "dog", "emu"][Int(h % 5)]
        }
        let x: [Double?] = indices.map { i in
            let h = ChunkedDataFrameShuffleFixtureTests.mix(i &+ 1000 &+ seed)
            return h % 11 == 0 ? nil : Double(h % 1000) / 8
        }
        return try DataFrame(["key": ColumnValues(key), "g": ColumnValues(g), "x": ColumnValues(x),
                              "id": ColumnValues((0..<rows).map { $0 })])
    }

    /// Rows of a frame as a sorted multiset of cells.
    static func canonical(_ frame: DataFrame) -> [[Cell]] {
        ShuffleFixtures.rows(of: frame).sorted(by: Cell.precedes)
    }

    static func same(_ a: DataFrame, _ b: DataFrame) -> Bool {
        a.columnNames == b.columnNames && a.rowCount == b.rowCount
            && zip(canonical(a), canonical(b)).allSatisfy { Cell.equal($0, $1, rtol: 1e-12) }
    }

    // MARK: Spilling

    @Test("A shuffle past a tiny memory budget spills every shard to disk, gives the same result and removes its files")
    func tinyBudgetSpills() throws {
        let frame = try Self.sampleFrame(rows: 3_000, keys: 200)
        let other = try Self.sampleFrame(rows: 800, keys: 300, seed: 7)
        let df = Partitioning.chunked(frame, cuts: (0...5).map { 3_000 * $0 / 5 })
        let right = Partitioning.chunked(other, cuts: [0, 400, 800])
        let directory = FileManager.default.temporaryDirectory.path + "/tessera-spill-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func run() throws -> [DataFrame] {
            [
                try df.merge(right, on: "key", how: .outer, broadcast: false).compute(),
                try df.sortValues(["g", "x"], ascending: [false, true]).compute(),
                try df.groupby("key", splitOut: 3).agg(["x": .sum, "id": .count]).compute(),
                try df.dropDuplicates(subset: ["key", "g"]).compute(),
            ]
        }
        let inMemory = try run()
        let before = ShuffleShards.spillCount.load(ordering: .relaxed)
        let spilled = try Config.set(["dataframe.shuffle.memory-budget": 1, "dataframe.shuffle.spill-directory": .string(directory)]) {
            try run()
        }
        let spills = ShuffleShards.spillCount.load(ordering: .relaxed) - before
        #expect(spills >= 5 + 2 + 5 + 5 + 5, "every split task spilled (\(spills))")
        for (a, b) in zip(inMemory, spilled) { #expect(Self.same(a, b)) }
        // The sort's order is exact, spilled or not.
        #expect(ShuffleFixtures.rows(of: inMemory[1]).elementsEqual(ShuffleFixtures.rows(of: spilled[1])) { Cell.equal($0, $1, rtol: 0) })
        let left = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        #expect(left.isEmpty, "spill files are deleted once read: \(left)")
        // "disk" spills whatever the budget.
        let disk = try Config.set(["dataframe.shuffle.method": "disk", "dataframe.shuffle.spill-directory": .string(directory)]) {
            try df.shuffle(on: ["g"], npartitions: 4).compute()
        }
        #expect(Self.same(disk, frame))
        #expect(ShuffleLedger.heldBytes >= 0)
    }

    @Test("An unwritable spill directory is a thrown error, not a crash")
    func unwritableSpillDirectory() throws {
        let df = Partitioning.chunked(try Self.sampleFrame(rows: 100, keys: 10), cuts: [0, 50, 100])
        #expect(throws: (any Error).self) {
            try Config.set(["dataframe.shuffle.method": "disk", "dataframe.shuffle.spill-directory": "/proc/no/such/dir"]) {
                try df.shuffle(on: ["key"]).compute()
            }
        }
        #expect(throws: ConfigError.self) { try Config.set(["dataframe.shuffle.method": "p2p"]) { 0 } }
        #expect(throws: ConfigError.self) { try Config.set(["dataframe.shuffle.memory-budget": "lots"]) { 0 } }
    }

    @Test("The shard codec round-trips every column type and rejects damaged bytes")
    func shardCodec() throws {
        var frame = try Self.sampleFrame(rows: 70, keys: 9)
        let stamps = try Column(type: .timestamp(.ms, timeZone: "UTC"), storage: Column.numbers((0..<70).map { Int64($0) * 1000 }).storage)
        let categories = try frame["g"].column.converted(to: .categorical)
        let flags: [Bool?] = (0..<70).map { $0 % 3 == 0 ? nil : $0 % 2 == 0 }
        frame = try frame.assigning("t", stamps)
        frame = try frame.assigning("c", categories)
        frame = try frame.assigning("b", Column.numbers(flags))
        let bytes = FrameShardCodec.encode(frame)
        let decoded = try bytes.withUnsafeBytes { try FrameShardCodec.decode($0) }
        #expect(decoded.schema == frame.schema)
        #expect(ShuffleFixtures.rows(of: decoded).elementsEqual(ShuffleFixtures.rows(of: frame)) { Cell.equal($0, $1, rtol: 0) })
        for cut in [0, 3, 9, 30, bytes.count / 2, bytes.count - 1] {
            #expect(throws: FrameError.self) { try Array(bytes.prefix(cut)).withUnsafeBytes { try FrameShardCodec.decode($0) } }
        }
        var damaged = bytes
        damaged[12] = 0xFF
        #expect(throws: FrameError.self) { try damaged.withUnsafeBytes { try FrameShardCodec.decode($0) } }
    }

    // MARK: Stages and plans

    @Test("A staged shuffle (more partitions than max-branch) routes rows exactly as a direct one", arguments: [(9, 7), (12, 30), (5, 40)])
    func stagedShuffle(_ counts: (inputs: Int, outputs: Int)) throws {
        let frame = try Self.sampleFrame(rows: 2_000, keys: 150)
        let df = Partitioning.chunked(frame, cuts: (0...counts.inputs).map { 2_000 * $0 / counts.inputs })
        let direct = try df.shuffle(on: ["key"], npartitions: counts.outputs)
        let directParts = try direct.computePartitions().map { try $0.toHost() }
        let (stagedParts, taskCount) = try Config.set(["dataframe.shuffle.max-branch": 3]) {
            (try direct.computePartitions().map { try $0.toHost() }, try direct.optimizedGraph().count)
        }
        #expect(stagedParts.count == counts.outputs)
        for (a, b) in zip(directParts, stagedParts) {
            // Same rows in the same order in every partition.
            #expect(ShuffleFixtures.rows(of: a).elementsEqual(ShuffleFixtures.rows(of: b)) { Cell.equal($0, $1, rtol: 0) })
        }
        #expect(taskCount > counts.inputs + counts.outputs, "the staged graph has intermediate tasks")
        // Aggregations and joins over a staged shuffle agree with the direct ones.
        try Config.set(["dataframe.shuffle.max-branch": 2]) {
            let grouped = try df.groupby(["key", "g"], dropna: false, splitOut: counts.outputs).agg(["x": .sum, "id": .max]).compute()
            let expected = try frame.groupby(keys: ["key", "g"], specs: [
                AggregationSpec(column: "x", aggregation: .sum, outputName: "x"),
                AggregationSpec(column: "id", aggregation: .max, outputName: "id"),
            ], dropna: false)
            #expect(Self.same(grouped, expected))
        }
    }

    @Test("A merge with a side already hash-partitioned on its keys shuffles only the other side")
    func coPartitionedMergeReusesTheShuffle() throws {
        let frame = try Self.sampleFrame(rows: 400, keys: 40)
        let df = Partitioning.chunked(frame, cuts: [0, 100, 200, 400])
        let counts = try df.groupby("key", splitOut: 3).agg(["x": .sum])
        let joined = try df.merge(counts, on: "key", how: .left, broadcast: false)
        let graph = try joined.optimizedGraph()
        let splits = graph.tasks.keys.filter { $0.name.hasSuffix("-split") }
        // The frame's own shuffle for the merge (3 splits) and the groupby's (3); none for the counts again.
        let names = Set(splits.map { (key: TaskKey) in key.name })
        #expect(names.count == 2, "\(names)")
        let expected = try frame.merge(try frame.groupby(keys: ["key"], specs: [AggregationSpec(column: "x", aggregation: .sum, outputName: "x")]),
                                       spec: JoinSpec(leftOn: ["key"], rightOn: ["key"], how: .left))
        #expect(Self.same(try joined.compute(), expected))
    }

    @Test("Projections reach the sources through a merge; suffixed names stay as they were")
    func projectionThroughMerge() throws {
        let left = try Self.sampleFrame(rows: 50, keys: 5)
        let right = try DataFrame(["key": ColumnValues((0..<30).map { $0 % 7 }), "x": ColumnValues((0..<30).map { Double($0) }),
                                   "w": ColumnValues((0..<30).map { "w\($0)" })])
        let leftSource = RecordingSource(left, partitions: 2), rightSource = RecordingSource(right, partitions: 2)
        let meta = FrameMeta(backend: "pandas", chunk: DataFrame(emptyWith: Schema([])))
        let joined = try ChunkedDataFrame.fromSource(leftSource, meta: meta)
            .merge(ChunkedDataFrame.fromSource(rightSource, meta: meta), on: "key", broadcast: false)
        #expect(joined.columns == ["key", "g", "x_x", "id", "x_y", "w"])
        let picked = try joined[["key", "x_y"]].compute()
        #expect(picked.columnNames == ["key", "x_y"])
        // Only the key and the names both sides have (they decide the suffixes) are read.
        #expect(leftSource.requests.withLock { $0 }.allSatisfy { $0 == ["key", "x"] })
        #expect(rightSource.requests.withLock { $0 }.allSatisfy { $0 == ["key", "x"] })
        let merged = try left.merge(right, spec: JoinSpec(leftOn: ["key"], rightOn: ["key"], how: .inner))
        let full: DataFrame = try merged.selecting(["key", "x_y"])
        #expect(Self.same(picked, full))
    }

    // MARK: Properties

    @Test("Partitioning and the shuffle's partition count never change a result", arguments: [1, 2, 5, 13])
    func partitioningNeverChangesResults(_ outputs: Int) throws {
        let frame = try Self.sampleFrame(rows: 600, keys: 60)
        let other = try Self.sampleFrame(rows: 250, keys: 80, seed: 5)
        let joinSpec = JoinSpec(leftOn: ["key", "g"], rightOn: ["key", "g"], how: .outer, suffixes: ("_l", "_r"))
        let expectedJoin = try frame.merge(other, spec: joinSpec)
        let sortKeys = [SortKey(column: "x", ascending: false), SortKey(column: "key")]
        let expectedSort = try frame.sorted(by: sortKeys, nulls: .first)
        let expectedGroups = try frame.groupby(keys: ["g"], specs: [AggregationSpec(column: "x", aggregation: .mean, outputName: "x"),
                                                                    AggregationSpec(column: "id", aggregation: .first, outputName: "id")],
                                               dropna: false)
        let expectedDistinct: DataFrame = try frame.droppingDuplicates(subset: ["key"], keep: .last)
        for cuts in Partitioning.schemes(rows: frame.rowCount) {
            let df = Partitioning.chunked(frame, cuts: cuts)
            let right = Partitioning.chunked(other, cuts: [0, 0, 100, 250])
            let joined = try df.merge(right, leftOn: ["key", "g"], rightOn: ["key", "g"], how: .outer, suffixes: ("_l", "_r"),
                                      broadcast: false, npartitions: outputs)
            #expect(Self.same(try joined.compute(), expectedJoin), "merge, cuts \(cuts)")
            let sorted = try df.sortValues(["x", "key"], ascending: [false, true], naPosition: .first, npartitions: outputs).compute()
            #expect(ShuffleFixtures.rows(of: sorted).elementsEqual(ShuffleFixtures.rows(of: expectedSort)) { Cell.equal($0, $1, rtol: 0) },
                    "sort, cuts \(cuts)")
            let grouped = try df.groupby("g", dropna: false, splitOut: outputs).agg(["x": .mean, "id": .first]).compute()
            #expect(Self.same(grouped, expectedGroups), "groupby, cuts \(cuts)")
            let distinct = try df.dropDuplicates(subset: ["key"], keep: .last, splitOut: outputs).compute()
            #expect(Self.same(distinct, expectedDistinct), "dropDuplicates, cuts \(cuts)")
            let shuffled = try df.shuffle(on: ["g", "key"], npartitions: outputs)
            #expect(Self.same(try shuffled.compute(), frame), "shuffle, cuts \(cuts)")
            // Every key is in exactly one output partition.
            var owner: [String: Int] = [:]
            for (index, part) in try shuffled.computePartitions().enumerated() {
                let host = try part.toHost()
                for row in 0..<host.rowCount {
                    let label = "\(host["g"][row])|\(host["key"][row])"
                    #expect(owner[label, default: index] == index)
                    owner[label] = index
                }
            }
        }
    }

    @Test("A split groupby whose partitions ship rows (mostly distinct keys) or partial states agrees with one groupby")
    func splitGroupbyShippingRows() throws {
        // Partition 0 has few keys (partial states), the others mostly distinct keys (rows shipped).
        let rows = 4 * 40_000
        let key = (0..<rows).map { row in row < 40_000 ? row % 50 : row % 70_000 }
        let x: [Double?] = (0..<rows).map { $0 % 9 == 0 ? nil : Double($0 % 1000) }
        let frame = try DataFrame(["key": ColumnValues(key), "x": ColumnValues(x), "id": ColumnValues((0..<rows).map { $0 })])
        let specs = [
            AggregationSpec(column: "x", aggregation: .first, outputName: "x_first"),
            AggregationSpec(column: "x", aggregation: .last, outputName: "x_last"),
            AggregationSpec(column: "id", aggregation: .nunique, outputName: "id_nunique"),
            AggregationSpec(column: "x", aggregation: .std, outputName: "x_std"),
            AggregationSpec(column: "id", aggregation: .size, outputName: "size"),
        ]
        let expected = try frame.groupby(keys: ["key"], specs: specs)
        let df = Partitioning.chunked(frame, cuts: (0...4).map { rows * $0 / 4 })
        for splitOut in [2, 7] {
            let result = try df.groupby("key", splitOut: splitOut).agg(specs).sortValues("key").compute()
            #expect(ShuffleFixtures.rows(of: result).elementsEqual(ShuffleFixtures.rows(of: expected)) { Cell.equal($0, $1, rtol: 1e-9) })
        }
    }

    @Test("A sort's output partitions are ordered ranges: every row of one sorts before every row of the next")
    func sortPartitionsAreRanges() throws {
        let frame = try Self.sampleFrame(rows: 1_000, keys: 30)
        let df = Partitioning.chunked(frame, cuts: (0...4).map { 1_000 * $0 / 4 })
        let parts = try df.sortValues("key", npartitions: 6).computePartitions().map { try $0.toHost() }
        #expect(parts.count == 6)
        let keys = parts.map { $0["key"].toArray(Int.self) }
        let flat = keys.flatMap { $0 }
        #expect(flat.count == 1_000)
        let values = flat.compactMap { $0 }
        #expect(values == values.sorted())
        #expect(flat.drop { $0 != nil }.allSatisfy { $0 == nil }, "nulls last")
        // A key never spans two partitions.
        var seen: [Int: Int] = [:]
        for (index, part) in keys.enumerated() {
            for key in part.compactMap({ $0 }) {
                #expect(seen[key, default: index] == index)
                seen[key] = index
            }
        }
    }

    // MARK: Errors

    @Test("Bad keys and arguments throw errors naming the problem")
    func badInputThrows() throws {
        let df = try ChunkedDataFrame.fromDict(["k": [1, 2, 3], "s": ["a", "b", "c"], "x": [0.5, 1.5, 2.5]], npartitions: 2)
        let other = try ChunkedDataFrame.fromDict(["k": ["1", "2"], "y": [1, 2]], npartitions: 2)
        #expect(throws: FrameError.unknownColumn("nope", available: ["k", "s", "x"])) { try df.merge(df, on: "nope") }
        #expect(throws: FrameError.unknownColumn("x", available: ["k", "y"])) { try df.merge(other, on: "x") }
        do {
            _ = try df.merge(other, on: "k")
            Issue.record("an int64 key merged with a string key")
        } catch let error as FrameError {
            #expect(String(describing: error).contains("int64 and string"))
        }
        #expect(throws: FrameError.self) { try df.merge(other, leftOn: ["k", "s"], rightOn: ["k"]) }
        #expect(throws: FrameError.self) { try df.merge(other, on: [String]()) }
        #expect(throws: FrameError.duplicateColumn("s")) { try df.merge(df, on: "k", suffixes: ("", "")) }
        #expect(throws: FrameOperationError.self) { try df.merge(df, on: "k", how: .outer, broadcast: true) }
        #expect(throws: FrameOperationError.self) { try df.merge(df, on: "k", npartitions: 0) }
        #expect(throws: FrameError.self) { try df.sortValues("nope") }
        #expect(throws: FrameOperationError.self) { try df.sortValues(["k", "x"], ascending: [true]) }
        #expect(throws: FrameOperationError.self) { try df.sortValues([String]()) }
        #expect(throws: FrameOperationError.self) { try df.sortValues(["k", "k"]) }
        #expect(throws: FrameOperationError.self) { try df.sortValues("k", npartitions: 0) }
        #expect(throws: FrameOperationError.self) { try df.groupby("k", splitOut: 0) }
        #expect(throws: FrameError.self) { try df.dropDuplicates(subset: ["nope"]) }
        #expect(throws: FrameOperationError.self) { try df.dropDuplicates(subset: []) }
        #expect(throws: FrameOperationError.self) { try df.dropDuplicates(splitOut: -1) }
        #expect(throws: FrameError.self) { try df.shuffle(on: ["nope"]) }
        #expect(throws: FrameOperationError.self) { try df["k"].nunique(splitOut: 0) }
        #expect(throws: FrameOperationError.self) { try df["k"].valueCounts(splitOut: 0) }
        // The host kernels throw rather than trap on the same mistakes.
        let host = try df.compute(), otherHost = try other.compute()
        #expect(throws: FrameError.self) { try host.merge(otherHost, spec: JoinSpec(leftOn: ["k"], rightOn: ["k"])) }
        #expect(throws: FrameError.self) { try host.sorted(by: [SortKey(column: "nope")], nulls: .last) }
        #expect(throws: FrameError.self) { try host.split(byRanges: otherHost, keys: [SortKey(column: "k")], nulls: .last) }
        #expect(throws: FrameError.self) { try host.split(byHashOf: ["k"], modulus: 0, divisor: 1, base: 2) }
    }

    @Test("A merge broadcasts a side as Dask does: one partition, or fewer than half the log2 of the other's")
    func broadcastChoice() throws {
        let frame = try Self.sampleFrame(rows: 200, keys: 20)
        func strategy(_ left: Int, _ right: Int, _ how: JoinKind, npartitions: Int? = nil) -> JoinStrategy? {
            let l = Partitioning.chunked(frame, cuts: (0...left).map { 200 * $0 / left })
            let r = Partitioning.chunked(frame, cuts: (0...right).map { 200 * $0 / right })
            guard case let .merge(_, _, _, chosen)? = try? l.merge(r, on: "key", how: how, npartitions: npartitions).plan else { return nil }
            return chosen
        }
        #expect(strategy(8, 1, .inner) == .broadcastRight)
        #expect(strategy(1, 8, .inner) == .broadcastLeft)
        #expect(strategy(1, 8, .left) == .hash(8), "the small side is the left one, and a left join cannot broadcast it")
        #expect(strategy(8, 1, .right) == .hash(8))
        #expect(strategy(8, 1, .left) == .broadcastRight)
        #expect(strategy(1, 8, .right) == .broadcastLeft)
        #expect(strategy(8, 1, .outer) == .hash(8))
        #expect(strategy(1, 1, .outer) == .broadcastRight, "two single partitions: one task")
        #expect(strategy(64, 2, .inner) == .broadcastRight)
        #expect(strategy(64, 3, .left) == .hash(64))
        #expect(strategy(8, 8, .inner) == .hash(8))
        #expect(strategy(8, 1, .inner, npartitions: 4) == .hash(4))
    }

    @Test("USER-VIEW spellings compile and compute")
    func userViewSpellings() throws {
        let df = try ChunkedDataFrame.fromDict(["key": [1, 2, 1, 3], "x": [0.5, 1.5, 2.5, nil]], npartitions: 2)
        let other = try ChunkedDataFrame.fromDict(["key": [1, 3], "y": ["a", "c"]], npartitions: 1)
        let joined = try df.merge(other, on: "key", how: .inner)
        let rows = try joined.sortValues("x").compute()
        #expect(rows["key"].toArray(Int.self) == [1, 1, 3])
        #expect(rows["x"].toArray(Double.self) == [0.5, 2.5, nil])
        #expect(rows["y"].strings == ["a", "a", "c"])
        let sorted = try df.sortValues(["key", "x"], ascending: [true, false]).compute()
        #expect(sorted["x"].toArray(Double.self) == [2.5, 0.5, 1.5, nil])
    }
}
