import CCUDA
import Synchronization

/// One GPU, ready for work: its primary context, a caching memory pool, a pool of streams, the
/// kernels compiled for it, and cuBLAS when installed.
///
/// ```swift
/// let device = try CUDADevice.open()              // device 0, libraries found by the default search
/// let buffer = try device.memoryPool.allocate(1 << 20)
/// try device.perform { stream in try device.upload(bytes, to: buffer, stream: stream) }
/// ```
///
/// Devices are opened once per process and per set of library paths; opening fails with a
/// ``CUDAError`` whose ``CUDAError/isUnavailable`` is true when there is no driver, no device, a
/// driver older than CUDA 12, or no NVRTC. Nothing traps.
public final class CUDADevice: Sendable {
    /// The device ordinal (0 for the first GPU).
    public let ordinal: Int
    /// The device's name, for example "NVIDIA H100 80GB HBM3".
    public let name: String
    /// The compute capability.
    public let architecture: GPUArchitecture
    /// The number of streaming multiprocessors.
    public let multiprocessorCount: Int
    /// The device's memory in bytes.
    public let totalMemory: Int
    /// The CUDA version the driver supports (13000 for 13.0).
    public let driverVersion: Int
    /// The caching allocator for this device's memory.
    public let memoryPool: DeviceMemoryPool
    /// cuBLAS, when it was found.
    public let blas: CUBLAS?
    /// The kernel compiler's description (NVRTC's version and path).
    public let compilerDescription: String

    package let driver: any CUDADriverAPI
    package let context: ContextHandle
    private let streams: StreamPool
    private let kernels: KernelCache

    /// Opens device `ordinal` through `driver`, compiling kernels with `compiler`.
    ///
    /// - Throws: ``CUDAError`` `.noDevice` if the device does not exist, or a driver error.
    package init(driver: any CUDADriverAPI, compiler: any KernelCompiler, compilerDescription: String, ordinal: Int = 0,
                 blas: CUBLAS? = nil, cacheLimit: Int = .max) throws(CUDAError) {
        let count = try driver.deviceCount()
        guard count > 0 else {
            throw CUDAError(code: .noDevice, call: "cuDeviceGetCount", message: "the driver (\(driver.libraryPath)) reports no CUDA device")
        }
        guard ordinal >= 0, ordinal < count else {
            throw CUDAError(code: .noDevice, call: "cuDeviceGet",
                            message: "device \(ordinal) was asked for, but only \(count) device\(count == 1 ? " is" : "s are") present")
        }
        let device = try driver.device(ordinal: ordinal)
        self.ordinal = ordinal
        name = try driver.name(of: device)
        architecture = GPUArchitecture(
            major: try driver.attribute(Int32(CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR), of: device),
            minor: try driver.attribute(Int32(CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), of: device))
        multiprocessorCount = try driver.attribute(Int32(CCUDA_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), of: device)
        totalMemory = try driver.totalMemory(of: device)
        driverVersion = try driver.version()
        let context = ContextHandle(try driver.retainPrimaryContext(device))
        self.context = context
        self.driver = driver
        self.blas = blas
        self.compilerDescription = compilerDescription
        memoryPool = DeviceMemoryPool(driver: driver, context: context, cacheLimit: cacheLimit)
        streams = StreamPool(driver: driver)
        kernels = KernelCache(driver: driver, compiler: compiler, architecture: architecture)
    }

    /// A line describing the device, for logs: name, compute capability, memory, driver, compiler.
    public var summary: String {
        "\(name) (compute capability \(architecture), \(multiprocessorCount) SMs, \(totalMemory >> 20) MiB), "
            + "driver CUDA \(driverVersion / 1000).\(driverVersion % 1000 / 10), \(compilerDescription)"
            + (blas.map { ", cuBLAS \($0.libraryPath)" } ?? ", no cuBLAS")
    }

    // MARK: - Opening

    private struct Key: Hashable {
        let paths: CUDALibraryPaths
        let ordinal: Int
    }

    private static let opened = Mutex<[Key: CUDADevice]>([:])

    /// The device `ordinal`, opened with the libraries `paths` names (once per process and key).
    ///
    /// - Throws: ``CUDAError``; ``CUDAError/isUnavailable`` is true when the machine has no usable
    ///   GPU (no driver, no device, an old driver, no NVRTC).
    public static func open(paths: CUDALibraryPaths = CUDALibraryPaths(), ordinal: Int = 0) throws(CUDAError) -> CUDADevice {
        let key = Key(paths: paths, ordinal: ordinal)
        if let device = opened.withLock({ $0[key] }) { return device }
        let driver = try LoadedCUDADriver(candidates: paths.driverCandidates)
        let nvrtc = try NVRTC(candidates: paths.nvrtcCandidates)
        let driverMajor = try driver.version() / 1000
        guard driverMajor >= nvrtc.version.major else {
            throw CUDAError(code: .driverTooOld, call: "cuDriverGetVersion",
                            message: "NVRTC \(nvrtc.version.major).\(nvrtc.version.minor) (\(nvrtc.libraryPath)) makes code for "
                                + "CUDA \(nvrtc.version.major), but the driver supports CUDA \(driverMajor); update the driver "
                                + "or point cuda.libnvrtc at an NVRTC \(driverMajor).x")
        }
        let blas = CUBLAS(candidates: paths.cublasCandidates)
        let device = try CUDADevice(driver: driver, compiler: nvrtc,
                                    compilerDescription: "NVRTC \(nvrtc.version.major).\(nvrtc.version.minor) (\(nvrtc.libraryPath))",
                                    ordinal: ordinal, blas: blas)
        return opened.withLock { opened in
            if let existing = opened[key] { return existing }
            opened[key] = device
            return device
        }
    }

