import Foundation
import Synchronization
import Tessera

// Tessera's benchmarks: the workloads of ../shared/bench/anchors (same names and sizes), printed as
// JSON lines in the reference format with engine "swift".
//
//   swift run -c release tessera-bench [name-filter ...]
//
// scripts/compare_with_dask.py runs these and Dask's in one session and writes the ratio table.

/// Keeps results alive and observable, so the optimiser cannot drop the work.
nonisolated(unsafe) var checksum = 0.0

struct Workload {
    let name: String
    let unit: String
    let work: Double
    let notes: String
    let setup: () throws -> () throws -> Double
}

func peakResidentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }
    return 0
}

/// The process's CPU time (user + system, all threads) so far, in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// The process's anonymous resident memory now (`RssAnon`: heap and anonymous maps, not the
/// pages of files it has mapped, which the kernel can drop), in MB.
func anonymousResidentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }
    return 0
}

/// Samples ``anonymousResidentMB()`` every 2 ms on a thread of its own while running, keeping the
/// largest value (the kernel keeps a peak of all resident memory only, mapped files included).
final class AnonymousPeakSampler: Sendable {
    private let state = Mutex((running: true, peak: 0.0))

    init() {
        Thread.detachNewThread { [self] in
            while state.withLock({ $0.running }) {
                let now = anonymousResidentMB()
                state.withLock { $0.peak = Swift.max($0.peak, now) }
                usleep(2_000)
            }
        }
    }

    /// Stops sampling; the peak seen.
    func stop() -> Double {
        state.withLock { $0.running = false; return Swift.max($0.peak, anonymousResidentMB()) }
    }
}

