import Foundation
import MPIRuntime
import Testing
@testable import Tessera

/// The distributed scheduler's parts that need no MPI: chunk codecs, placement, fingerprints,
/// the ready queue, loading errors and configuration.
@Suite("Distributed: codecs, placement, fingerprints")
struct DistributedPlanTests {
    /// Every cell of a frame, as text, row by row.
    static func cells(_ frame: DataFrame) -> [String] {
        (0..<frame.rowCount).flatMap { row in frame.columnNames.map { String(describing: frame[$0][row]) } }
    }

    @Test("NDArrays of several dtypes and shapes survive the codec bit for bit")
    func ndarrayRoundTrip() throws {
        let doubles = try NDArray([1.5, -2.25, .infinity, 0, 1e300, -0.0], shape: [2, 3])
        let ints = try NDArray([Int32.min, 0, 7, Int32.max], shape: [4])
        let flags = try NDArray([true, false, true], shape: [3, 1])
        let empty = try NDArray(zeros: [0, 5], dtype: .float32)
        for array in [doubles, ints, flags, empty] {
            let decoded = try #require(try TransferCodec.decode(TransferCodec.encode(array)) as? NDArray)
            #expect(decoded.shape == array.shape)
            #expect(decoded.dtype == array.dtype)
            let original = UnsafeRawBufferPointer(start: array.storage.bytes, count: array.storage.byteCount)
            let copy = UnsafeRawBufferPointer(start: decoded.storage.bytes, count: decoded.storage.byteCount)
            #expect(Array(original) == Array(copy))
        }
    }

    @Test("A frame with nulls, strings and floats survives the codec")
    func frameRoundTrip() throws {
        let frame = try DataFrame(["k": ColumnValues([1, nil, 3] as [Int?]), "s": ColumnValues(["a", "", "ü"]),
                                   "x": ColumnValues([0.5, .nan, -1])])
        let decoded = try #require(try TransferCodec.decode(TransferCodec.encode(frame)) as? DataFrame)
        #expect(decoded.columnNames == ["k", "s", "x"])
        #expect(decoded.schema == frame.schema)
        #expect(Self.cells(decoded) == Self.cells(frame))
    }

    @Test("Reduction moments, argmin/argmax partials, bytes, numbers and text survive the codec")
    func otherValues() throws {
        let moments = ReductionPartial.moments(count: try NDArray([3.0], shape: [1]), mean: try NDArray([2.0], shape: [1]),
                                               m2: try NDArray([0.5], shape: [1]))
        guard case let .moments(count, mean, m2) = try #require(try TransferCodec.decode(TransferCodec.encode(moments)) as? ReductionPartial)
        else { Issue.record("not moments"); return }
        #expect(try count.toNDArray().toArray(Double.self) == [3])
        #expect(try mean.toNDArray().toArray(Double.self) == [2])
        #expect(try m2.toNDArray().toArray(Double.self) == [0.5])
        let best = ReductionPartial.arg(values: try NDArray([1.5, -2.0], shape: [2]), indices: try NDArray([Int64(7), 3], shape: [2]))
        guard case let .arg(values, indices) = try #require(try TransferCodec.decode(TransferCodec.encode(best)) as? ReductionPartial)
        else { Issue.record("not an argmin/argmax partial"); return }
        #expect(try values.toNDArray().toArray(Double.self) == [1.5, -2.0])
        #expect(try indices.toNDArray().toArray(Int64.self) == [7, 3])
        #expect(try TransferCodec.decode(TransferCodec.encode([UInt8]([0, 255, 7]))) as? [UInt8] == [0, 255, 7])
        #expect(try TransferCodec.decode(TransferCodec.encode(-12)) as? Int == -12)
        #expect(try TransferCodec.decode(TransferCodec.encode(2.5)) as? Double == 2.5)
        #expect(try TransferCodec.decode(TransferCodec.encode("naïve")) as? String == "naïve")
    }

