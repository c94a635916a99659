import Foundation
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

/// CPU seconds used by the whole process so far (all threads), which a busy shared machine
/// disturbs much less than wall-clock time.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
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

let filters = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
let repetitions = Int(CommandLine.arguments.first { $0.hasPrefix("--reps=") }?.dropFirst(7) ?? "") ?? 5
for workload in workloads + frameWorkloads where filters.isEmpty || filters.contains(where: { workload.name.contains($0) }) {
    let run = try workload.setup()
    resetPeak()
    let baseline = peakResidentMB()
    let warmStart = Date()
    checksum += try run()
    let warmup = Date().timeIntervalSince(warmStart)
    var times: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<repetitions {
        let start = Date()
        let cpuStart = processCPUSeconds()
        checksum += try run()
        times.append(Date().timeIntervalSince(start))
        cpu.append(processCPUSeconds() - cpuStart)
    }
    let sorted = times.sorted()
    let median = sorted[sorted.count / 2]
    let rate: Double
    switch workload.unit {
    case "us/chunk": rate = median * 1e6 / workload.work
    case "GFLOP/s": rate = workload.work / median
    case "rows/s": rate = workload.work / median
    default: rate = workload.work / median / 1e9
    }
    let peak = peakResidentMB()
    let fields: [String] = [
        "\"name\": \"\(workload.name)\"", "\"engine\": \"swift\"", "\"median_s\": \(median)",
        "\"min_s\": \(sorted.first ?? 0)", "\"max_s\": \(sorted.last ?? 0)", "\"runs\": \(times.count)",
        "\"warmup_s\": \(warmup)", "\"cpu_s\": \(cpu.sorted()[cpu.count / 2])", "\"rate\": \(rate)", "\"rate_unit\": \"\(workload.unit)\"",
        "\"peak_rss_mb\": \(peak)", "\"rss_before_mb\": \(baseline)",
        "\"threads\": \(Config.get("num-workers")?.intValue ?? 0)", "\"notes\": \"\(workload.notes)\"",
    ]
    print("{" + fields.joined(separator: ", ") + "}")
}
FileHandle.standardError.write(Data("checksum \(checksum)\n".utf8))
