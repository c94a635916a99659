#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
import Backends
import Synchronization

/// A BLAS library loaded with `dlopen` the first time a matrix product needs it, so that Tessera
/// builds and runs without one and uses it when it is installed (Debian: `libopenblas0-pthread`,
/// which also provides `libblas.so.3`).
///
/// Only `cblas_dgemm` and `cblas_sgemm` are bound, plus `openblas_set_num_threads` when present:
/// Tessera runs blocks on its own worker threads, so an OpenBLAS it loads is set to one thread
/// per call unless `OPENBLAS_NUM_THREADS` says otherwise (Dask's `dask_blas1` arrangement, the
/// faster one on the reference machine).
///
/// The configuration key `array.blas` chooses: `"auto"` (the default) tries ``candidateNames`` in
/// order; `"swift"` (or `false`, or `"none"` set from code) always uses Tessera's own kernel
/// (``Gemm``); any other string is the file name or path of the library to load. In the
/// environment: `TESSERA_ARRAY__BLAS=swift`.
final class BLASLibrary: @unchecked Sendable {
    // @unchecked: the function pointers are set once in `init` and never change.

    typealias DGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
                                      UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32) -> Void
    typealias SGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias DSYRK = @convention(c) (Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32, Double,
                                      UnsafeMutablePointer<Double>?, Int32) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void

    /// The names tried, in order, for `array.blas = "auto"`.
    static let candidateNames = ["libopenblas.so.0", "libopenblas.so", "libblas.so.3", "libcblas.so.3", "libcblas.so",
                                 "libopenblas.dylib", "/System/Library/Frameworks/Accelerate.framework/Accelerate"]

    /// The file the library was loaded from.
    let name: String
    let dgemm: DGEMM
    let sgemm: SGEMM?
    /// `cblas_dsyrk`, for products of a matrix with its own transpose (half the work).
    let dsyrk: DSYRK?

    private static let loaded = Mutex<[String: BLASLibrary?]>([:])

    /// The library `array.blas` selects now, or `nil` for Tessera's own kernel.
    static var current: BLASLibrary? {
        let value = Config.get("array.blas")
        if value?.boolValue == false { return nil }
        let setting = value?.stringValue ?? "auto"
        if setting == "swift" || setting == "none" { return nil }
        return loaded.withLock { cache in
            if let known = cache[setting] { return known }
            let names = setting == "auto" ? candidateNames : [setting]
            let library = names.lazy.compactMap { BLASLibrary(path: $0) }.first
            cache[setting] = library
            return library
        }
    }

    private init?(path: String) {
        guard MemoryLayout<Int>.size == 8, let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as _: T.Type) -> T? {
            guard let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: T.self)
        }
        guard let dgemm = symbol("cblas_dgemm", as: DGEMM.self) else {
            dlclose(handle)
            return nil
        }
        self.name = path
        self.dgemm = dgemm
        sgemm = symbol("cblas_sgemm", as: SGEMM.self)
        dsyrk = symbol("cblas_dsyrk", as: DSYRK.self)
        if getenv("OPENBLAS_NUM_THREADS") == nil, let setThreads = symbol("openblas_set_num_threads", as: SetThreads.self) {
            setThreads(1)
        }
    }

    /// Whether every dimension fits BLAS's 32-bit integers.
    static func fits(_ values: Int...) -> Bool { values.allSatisfy { $0 <= Int(Int32.max) } }

    static let rowMajor: Int32 = 101
    static let noTranspose: Int32 = 111
    static let transpose: Int32 = 112
    static let upper: Int32 = 121
}

extension NDArray {
    /// What computes floating-point matrix products now: the BLAS library `array.blas` selects
    /// (for example `"BLAS (libopenblas.so.0)"`), or `"Tessera's Swift kernel"` when none loads.
    public static var matrixProductEngine: String {
        BLASLibrary.current.map { "BLAS (\($0.name))" } ?? "Tessera's Swift kernel"
    }
}
