import Backends
import CUDARuntime
import CUDATestSupport
import CuDFBackend
import Foundation
import GPUSelfTestKit
import TesseraTestSupport
import Testing
@testable import Tessera

@Suite("The \"cudf\" backend without a GPU")
struct CuDFUnavailableTests {
    private func reason(_ settings: [String: ConfigValue]) -> String? {
        do {
            _ = try Config.set(settings) { try ChunkedDataFrame.fromDict(["x": [1, 2, 3]]) }
            return nil
        } catch let BackendError.unavailable(backend, reason) {
            return backend == "cudf" ? reason : "unavailable names \(backend)"
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("A driver path that does not exist: unavailable when the frame is created, naming the path",
          .enabled(if: testGPU == nil, "a GPU is present"))
    func missingDriverPath() {
        let why = reason(["dataframe.backend": "cudf", "cuda.libcuda": "/nonexistent/libcuda.so.1"])
        #expect(why?.contains("/nonexistent/libcuda.so.1") == true)
        #expect(why?.contains("no CUDA driver (libcuda.so.1)") == true)
        #expect(why?.contains("\"pandas\"") == true)
    }

    @Test("A driver that reports no device: unavailable with the driver's words; pandas frames are unaffected",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func stubWithoutDevice() throws {
        let stub = try #require(StubDriver.build(initStatus: 100, version: 13_000))
        let why = reason(["dataframe.backend": "cudf", "cuda.libcuda": .string(stub)])
        #expect(why?.contains("CUDA_ERROR_NO_DEVICE") == true)
        let host = try ChunkedDataFrame.fromDict(["x": [1.0, 2.0]])
        #expect(throws: BackendError.self) {
            try Config.set(["cuda.libcuda": .string(stub)]) { try host.toBackend("cudf") }
        }
        #expect(try host.compute().rowCount == 2)
    }

    @Test("An old driver: unavailable, naming the versions",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func stubTooOld() throws {
        let stub = try #require(StubDriver.build(initStatus: 0, version: 11_080))
        let why = reason(["dataframe.backend": "cudf", "cuda.libcuda": .string(stub)])
        #expect(why?.contains("too old") == true && why?.contains("11.8") == true)
    }

    @Test("The label is built in and listed")
    func builtIn() {
        #expect(ChunkedDataFrame.backends.labels.contains("cudf"))
    }
}

/// The "cudf" backend registered on the CPU emulator: the self-test's dataframe checks (every
/// operation against "pandas"), the readers and the benchmark harness.
@Suite("The \"cudf\" backend on the CPU emulator", .serialized,
       .enabled(if: EmulatedDriver.device != nil, "no C++ compiler (c++) for the CUDA emulator"))
struct CuDFEmulatedTests {
    static let label = "cudf-emulated"
    static let registered: Bool = {
        guard let device = EmulatedDriver.device, let entrypoint = try? CuDFEntrypoint(device: device, label: label) else { return false }
        ChunkedDataFrame.backends.register(entrypoint, as: label)
        return true
    }()

    @Test("Every cudf check of tessera-gpu-selftest passes against pandas")
    func selfTestChecks() throws {
        #expect(Self.registered)
        let checks = CuDFChecks(label: Self.label, rows: 3_000)
        var failures: [String] = []
        for (name, check) in checks.all {
            do {
                if let problem = try check() { failures.append("\(name): \(problem)") }
            } catch {
                failures.append("\(name): threw \(error)")
            }
        }
        #expect(checks.all.count >= 20)
        print("tessera-gpu-selftest: \(checks.all.count) cudf checks, \(checks.all.count - failures.count) passed on the emulator")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("readHDF decodes on the host and uploads: the same frame as the pandas backend",
          .enabled(if: HDFReader.isAvailable, "libhdf5 (Debian libhdf5-103-1) is not installed"))
    func readHDF() throws {
        #expect(Self.registered)
        let path = try #require(Bundle.module.url(forResource: "table", withExtension: "h5", subdirectory: "Fixtures/hdf5")?.path)
        let host = try ChunkedDataFrame.readHDF(path, key: "grp/tab", chunksize: 10).compute()
        let device = try Config.set(["dataframe.backend": .string(Self.label)]) {
            try ChunkedDataFrame.readHDF(path, key: "grp/tab", chunksize: 10)
        }
        #expect(device.backend == Self.label && device.npartitions == 3)
        let downloaded = try device.compute()
        #expect(downloaded.schema == host.schema && downloaded.rowCount == host.rowCount && downloaded.rowCount > 0)
        for name in host.schema.names { #expect(downloaded[name].strings == host[name].strings, "\(name)") }
    }

    @Test("readORC decodes on the host and uploads: the same frame as the pandas backend")
    func readORC() throws {
        #expect(Self.registered)
        let path = try #require(Bundle.module.url(forResource: "stripes", withExtension: "orc", subdirectory: "Fixtures/orc")?.path)
        let host = try ChunkedDataFrame.readORC(path).compute()
        let device = try Config.set(["dataframe.backend": .string(Self.label)]) { try ChunkedDataFrame.readORC(path) }
        #expect(device.backend == Self.label)
        let downloaded = try device.compute()
        #expect(downloaded.schema == host.schema && downloaded.rowCount == host.rowCount && downloaded.rowCount > 0)
        for name in host.schema.names { #expect(downloaded[name].strings == host[name].strings, "\(name)") }
    }

    @Test("The cudf benchmark harness runs (small sizes, on the emulator)")
    func benchmarkHarness() throws {
        #expect(Self.registered)
        try CuDFBenchmarks(label: Self.label).run(quick: true)
    }
}

/// The "cudf" backend on a real GPU (skips, saying why, without one): the self-test's checks
/// through the built-in label.
@Suite("The \"cudf\" backend on a GPU", .serialized,
       .enabled(if: testGPU != nil, "no usable CUDA GPU here (driver, device or NVRTC missing); run tessera-gpu-selftest on a GPU machine"))
struct CuDFGPUTests {
    @Test("Every cudf check passes on the GPU against pandas")
    func checks() throws {
        var failures: [String] = []
        for (name, check) in CuDFChecks(label: "cudf", rows: 100_000).all {
            do {
                if let problem = try check() { failures.append("\(name): \(problem)") }
            } catch {
                failures.append("\(name): threw \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