    // MARK: - Work

    /// Runs `body` with this device's context current and a stream of its own, then waits for
    /// the work `body` queued on the stream, so that results are complete when it returns.
    public func perform<R>(_ body: (CUDAStream) throws -> R) throws -> R {
        try driver.setCurrent(context.raw)
        let stream = try streams.take()
        do {
            let result = try body(stream)
            try driver.synchronize(stream.handle)
            stream.releaseHeld()
            streams.give(stream)
            return result
        } catch {
            // Whatever was queued must finish before the stream (and any buffer it uses) is reused.
            if (try? driver.synchronize(stream.handle)) != nil {
                stream.releaseHeld()
                streams.give(stream)
            }
            throw error
        }
    }

    /// The number of streams made so far (at most the number of threads that worked at once).
    public var streamCount: Int { streams.count }

    /// How many kernel modules were compiled, and how many launches found theirs cached.
    public var kernelStatistics: (compilations: Int, hits: Int, modules: Int) {
        let stats = kernels.statistics
        return (stats.compilations, stats.hits, kernels.moduleCount)
    }

    /// Launches kernel `name` of `source` (compiled and loaded at first use) on `stream`.
    public func launch(_ name: String, in source: KernelSource, configuration: LaunchConfiguration,
                       arguments: borrowing KernelArguments, stream: CUDAStream) throws(CUDAError) {
        let function = try kernels.function(name, in: source)
        try arguments.withParameterPointers { (pointers) throws(CUDAError) in
            try driver.launch(function, grid: configuration, stream: stream.handle, arguments: pointers)
        }
    }

    /// Compiles and loads `source` now (kernels are otherwise compiled at their first launch).
    public func prepare(_ source: KernelSource) throws(CUDAError) {
        try driver.setCurrent(context.raw)
        for kernel in source.kernels { _ = try kernels.function(kernel, in: source) }
    }

    /// Copies `bytes` host bytes to `buffer`, on `stream`.
    public func upload(_ bytes: UnsafeRawBufferPointer, to buffer: DeviceBuffer, stream: CUDAStream) throws(CUDAError) {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        try checkFits(bytes.count, buffer)
        try driver.copyToDevice(buffer.pointer, from: base, bytes: bytes.count, stream: stream.handle)
    }

    /// Copies the first `bytes.count` bytes of `buffer` to host memory, on `stream`.
    public func download(_ buffer: DeviceBuffer, into bytes: UnsafeMutableRawBufferPointer, stream: CUDAStream) throws(CUDAError) {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        try checkFits(bytes.count, buffer)
        try driver.copyToHost(base, from: buffer.pointer, bytes: bytes.count, stream: stream.handle)
    }

    /// Copies `bytes` bytes between device buffers (at byte offsets), on `stream`.
    public func copy(_ bytes: Int, from source: DeviceBuffer, offset sourceOffset: Int = 0, to destination: DeviceBuffer,
                     offset destinationOffset: Int = 0, stream: CUDAStream) throws(CUDAError) {
        guard bytes > 0 else { return }
        guard sourceOffset >= 0, destinationOffset >= 0, sourceOffset + bytes <= source.byteCount,
              destinationOffset + bytes <= destination.byteCount else {
            throw CUDAError(code: .invalidArgument, call: "cuMemcpyDtoDAsync",
                            message: "a copy of \(bytes) bytes does not fit its buffers")
        }
        try driver.copyOnDevice(destination.pointer + UInt64(destinationOffset), from: source.pointer + UInt64(sourceOffset),
                                bytes: bytes, stream: stream.handle)
    }

    /// Sets every byte of `buffer` to `value`, on `stream`.
    public func fill(_ buffer: DeviceBuffer, byte value: UInt8, stream: CUDAStream) throws(CUDAError) {
        guard buffer.byteCount > 0 else { return }
        try driver.memset(buffer.pointer, value: value, bytes: buffer.byteCount, stream: stream.handle)
    }

    private func checkFits(_ count: Int, _ buffer: DeviceBuffer) throws(CUDAError) {
        guard count <= buffer.byteCount else {
            throw CUDAError(code: .invalidArgument, call: "copy", message: "\(count) bytes do not fit a buffer of \(buffer.byteCount)")
        }
    }

    /// Times the work `body` queues on a stream, with device events: milliseconds on the GPU.
    public func time(_ body: (CUDAStream) throws -> Void) throws -> Double {
        try perform { stream in
            let start = try driver.createEvent()
            let end = try driver.createEvent()
            defer {
                try? driver.destroyEvent(start)
                try? driver.destroyEvent(end)
            }
            try driver.record(start, on: stream.handle)
            try body(stream)
            try driver.record(end, on: stream.handle)
            return try driver.elapsedMilliseconds(from: start, to: end)
        }
    }
}
