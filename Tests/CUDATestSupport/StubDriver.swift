import Foundation

/// Stub drivers built with the system C compiler: enough of libcuda for the loader to get past
/// `dlopen`, so that each "no GPU" path is exercised for real.
package enum StubDriver {
    /// The folder the stubs are built in.
    package static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-stub-libcuda-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Builds a stub whose `cuInit` returns `initStatus` and whose version is `version`; with
    /// `complete`, it also exports the rest of the entry points (failing calls).
    package static func build(initStatus: Int32, version: Int32, complete: Bool = false) -> String? {
        let name = "libcuda-stub-\(initStatus)-\(version)-\(complete).so"
        let library = folder.appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: library) { return library }
        var source = """
        int cuInit(unsigned flags) { (void)flags; return \(initStatus); }
        int cuDriverGetVersion(int *v) { *v = \(version); return 0; }
        int cuDeviceGetCount(int *c) { *c = 0; return 0; }
        int cuGetErrorName(int e, const char **s) { *s = e == 100 ? "CUDA_ERROR_NO_DEVICE" : "CUDA_ERROR_UNKNOWN"; return 0; }
        int cuGetErrorString(int e, const char **s) { *s = e == 100 ? "no CUDA-capable device is detected" : "unknown error"; return 0; }

        """
        if complete {
            for symbol in ["cuDeviceGet", "cuDeviceGetName", "cuDeviceGetAttribute", "cuDeviceTotalMem_v2", "cuDevicePrimaryCtxRetain",
                           "cuCtxSetCurrent", "cuMemAlloc_v2", "cuMemFree_v2", "cuMemGetInfo_v2", "cuMemcpyHtoDAsync_v2",
                           "cuMemcpyDtoHAsync_v2", "cuMemcpyDtoDAsync_v2", "cuMemsetD8Async", "cuModuleLoadData", "cuModuleUnload",
                           "cuModuleGetFunction", "cuLaunchKernel", "cuStreamCreate", "cuStreamDestroy_v2", "cuStreamSynchronize",
                           "cuEventCreate", "cuEventRecord", "cuEventSynchronize", "cuEventElapsedTime_v2", "cuEventDestroy_v2"] {
                source += "int \(symbol)(void) { return 999; }\n"
            }
        }
        let file = folder.appendingPathComponent(name + ".c")
        guard (try? source.write(to: file, atomically: true, encoding: .utf8)) != nil else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-o", library, file.path]
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? library : nil
    }

    /// Whether a C compiler is there to build stubs.
    package static let canBuild: Bool = build(initStatus: 100, version: 13_000) != nil
}

