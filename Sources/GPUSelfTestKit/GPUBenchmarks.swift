import Backends
import CUDARuntime
import CuPyBackend
import Dispatch
import NumPyBackend
import Tessera

/// The self-test's benchmarks, one JSON line each: the GPU backend on large arrays (elementwise
/// chain, sum, standard normals, matmul) with the CPU backend's time on the same work where that
/// is quick enough, and the device's copy bandwidth for reference.
public struct GPUBenchmarks {
    /// The backend to time.
    public let entrypoint: CuPyEntrypoint

    /// Benchmarks of `entrypoint`.
    public init(entrypoint: CuPyEntrypoint) { self.entrypoint = entrypoint }

    /// Median and minimum milliseconds of `runs` runs after one warm-up (which compiles kernels).
    private func time(runs: Int = 5, _ body: () throws -> Void) throws -> (median: Double, min: Double) {
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

    private func number(_ value: Double) -> String { value.isFinite ? String(format3(value)) : "null" }

    private func format3(_ value: Double) -> String {
        let scaled = (value * 1_000).rounded() / 1_000
        return String(scaled)
    }

    /// Runs every benchmark with the backend registered as `label`; `quick` uses small sizes (to
    /// check the harness itself).
    public func run(quick: Bool, label: String = "cupy") throws {
        ChunkedArray.backends.register(entrypoint, as: label)
        let device = entrypoint.device
        let n = quick ? 1 << 16 : 1 << 27            // 134 M float64 = 1 GiB per array
        let chunk = quick ? 1 << 14 : 1 << 24        // 128 MiB chunks
        emit("device", [("summary", "\"\(device.summary)\"")])

        // Device-to-device copy bandwidth (bytes read + written).
        let bytes = quick ? 1 << 20 : 2 << 30
        let source = try device.memoryPool.allocate(bytes)
        let target = try device.memoryPool.allocate(bytes)
        var copyTimes: [Double] = []
        for _ in 0..<6 { copyTimes.append(try device.time { try device.copy(bytes, from: source, to: target, stream: $0) }) }
        let copyMs = copyTimes.dropFirst().sorted()[2]
        emit("d2d_copy", [("bytes", "\(bytes)"), ("gpu_ms", number(copyMs)), ("gb_per_s", number(2 * Double(bytes) / copyMs / 1e6))])

        for backend in [label, "numpy"] {
            let onCPU = backend == "numpy"
            let size = onCPU ? min(n, 1 << 25) : n
            let (a, b) = try Config.set(["array.backend": .string(backend)]) {
                let rng = try ChunkedArray.random.defaultRNG(seed: 7)
                return (try rng.uniform(shape: [size], chunks: [chunk]).persist(), try rng.uniform(shape: [size], chunks: [chunk]).persist())
            }
            let chain = try time { _ = try ((a + 1) * b - a / 2).persist() }
            emit("elementwise_chain", [("backend", "\"\(backend)\""), ("elements", "\(size)"), ("median_ms", number(chain.median)),
                                       ("min_ms", number(chain.min)),
                                       ("gb_per_s", number(3 * 8 * Double(size) / chain.median / 1e6))])
            let sum = try time { _ = try a.sum().item(Double.self) }
            emit("sum", [("backend", "\"\(backend)\""), ("elements", "\(size)"), ("median_ms", number(sum.median)),
                         ("min_ms", number(sum.min)), ("gb_per_s", number(8 * Double(size) / sum.median / 1e6))])
            let normals = try time {
                _ = try Config.set(["array.backend": .string(backend)]) {
                    try ChunkedArray.random.defaultRNG(seed: 9).standardNormal(shape: [size], chunks: [chunk]).persist()
                }
            }
            emit("standard_normal", [("backend", "\"\(backend)\""), ("elements", "\(size)"), ("median_ms", number(normals.median)),
                                     ("min_ms", number(normals.min)),
                                     ("ns_per_element", number(normals.median * 1e6 / Double(size)))])
            for dtype in [DType.float64, .float32] {
                let m = onCPU ? (quick ? 64 : 1_024) : (quick ? 128 : 8_192)
                let x = try Config.set(["array.backend": .string(backend)]) {
                    try ChunkedArray.random.defaultRNG(seed: 11).uniform(shape: [m, m], chunks: [m, m], dtype: dtype).persist()
                }
                let product = try time(runs: 3) { _ = try x.matmul(x).persist() }
                emit("matmul", [("backend", "\"\(backend)\""), ("dtype", "\"\(dtype)\""), ("n", "\(m)"),
                                ("median_ms", number(product.median)),
                                ("tflop_per_s", number(2 * pow3(Double(m)) / product.median / 1e9))])
            }
        }
        let stats = device.memoryPool.statistics
        emit("memory_pool", [("driver_allocations", "\(stats.driverAllocations)"), ("cache_hits", "\(stats.cacheHits)"),
                             ("peak_mib", "\(stats.peakBytesInUse >> 20)")])
    }

    private func pow3(_ x: Double) -> Double { x * x * x }
}
