import CCUDA
import Synchronization

/// Compiled kernel modules of one device, by source: each source is compiled by NVRTC and loaded
/// the first time one of its kernels is launched, and reused after.
final class KernelCache: Sendable {
    /// A loaded module and its kernels.
    private struct Module: @unchecked Sendable {
        // @unchecked: driver handles, immutable once loaded.
        let module: CUmodule
        let functions: [String: CUfunction]
    }

    /// What the cache has done.
    struct Statistics: Sendable, Hashable {
        var compilations = 0
        var hits = 0
    }

    private let driver: any CUDADriverAPI
    private let compiler: any KernelCompiler
    private let architecture: GPUArchitecture
    private let modules = Mutex<[KernelSource: Module]>([:])
    private let counters = Mutex(Statistics())

    init(driver: any CUDADriverAPI, compiler: any KernelCompiler, architecture: GPUArchitecture) {
        self.driver = driver
        self.compiler = compiler
        self.architecture = architecture
    }

    var statistics: Statistics { counters.withLock { $0 } }

    /// The number of modules loaded.
    var moduleCount: Int { modules.withLock { $0.count } }

    /// The kernel `name` of `source`, compiling and loading the module if needed (the device's
    /// context must be current).
    func function(_ name: String, in source: KernelSource) throws(CUDAError) -> CUfunction {
        if let module = modules.withLock({ $0[source] }) {
            counters.withLock { $0.hits += 1 }
            return try Self.lookUp(name, in: module, source: source)
        }
        // Compile outside the lock: other kernels stay available meanwhile. Two threads that
        // race on one source both compile; the first to finish is kept.
        let image = try compiler.compile(source, for: architecture)
        counters.withLock { $0.compilations += 1 }
        let loaded = try driver.loadModule(image.bytes)
        var functions: [String: CUfunction] = [:]
        for kernel in source.kernels {
            do throws(CUDAError) {
                functions[kernel] = try driver.function(named: kernel, in: loaded)
            } catch {
                try? driver.unloadModule(loaded)
                throw error
            }
        }
        let fresh = Module(module: loaded, functions: functions)
        let kept: Module = modules.withLock { modules in
            if let existing = modules[source] { return existing }
            modules[source] = fresh
            return fresh
        }
        if kept.module != loaded { try? driver.unloadModule(loaded) }
        return try Self.lookUp(name, in: kept, source: source)
    }

    private static func lookUp(_ name: String, in module: Module, source: KernelSource) throws(CUDAError) -> CUfunction {
        guard let function = module.functions[name] else {
            throw CUDAError(code: .invalidArgument, call: "KernelCache.function",
                            message: "the module \(source.name) declares no kernel \(name) (it has \(source.kernels))")
        }
        return function
    }
}
