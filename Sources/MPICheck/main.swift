// tessera-mpi-check: the program `mpirun` starts for the distributed tests and benchmark
// (docs/distributed.md). Every rank runs the same code; each check computes a workload with
// `scheduler: "mpi"` and with the threaded scheduler on every rank, and compares.
//
//   tessera-mpi-check checks [scale]      array reductions, matmul, groupby, merge, sort, persist, results on all ranks
//   tessera-mpi-check fail-task           a task throws on the last rank
//   tessera-mpi-check exit-early          rank 1 leaves before compute()
//   tessera-mpi-check mismatch            rank 1 builds a different graph
//   tessera-mpi-check bench [n]           the scaling workload: compute vs communication time, bytes moved
//
// Each rank prints `rank R: ...` lines; rank 0 prints `RESULT OK` when every check passed on every rank.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Tessera

/// Prints one line, prefixed with the rank, and flushes.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data("rank \(Distributed.rank): \(text)\n".utf8))
}

/// The rows of a frame as sorted strings, for comparing results whose row order may differ.
func canonicalRows(_ frame: DataFrame) -> [String] {
    (0..<frame.rowCount).map { row in
        frame.columnNames.map { name in
            let value = frame[name][row]
            if case let .double(number) = value { return String(format: "%.9g", number) }
            return String(describing: value)
        }.joined(separator: "|")
    }.sorted()
}

/// Runs `body` under `scheduler: "mpi"` and under the threaded scheduler.
func both<T>(_ body: () throws -> T) throws -> (mpi: T, threads: T) {
    let mpi = try Config.set(["scheduler": "mpi"]) { try body() }
    let threads = try Config.set(["scheduler": "threads"]) { try body() }
    return (mpi, threads)
}

nonisolated(unsafe) var failures = 0

/// Records one check on this rank.
func check(_ name: String, _ passed: Bool, _ detail: String = "") {
    say("check \(name) \(passed ? "OK" : "FAILED") \(detail)")
    if !passed { failures += 1 }
}

/// Compares two arrays element by element (only where this rank has the MPI result).
func compareArrays(_ name: String, _ pair: (mpi: any ArrayChunk, threads: any ArrayChunk), expectResult: Bool) throws {
    let mpi = try pair.mpi.toNDArray(), threads = try pair.threads.toNDArray()
    if !expectResult {
        check(name, mpi.count == 0 || mpi.shape == threads.shape, "(no result on this rank: shape \(mpi.shape))")
        return
    }
    let a = mpi.toArray(Double.self), b = threads.toArray(Double.self)
    let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    check(name, mpi.shape == threads.shape && worst <= 1e-12, "(shape \(mpi.shape), largest relative difference \(worst))")
}

/// Compares two frames as multisets of rows.
func compareFrames(_ name: String, _ pair: (mpi: DataFrame, threads: DataFrame), expectResult: Bool) {
    if !expectResult {
        check(name, pair.mpi.rowCount == 0, "(no result on this rank)")
        return
    }
    let same = pair.mpi.columnNames == pair.threads.columnNames && canonicalRows(pair.mpi) == canonicalRows(pair.threads)
    check(name, same, "(\(pair.mpi.rowCount) rows, \(pair.threads.rowCount) expected)")
}

/// A frame of `rows` rows: `key` with `keys` distinct values, `x` and `id`.
func sampleFrame(rows: Int, keys: Int, seed: Int, npartitions: Int) throws -> ChunkedDataFrame {
    let key = (0..<rows).map { ($0 &* 2_654_435_761 &+ seed) % keys }
    let x = (0..<rows).map { Double(($0 &* 40_503 &+ seed) % 1000) / 8 }
    return try ChunkedDataFrame.fromDict(["key": ColumnValues(key), "x": ColumnValues(x), "id": ColumnValues(Array(0..<rows))],
                                         npartitions: npartitions)
}

