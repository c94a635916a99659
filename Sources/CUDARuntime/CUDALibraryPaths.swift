#if canImport(Glibc)
import Glibc
#endif

/// Where the CUDA libraries are looked for: explicit paths, else the dynamic loader's search
/// path and the usual install locations (the CUDA toolkit, NVIDIA's Python wheels).
///
/// Tessera reads these from the configuration keys `cuda.libcuda`, `cuda.libnvrtc` and
/// `cuda.libcublas` (environment variables `TESSERA_CUDA__LIBCUDA`, ...). An explicit path is the
/// only candidate tried for its library, so a wrong path is reported rather than silently passed
/// over. `cublas` set to `"none"` makes matrix products use Tessera's own kernel.
public struct CUDALibraryPaths: Sendable, Hashable {
    /// The driver library (libcuda.so.1), or nil for the default search.
    public var driver: String?
    /// The NVRTC library (libnvrtc.so.13 or .12), or nil for the default search.
    public var nvrtc: String?
    /// The cuBLAS library, nil for the default search, or `"none"` to not use cuBLAS.
    public var cublas: String?

    /// Paths for the three libraries; nil means the default search.
    public init(driver: String? = nil, nvrtc: String? = nil, cublas: String? = nil) {
        self.driver = driver
        self.nvrtc = nvrtc
        self.cublas = cublas
    }

    /// The driver libraries to try, in order.
    package var driverCandidates: [String] {
        if let driver, !driver.isEmpty { return [driver] }
        return ["libcuda.so.1", "libcuda.so", "/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/local/nvidia/lib64/libcuda.so.1",
                "/usr/lib64/libcuda.so.1"]
    }

    /// The NVRTC libraries to try, in order: CUDA 13 before 12, the loader's path before fixed folders.
    package var nvrtcCandidates: [String] {
        if let nvrtc, !nvrtc.isEmpty { return [nvrtc] }
        return ["libnvrtc.so.13", "libnvrtc.so.12"]
            + ["/usr/local/cuda/lib64/libnvrtc.so.13", "/usr/local/cuda/lib64/libnvrtc.so.12", "/usr/local/cuda/lib64/libnvrtc.so"]
            + Self.pythonWheelLibraries(["nvidia/cu13/lib/libnvrtc.so.13", "nvidia/cuda_nvrtc/lib/libnvrtc.so.12"])
    }

    /// The cuBLAS libraries to try, in order (none when disabled with `"none"`).
    package var cublasCandidates: [String] {
        if let cublas, !cublas.isEmpty { return cublas.lowercased() == "none" ? [] : [cublas] }
        return ["libcublas.so.13", "libcublas.so.12"]
            + ["/usr/local/cuda/lib64/libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so.12", "/usr/local/cuda/lib64/libcublas.so"]
            + Self.pythonWheelLibraries(["nvidia/cu13/lib/libcublas.so.13", "nvidia/cublas/lib/libcublas.so.12"])
    }

    /// Libraries from NVIDIA's Python wheels in the site-packages folders of common Python installs.
    static func pythonWheelLibraries(_ relativePaths: [String]) -> [String] {
        let sitePackages = ["/opt/torch/.venv/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
                            "/usr/local/lib/python3*/site-packages", "/usr/lib/python3/dist-packages"]
        return relativePaths.flatMap { relative in sitePackages.flatMap { glob("\($0)/\(relative)") } }
    }

    /// The paths matching a shell pattern, sorted.
    static func glob(_ pattern: String) -> [String] {
        #if canImport(Glibc)
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
        #else
        return []
        #endif
    }
}