    @Test("Shuffle shards travel as only the pieces asked for")
    func shardPieces() throws {
        let pieces = try (0..<4).map { i in try DataFrame(["v": ColumnValues([i, i * 10])]) }
        let settings = ShuffleSettings(alwaysSpill: false, memoryBudget: 1 << 30, spillDirectory: "/tmp", maxBranch: 32)
        let shards = try ShuffleShards(pieces, settings: settings)
        let all = try TransferCodec.encode(shards)
        let some = try TransferCodec.encode(shards, pieces: [1, 3])
        #expect(some.count < all.count)
        let decoded = try #require(try TransferCodec.decode(some) as? ShuffleShards)
        #expect(decoded.count == 4)
        let meta = DataFrame(emptyWith: pieces[0].schema)
        #expect(try decoded.piece(1, meta: meta).toHost()["v"].toArray(Int64.self) == [1, 10])
        #expect(try decoded.piece(3, meta: meta).toHost()["v"].toArray(Int64.self) == [3, 30])
        #expect(throws: FrameOperationError.self) { try decoded.piece(0, meta: meta) }
    }

    @Test("Truncated, unknown and inconsistent data are errors, and so are values no codec handles")
    func badData() throws {
        let bytes = try TransferCodec.encode(try NDArray([1.0, 2.0], shape: [2]))
        #expect(throws: ChunkCodecError.self) { try TransferCodec.decode(Array(bytes.dropLast(3))) }
        #expect(throws: ChunkCodecError.malformed("unknown value kind 200")) { try TransferCodec.decode([200]) }
        #expect(throws: ChunkCodecError.self) { try TransferCodec.decode(bytes + [0]) }
        var lying = ByteWriter()
        lying.write(UInt8(1))
        lying.write("float64")
        lying.write(UInt64(1))
        lying.write(UInt64(3))
        lying.write(UInt64(8))
        [UInt8](repeating: 0, count: 8).withUnsafeBytes { lying.write($0) }
        #expect(throws: ChunkCodecError.malformed("8 bytes for shape [3] of float64")) { try TransferCodec.decode(lying.bytes) }
        struct Opaque: Sendable {}
        #expect(throws: ChunkCodecError.unsupported("Opaque")) { try TransferCodec.encode(Opaque()) }
    }

    /// The plan of `array.sum()`'s graph.
    static func plan(_ array: ChunkedArray, ranks: Int, delivery: DistributedPlan.Delivery = .root) throws -> DistributedPlan {
        let keys = array.blockIndices.map(array.key)
        return try DistributedPlan(graph: array.optimizedGraph(), outputs: keys, ranks: ranks, delivery: delivery)
    }

