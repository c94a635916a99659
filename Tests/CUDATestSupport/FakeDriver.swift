import CCUDA
import Synchronization
import CUDARuntime
#if canImport(Glibc)
import Glibc
#endif

/// A CUDA driver in host memory, for testing the host-side logic (memory pool, kernel cache,
/// launches, streams) without a GPU: allocations are `malloc`s counted against a capacity,
/// copies are `memcpy`s, launches are recorded.
package final class FakeDriver: CUDADriverAPI, Sendable {
    /// One recorded launch.
    package struct Launch: Sendable {
        package let function: UInt
        package let configuration: LaunchConfiguration
        package let firstArgument: Int64
    }

    /// What the fake has seen.
    package struct State {
        package var allocations: [CUdeviceptr: Int] = [:]
        package var used = 0
        package var launches: [Launch] = []
        package var modules: [UInt: [UInt8]] = [:]
        package var streams = 0
        package var synchronizations = 0
        package var nextHandle: UInt = 0x1000
    }

    package let capacity: Int
    package let multiprocessors: Int
    package let state = Mutex(State())

    package init(capacity: Int = 1 << 30, multiprocessors: Int = 4) {
        self.capacity = capacity
        self.multiprocessors = multiprocessors
    }

    package var libraryPath: String { "fake" }

    private func handle() -> OpaquePointer {
        state.withLock { state in
            state.nextHandle += 0x10
            // Never dereferenced: an opaque token.
            return OpaquePointer(bitPattern: state.nextHandle)!
        }
    }

    package func version() throws(CUDAError) -> Int { 13_000 }
    package func deviceCount() throws(CUDAError) -> Int { 1 }
    package func device(ordinal: Int) throws(CUDAError) -> CUdevice { CUdevice(ordinal) }
    package func name(of device: CUdevice) throws(CUDAError) -> String { "Fake GPU" }
    package func attribute(_ attribute: Int32, of device: CUdevice) throws(CUDAError) -> Int {
        switch attribute {
        case Int32(CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR): 9
        case Int32(CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR): 0
        case Int32(CCUDA_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT): multiprocessors
        default: 1024
        }
    }
    package func totalMemory(of device: CUdevice) throws(CUDAError) -> Int { capacity }
    package func retainPrimaryContext(_ device: CUdevice) throws(CUDAError) -> CUcontext { handle() }
    package func setCurrent(_ context: CUcontext) throws(CUDAError) {}

    package func allocate(_ bytes: Int) throws(CUDAError) -> CUdeviceptr {
        let fits = state.withLock { state in
            guard state.used + bytes <= capacity else { return false }
            state.used += bytes
            return true
        }
        guard fits else {
            throw CUDAError(code: .outOfMemory, call: "cuMemAlloc_v2", status: 2, name: "CUDA_ERROR_OUT_OF_MEMORY",
                            message: "out of memory")
        }
        guard let memory = malloc(bytes) else {
            throw CUDAError(code: .outOfMemory, call: "cuMemAlloc_v2", message: "malloc failed")
        }
        let pointer = CUdeviceptr(UInt(bitPattern: memory))
        state.withLock { $0.allocations[pointer] = bytes }
        return pointer
    }

    package func free(_ pointer: CUdeviceptr) throws(CUDAError) {
        let known: Bool = state.withLock { state in
            guard let bytes = state.allocations.removeValue(forKey: pointer) else { return false }
            state.used -= bytes
            return true
        }
        guard known else { throw CUDAError(code: .driver, call: "cuMemFree_v2", status: 1, message: "not allocated") }
        Glibc.free(UnsafeMutableRawPointer(bitPattern: UInt(pointer)))
    }

    package func memoryInfo() throws(CUDAError) -> (free: Int, total: Int) {
        (capacity - state.withLock { $0.used }, capacity)
    }

    package func copyToDevice(_ destination: CUdeviceptr, from source: UnsafeRawPointer, bytes: Int, stream: CUstream?) throws(CUDAError) {
        UnsafeMutableRawPointer(bitPattern: UInt(destination))?.copyMemory(from: source, byteCount: bytes)
    }

    package func copyToHost(_ destination: UnsafeMutableRawPointer, from source: CUdeviceptr, bytes: Int, stream: CUstream?) throws(CUDAError) {
        if let source = UnsafeRawPointer(bitPattern: UInt(source)) { destination.copyMemory(from: source, byteCount: bytes) }
    }

    package func copyOnDevice(_ destination: CUdeviceptr, from source: CUdeviceptr, bytes: Int, stream: CUstream?) throws(CUDAError) {
        if let source = UnsafeRawPointer(bitPattern: UInt(source)) {
            UnsafeMutableRawPointer(bitPattern: UInt(destination))?.copyMemory(from: source, byteCount: bytes)
        }
    }

    package func memset(_ destination: CUdeviceptr, value: UInt8, bytes: Int, stream: CUstream?) throws(CUDAError) {
        UnsafeMutableRawPointer(bitPattern: UInt(destination))?.initializeMemory(as: UInt8.self, repeating: value, count: bytes)
    }

    package func createStream() throws(CUDAError) -> CUstream {
        state.withLock { $0.streams += 1 }
        return handle()
    }
    package func destroyStream(_ stream: CUstream) throws(CUDAError) {}
    package func synchronize(_ stream: CUstream?) throws(CUDAError) { state.withLock { $0.synchronizations += 1 } }

    package func loadModule(_ image: [UInt8]) throws(CUDAError) -> CUmodule {
        let module = handle()
        state.withLock { $0.modules[UInt(bitPattern: module)] = image }
        return module
    }
    package func unloadModule(_ module: CUmodule) throws(CUDAError) {
        _ = state.withLock { $0.modules.removeValue(forKey: UInt(bitPattern: module)) }
    }
    package func function(named name: String, in module: CUmodule) throws(CUDAError) -> CUfunction {
        let image = state.withLock { $0.modules[UInt(bitPattern: module)] } ?? []
        guard String(decoding: image, as: UTF8.self).contains(name) else {
            throw CUDAError(code: .driver, call: "cuModuleGetFunction", status: 500, name: "CUDA_ERROR_NOT_FOUND", message: "no \(name)")
        }
        return handle()
    }

    package func launch(_ function: CUfunction, grid: LaunchConfiguration, stream: CUstream?,
                arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws(CUDAError) {
        let first = arguments[0]?.load(as: Int64.self) ?? -1
        state.withLock { $0.launches.append(Launch(function: UInt(bitPattern: function), configuration: grid, firstArgument: first)) }
    }

    package func createEvent() throws(CUDAError) -> CUevent { handle() }
    package func record(_ event: CUevent, on stream: CUstream?) throws(CUDAError) {}
    package func elapsedMilliseconds(from start: CUevent, to end: CUevent) throws(CUDAError) -> Double { 0.5 }
    package func destroyEvent(_ event: CUevent) throws(CUDAError) {}
}

/// A compiler that "compiles" a source to its kernels' names, counting compilations.
package final class FakeCompiler: KernelCompiler, Sendable {
    package init() {}

    package let compilations = Atomic<Int>(0)

    package func compile(_ source: KernelSource, for architecture: GPUArchitecture) throws(CUDAError) -> KernelImage {
        compilations.add(1, ordering: .relaxed)
        if source.text.contains("#error") {
            throw CUDAError(code: .compilation, call: "nvrtcCompileProgram", message: "#error in \(source.name)")
        }
        return KernelImage(format: .cubin, architecture: architecture, bytes: Array(source.kernels.joined(separator: " ").utf8))
    }
}
