import Backends
import CuDFBackend
import Dispatch
import Foundation
import Tessera

/// The self-test's "cudf" benchmarks, one JSON line each, with the "pandas" backend's time on the
/// same work in the same run: `df_from_dict_groupby` and `df_filter_assign` (100 M rows on the
/// GPU, 16 M on the CPU), and `parquet_read` (a file "pandas" writes, read and summed).
public struct CuDFBenchmarks {
    /// The label the "cudf" backend is registered as.
    public let label: String

    /// Benchmarks of the backend registered as `label`.
    public init(label: String) { self.label = label }

    /// Median and minimum milliseconds of `runs` runs after one warm-up (which compiles kernels).
    private func time(runs: Int = 3, _ body: () throws -> Void) throws -> (median: Double, min: Double) {
        try body()
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[0])
    }

    private func emit(_ name: String, _ fields: [(String, String)]) {
        let body = ([("name", "\"\(name)\"")] + fields).map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
        print("{\(body)}")
    }

    private func number(_ value: Double) -> String { value.isFinite ? String((value * 1_000).rounded() / 1_000) : "null" }

    /// Host columns: `k` int64 in 0 ..< 1000, `x` float64 uniform in [0, 1), `y` int64 in 0 ..< 100.
    static func columns(rows: Int) -> [Series] {
        var state: UInt64 = 5
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var k = [Int64](repeating: 0, count: rows), x = [Double](repeating: 0, count: rows), y = [Int64](repeating: 0, count: rows)
        for i in 0..<rows {
            k[i] = Int64(next() % 1_000)
            x[i] = Double(next() >> 1) / Double(1 << 52)
            y[i] = Int64(next() % 100)
        }
        return [Series(name: "k", column: Column.numbers(k)), Series(name: "x", column: Column.numbers(x)),
                Series(name: "y", column: Column.numbers(y))]
    }

    /// Runs every benchmark; `quick` uses small sizes (to check the harness itself).
    public func run(quick: Bool) throws {
        for backend in [label, "pandas"] {
            let onCPU = backend == "pandas"
            let rows = quick ? 1 << 14 : (onCPU ? 1 << 24 : 100_000_000)
            let partitions = quick ? 4 : (onCPU ? 16 : 10)
            let data = Self.columns(rows: rows)
            _ = try Config.set(["dataframe.backend": .string(backend)]) {
                let groupby = try time {
                    let frame = try ChunkedDataFrame.fromColumns(data, npartitions: partitions)
                    _ = try frame.groupby("k").agg(["x": [.sum, .mean, .std], "y": [.max, .count]]).compute()
                }
                emit("df_from_dict_groupby", [("backend", "\"\(backend)\""), ("rows", "\(rows)"), ("median_ms", number(groupby.median)),
                                              ("min_ms", number(groupby.min)),
                                              ("rows_per_s", number(Double(rows) / groupby.median * 1e3))])
                let frame = try ChunkedDataFrame.fromColumns(data, npartitions: partitions).persist()
                let filtered = try time {
                    let kept = try frame.filter(try frame["x"] > 0.5)
                    _ = try kept.assign("z", try kept["x"] * 2 + kept["y"]).persist()
                }
                emit("df_filter_assign", [("backend", "\"\(backend)\""), ("rows", "\(rows)"), ("median_ms", number(filtered.median)),
                                          ("min_ms", number(filtered.min)),
                                          ("rows_per_s", number(Double(rows) / filtered.median * 1e3))])
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-cudf-bench-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = quick ? 1 << 14 : 1 << 25
        let path = folder.appendingPathComponent("bench.parquet").path
        _ = try Config.set(["dataframe.backend": "pandas"]) {
            try ChunkedDataFrame.fromColumns(Self.columns(rows: rows), npartitions: quick ? 2 : 8).toParquet(path)
        }
        // The writer makes a folder of part files: their sizes add up.
        let parts = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        let bytes = parts.reduce(0) { total, part in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + "/" + part)[.size] as? Int) ?? 0)
        }
        for backend in [label, "pandas"] {
            _ = try Config.set(["dataframe.backend": .string(backend)]) {
                let read = try time { _ = try ChunkedDataFrame.readParquet(path).reduce(.sum).compute() }
                emit("parquet_read", [("backend", "\"\(backend)\""), ("rows", "\(rows)"), ("file_bytes", "\(bytes)"),
                                      ("median_ms", number(read.median)), ("min_ms", number(read.min))])
            }
        }
    }
}