    @Test("Creation blocks are dealt out in contiguous runs, and each rank gets its share", arguments: [1, 2, 3, 4])
    func leavesSpread(ranks: Int) throws {
        let x = try ChunkedArray.ones(shape: [1_200], chunks: [100])
        let plan = try Self.plan(x + 1.0, ranks: ranks)
        let byBlock = plan.tasks.indices.sorted { plan.tasks[$0].key.index.lexicographicallyPrecedes(plan.tasks[$1].key.index) }
        let owners = byBlock.map { plan.owner[$0] }
        #expect(owners == owners.sorted())
        for rank in 0..<ranks { #expect(owners.count { $0 == rank } == 12 / ranks) }
        // Every block goes to rank 0 and nowhere else.
        for index in plan.tasks.indices {
            let expected = plan.owner[index] == 0 ? [] : [0]
            #expect(plan.destinations[index].map(\.rank) == expected)
        }
    }

    @Test("A reduction moves only partials, and a shuffle's outputs spread over the ranks with only their pieces sent")
    func shufflePlacement() throws {
        let key = (0..<4_000).map { $0 % 500 }
        let frame = try ChunkedDataFrame.fromDict(["key": ColumnValues(key), "x": ColumnValues(key.map(Double.init))], npartitions: 8)
        let grouped = try frame.groupby("key", splitOut: 8).agg(["x": .sum])
        let lowered = grouped.lowered()
        let plan = try DistributedPlan(graph: grouped.optimizedGraph(), outputs: lowered.keys, ranks: 4, delivery: .keep)
        let outputs = plan.outputs.map { plan.owner[$0.index] }
        #expect(outputs.sorted() == [0, 0, 1, 1, 2, 2, 3, 3])
        for index in plan.tasks.indices where plan.tasks[index].label.contains("shuffle-split") {
            for destination in plan.destinations[index] {
                // The pieces a rank receives are exactly the outputs it owns.
                let owned = plan.outputs.filter { plan.owner[$0.index] == destination.rank }.map { $0.key.index[0] }
                #expect(destination.pieces == owned.sorted())
            }
        }
    }

    @Test("Each rank reads only its share of a CSV dataset's partitions, contiguous and in file order")
    func readersSplit() throws {
        let directory = try TemporaryDirectory()
        for file in 0..<6 {
            try directory.write("part-\(file).csv", "a,b\n" + (0..<50).map { "\($0),\(file)" }.joined(separator: "\n") + "\n")
        }
        let frame = try ChunkedDataFrame.readCSV(directory.path + "/part-*.csv")
        let lowered = frame.lowered()
        let plan = try DistributedPlan(graph: frame.optimizedGraph(), outputs: lowered.keys, ranks: 3, delivery: .root)
        let reads = plan.tasks.indices.filter { plan.dependencies[$0].isEmpty }
        #expect(reads.count == 6)
        let owners = reads.sorted { plan.tasks[$0].key.index.lexicographicallyPrecedes(plan.tasks[$1].key.index) }.map { plan.owner[$0] }
        #expect(owners == [0, 0, 1, 1, 2, 2])
    }

    @Test("Fingerprints match for the same structure under other names and differ when chunks differ")
    func fingerprints() throws {
        let a = try Self.plan(try ChunkedArray.ones(shape: [1_000], chunks: [100]).sum(), ranks: 2)
        let b = try Self.plan(try ChunkedArray.ones(shape: [1_000], chunks: [100]).sum(), ranks: 2)
        let c = try Self.plan(try ChunkedArray.ones(shape: [1_000], chunks: [250]).sum(), ranks: 2)
        let d = try Self.plan(try ChunkedArray.ones(shape: [1_000], chunks: [100]).sum(), ranks: 3)
        #expect(a.tasks[0].key.name != b.tasks[0].key.name)
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
        #expect(a.fingerprint != d.fingerprint)
    }

    @Test("A task's preferred rank wins over placement by inputs")
    func preferredRank() throws {
        let tasks = [
            GraphTask(TaskKey("a", [0])) { _ in 1 },
            GraphTask(TaskKey("a", [1])) { _ in 2 },
            GraphTask(TaskKey("b", [0]), dependencies: [TaskKey("a", [0])], preferredRank: 1) { $0[0] },
        ]
        let plan = try DistributedPlan(graph: Graph(tasks), outputs: [TaskKey("b", [0]), TaskKey("a", [1])], ranks: 2, delivery: .root)
        let owner = Dictionary(uniqueKeysWithValues: plan.tasks.indices.map { (plan.tasks[$0].key, plan.owner[$0]) })
        #expect(owner[TaskKey("a", [0])] == 0)
        #expect(owner[TaskKey("a", [1])] == 1)
        #expect(owner[TaskKey("b", [0])] == 1)
    }

    @Test("The ready queue pops in priority order")
    func priorityQueue() {
        var queue = PriorityQueue()
        var generator = SystemRandomNumberGenerator()
        let values = (0..<500).map { _ in Int.random(in: 0..<10_000, using: &generator) }
        for value in values { queue.insert(value) }
        var popped: [Int] = []
        while let value = queue.popMin() { popped.append(value) }
        #expect(popped == values.sorted())
    }

    @Test("A missing MPI library is an error listing what was tried")
    func missingLibrary() {
        do {
            _ = try MPILibrary(candidates: ["/nonexistent/libmpi.so.40", "libtessera-no-such-mpi.so"])
            Issue.record("loaded a library that does not exist")
        } catch {
            #expect(error.code == .libraryNotFound)
            #expect(error.message.contains("/nonexistent/libmpi.so.40"))
            #expect(error.message.contains("libtessera-no-such-mpi.so"))
        }
    }

    @Test("The launcher decides which MPI family is tried first")
    func candidates() {
        #expect(MPILibrary.defaultCandidates(environment: ["OMPI_COMM_WORLD_SIZE": "2"]).first == "libmpi.so.40")
        #expect(MPILibrary.defaultCandidates(environment: ["PMI_RANK": "0"]).first == "libmpich.so.12")
    }

    @Test("The mpi keys are checked, and scheduler mpi without a launcher computes in this process")
    func configuration() throws {
        #expect(throws: ConfigError.self) { try Config.set(["mpi.results": "some"]) {} }
        #expect(throws: ConfigError.self) { try Config.set(["mpi.timeout": 0]) {} }
        let x = try ChunkedArray.arange(start: 0, stop: 1_000, chunks: [64])
        let total: Double = try Config.set(["scheduler": "mpi"]) { try x.sum().item() }
        #expect(total == 499_500)
        #expect(Distributed.size == 1)
    }
}

/// The distributed runs themselves: `tessera-mpi-check` started by `mpirun` (Open MPI), checked
/// by its output. Skipped without mpirun or without the built executable.
@Suite("Distributed: runs under mpirun", .serialized,
       .enabled(if: MPIRunner.mpirun != nil, "no mpirun (apt-get install openmpi-bin)"),
       .enabled(if: MPIRunner.executable != nil, "tessera-mpi-check is not built (swift build --build-tests builds it)"))
struct DistributedRunTests {
    @Test("Two ranks give the threaded scheduler's results for reductions, matmul, groupby, merge, sort and persist")
    func checksAtTwoRanks() throws {
        let (code, output) = try MPIRunner.run(ranks: 2, arguments: ["checks", "0.1"])
        #expect(code == 0, "\(output)")
        #expect(output.contains("RESULT OK"))
        #expect(!output.contains("FAILED"))
        #expect(output.contains("rank 1: done"))
        #expect(output.contains("rank 0: check groupby-many-groups OK"))
    }

