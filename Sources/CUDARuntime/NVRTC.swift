import Backends
import CCUDA
#if canImport(Glibc)
import Glibc
#endif

/// NVRTC, CUDA's run-time compiler, loaded with `dlopen`: compiles kernel sources to CUBIN for the
/// device's architecture (or to PTX when NVRTC does not know that architecture).
///
/// NVRTC needs neither a GPU nor a driver, so kernels can be compile-checked on any machine where
/// the library is installed (the `nvidia-cuda-nvrtc` wheel is enough; `scripts/fetch_nvrtc.sh`).
public final class NVRTC: KernelCompiler, @unchecked Sendable {
    // @unchecked: only immutable C function pointers and library handles are stored; NVRTC is
    // thread-safe for separate programs.

    /// Where the library was loaded from.
    public let libraryPath: String
    /// NVRTC's version (major, minor), for example (13, 0).
    public let version: (major: Int, minor: Int)
    /// The real architectures NVRTC can emit CUBIN for, as numbers (75, 80, 86, 89, 90, ...).
    public let supportedArchitectures: [Int]

    private let libraries: [DynamicLibrary]
    private let getErrorString: ccuda_nvrtcGetErrorString
    private let createProgram: ccuda_nvrtcCreateProgram
    private let destroyProgram: ccuda_nvrtcDestroyProgram
    private let compileProgram: ccuda_nvrtcCompileProgram
    private let getPTXSize: ccuda_nvrtcGetPTXSize
    private let getPTX: ccuda_nvrtcGetPTX
    private let getCUBINSize: ccuda_nvrtcGetCUBINSize
    private let getCUBIN: ccuda_nvrtcGetCUBIN
    private let getLogSize: ccuda_nvrtcGetProgramLogSize
    private let getLog: ccuda_nvrtcGetProgramLog

    /// Loads NVRTC from the first of `paths.nvrtcCandidates` that opens.
    ///
    /// When the library is given by path, the `libnvrtc-builtins` library beside it is loaded
    /// first, since NVRTC looks for it by name when it compiles and a wheel's folder is not on
    /// the loader's path.
    ///
    /// - Throws: ``CUDAError`` `.nvrtcNotFound` if no candidate loads or one lacks an entry point.
    public convenience init(paths: CUDALibraryPaths = CUDALibraryPaths()) throws(CUDAError) {
        try self.init(candidates: paths.nvrtcCandidates)
    }

    /// Loads NVRTC from the first of `candidates` that opens.
    package init(candidates: [String]) throws(CUDAError) {
        var errors: [String] = []
        var loaded: (DynamicLibrary, [DynamicLibrary])?
        for candidate in candidates {
            var builtins: [DynamicLibrary] = []
            if let slash = candidate.lastIndex(of: "/") {
                let folder = String(candidate[..<slash])
                for path in CUDALibraryPaths.glob(folder + "/libnvrtc-builtins.so.*") where !path.contains(".alt.") {
                    if let library = try? DynamicLibrary(path: path) { builtins.append(library) }
                }
            }
            do {
                loaded = (try DynamicLibrary(path: candidate), builtins)
                break
            } catch {
                errors.append(error.description)
            }
        }
        guard let (library, builtins) = loaded else {
            throw CUDAError(code: .nvrtcNotFound, call: "dlopen",
                            message: "tried \(candidates.joined(separator: ", ")) (\(errors.joined(separator: "; ")))")
        }
        func load<T>(_ name: String, _: T.Type = T.self) throws(CUDAError) -> T {
            guard let function = library.function(name, as: T.self) else {
                throw CUDAError(code: .nvrtcNotFound, call: "dlsym", message: "\(library.path) does not export \(name)")
            }
            return function
        }
        let nvrtcVersion: ccuda_nvrtcVersion = try load("nvrtcVersion")
        let numArchs: ccuda_nvrtcGetNumSupportedArchs = try load("nvrtcGetNumSupportedArchs")
        let archs: ccuda_nvrtcGetSupportedArchs = try load("nvrtcGetSupportedArchs")
        getErrorString = try load("nvrtcGetErrorString")
        createProgram = try load("nvrtcCreateProgram")
        destroyProgram = try load("nvrtcDestroyProgram")
        compileProgram = try load("nvrtcCompileProgram")
        getPTXSize = try load("nvrtcGetPTXSize")
        getPTX = try load("nvrtcGetPTX")
        getCUBINSize = try load("nvrtcGetCUBINSize")
        getCUBIN = try load("nvrtcGetCUBIN")
        getLogSize = try load("nvrtcGetProgramLogSize")
        getLog = try load("nvrtcGetProgramLog")
        var major: Int32 = 0, minor: Int32 = 0
        _ = nvrtcVersion(&major, &minor)
        version = (Int(major), Int(minor))
        var count: Int32 = 0
        var supported: [Int32] = []
        if numArchs(&count) == 0, count > 0 {
            supported = [Int32](repeating: 0, count: Int(count))
            if archs(&supported) != 0 { supported = [] }
        }
        supportedArchitectures = supported.map(Int.init)
        libraryPath = library.path
        libraries = [library] + builtins
    }