/// The checks; `scale` shrinks the dataframes (the Swift tests run a debug build with 0.1).
func runChecks(scale: Double) throws {
    let root = Distributed.rank == 0
    let rows = max(1_000, Int(60_000 * scale))
    let rng = try ChunkedArray.random.defaultRNG(seed: 7)
    let x = try rng.standardNormal(shape: [scale < 1 ? 600 : 1_200, 800], chunks: [150, 200])
    try compareArrays("array-sum", both { try x.sum().compute() }, expectResult: root)
    try compareArrays("array-mean-axis0", both { try x.mean(axis: 0).compute() }, expectResult: root)
    try compareArrays("array-std-axis1", both { try x.std(axis: 1).compute() }, expectResult: root)
    try compareArrays("array-elementwise", both { try ((x * 2.0 + 1.0) * x).compute() }, expectResult: root)
    let a = try rng.standardNormal(shape: [300, 240], chunks: [75, 60])
    let b = try rng.standardNormal(shape: [240, 200], chunks: [60, 50])
    try compareArrays("matmul", both { try a.matmul(b).compute() }, expectResult: root)

    let frame = try sampleFrame(rows: rows, keys: rows / 3, seed: 3, npartitions: 12)
    compareFrames("groupby-many-groups", try both { try frame.groupby("key", splitOut: 8).agg(["x": .sum, "id": .count]).compute() },
                  expectResult: root)
    let other = try sampleFrame(rows: rows / 2, keys: rows / 3, seed: 11, npartitions: 8)
    compareFrames("merge", try both { try frame.merge(other, on: "key", how: .inner, broadcast: false).compute() },
                  expectResult: root)
    compareFrames("sort", try both { try frame.sortValues("x").compute() }, expectResult: root)

    // Results on every rank, and persist() keeping blocks where they were computed.
    try Config.set(["mpi.results": "all"]) {
        try compareArrays("results-on-all-ranks", both { try x.sum(axis: 1).compute() }, expectResult: true)
        // The persisted blocks live on the ranks that computed them, so only the MPI scheduler can
        // read them; the reference recomputes from `x`.
        let persisted = try Config.set(["scheduler": "mpi"]) { try x.persist() }
        let fromPersisted = try Config.set(["scheduler": "mpi"]) { try (persisted + 1.0).sum(axis: 0).compute() }
        let held = Distributed.lastRun?.bytesSent ?? -1
        let reference = try Config.set(["scheduler": "threads"]) { try (x + 1.0).sum(axis: 0).compute() }
        try compareArrays("persist-then-compute", (fromPersisted, reference), expectResult: true)
        say("after persist: sent \(held) B (partial sums only, no persisted block moved)")

        // A persisted dataframe keeps its partitions where they were computed: the persist run
        // sends no partition to another rank, and later work reads them where they are.
        let persistedFrame = try Config.set(["scheduler": "mpi"]) { try frame.assign("y", frame["x"] * 2.0).persist() }
        // (One rank runs the threaded scheduler: there is no distributed run to count.)
        let persistSent = Distributed.size > 1 ? (Distributed.lastRun?.bytesSent ?? -1) : 0
        check("frame-persist-moves-nothing", persistSent == 0, "(sent \(persistSent) B at persist)")
        let local = frame.npartitions
        let computed = try Config.set(["scheduler": "mpi"]) { () throws -> (DataFrame, DataFrame, DataFrame) in
            let grouped = try persistedFrame.groupby("key", splitOut: 1).agg(["y": .sum]).compute()
            let filtered = try persistedFrame[persistedFrame["x"] > 60.0].compute()
            let merged = try persistedFrame.merge(other, on: "key", how: .inner, broadcast: false).compute()
            return (grouped, filtered, merged)
        }
        let expected = try Config.set(["scheduler": "threads"]) { () throws -> (DataFrame, DataFrame, DataFrame) in
            let plain = try frame.assign("y", frame["x"] * 2.0)
            return (try plain.groupby("key", splitOut: 1).agg(["y": .sum]).compute(), try plain[plain["x"] > 60.0].compute(),
                    try plain.merge(other, on: "key", how: .inner, broadcast: false).compute())
        }
        compareFrames("frame-persist-groupby", (computed.0, expected.0), expectResult: true)
        compareFrames("frame-persist-filter", (computed.1, expected.1), expectResult: true)
        compareFrames("frame-persist-merge", (computed.2, expected.2), expectResult: true)
        let head = try Config.set(["scheduler": "mpi"]) { try persistedFrame.head(5) }
        check("frame-persist-head", head.rowCount == 5 && persistedFrame.npartitions == local, "(\(head.rowCount) rows)")
    }
    try writers(frame, root: root)
    if let run = Distributed.lastRun {
        say("last run: \(run.tasksRun) of \(run.totalTasks) tasks here, sent \(run.bytesSent) B, received \(run.bytesReceived) B")
    }
}

