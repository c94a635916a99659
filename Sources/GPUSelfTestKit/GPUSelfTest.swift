#if canImport(Glibc)
import Glibc
#endif
import Backends
import CUDARuntime
import CuDFBackend
import CuPyBackend
import Foundation
import NumPyBackend
import Tessera

/// The GPU self-test: every operation of the "cupy" backend against the "numpy" backend on the
/// same inputs, printing `PASS name` or `FAIL name: why`.
public struct GPUSelfTest {
    /// The backend under test.
    public let entrypoint: CuPyEntrypoint
    /// The library paths its device was opened with.
    public let paths: CUDALibraryPaths

    /// A self-test of `entrypoint`, whose device was opened with `paths`.
    public init(entrypoint: CuPyEntrypoint, paths: CUDALibraryPaths) {
        self.entrypoint = entrypoint
        self.paths = paths
    }

    /// The library paths and device the environment names (as the "cupy" entrypoint reads them).
    public static func configuredPaths() throws -> (CUDALibraryPaths, Int) {
        let environment = ProcessInfo.processInfo.environment
        let paths = CUDALibraryPaths(driver: environment["TESSERA_CUDA__LIBCUDA"], nvrtc: environment["TESSERA_CUDA__LIBNVRTC"],
                                     cublas: environment["TESSERA_CUDA__LIBCUBLAS"])
        return (paths, Int(environment["TESSERA_CUDA__DEVICE"] ?? "") ?? 0)
    }

    /// Compiles every kernel module the backend can generate (representative set) to CUBIN for
    /// sm_90 and the device's architecture if one is present; returns the exit code.
    public static func compileAll() -> Int32 {
        do {
            let (paths, _) = try configuredPaths()
            let nvrtc = try NVRTC(paths: paths)
            var failed = 0
            let sources = KernelCatalog.all + CuDFKernelCatalog.all
            for source in sources {
                do {
                    _ = try nvrtc.compile(source, to: .cubin, architecture: .hopper)
                } catch {
                    failed += 1
                    print("FAIL compile \(source.name): \(error)")
                }
            }
            print("\(failed == 0 ? "PASS" : "FAIL") compiled \(sources.count - failed) of \(sources.count) modules "
                + "with NVRTC \(nvrtc.version.major).\(nvrtc.version.minor)")
            return failed == 0 ? 0 : 1
        } catch {
            print("SKIP: \(error)")
            return 2
        }
    }

    /// Runs every check, with the backend registered as `label`; returns the number of failures.
    public func run(label: String = "cupy") -> Int {
        ChunkedArray.backends.register(entrypoint, as: label)
        var failures = 0
        var passes = 0
        func check(_ name: String, _ body: () throws -> String?) {
            do {
                if let problem = try body() {
                    failures += 1
                    print("FAIL \(name): \(problem)")
                } else {
                    passes += 1
                    print("PASS \(name)")
                }
            } catch {
                failures += 1
                print("FAIL \(name): threw \(error)")
            }
        }
        let checks = GPUChecks(label: label, device: entrypoint.device, paths: paths)
        for (name, body) in checks.all { check(name, body) }
        // The "cudf" backend on the same device.
        let frameLabel = label == "cupy" ? "cudf" : label + "-cudf"
        do {
            ChunkedDataFrame.backends.register(try CuDFEntrypoint(device: entrypoint.device, label: frameLabel), as: frameLabel)
            for (name, body) in CuDFChecks(label: frameLabel).all { check(name, body) }
        } catch {
            check("cudf backend") { "could not be made: \(error)" }
        }
        let stats = entrypoint.device.memoryPool.statistics
        let kernels = entrypoint.device.kernelStatistics
        print("memory pool: \(stats.driverAllocations) driver allocations, \(stats.cacheHits) reuses, peak \(stats.peakBytesInUse >> 20) MiB; "
            + "kernels: \(kernels.modules) modules compiled, \(kernels.hits) cached launches; streams: \(entrypoint.device.streamCount)")
        print("\(failures == 0 ? "PASS" : "FAIL"): \(passes) passed, \(failures) failed")
        return failures
    }
}
