import CCUDA
import CUDARuntime
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Compiles kernel sources with the host C++ compiler against ``CUDAEmulationHeader``: the
/// "image" is the path of a shared library, cached by the source's hash across runs.
package final class EmulatedCompiler: KernelCompiler, Sendable {
    /// Where compiled kernels are kept.
    package static let cacheFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-cuda-emulator")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Whether a C++ compiler is installed.
    package static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["c++", "--version"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    package init() {}

    private static let compilations = Atomic<Int>(0)

    /// FNV-1a of the text: a stable file name.
    private static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    package func compile(_ source: KernelSource, for architecture: GPUArchitecture) throws(CUDAError) -> KernelImage {
        var text = CUDAEmulationHeader.text + source.text + "\n"
        let cooperative = source.text.contains("__syncthreads") || source.text.contains("__shfl")
        for kernel in source.kernels {
            text += "extern \"C\" void \(kernel)__launch(void** a, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, "
                + "unsigned bz) { tessera_emu::launch(\(kernel), a, gx, gy, gz, bx, by, bz, \(cooperative)); }\n"
        }
        let name = Self.hash(text)
        let library = Self.cacheFolder.appendingPathComponent("\(name).so").path
        if !FileManager.default.fileExists(atPath: library) {
            // Threads of one process may compile the same source at once (the kernel cache lets
            // them race): every compilation writes files of its own and renames atomically.
            let unique = "\(getpid())-\(Self.compilations.add(1, ordering: .relaxed).newValue)"
            let file = Self.cacheFolder.appendingPathComponent("\(name)-\(unique).cpp")
            let temporary = library + ".\(unique).tmp"
            do {
                try text.write(to: file, atomically: true, encoding: .utf8)
                let process = Process()
                let errors = Pipe()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["c++", "-std=c++17", "-O1", "-ffp-contract=off", "-fno-strict-aliasing", "-U_FORTIFY_SOURCE", "-w", "-shared", "-fPIC",
                                     "-o", temporary, file.path]
                process.standardError = errors
                try process.run()
                let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                try? FileManager.default.removeItem(at: file)
                guard process.terminationStatus == 0 else {
                    throw CUDAError(code: .compilation, call: "c++ (emulator)", message: "\(source.name): \(log.prefix(4_000))")
                }
                _ = rename(temporary, library)
            } catch let error as CUDAError {
                throw error
            } catch {
                throw CUDAError(code: .compilation, call: "c++ (emulator)", message: "\(error)")
            }
        }
        return KernelImage(format: .cubin, architecture: architecture, bytes: Array(library.utf8))
    }
}

/// A CUDA driver that keeps device memory in host memory (a ``FakeDriver``) and runs kernels
/// compiled by ``EmulatedCompiler`` on the CPU, one launch at a time.
package final class EmulatedDriver: CUDADriverAPI, Sendable {
    private typealias LaunchFunction = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UInt32, UInt32, UInt32,
                                                       UInt32, UInt32, UInt32) -> Void
    private let memory: FakeDriver
    private let libraries = Mutex<[UInt: UInt]>([:])   // module handle -> dlopen handle
    private let functions = Mutex<[UInt: UInt]>([:])   // function handle -> launch symbol address
    // The emulator's scheduler is global state in each compiled module, and a module is loaded
    // once per process (dlopen of the same file), so it is shared by every driver: one launch at a
    // time in the whole process (a lock per driver let parallel tests on two drivers race).
    private static let launching = Mutex(())

    /// A device with `multiprocessors` multiprocessors (sizing grids) and `capacity` bytes.
    package init(capacity: Int = 1 << 32, multiprocessors: Int = 2) {
        memory = FakeDriver(capacity: capacity, multiprocessors: multiprocessors)
    }

    /// The launches so far.
    package var launchCount: Int { memory.state.withLock { $0.launches.count } }

    package var libraryPath: String { "emulator" }
    package func version() throws(CUDAError) -> Int { try memory.version() }
    package func deviceCount() throws(CUDAError) -> Int { 1 }
    package func device(ordinal: Int) throws(CUDAError) -> CUdevice { CUdevice(ordinal) }
    package func name(of device: CUdevice) throws(CUDAError) -> String { "CPU emulator" }
    package func attribute(_ attribute: Int32, of device: CUdevice) throws(CUDAError) -> Int { try memory.attribute(attribute, of: device) }
    package func totalMemory(of device: CUdevice) throws(CUDAError) -> Int { memory.capacity }
    package func retainPrimaryContext(_ device: CUdevice) throws(CUDAError) -> CUcontext { try memory.retainPrimaryContext(device) }
    package func setCurrent(_ context: CUcontext) throws(CUDAError) {}
    package func allocate(_ bytes: Int) throws(CUDAError) -> CUdeviceptr { try memory.allocate(bytes) }
    package func free(_ pointer: CUdeviceptr) throws(CUDAError) { try memory.free(pointer) }
    package func memoryInfo() throws(CUDAError) -> (free: Int, total: Int) { try memory.memoryInfo() }
    package func copyToDevice(_ destination: CUdeviceptr, from source: UnsafeRawPointer, bytes: Int, stream: CUstream?) throws(CUDAError) {
        try memory.copyToDevice(destination, from: source, bytes: bytes, stream: stream)
    }
    package func copyToHost(_ destination: UnsafeMutableRawPointer, from source: CUdeviceptr, bytes: Int, stream: CUstream?) throws(CUDAError) {
        try memory.copyToHost(destination, from: source, bytes: bytes, stream: stream)
    }
    package func copyOnDevice(_ destination: CUdeviceptr, from source: CUdeviceptr, bytes: Int, stream: CUstream?) throws(CUDAError) {
        try memory.copyOnDevice(destination, from: source, bytes: bytes, stream: stream)
    }
    package func memset(_ destination: CUdeviceptr, value: UInt8, bytes: Int, stream: CUstream?) throws(CUDAError) {
        try memory.memset(destination, value: value, bytes: bytes, stream: stream)
    }
    package func createStream() throws(CUDAError) -> CUstream { try memory.createStream() }
    package func destroyStream(_ stream: CUstream) throws(CUDAError) {}
    package func synchronize(_ stream: CUstream?) throws(CUDAError) {}

    package func loadModule(_ image: [UInt8]) throws(CUDAError) -> CUmodule {
        let path = String(decoding: image, as: UTF8.self)
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw CUDAError(code: .driver, call: "cuModuleLoadData (emulator)", message: dlerror().map { String(cString: $0) } ?? path)
        }
        let module = try memory.loadModule(image)
        libraries.withLock { $0[UInt(bitPattern: module)] = UInt(bitPattern: handle) }
        return module
    }

    package func unloadModule(_ module: CUmodule) throws(CUDAError) { try memory.unloadModule(module) }

    package func function(named name: String, in module: CUmodule) throws(CUDAError) -> CUfunction {
        guard let address = libraries.withLock({ $0[UInt(bitPattern: module)] }),
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: address), name + "__launch") else {
            throw CUDAError(code: .driver, call: "cuModuleGetFunction (emulator)", status: 500, name: "CUDA_ERROR_NOT_FOUND", message: name)
        }
        let function = try memory.function(named: "", in: module)
        functions.withLock { $0[UInt(bitPattern: function)] = UInt(bitPattern: symbol) }
        return function
    }

    package func launch(_ function: CUfunction, grid: LaunchConfiguration, stream: CUstream?,
                        arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws(CUDAError) {
        guard let address = functions.withLock({ $0[UInt(bitPattern: function)] }),
              let symbol = UnsafeRawPointer(bitPattern: address) else {
            throw CUDAError(code: .driver, call: "cuLaunchKernel (emulator)", message: "unknown function")
        }
        try memory.launch(function, grid: grid, stream: stream, arguments: arguments)
        let launch = unsafeBitCast(symbol, to: LaunchFunction.self)
        Self.launching.withLock { _ in
            launch(arguments, grid.gridX, grid.gridY, grid.gridZ, grid.blockX, grid.blockY, grid.blockZ)
        }
    }

    package func createEvent() throws(CUDAError) -> CUevent { try memory.createEvent() }
    package func record(_ event: CUevent, on stream: CUstream?) throws(CUDAError) {}
    package func elapsedMilliseconds(from start: CUevent, to end: CUevent) throws(CUDAError) -> Double { 0 }
    package func destroyEvent(_ event: CUevent) throws(CUDAError) {}

    /// A device on the emulator (two multiprocessors, no cuBLAS), or nil without a C++ compiler.
    package static let device: CUDADevice? = {
        guard EmulatedCompiler.isAvailable else { return nil }
        return try? CUDADevice(driver: EmulatedDriver(), compiler: EmulatedCompiler(), compilerDescription: "host C++ (emulator)")
    }()
}