/// The writers under `scheduler: "mpi"`: each file written once, by the rank computing its
/// partition, the same files as the threaded run's (same names, rows read back equal); Parquet's
/// `_metadata` written by rank 0 from the files' footers.
func writers(_ frame: ChunkedDataFrame, root: Bool) throws {
    let base = "/tmp/tessera-mpi-write-\(Distributed.size)"
    let derived = try frame.assign("y", frame["x"] * 2.0)
    let mpi = try Config.set(["scheduler": "mpi"]) { () throws -> ([String], [String], [String]) in
        (try derived.toCSV("\(base)/mpi-csv/part-*.csv"), try derived.toJSON("\(base)/mpi-json/part-*.jsonl"),
         try derived.toParquet("\(base)/mpi-parquet"))
    }
    guard root else { return }
    let threads = try Config.set(["scheduler": "threads"]) { () throws -> ([String], [String], [String]) in
        (try derived.toCSV("\(base)/threads-csv/part-*.csv"), try derived.toJSON("\(base)/threads-json/part-*.jsonl"),
         try derived.toParquet("\(base)/threads-parquet"))
    }
    func names(_ paths: [String]) -> [String] { paths.map { ($0 as NSString).lastPathComponent } }
    check("write-file-names", names(mpi.0) == names(threads.0) && names(mpi.1) == names(threads.1) && names(mpi.2) == names(threads.2))
    try Config.set(["scheduler": "threads"]) {
        compareFrames("write-csv", (try ChunkedDataFrame.readCSV(mpi.0).compute(), try ChunkedDataFrame.readCSV(threads.0).compute()),
                      expectResult: true)
        compareFrames("write-json", (try ChunkedDataFrame.readJSON(mpi.1, lines: true).compute(), try ChunkedDataFrame.readJSON(threads.1, lines: true).compute()),
                      expectResult: true)
        compareFrames("write-parquet", (try ChunkedDataFrame.readParquet("\(base)/mpi-parquet").compute(),
                                        try ChunkedDataFrame.readParquet("\(base)/threads-parquet").compute()), expectResult: true)
        let metadata = FileManager.default.fileExists(atPath: "\(base)/mpi-parquet/_metadata")
        check("write-parquet-metadata", metadata)
    }
}

/// A task that throws on the last rank: a partition function that fails on the last partition's rows.
func failTask() throws {
    let frame = try sampleFrame(rows: 8_000, keys: 100, seed: 1, npartitions: 8)
    let failing = try frame.mapPartitions { part in
        if let last = part["id"].toArray(Int64.self).last, last == 7_999 { throw CheckError.planted }
        return part
    }
    _ = try Config.set(["scheduler": "mpi"]) { try failing.groupby("key").agg(["x": .sum]).compute() }
    say("no error was thrown")
}

/// The error the failure check plants.
enum CheckError: Error, CustomStringConvertible {
    case planted
    var description: String { "planted failure in the last partition" }
}