    private func check(_ status: nvrtcResult, _ call: String) throws(CUDAError) {
        guard status != 0 else { return }
        let message = getErrorString(status).map { String(cString: $0) } ?? "NVRTC error \(status)"
        throw CUDAError(code: .nvrtc, call: call, status: status, name: message, message: message)
    }

    /// Compiles for `architecture`: CUBIN when NVRTC supports it, else PTX for the newest
    /// virtual architecture not newer than it (the driver finishes the compilation).
    package func compile(_ source: KernelSource, for architecture: GPUArchitecture) throws(CUDAError) -> KernelImage {
        if supportedArchitectures.isEmpty || supportedArchitectures.contains(architecture.number) {
            return try compile(source, to: .cubin, architecture: architecture)
        }
        guard let best = supportedArchitectures.filter({ $0 <= architecture.number }).max() else {
            throw CUDAError(code: .compilation, call: "nvrtcCompileProgram",
                            message: "NVRTC \(version.major).\(version.minor) cannot compile for compute capability \(architecture)")
        }
        return try compile(source, to: .ptx, architecture: GPUArchitecture(major: best / 10, minor: best % 10))
    }

    /// Compiles `source` to `format` for `architecture` (`sm_XY` for CUBIN, `compute_XY` for PTX).
    ///
    /// - Throws: ``CUDAError`` `.compilation` with NVRTC's log when the source does not compile.
    public func compile(_ source: KernelSource, to format: KernelImageFormat,
                        architecture: GPUArchitecture) throws(CUDAError) -> KernelImage {
        var program: nvrtcProgram?
        try check(createProgram(&program, source.text, source.name + ".cu", 0, nil, nil), "nvrtcCreateProgram")
        defer { _ = destroyProgram(&program) }
        let target = format == .cubin ? architecture.smName : architecture.computeName
        let options = ["--gpu-architecture=\(target)", "--std=c++17"] + source.options
        let cOptions = options.map { strdup($0) }
        defer { cOptions.forEach { free($0) } }
        let status = cOptions.map { UnsafePointer($0) }.withUnsafeBufferPointer { pointers in
            compileProgram(program, Int32(pointers.count), pointers.baseAddress)
        }
        let log = programLog(program)
        if status != 0 {
            let reason = getErrorString(status).map { String(cString: $0) } ?? "NVRTC error \(status)"
            throw CUDAError(code: .compilation, call: "nvrtcCompileProgram(\(source.name), \(options.joined(separator: " ")))",
                            status: status, name: reason, message: "\(reason)\n\(log)")
        }
        var size = 0
        var bytes: [UInt8]
        switch format {
        case .cubin:
            try check(getCUBINSize(program, &size), "nvrtcGetCUBINSize")
            bytes = [UInt8](repeating: 0, count: size)
            try check(bytes.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { getCUBIN(program, $0.baseAddress) }
            }, "nvrtcGetCUBIN")
        case .ptx:
            try check(getPTXSize(program, &size), "nvrtcGetPTXSize")
            bytes = [UInt8](repeating: 0, count: size)
            try check(bytes.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { getPTX(program, $0.baseAddress) }
            }, "nvrtcGetPTX")
        }
        return KernelImage(format: format, architecture: architecture, bytes: bytes, log: log)
    }

    private func programLog(_ program: nvrtcProgram?) -> String {
        var size = 0
        guard getLogSize(program, &size) == 0, size > 1 else { return "" }
        var log = [CChar](repeating: 0, count: size)
        guard getLog(program, &log) == 0 else { return "" }
        return String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