func resetPeak() {
    // Writing 5 to clear_refs resets VmHWM (Linux).
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

let workloads: [Workload] = [
    Workload(name: "arr_ones_sum", unit: "GB/s", work: 3.2e9, notes: "ones((20000,20000), chunks 2000).sum(); constant chunks never touch memory") {
        let a = try ChunkedArray.ones(shape: [20_000, 20_000], chunks: [2_000, 2_000])
        return { try a.sum().item(Double.self) }
    },
    Workload(name: "arr_random_mean_std", unit: "GB/s", work: 0.8e9, notes: "defaultRNG(0).standardNormal((10000,10000), chunks 1000): mean and std") {
        return {
            let x = try ChunkedArray.random.defaultRNG(seed: 0).standardNormal(shape: [10_000, 10_000], chunks: [1_000, 1_000])
            // Both reductions in one compute, sharing the generated blocks (as dask.compute(m, s)).
            let results = try ChunkedArray.compute([x.mean(), x.std()])
            return try results.reduce(0) { $0 + (try $1.toNDArray().scalar(at: 0).doubleValue) }
        }
    },
    Workload(name: "arr_elementwise_chain", unit: "GB/s", work: 1.6e9, notes: "((x+1)*y - x/2).sum(), x,y 10000^2 persisted; one fused pass") {
        let rng = try ChunkedArray.random.defaultRNG(seed: 1)
        let x = try rng.standardNormal(shape: [10_000, 10_000], chunks: [1_000, 1_000]).persist()
        let y = try rng.standardNormal(shape: [10_000, 10_000], chunks: [1_000, 1_000]).persist()
        return { try ((x + 1) * y - x / 2).sum().item(Double.self) }
    },
    Workload(name: "arr_graph_overhead", unit: "us/chunk", work: 10_000, notes: "ones((100000,), chunks 10).sum(): build + optimise + schedule, 10000 chunks") {
        return { try ChunkedArray.ones(shape: [100_000], chunks: [10]).sum().item(Double.self) }
    },
    Workload(name: "arr_rechunk_sum", unit: "GB/s", work: 0.8e9, notes: "x 10000^2 persisted chunks 1000^2 -> rechunk((10000,100)).sum()") {
        let x = try ChunkedArray.random.defaultRNG(seed: 2).standardNormal(shape: [10_000, 10_000], chunks: [1_000, 1_000]).persist()
        return { try x.rechunk([10_000, 100]).sum().item(Double.self) }
    },
    Workload(name: "arr_transpose_add_sum", unit: "GB/s", work: 0.8e9, notes: "(x + x.T).sum(), x persisted chunks 1000^2") {
        let x = try ChunkedArray.random.defaultRNG(seed: 3).standardNormal(shape: [10_000, 10_000], chunks: [1_000, 1_000]).persist()
        return { try (x + x.transposed()).sum().item(Double.self) }
    },
    Workload(name: "arr_matmul", unit: "GFLOP/s", work: 2 * 4e3 * 4e3 * 4e3 / 1e9,
             notes: "x @ x.T, x 4000^2 persisted chunks 1000; products by \(NDArray.matrixProductEngine)") {
        let x = try ChunkedArray.random.defaultRNG(seed: 4).standardNormal(shape: [4_000, 4_000], chunks: [1_000, 1_000]).persist()
        return { try x.matmul(x.transposed()).toHost().scalar(at: 0).doubleValue }
    },
    Workload(name: "arr_arange_reshape_sum_axis", unit: "GB/s", work: 0.8e9,
             notes: "arange(1e8) f64 default chunks -> reshape(10000,10000) -> sum(axis=0); check = total") {
        return {
            let column = try ChunkedArray.arange(start: 0.0, stop: 1e8, step: 1.0).reshaped([10_000, 10_000]).sum(axis: 0)
            return try column.toHost().toArray(Double.self).reduce(0, +)
        }
    },
    Workload(name: "arr_big_random_sum", unit: "GB/s", work: 3.2e9, notes: "standardNormal((20000,20000), chunks 2000).sum(): 3.2 GB generated, peak memory reported") {
        return { try ChunkedArray.random.defaultRNG(seed: 5).standardNormal(shape: [20_000, 20_000], chunks: [2_000, 2_000]).sum().item(Double.self) }
    },
]

/// The in-memory frame of the dataframe workloads: 10M rows {key: 1000 groups, a: normal, b: uniform}.
func frameColumns(rows: Int = 10_000_000) throws -> (key: [Int64], a: [Double], b: [Double]) {
    let rng = try ChunkedArray.random.defaultRNG(seed: 5)
    let key = try rng.integers(low: 0, high: 1000, shape: [rows], chunks: [rows]).toHost().toArray(Int64.self)
    let a = try rng.standardNormal(shape: [rows], chunks: [rows]).toHost().toArray(Double.self)
    let b = try rng.random(shape: [rows], chunks: [rows]).toHost().toArray(Double.self)
    return (key, a, b)
}

let frameWorkloads: [Workload] = [
    Workload(name: "df_from_dict_groupby", unit: "rows/s", work: 1e7,
             notes: "fromDict(10M rows, npartitions 8).groupby(key).agg(mean, sum, count of a and b)") {
        let (key, a, b) = try frameColumns()
        return {
            let df = try ChunkedDataFrame.fromDict(["key": ColumnValues(key), "a": ColumnValues(a), "b": ColumnValues(b)], npartitions: 8)
            let out = try df.groupby("key").agg(["a": [.mean, .sum, .count], "b": [.mean, .sum, .count]]).compute()
            return Double(out.rowCount)
        }
    },
    Workload(name: "df_filter_assign", unit: "rows/s", work: 1e7,
             notes: "df[df.a > 0].assign(c=df.a*df.b).c.sum() on a persisted 10M-row frame, 8 partitions") {
        let (key, a, b) = try frameColumns()
        let df = try ChunkedDataFrame.fromDict(["key": ColumnValues(key), "a": ColumnValues(a), "b": ColumnValues(b)], npartitions: 8).persist()
        return {
            let kept = try df[df["a"] > 0.0]
            return try kept.assign("c", kept["a"] * kept["b"])["c"].sum().item(Double.self)
        }
    },
]

/// The reference suite's data files (../shared/bench/anchors/make_data.py): `$BENCH_DATA`, or
/// `tessera-bench-data` in the temporary directory.
let benchData = ProcessInfo.processInfo.environment["BENCH_DATA"]
    ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("tessera-bench-data")

/// The size of a file in bytes (0 if it is missing).
func fileSize(_ path: String) -> Double {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.doubleValue ?? 0
}

/// The result digest of the last run of a file workload: values rounded to 9 significant digits,
/// as the reference suite's `digest` rounds them, so the engines' `check`s compare directly.
nonisolated(unsafe) var lastCheck: [Double]?

/// Column sums of a one-row frame, digested.
func sumsDigest(_ frame: DataFrame, _ columns: [String]) -> [Double] {
    columns.map { column in
        let value = frame[column].toArray(Double.self).first.flatMap { $0 } ?? .nan
        return Double(String(format: "%.9g", value)) ?? value
    }
}

let numericColumns = ["id", "key", "a", "b"]
let csvPath = (benchData as NSString).appendingPathComponent("table.csv")
let jsonPath = (benchData as NSString).appendingPathComponent("table.jsonl")

let fileWorkloads: [Workload] = [
    Workload(name: "df_read_csv", unit: "MB/s", work: fileSize(csvPath),
             notes: "readCSV(table.csv)[id,key,a,b].sum(): blocksize 64 MB (7 partitions, as Dask), only the 4 columns parsed") {
        guard FileManager.default.fileExists(atPath: csvPath) else {
            throw FrameOperationError.invalidArgument("\(csvPath) is missing: run ../shared/bench/anchors/make_data.py")
        }
        return {
            let df = try ChunkedDataFrame.readCSV(csvPath)
            let sums = try df[numericColumns].sum().compute()
            lastCheck = sumsDigest(sums, numericColumns)
            return lastCheck?.reduce(0, +) ?? 0
        }
    },
    Workload(name: "df_read_json", unit: "MB/s", work: fileSize(jsonPath),
             notes: "readJSON(table.jsonl, lines: true, blocksize: 16 MB)[id,key,a,b].sum(): 7 partitions, as Dask") {
        guard FileManager.default.fileExists(atPath: jsonPath) else {
            throw FrameOperationError.invalidArgument("\(jsonPath) is missing: run ../shared/bench/anchors/make_data.py")
        }
        return {
            let df = try ChunkedDataFrame.readJSON(jsonPath, lines: true, blocksize: 16_000_000)
            let sums = try df[numericColumns].sum().compute()
            lastCheck = sumsDigest(sums, numericColumns)
            return lastCheck?.reduce(0, +) ?? 0
        }
    },
]

/// SplitMix64 of `value`: the deterministic data of the shuffle workloads, which
/// scripts/bench_shuffle_reference.py computes alike with NumPy's wrapping uint64 arithmetic.
func splitMix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A float in [0, 1) from the top 53 bits of `splitMix(value)`.
func unitFloat(_ value: UInt64) -> Double { Double(splitMix(value) >> 11) * 0x1p-53 }

/// `count` int64 keys `splitMix(i) % modulus`.
func mixedKeys(_ count: Int, modulus: UInt64) -> [Int64] { (0..<UInt64(count)).map { Int64(splitMix($0) % modulus) } }

/// `count` floats `unitFloat(i ^ salt)`.
func mixedFloats(_ count: Int, salt: UInt64) -> [Double] { (0..<UInt64(count)).map { unitFloat($0 ^ salt) } }

/// The sum of a float column's values (nulls skipped): the workloads' result digest.
func columnSum(_ frame: DataFrame, _ name: String) throws -> Double {
    let column = frame[name].column
    guard let values = column.values else { return 0 }
    let validity = column.validity
    return try values.withUnsafeBufferPointer(as: Double.self) { values in
        var total = 0.0
        for row in 0..<values.count where validity?.isValid(row) ?? true {
            let value = values[row]
            total += value.isNaN ? 0 : value
        }
        return total
    }
}

/// A frame of `columns` in `npartitions` partitions, computed and held in memory (Dask's persist).
func persistedFrame(_ columns: KeyValuePairs<String, ColumnValues>, npartitions: Int) throws -> ChunkedDataFrame {
    try ChunkedDataFrame.fromDict(columns, npartitions: npartitions).persist()
}

let shuffleWorkloads: [Workload] = [
    Workload(name: "shuffle_merge_10m_1m", unit: "rows/s", work: 1.1e7,
             notes: "inner merge on an int64 key: left 10M rows {key: splitmix(i) % 1M, a}, right 1M rows {key: (7919 i + 13) % 1M, b}, both persisted in 8 partitions (hash join); result computed (10M rows)") {
        let leftKeys = mixedKeys(10_000_000, modulus: 1_000_000)
        let rightKeys = (0..<Int64(1_000_000)).map { ($0 * 7919 + 13) % 1_000_000 }
        let left = try persistedFrame(["key": ColumnValues(leftKeys), "a": ColumnValues(mixedFloats(10_000_000, salt: 0x1111))],
                                      npartitions: 8)
        let right = try persistedFrame(["key": ColumnValues(rightKeys), "b": ColumnValues(mixedFloats(1_000_000, salt: 0x2222))],
                                       npartitions: 8)
        return {
            let joined = try left.merge(right, on: "key", how: .inner).compute()
            return Double(joined.rowCount) + (try columnSum(joined, "b"))
        }
    },
    Workload(name: "shuffle_groupby_1m_groups", unit: "rows/s", work: 1e7,
             notes: "groupby(key).agg(a: sum, b: mean), 10M rows, key = splitmix(i) % 1M (1M groups), persisted in 8 partitions, split_out 8; result computed") {
        let frame = try persistedFrame(["key": ColumnValues(mixedKeys(10_000_000, modulus: 1_000_000)),
                                        "a": ColumnValues(mixedFloats(10_000_000, salt: 0x3333)),
                                        "b": ColumnValues(mixedFloats(10_000_000, salt: 0x4444))], npartitions: 8)
        return {
            let out = try frame.groupby("key", splitOut: 8).agg(["a": .sum, "b": .mean]).compute()
            return Double(out.rowCount) + (try columnSum(out, "a"))
        }
    },
    Workload(name: "shuffle_sort_10m", unit: "rows/s", work: 1e7,
             notes: "sortValues(x) of 10M rows {x: unit float, id: int64}, persisted in 8 partitions; result computed") {
        let frame = try persistedFrame(["x": ColumnValues(mixedFloats(10_000_000, salt: 0x5555)),
                                        "id": ColumnValues((0..<Int64(10_000_000)).map { $0 })], npartitions: 8)
        return {
            let sorted = try frame.sortValues("x").compute()
            let x = sorted["x"].column
            return (x[0].doubleValue ?? 0) + (x[sorted.rowCount / 2].doubleValue ?? 0) + (x[sorted.rowCount - 1].doubleValue ?? 0)
        }
    },
]

/// A merge of two frames read from the Parquet files (10M rows each side: {id, a} and {id, b},
/// 320 MB of columns in all) under a shuffle memory budget, the joined rows reduced as they come:
/// peak memory shows what the budget holds (the harness's `peak_rss_mb`).
let budgetJoinWorkloads: [Workload] = [("shuffle_merge_files_budget_64mib", "64MiB"), ("shuffle_merge_files_in_memory", "64GiB"), ("shuffle_merge_files_budget_1mib", "1MiB")].map {
    name, budget in
    Workload(name: name, unit: "rows/s", work: 1e7,
             notes: "readParquet(8 files)[id,a] merged with readParquet(8 files)[id,b] on id (hash, 8 partitions), sum of a and b; "
                + "dataframe.shuffle.memory-budget \(budget)") {
        let directory = (benchData as NSString).appendingPathComponent("parquet_snappy")
        guard FileManager.default.fileExists(atPath: directory) else {
            throw FrameOperationError.invalidArgument("\(directory) is missing: run ../shared/bench/anchors/make_data.py")
        }
        return {
            try Config.set(["dataframe.shuffle.memory-budget": .string(budget)]) {
                let left = try ChunkedDataFrame.readParquet(directory, columns: ["id", "a"])
                let right = try ChunkedDataFrame.readParquet(directory, columns: ["id", "b"])
                let joined = try left.merge(right, on: "id", how: .inner, broadcast: false, npartitions: 8)
                let sums = try joined[["a", "b"]].sum().compute()
                return sumsDigest(sums, ["a", "b"]).reduce(0, +)
            }
        }
    }
}

let parquetWorkloads: [Workload] = ["snappy", "zstd"].map { codec in
    let directory = (benchData as NSString).appendingPathComponent("parquet_\(codec)")
    return Workload(name: codec == "snappy" ? "df_read_parquet" : "df_read_parquet_zstd", unit: "MB/s", work: 320e6,
                    notes: "readParquet(8 files \(codec))[id,key,a,b].sum(); rate = numeric columns in memory (320 MB) / s") {
        guard FileManager.default.fileExists(atPath: directory) else {
            throw FrameOperationError.invalidArgument("\(directory) is missing: run ../shared/bench/anchors/make_data.py")
        }
        return {
            let sums = try ChunkedDataFrame.readParquet(directory)[numericColumns].sum().compute()
            lastCheck = sumsDigest(sums, numericColumns)
            return lastCheck?.reduce(0, +) ?? 0
        }
    }
}

let orcWorkloads: [Workload] = [
    Workload(name: "df_read_orc", unit: "MB/s", work: 320e6,
             notes: "readORC(8 files snappy)[id,key,a,b].sum(); rate = numeric columns in memory (320 MB) / s; data: scripts/orc_bench.py --make-data") {
        let directory = (benchData as NSString).appendingPathComponent("orc_snappy")
        guard FileManager.default.fileExists(atPath: directory) else {
            throw FrameOperationError.invalidArgument("\(directory) is missing: run python3 scripts/orc_bench.py --make-data")
        }
        return {
            let sums = try ChunkedDataFrame.readORC(directory)[numericColumns].sum().compute()
            lastCheck = sumsDigest(sums, numericColumns)
            return lastCheck?.reduce(0, +) ?? 0
        }
    },
    Workload(name: "df_read_hdf", unit: "MB/s", work: 320e6,
             notes: "readHDF(table key, chunksize 1e6)[id,key,a,b].sum(); rate = numeric columns in memory (320 MB) / s; data: scripts/hdf5_bench.py --make-data") {
        let path = (benchData as NSString).appendingPathComponent("hdf5/frame.h5")
        guard FileManager.default.fileExists(atPath: path) else {
            throw FrameOperationError.invalidArgument("\(path) is missing: run python3 scripts/hdf5_bench.py --make-data")
        }
        return {
            let sums = try ChunkedDataFrame.readHDF(path, key: "df", columns: numericColumns)[numericColumns].sum().compute()
            lastCheck = sumsDigest(sums, numericColumns)
            return lastCheck?.reduce(0, +) ?? 0
        }
    },
]

let filters = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
let repetitions = Int(CommandLine.arguments.first { $0.hasPrefix("--reps=") }?.dropFirst(7) ?? "") ?? 5
for workload in workloads + frameWorkloads + fileWorkloads + parquetWorkloads + orcWorkloads + shuffleWorkloads + budgetJoinWorkloads where filters.isEmpty || filters.contains(where: { workload.name.contains($0) }) {
    lastCheck = nil
    let run: () throws -> Double
    do {
        run = try workload.setup()
    } catch {
        FileHandle.standardError.write(Data("# skip \(workload.name): \(error)\n".utf8))
        continue
    }
    resetPeak()
    let baseline = peakResidentMB()
    let anonymousSampler = AnonymousPeakSampler()
    let warmStart = Date()
    checksum += try run()
    let warmup = Date().timeIntervalSince(warmStart)
    var times: [Double] = []
    var cpuTimes: [Double] = []
    var check = 0.0
    for _ in 0..<repetitions {
        let start = Date()
        let cpuStart = cpuSeconds()
        check = try run()
        times.append(Date().timeIntervalSince(start))
        cpuTimes.append(cpuSeconds() - cpuStart)
        checksum += check
    }
    let sorted = times.sorted()
    let median = sorted[sorted.count / 2]
    let rate: Double
    switch workload.unit {
    case "us/chunk": rate = median * 1e6 / workload.work
    case "GFLOP/s": rate = workload.work / median
    case "rows/s": rate = workload.work / median
    case "MB/s": rate = workload.work / median / 1e6
    default: rate = workload.work / median / 1e9
    }
    let peak = peakResidentMB()
    let anonymousPeak = anonymousSampler.stop()
    let fields: [String] = [
        "\"name\": \"\(workload.name)\"", "\"engine\": \"swift\"", "\"median_s\": \(median)",
        "\"min_s\": \(sorted.first ?? 0)", "\"max_s\": \(sorted.last ?? 0)", "\"runs\": \(times.count)",
        "\"warmup_s\": \(warmup)", "\"cpu_s\": \(cpuTimes.sorted()[cpuTimes.count / 2])", "\"rate\": \(rate)", "\"rate_unit\": \"\(workload.unit)\"",
        "\"peak_rss_mb\": \(peak)", "\"peak_anon_mb\": \(anonymousPeak)", "\"rss_before_mb\": \(baseline)",
        "\"threads\": \(Config.get("num-workers")?.intValue ?? 0)", "\"notes\": \"\(workload.notes)\"",
        lastCheck.map { "\"check\": [" + $0.map { "\($0)" }.joined(separator: ", ") + "]" } ?? "\"check\": \(check)",
    ]
    print("{" + fields.joined(separator: ", ") + "}")
}
FileHandle.standardError.write(Data("checksum \(checksum)\n".utf8))