/// Rank 1 leaves before computing; the others must time out, not hang.
func exitEarly() throws {
    if Distributed.rank == 1 {
        say("leaving before compute()")
        exit(0)
    }
    let x = try ChunkedArray.ones(shape: [1_000], chunks: [100])
    _ = try Config.set(["scheduler": "mpi"]) { try x.sum().compute() }
    say("no error was thrown")
}

/// Rank 1 chunks differently, so its graph differs.
func mismatch() throws {
    let chunk = Distributed.rank == 1 ? 250 : 100
    let x = try ChunkedArray.ones(shape: [1_000], chunks: [chunk])
    _ = try Config.set(["scheduler": "mpi"]) { try x.sum().compute() }
    say("no error was thrown")
}

/// The scaling workload: `(x - mean) ** 2` summed per column, a matmul and a groupby shuffle.
func bench(size: Int) throws {
    let rng = try ChunkedArray.random.defaultRNG(seed: 1)
    let x = try rng.standardNormal(shape: [size, 1_000], chunks: [size / 16, 250])
    let y = try rng.standardNormal(shape: [1_000, 500], chunks: [250, 250])
    let frame = try sampleFrame(rows: size * 100, keys: size * 25, seed: 5, npartitions: 16)
    let ranks = Distributed.size
    let groups = Set((0..<size * 100).map { ($0 &* 2_654_435_761 &+ 5) % (size * 25) }).count
    // The least that must cross ranks for rank 0 to hold the result: every other rank's column
    // partials; the result rows computed elsewhere; the groupby result's rows held elsewhere (a
    // loose bound: the partial aggregates exchanged by the shuffle come on top).
    let workloads: [(String, Int, () throws -> Void)] = [
        ("column-variance", (ranks - 1) * 1_000 * 8, { _ = try ((x - 1.0) * (x - 1.0)).sum(axis: 0).compute() }),
        ("matmul", (ranks - 1) * size / ranks * 500 * 8, { _ = try x.matmul(y).compute() }),
        ("groupby-shuffle", (ranks - 1) * groups / ranks * 16,
         { _ = try frame.groupby("key", splitOut: 16).agg(["x": .sum]).compute() }),
    ]
    for (name, minimum, body) in workloads {
        try Config.set(["scheduler": "mpi"]) { try body() }          // warm up
        let start = Date()
        try Config.set(["scheduler": "mpi"]) { try body() }
        let wall = Date().timeIntervalSince(start)
        var run = Distributed.lastRun ?? DistributedRunStatistics()
        if ranks == 1 { run.computeSeconds = wall }   // one rank: the threaded scheduler, all of it compute
        say(String(format: "bench %@ ranks=%d wall=%.4f compute=%.4f comm=%.4f tasks=%d/%d sent=%d received=%d messages=%d minimum=%d",
                   name, ranks, wall, run.computeSeconds, run.communicationSeconds, run.tasksRun, run.totalTasks,
                   run.bytesSent, run.bytesReceived, run.messagesSent, minimum))
    }
}

do {
    try Distributed.start()
    let mode = CommandLine.arguments.dropFirst().first ?? "checks"
    if Distributed.rank == 0 { say("\(Distributed.summary); mode \(mode)") }
    switch mode {
    case "checks": try runChecks(scale: CommandLine.arguments.count > 2 ? Double(CommandLine.arguments[2]) ?? 1 : 1)
    case "fail-task": try failTask()
    case "exit-early": try exitEarly()
    case "mismatch": try mismatch()
    case "bench": try bench(size: CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 8_000 : 8_000)
    default:
        say("unknown mode \(mode)")
        exit(2)
    }
    if failures > 0 {
        say("\(failures) check(s) FAILED")
        exit(1)
    }
    say("done")
    if Distributed.rank == 0 && mode == "checks" { say("RESULT OK") }
} catch {
    say("error: \(error)")
    // Let the other ranks print theirs before the job is torn down.
    Thread.sleep(forTimeInterval: 2)
    Distributed.abort(code: 3)
}