    @Test("A task that throws on rank 1 is an error naming the task and the rank on both ranks")
    func failingTask() throws {
        let (code, output) = try MPIRunner.run(ranks: 2, arguments: ["fail-task"])
        #expect(code != 0 && code != 124, "\(output)")
        for rank in 0..<2 {
            #expect(output.contains("rank \(rank): error: Task ('map-partitions"), "\(output)")
        }
        #expect(output.contains("failed on rank 1: planted failure"))
    }

    @Test("Graphs that differ between ranks are an error on both ranks, not a hang")
    func mismatchedGraphs() throws {
        let (code, output) = try MPIRunner.run(ranks: 2, arguments: ["mismatch"])
        #expect(code != 0 && code != 124, "\(output)")
        #expect(output.contains("rank 0: error: The ranks built different graphs"), "\(output)")
        #expect(output.contains("rank 1: error: The ranks built different graphs"), "\(output)")
    }

    @Test("A rank that leaves early is named by the watchdog instead of a hang")
    func rankLeavesEarly() throws {
        let (code, output) = try MPIRunner.run(ranks: 2, arguments: ["exit-early"], environment: ["TESSERA_MPI__TIMEOUT": "3"])
        #expect(code != 0 && code != 124, "\(output)")
        #expect(output.contains("rank 0: error: Rank 1 sent nothing for 3 s"), "\(output)")
    }
}

/// Finds mpirun and the check executable, and runs one job under `timeout`.
enum MPIRunner {
    /// Open MPI's launcher, if installed.
    static let mpirun: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The built `tessera-mpi-check` next to the test bundle, or in the package's debug build folder.
    static let executable: String? = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [testBinary.appendingPathComponent("tessera-mpi-check"),
                          testBinary.deletingLastPathComponent().appendingPathComponent("tessera-mpi-check"),
                          root.appendingPathComponent(".build/debug/tessera-mpi-check")]
        return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs the check executable on `ranks` ranks (at most 120 s); returns the exit status and the output.
    static func run(ranks: Int, arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["120", mpirun!, "--allow-run-as-root", "--oversubscribe", "-np", String(ranks), executable!] + arguments
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        env["TESSERA_NUM_WORKERS"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
