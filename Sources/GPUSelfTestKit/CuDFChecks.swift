import Backends
import CuDFBackend
import Foundation
import NumPyBackend
import Tessera

/// The self-test's checks of the "cudf" backend: each builds the same dataframe computation on
/// "pandas" and on the GPU backend (registered as `label`) from the same host columns, computes
/// both and compares the host frames cell by cell (floating-point sums to `1e-9` relative, as
/// GPU atomics add in another order).
public struct CuDFChecks {
    /// The label the backend under test is registered as.
    public let label: String
    /// Rows of the test frame.
    public let rows: Int

    /// Checks of the backend registered as `label`, on frames of `rows` rows.
    public init(label: String, rows: Int = 200_000) {
        self.label = label
        self.rows = rows
    }

    /// A named check: nil when it passes, else why it failed.
    public typealias Check = (String, () throws -> String?)

    /// Why `actual` differs from `expected`, or nil.
    public static func compare(_ actual: DataFrame, _ expected: DataFrame, rtol: Double = 0) -> String? {
        guard actual.schema == expected.schema else { return "schema\n\(actual.schema)\nexpected\n\(expected.schema)" }
        guard actual.rowCount == expected.rowCount else { return "\(actual.rowCount) rows, expected \(expected.rowCount)" }
        for (a, e) in zip(actual.columns, expected.columns) {
            for row in 0..<actual.rowCount {
                let x = a[row], y = e[row]
                if x == y { continue }
                if case let .double(p) = x, case let .double(q) = y, Swift.abs(p - q) <= rtol * Swift.max(Swift.abs(p), Swift.abs(q)) {
                    continue
                }
                return "\(a.name)[\(row)]: \(x), expected \(y)"
            }
        }
        return nil
    }

