import Backends
import CUDARuntime
import CUDATestSupport
import CuPyBackend
import Foundation
import NumPyBackend
import TesseraTestSupport
import GPUSelfTestKit
import Testing
@testable import Tessera

/// The GPU found the way the "cupy" backend finds it, or nil (the GPU tests then skip, saying why).
let testGPU: CUDADevice? = try? CUDADevice.open(paths: CuPyEntrypoint.configuredDevice().0)

@Suite("The \"cupy\" backend without a GPU")
struct CuPyUnavailableTests {
    private func reason(_ settings: [String: ConfigValue]) -> String? {
        do {
            _ = try Config.set(settings) { try ChunkedArray.ones(shape: [10], chunks: [5]) }
            return nil
        } catch let BackendError.unavailable(backend, reason) {
            return backend == "cupy" ? reason : nil
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("A driver path that does not exist: unavailable when the collection is created, naming the path",
          .enabled(if: testGPU == nil, "a GPU is present"))
    func missingDriverPath() {
        let why = reason(["array.backend": "cupy", "cuda.libcuda": "/nonexistent/libcuda.so.1"])
        #expect(why?.contains("/nonexistent/libcuda.so.1") == true)
        #expect(why?.contains("no CUDA driver (libcuda.so.1)") == true)
        #expect(why?.contains("\"numpy\"") == true)
    }

    @Test("A driver that reports no device: unavailable with the driver's words",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func stubWithoutDevice() throws {
        let stub = try #require(StubDriver.build(initStatus: 100, version: 13_000))
        let why = reason(["array.backend": "cupy", "cuda.libcuda": .string(stub)])
        #expect(why?.contains("no CUDA device is available") == true)
        #expect(why?.contains("CUDA_ERROR_NO_DEVICE") == true)
        // Moving an array there fails the same way, and the numpy backend is unaffected.
        let host = try ChunkedArray.ones(shape: [4], chunks: [2])
        #expect(throws: BackendError.self) {
            try Config.set(["cuda.libcuda": .string(stub)]) { try host.toBackend("cupy") }
        }
        #expect(try host.sum().item(Double.self) == 4)
    }

    @Test("An old driver: unavailable, naming the versions",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func stubTooOld() throws {
        let stub = try #require(StubDriver.build(initStatus: 0, version: 11_080))
        let why = reason(["array.backend": "cupy", "cuda.libcuda": .string(stub)])
        #expect(why?.contains("too old") == true && why?.contains("11.8") == true)
    }

    @Test("The label is built in and listed")
    func builtIn() {
        #expect(ChunkedArray.backends.labels.contains("cupy"))
    }
}

@Suite("The \"cupy\" backend on a GPU", .serialized,
       .enabled(if: testGPU != nil, "no usable CUDA GPU here (driver, device or NVRTC missing); run tessera-gpu-selftest on a GPU machine"))
struct CuPyGPUTests {
    private func host(_ array: ChunkedArray) throws -> [Double] { try array.toHost().toArray(Double.self) }

    @Test("Creation, a fused chain and a reduction match numpy")
    func basics() throws {
        for backend in ["cupy", "numpy"] {
            try Config.set(["array.backend": .string(backend)]) {
                let a = try ChunkedArray.arange(start: 0.0, stop: 1_000.0, step: 1.0, chunks: [300])
                #expect(a.backend == backend)
                var expected = 0.0
                for i in 0..<1_000 {
                    let v = Double(i)
                    expected += (v + 1) * v - v / 2
                }
                let chain = try (a + 1) * a - a / 2
                #expect(try chain.sum().item(Double.self) == expected)
            }
        }
    }

    @Test("Random numbers are the CPU's, whatever the chunks")
    func random() throws {
        let cpu = try Config.set(["array.backend": "numpy"]) {
            try ChunkedArray.random.defaultRNG(seed: 3).uniform(shape: [10_000], chunks: [10_000])
        }
        let gpu = try Config.set(["array.backend": "cupy"]) {
            try ChunkedArray.random.defaultRNG(seed: 3).uniform(shape: [10_000], chunks: [3_000])
        }
        #expect(try host(gpu) == host(cpu))
        #expect(try gpu.compute() is CuArray)
    }

    @Test("toBackend both ways keeps the values")
    func toBackend() throws {
        let x = try ChunkedArray.arange(start: 0, stop: 100, chunks: [30])
        let there = try x.toBackend("cupy")
        #expect(there.backend == "cupy")
        #expect(try host(there.toBackend("numpy")) == host(x))
    }
}

/// The whole "cupy" backend (graphs, fusion, reduction trees, rechunking, random, toBackend) with
/// its kernels running on the CPU emulator, against "numpy".
@Suite("The \"cupy\" backend on the CPU emulator", .serialized,
       .enabled(if: EmulatedDriver.device != nil, "no C++ compiler (c++) for the CUDA emulator"))
struct CuPyEmulatedTests {
    static let label = "cupy-emulated"
    static let registered: Bool = {
        guard let device = EmulatedDriver.device, let entrypoint = try? CuPyEntrypoint(device: device, label: label) else { return false }
        ChunkedArray.backends.register(entrypoint, as: label)
        return true
    }()

    private func compare(rtol: Double = 0, _ make: () throws -> ChunkedArray) throws {
        #expect(Self.registered)
        let cpu = try Config.set(["array.backend": "numpy"]) { try make() }
        let gpu = try Config.set(["array.backend": .string(Self.label)]) { try make() }
        #expect(gpu.backend == Self.label && gpu.meta.chunk is CuArray)
        let result = try gpu.compute()
        #expect(result is CuArray)
        let (g, c) = (try result.toNDArray(), try cpu.toHost())
        #expect(g.shape == c.shape && g.dtype == c.dtype)
        let (gv, cv) = (g.toArray(Double.self), c.toArray(Double.self))
        for k in gv.indices where !(gv[k] == cv[k] || (gv[k].isNaN && cv[k].isNaN) || abs(gv[k] - cv[k]) <= rtol * abs(cv[k])) {
            Issue.record("element \(k): \(gv[k]) vs \(cv[k])")
            return
        }
    }

    @Test("The creation functions pass the conformance kit")
    func conformance() throws {
        #expect(Self.registered)
        let report = try checkArrayBackendConformance(Self.label)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.checked == ["ones", "zeros", "empty", "full", "arange"])
    }

    @Test("Random arrays are numpy's, for other chunks too")
    func random() throws {
        try compare { try ChunkedArray.random.defaultRNG(seed: 5).standardNormal(shape: [60, 70], chunks: [25, 32]) }
        try compare { try ChunkedArray.random.defaultRNG(seed: 5).integers(low: 0, high: 7, shape: [1_000], chunks: [300], dtype: .int16) }
        let cpu = try Config.set(["array.backend": "numpy"]) {
            try ChunkedArray.random.randomState(seed: 8).uniform(shape: [500], chunks: [500])
        }
        let gpu = try Config.set(["array.backend": .string(Self.label)]) {
            try ChunkedArray.random.randomState(seed: 8).uniform(shape: [500], chunks: [123])
        }
        #expect(try gpu.toHost().toArray(Double.self) == cpu.toHost().toArray(Double.self))
        try compare { try ChunkedArray.random.defaultRNG(seed: 2).permutation(100, chunks: [30]) }
    }

    @Test("Fused elementwise chains, reductions and their tree, on uneven chunks")
    func computations() throws {
        func inputs() throws -> (ChunkedArray, ChunkedArray) {
            let rng = try ChunkedArray.random.defaultRNG(seed: 11)
            return (try rng.uniform(shape: [90, 70], chunks: [40, 30]), try rng.uniform(shape: [90, 70], chunks: [40, 30]))
        }
        try compare { let (a, b) = try inputs(); return try (a + 1) * b - a / 2 }
        try compare(rtol: 1e-13) { let (a, b) = try inputs(); return try ((a + 1) * b - a / 2).sum() }
        try compare(rtol: 1e-13) { let (a, _) = try inputs(); return try a.mean(axis: 0) }
        try compare(rtol: 1e-12) { let (a, _) = try inputs(); return try a.std(axis: 1, ddof: 1) }
        try compare { let (a, _) = try inputs(); return try a.max(axis: 1) }
        try compare { let (a, b) = try inputs(); return try (a .> b).any(axis: 0) }
        try compare { try ChunkedArray.arange(start: 0, stop: 1_000, chunks: [128]).astype(.int32).sum() }
        try compare { try ChunkedArray.ones(shape: [300, 200], chunks: [128, 128]).sum() }
    }

    @Test("Rechunking, slicing, concatenation, transposes and matmul")
    func shapes() throws {
        func input() throws -> ChunkedArray {
            try ChunkedArray.random.defaultRNG(seed: 13).uniform(shape: [50, 40], chunks: [20, 16])
        }
        try compare { try input().rechunk([17, 40]) }
        try compare { try input()[3..<47, 5..<39] }
        try compare { let a = try input(); return try ChunkedArray.concatenate([a, a.transposed().transposed()], axis: 1) }
        try compare(rtol: 1e-13) { let a = try input(); return try a.matmul(a.transposed()) }
        try compare(rtol: 1e-13) { let a = try input(); return try a.tensordot(a.transposed(), axes: 1) }
    }

    @Test("toBackend moves arrays both ways, keeping the values")
    func movement() throws {
        #expect(Self.registered)
        let x = try ChunkedArray.arange(start: 0.5, stop: 99.5, step: 1.5, chunks: [16])
        let there = try x.toBackend(Self.label)
        #expect(there.backend == Self.label)
        #expect(try there.compute() is CuArray)
        let back = try there.toBackend("numpy")
        #expect(back.backend == "numpy")
        #expect(try back.toHost().toArray(Double.self) == x.toHost().toArray(Double.self))
    }
}

/// The GPU self-test's own checks, run on the CPU emulator: the harness that will run on the GPU
/// machine is itself checked here, so that a GPU run measures the GPU.
@Suite("The GPU self-test's checks on the CPU emulator",
       .enabled(if: EmulatedDriver.device != nil, "no C++ compiler (c++) for the CUDA emulator"))
struct GPUSelfTestOnEmulatorTests {
    @Test("Every check of tessera-gpu-selftest passes")
    func selfTestChecks() throws {
        let device = try #require(EmulatedDriver.device)
        let label = "cupy-selftest-emulated"
        let entrypoint = try CuPyEntrypoint(device: device, label: label)
        ChunkedArray.backends.register(entrypoint, as: label)
        let checks = GPUChecks(label: label, device: device)
        var failures: [String] = []
        for (name, check) in checks.all {
            do {
                if let problem = try check() { failures.append("\(name): \(problem)") }
            } catch {
                failures.append("\(name): threw \(error)")
            }
        }
        #expect(checks.all.count > 80)
        print("tessera-gpu-selftest: \(checks.all.count) checks, \(checks.all.count - failures.count) passed on the emulator")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}

extension GPUSelfTestOnEmulatorTests {
    @Test("The benchmark harness runs (small sizes, on the emulator)")
    func benchmarkHarness() throws {
        let device = try #require(EmulatedDriver.device)
        let label = "cupy-bench-emulated"
        try GPUBenchmarks(entrypoint: CuPyEntrypoint(device: device, label: label)).run(quick: true, label: label)
    }
}
