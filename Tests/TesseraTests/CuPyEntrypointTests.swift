import Backends
import CUDARuntime
import CUDATestSupport
import CuPyBackend
import Foundation
import NumPyBackend
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
