import Backends
import CCUDA

/// The CUDA driver loaded from libcuda.so.1 with `dlopen`: each call goes through a function
/// pointer looked up once, and every status other than `CUDA_SUCCESS` becomes a ``CUDAError``.
package final class LoadedCUDADriver: CUDADriverAPI, @unchecked Sendable {
    // @unchecked: only immutable C function pointers and the library handle are stored, and the
    // driver API is thread-safe.

    /// The oldest driver Tessera accepts (CUDA 12.0).
    package static let minimumVersion = 12_000

    package let libraryPath: String
    private let library: DynamicLibrary
    private let getErrorName: ccuda_cuGetErrorName
    private let getErrorString: ccuda_cuGetErrorString
    private let driverGetVersion: ccuda_cuDriverGetVersion
    private let deviceGetCount: ccuda_cuDeviceGetCount
    private let deviceGet: ccuda_cuDeviceGet
    private let deviceGetName: ccuda_cuDeviceGetName
    private let deviceGetAttribute: ccuda_cuDeviceGetAttribute
    private let deviceTotalMem: ccuda_cuDeviceTotalMem
    private let primaryCtxRetain: ccuda_cuDevicePrimaryCtxRetain
    private let ctxSetCurrent: ccuda_cuCtxSetCurrent
    private let memAlloc: ccuda_cuMemAlloc
    private let memFree: ccuda_cuMemFree
    private let memGetInfo: ccuda_cuMemGetInfo
    private let memcpyHtoD: ccuda_cuMemcpyHtoDAsync
    private let memcpyDtoH: ccuda_cuMemcpyDtoHAsync
    private let memcpyDtoD: ccuda_cuMemcpyDtoDAsync
    private let memsetD8: ccuda_cuMemsetD8Async
    private let moduleLoadData: ccuda_cuModuleLoadData
    private let moduleUnload: ccuda_cuModuleUnload
    private let moduleGetFunction: ccuda_cuModuleGetFunction
    private let launchKernel: ccuda_cuLaunchKernel
    private let streamCreate: ccuda_cuStreamCreate
    private let streamDestroy: ccuda_cuStreamDestroy
    private let streamSynchronize: ccuda_cuStreamSynchronize
    private let eventCreate: ccuda_cuEventCreate
    private let eventRecord: ccuda_cuEventRecord
    private let eventSynchronize: ccuda_cuEventSynchronize
    private let eventElapsedTime: ccuda_cuEventElapsedTime
    private let eventDestroy: ccuda_cuEventDestroy

    /// Loads the first driver of `candidates` that opens, initialises it and checks its version.
    ///
    /// - Throws: ``CUDAError`` `.driverNotFound` (no candidate loads), `.noDevice` (`cuInit` fails,
    ///   typically `CUDA_ERROR_NO_DEVICE`, or no device is present), `.driverTooOld` (older than
    ///   CUDA 12.0, or an entry point is missing).
    package init(candidates: [String]) throws(CUDAError) {
        let library: DynamicLibrary
        do {
            library = try DynamicLibrary.openFirst(candidates)
        } catch {
            throw CUDAError(code: .driverNotFound, call: "dlopen",
                            message: "tried \(candidates.joined(separator: ", ")) (\(error.description))")
        }
        self.library = library
        libraryPath = library.path
        func load<T>(_ name: String, _: T.Type = T.self) throws(CUDAError) -> T {
            guard let function = library.function(name, as: T.self) else {
                throw CUDAError(code: .driverTooOld, call: "dlsym",
                                message: "\(library.path) does not export \(name); Tessera needs a driver for CUDA 12.0 or later")
            }
            return function
        }
        let cuInit: ccuda_cuInit = try load("cuInit")
        getErrorName = try load("cuGetErrorName")
        getErrorString = try load("cuGetErrorString")
        driverGetVersion = try load("cuDriverGetVersion")
        deviceGetCount = try load("cuDeviceGetCount")
        let status = cuInit(0)
        if status != CUDA_SUCCESS_STATUS {
            // CUDA_ERROR_NO_DEVICE, or a driver that cannot reach a device (containers without one).
            let (name, message) = Self.describe(status, getErrorName, getErrorString)
            throw CUDAError(code: .noDevice, call: "cuInit", status: status, name: name, message: message)
        }
        var version: Int32 = 0
        let versionStatus = driverGetVersion(&version)
        guard versionStatus == CUDA_SUCCESS_STATUS, Int(version) >= Self.minimumVersion else {
            throw CUDAError(code: .driverTooOld, call: "cuDriverGetVersion", status: versionStatus,
                            message: "\(library.path) supports CUDA \(version / 1000).\(version % 1000 / 10); "
                                + "Tessera needs 12.0 or later (driver 525 or newer)")
        }
        deviceGet = try load("cuDeviceGet")
        deviceGetName = try load("cuDeviceGetName")
        deviceGetAttribute = try load("cuDeviceGetAttribute")
        deviceTotalMem = try load("cuDeviceTotalMem_v2")
        primaryCtxRetain = try load("cuDevicePrimaryCtxRetain")
        ctxSetCurrent = try load("cuCtxSetCurrent")
        memAlloc = try load("cuMemAlloc_v2")
        memFree = try load("cuMemFree_v2")
        memGetInfo = try load("cuMemGetInfo_v2")
        memcpyHtoD = try load("cuMemcpyHtoDAsync_v2")
        memcpyDtoH = try load("cuMemcpyDtoHAsync_v2")
        memcpyDtoD = try load("cuMemcpyDtoDAsync_v2")
        memsetD8 = try load("cuMemsetD8Async")
        moduleLoadData = try load("cuModuleLoadData")
        moduleUnload = try load("cuModuleUnload")
        moduleGetFunction = try load("cuModuleGetFunction")
        launchKernel = try load("cuLaunchKernel")
        streamCreate = try load("cuStreamCreate")
        streamDestroy = try load("cuStreamDestroy_v2")
        streamSynchronize = try load("cuStreamSynchronize")
        eventCreate = try load("cuEventCreate")
        eventRecord = try load("cuEventRecord")
        eventSynchronize = try load("cuEventSynchronize")
        if let elapsed = library.function("cuEventElapsedTime_v2", as: ccuda_cuEventElapsedTime.self) {
            eventElapsedTime = elapsed
        } else {
            eventElapsedTime = try load("cuEventElapsedTime")
        }
        eventDestroy = try load("cuEventDestroy_v2")
    }

    private static func describe(_ status: CUresult, _ getName: ccuda_cuGetErrorName,
                                 _ getString: ccuda_cuGetErrorString) -> (String, String) {
        var name: UnsafePointer<CChar>?
        var message: UnsafePointer<CChar>?
        _ = getName(status, &name)
        _ = getString(status, &message)
        return (name.map { String(cString: $0) } ?? "CUDA_ERROR_\(status)",
                message.map { String(cString: $0) } ?? "unknown CUDA error \(status)")
    }

    /// Throws the ``CUDAError`` for a status other than success.
    private func check(_ status: CUresult, _ call: String) throws(CUDAError) {
        guard status != CUDA_SUCCESS_STATUS else { return }
        let (name, message) = Self.describe(status, getErrorName, getErrorString)
        let code: CUDAError.Code = switch status {
        case Int32(CCUDA_ERROR_OUT_OF_MEMORY): .outOfMemory
        case Int32(CCUDA_ERROR_NO_DEVICE): .noDevice
        default: .driver
        }
        throw CUDAError(code: code, call: call, status: status, name: name, message: message)
    }

    package func version() throws(CUDAError) -> Int {
        var version: Int32 = 0
        try check(driverGetVersion(&version), "cuDriverGetVersion")
        return Int(version)
    }

    package func deviceCount() throws(CUDAError) -> Int {
        var count: Int32 = 0
        try check(deviceGetCount(&count), "cuDeviceGetCount")
        return Int(count)
    }

    package func device(ordinal: Int) throws(CUDAError) -> CUdevice {
        var device: CUdevice = 0
        try check(deviceGet(&device, Int32(clamping: ordinal)), "cuDeviceGet")
        return device
    }

    package func name(of device: CUdevice) throws(CUDAError) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        try check(deviceGetName(&buffer, Int32(buffer.count), device), "cuDeviceGetName")
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    package func attribute(_ attribute: Int32, of device: CUdevice) throws(CUDAError) -> Int {
        var value: Int32 = 0
        try check(deviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute")
        return Int(value)
    }

    package func totalMemory(of device: CUdevice) throws(CUDAError) -> Int {
        var bytes = 0
        try check(deviceTotalMem(&bytes, device), "cuDeviceTotalMem_v2")
        return bytes
    }

    package func retainPrimaryContext(_ device: CUdevice) throws(CUDAError) -> CUcontext {
        var context: CUcontext?
        try check(primaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain")
        guard let context else {
            throw CUDAError(code: .driver, call: "cuDevicePrimaryCtxRetain", message: "the driver returned no context")
        }
        return context
    }

    package func setCurrent(_ context: CUcontext) throws(CUDAError) {
        try check(ctxSetCurrent(context), "cuCtxSetCurrent")
    }

    package func allocate(_ bytes: Int) throws(CUDAError) -> CUdeviceptr {
        var pointer: CUdeviceptr = 0
        try check(memAlloc(&pointer, bytes), "cuMemAlloc_v2")
        return pointer
    }

    package func free(_ pointer: CUdeviceptr) throws(CUDAError) {
        try check(memFree(pointer), "cuMemFree_v2")
    }

    package func memoryInfo() throws(CUDAError) -> (free: Int, total: Int) {
        var free = 0, total = 0
        try check(memGetInfo(&free, &total), "cuMemGetInfo_v2")
        return (free, total)
    }

    package func copyToDevice(_ destination: CUdeviceptr, from source: UnsafeRawPointer, bytes: Int,
                              stream: CUstream?) throws(CUDAError) {
        try check(memcpyHtoD(destination, source, bytes, stream), "cuMemcpyHtoDAsync_v2")
    }

    package func copyToHost(_ destination: UnsafeMutableRawPointer, from source: CUdeviceptr, bytes: Int,
                            stream: CUstream?) throws(CUDAError) {
        try check(memcpyDtoH(destination, source, bytes, stream), "cuMemcpyDtoHAsync_v2")
    }

    package func copyOnDevice(_ destination: CUdeviceptr, from source: CUdeviceptr, bytes: Int,
                              stream: CUstream?) throws(CUDAError) {
        try check(memcpyDtoD(destination, source, bytes, stream), "cuMemcpyDtoDAsync_v2")
    }

    package func memset(_ destination: CUdeviceptr, value: UInt8, bytes: Int, stream: CUstream?) throws(CUDAError) {
        try check(memsetD8(destination, value, bytes, stream), "cuMemsetD8Async")
    }

    package func createStream() throws(CUDAError) -> CUstream {
        var stream: CUstream?
        try check(streamCreate(&stream, UInt32(CCUDA_STREAM_NON_BLOCKING)), "cuStreamCreate")
        guard let stream else { throw CUDAError(code: .driver, call: "cuStreamCreate", message: "the driver returned no stream") }
        return stream
    }

    package func destroyStream(_ stream: CUstream) throws(CUDAError) {
        try check(streamDestroy(stream), "cuStreamDestroy_v2")
    }

    package func synchronize(_ stream: CUstream?) throws(CUDAError) {
        try check(streamSynchronize(stream), "cuStreamSynchronize")
    }

    package func loadModule(_ image: [UInt8]) throws(CUDAError) -> CUmodule {
        var module: CUmodule?
        let status = image.withUnsafeBytes { moduleLoadData(&module, $0.baseAddress) }
        try check(status, "cuModuleLoadData")
        guard let module else { throw CUDAError(code: .driver, call: "cuModuleLoadData", message: "the driver returned no module") }
        return module
    }

    package func unloadModule(_ module: CUmodule) throws(CUDAError) {
        try check(moduleUnload(module), "cuModuleUnload")
    }

    package func function(named name: String, in module: CUmodule) throws(CUDAError) -> CUfunction {
        var function: CUfunction?
        try check(moduleGetFunction(&function, module, name), "cuModuleGetFunction(\(name))")
        guard let function else {
            throw CUDAError(code: .driver, call: "cuModuleGetFunction", message: "the driver returned no function for \(name)")
        }
        return function
    }

    package func launch(_ function: CUfunction, grid: LaunchConfiguration, stream: CUstream?,
                        arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws(CUDAError) {
        try check(launchKernel(function, grid.gridX, grid.gridY, grid.gridZ, grid.blockX, grid.blockY, grid.blockZ,
                               grid.sharedBytes, stream, arguments, nil), "cuLaunchKernel")
    }

    package func createEvent() throws(CUDAError) -> CUevent {
        var event: CUevent?
        try check(eventCreate(&event, UInt32(CCUDA_EVENT_DEFAULT)), "cuEventCreate")
        guard let event else { throw CUDAError(code: .driver, call: "cuEventCreate", message: "the driver returned no event") }
        return event
    }

    package func record(_ event: CUevent, on stream: CUstream?) throws(CUDAError) {
        try check(eventRecord(event, stream), "cuEventRecord")
    }

    package func elapsedMilliseconds(from start: CUevent, to end: CUevent) throws(CUDAError) -> Double {
        try check(eventSynchronize(end), "cuEventSynchronize")
        var milliseconds: Float = 0
        try check(eventElapsedTime(&milliseconds, start, end), "cuEventElapsedTime")
        return Double(milliseconds)
    }

    package func destroyEvent(_ event: CUevent) throws(CUDAError) {
        try check(eventDestroy(event), "cuEventDestroy_v2")
    }
}

/// `CUDA_SUCCESS` as the `CUresult` type.
let CUDA_SUCCESS_STATUS: CUresult = 0