    /// The test columns: `k` int64 keys (nulls), `g` string keys (nulls), `x` float64 (NaN and
    /// nulls), `y` int32 (nulls), `f` float32, `b` bool.
    public static func columns(rows: Int, seed: UInt64 = 1) -> [Series] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let words = ["a", "bb", "ccc", "", "dddddddddd", "ééé"]
        var k: [Int64?] = [], g: [String?] = [], x: [Double?] = [], y: [Int32?] = [], f: [Float] = [], b: [Bool] = []
        for _ in 0..<rows {
            k.append(next() % 20 == 0 ? nil : Int64(next() % 97) - 10)
            g.append(next() % 20 == 0 ? nil : words[Int(next() % UInt64(words.count))])
            x.append(next() % 20 == 0 ? nil : (next() % 30 == 0 ? .nan : Double(next() % 100_000) / 16 - 1_000))
            y.append(next() % 12 == 0 ? nil : Int32(next() % 1_000) - 300)
            f.append(Float(next() % 4_096) / 8)
            b.append(next() % 2 == 0)
        }
        return [Series(name: "k", column: Column.numbers(k)), Series(name: "g", column: Column.strings(g)),
                Series(name: "x", column: Column.numbers(x)), Series(name: "y", column: Column.numbers(y)),
                Series(name: "f", column: Column.numbers(f)), Series(name: "b", column: Column.numbers(b))]
    }

    /// The same computation on "pandas" and on the backend under test, compared.
    func same(rtol: Double = 0, sorted: [String]? = nil, _ make: (ChunkedDataFrame) throws -> ChunkedDataFrame) throws -> String? {
        let data = Self.columns(rows: rows)
        let cpu = try Config.set(["dataframe.backend": "pandas"]) { try make(ChunkedDataFrame.fromColumns(data, npartitions: 4)) }
        let gpuFrame = try Config.set(["dataframe.backend": .string(label)]) { try ChunkedDataFrame.fromColumns(data, npartitions: 4) }
        let gpu = try make(gpuFrame)
        guard gpu.backend == label else { return "the result's backend is \(gpu.backend)" }
        let chunk = try gpu.computeChunk()
        guard chunk is CuDataFrame else { return "computeChunk() gave a \(type(of: chunk)), not a CuDataFrame" }
        var (actual, expected) = (try chunk.toHost(), try cpu.compute())
        if let sorted {
            let keys = sorted.map { SortKey(column: $0, ascending: true) }
            actual = try actual.sorted(by: keys, nulls: .last)
            expected = try expected.sorted(by: keys, nulls: .last)
        }
        return Self.compare(actual.withIndexStart(0), expected.withIndexStart(0), rtol: rtol)
    }

    /// Every check.
    public var all: [Check] {
        let specs: [AggregationSpec] = ["x", "y", "f"].flatMap { column in
            [Aggregation.count, .sum, .mean, .min, .max, .std, .var].map {
                AggregationSpec(column: column, aggregation: $0, outputName: "\(column)_\($0)")
            }
        } + [AggregationSpec(column: "x", aggregation: .size, outputName: "rows")]
        return [
            ("cudf fromDict and toHost", { try same { $0 } }),
            ("cudf filter (stream compaction)", { try same { df in try df.filter(try df["x"] > 10.5) } }),
            ("cudf filter with logical operators and nulls", {
                try same { df in try df.filter(try (try df["y"] < 100) & (try (try df["k"] != 3) | df["b"])) }
            }),
            ("cudf filter on a string key", { try same { df in try df.filter(try df["g"] == "bb") } }),
            ("cudf assign arithmetic", { try same { df in try df.assign("z", try (try df["x"] * 2 + df["y"]) / 4) } }),
            ("cudf filter then assign", {
                try same { df in try df.filter(try df["y"] >= 0).assign("z", try df["f"] - df["k"]) }
            }),
            ("cudf isnull, fillna, dropna", {
                try same { df in
                    try df.assign("n", try df["x"].isnull()).assign("filled", try df["y"].fillna(-1)).dropna(subset: ["x", "g"])
                }
            }),
            ("cudf reductions", { try same(rtol: 1e-9) { df in try df.select(["x", "y", "f"]).reduce(.sum) } }),
            ("cudf std and var", { try same(rtol: 1e-9) { df in try df.select(["x", "f"]).reduce(.std) } }),
            ("cudf groupby-agg on an int key", { try same(rtol: 1e-9) { df in try df.groupby("k").agg(specs) } }),
            ("cudf groupby-agg on a string key", { try same(rtol: 1e-9) { df in try df.groupby("g").agg(specs) } }),
            ("cudf groupby-agg on two keys, nulls kept", {
                try same(rtol: 1e-9) { df in try df.groupby(["k", "g"], dropna: false).agg(specs) }
            }),
            ("cudf groupby-agg with a shuffle (splitOut 3)", {
                try same(rtol: 1e-9, sorted: ["k"]) { df in try df.groupby("k", splitOut: 3).agg(specs) }
            }),
            ("cudf merge inner", {
                try same(sorted: ["k", "x", "g", "y_x", "y_y"]) { df in
                    try df.merge(try df.groupby("k").agg(["y": .min]), on: "k")
                }
            }),
            ("cudf merge left (nulls on the right)", {
                try same(sorted: ["k", "y", "x", "g"]) { df in
                    let right = try df.filter(try df["k"] > 40).groupby("k").agg(["f": .sum])
                    return try df.merge(right, on: "k", how: .left)
                }
            }),
            ("cudf sortValues", { try same { df in try df.sortValues(["k", "x"], ascending: [true, false]) } }),
            ("cudf head", {
                let data = Self.columns(rows: rows)
                let cpu = try Config.set(["dataframe.backend": "pandas"]) { try ChunkedDataFrame.fromColumns(data, npartitions: 4).head(50) }
                let gpu = try Config.set(["dataframe.backend": .string(label)]) { try ChunkedDataFrame.fromColumns(data, npartitions: 4) }
                return Self.compare(try gpu.head(50), cpu)
            }),
            ("cudf concat", { try same { df in try ChunkedDataFrame.concat([df, try df.filter(try df["b"])]) } }),
            ("cudf value_counts", { try same { df in try df["g"].valueCounts() } }),
            ("cudf shuffle (hash partitions)", { try same(sorted: ["k", "x", "y", "g"]) { df in try df.shuffle(on: ["k"], npartitions: 5) } }),
            ("cudf toBackend both ways", {
                let data = Self.columns(rows: rows)
                let host = try Config.set(["dataframe.backend": "pandas"]) { try ChunkedDataFrame.fromColumns(data, npartitions: 3) }
                let there = try host.toBackend(label)
                guard there.backend == label, try there.computeChunk() is CuDataFrame else { return "toBackend did not move the frame" }
                let back = try there.toBackend("pandas")
                return Self.compare(try back.compute(), try host.compute())
            }),
            ("cudf readCSV, readJSON and readParquet", { try readers() }),
        ]
    }

    /// A frame written as CSV and as Parquet by "pandas", read by both backends.
    private func readers() throws -> String? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-cudf-check-\(getpid())-\(rows)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Self.columns(rows: rows)
        let host = try Config.set(["dataframe.backend": "pandas"]) { try ChunkedDataFrame.fromColumns(data, npartitions: 2) }
        let csv = folder.appendingPathComponent("frame.csv").path
        try host.select(["k", "g", "y", "f"]).toCSV(csv, singleFile: true)
        let parquet = folder.appendingPathComponent("frame.parquet").path
        try host.toParquet(parquet)
        let csvGPU = try Config.set(["dataframe.backend": .string(label)]) { try ChunkedDataFrame.readCSV(csv) }
        guard try csvGPU.computeChunk() is CuDataFrame else { return "readCSV did not give CuDataFrame partitions" }
        let csvCPU = try Config.set(["dataframe.backend": "pandas"]) { try ChunkedDataFrame.readCSV(csv).compute() }
        if let problem = Self.compare(try csvGPU.compute(), csvCPU) { return "readCSV: \(problem)" }
        let json = folder.appendingPathComponent("frame.jsonl").path
        _ = try host.select(["k", "g", "y"]).toJSON(json, lines: true, singleFile: true)
        let jsonGPU = try Config.set(["dataframe.backend": .string(label)]) { try ChunkedDataFrame.readJSON(json, lines: true, blocksize: 4_096) }
        guard try jsonGPU.computeChunk() is CuDataFrame else { return "readJSON did not give CuDataFrame partitions" }
        let jsonCPU = try Config.set(["dataframe.backend": "pandas"]) { try ChunkedDataFrame.readJSON(json, lines: true, blocksize: 4_096).compute() }
        if let problem = Self.compare(try jsonGPU.compute(), jsonCPU) { return "readJSON: \(problem)" }
        let pqGPU = try Config.set(["dataframe.backend": .string(label)]) { try ChunkedDataFrame.readParquet(parquet) }
        guard try pqGPU.computeChunk() is CuDataFrame else { return "readParquet did not give CuDataFrame partitions" }
        let pqCPU = try Config.set(["dataframe.backend": "pandas"]) { try ChunkedDataFrame.readParquet(parquet).compute() }
        if let problem = Self.compare(try pqGPU.compute(), pqCPU) { return "readParquet: \(problem)" }
        return nil
    }
}
