import CCUDA

/// The CUDA driver entry points Tessera uses, as Swift calls that throw ``CUDAError``.
///
/// ``LoadedCUDADriver`` forwards them to libcuda.so.1; tests substitute a fake (host memory,
/// recorded launches) to check the memory pool, the kernel cache and launch configuration on a
/// machine without a GPU. Handles are the driver's own (`CUcontext`, `CUstream`, ...).
package protocol CUDADriverAPI: Sendable {
    /// Where the driver was loaded from (for messages).
    var libraryPath: String { get }
    /// The CUDA version the driver supports, as `1000 * major + 10 * minor` (13000 for 13.0).
    func version() throws(CUDAError) -> Int
    /// The number of devices.
    func deviceCount() throws(CUDAError) -> Int
    /// The device with ordinal `ordinal`.
    func device(ordinal: Int) throws(CUDAError) -> CUdevice
    /// The device's name, for example "NVIDIA H100 80GB HBM3".
    func name(of device: CUdevice) throws(CUDAError) -> String
    /// A `CU_DEVICE_ATTRIBUTE_*` value of the device.
    func attribute(_ attribute: Int32, of device: CUdevice) throws(CUDAError) -> Int
    /// The device's memory in bytes.
    func totalMemory(of device: CUdevice) throws(CUDAError) -> Int
    /// Retains the device's primary context (the one the runtime API and cuBLAS use too).
    func retainPrimaryContext(_ device: CUdevice) throws(CUDAError) -> CUcontext
    /// Makes `context` current on the calling thread.
    func setCurrent(_ context: CUcontext) throws(CUDAError)
    /// Allocates device memory; `.outOfMemory` when there is not enough.
    func allocate(_ bytes: Int) throws(CUDAError) -> CUdeviceptr
    /// Frees device memory.
    func free(_ pointer: CUdeviceptr) throws(CUDAError)
    /// Free and total device memory in bytes.
    func memoryInfo() throws(CUDAError) -> (free: Int, total: Int)
    /// Copies host memory to the device, ordered on `stream`.
    func copyToDevice(_ destination: CUdeviceptr, from source: UnsafeRawPointer, bytes: Int, stream: CUstream?) throws(CUDAError)
    /// Copies device memory to the host, ordered on `stream`.
    func copyToHost(_ destination: UnsafeMutableRawPointer, from source: CUdeviceptr, bytes: Int, stream: CUstream?) throws(CUDAError)
    /// Copies device memory to device memory, ordered on `stream`.
    func copyOnDevice(_ destination: CUdeviceptr, from source: CUdeviceptr, bytes: Int, stream: CUstream?) throws(CUDAError)
    /// Sets `bytes` bytes to `value`, ordered on `stream`.
    func memset(_ destination: CUdeviceptr, value: UInt8, bytes: Int, stream: CUstream?) throws(CUDAError)
    /// Creates a stream that does not synchronise with the legacy default stream.
    func createStream() throws(CUDAError) -> CUstream
    /// Destroys a stream.
    func destroyStream(_ stream: CUstream) throws(CUDAError)
    /// Waits for everything queued on `stream`.
    func synchronize(_ stream: CUstream?) throws(CUDAError)
    /// Loads a CUBIN or PTX image into the current context.
    func loadModule(_ image: [UInt8]) throws(CUDAError) -> CUmodule
    /// Unloads a module.
    func unloadModule(_ module: CUmodule) throws(CUDAError)
    /// The kernel `name` (an `extern "C"` name) in `module`.
    func function(named name: String, in module: CUmodule) throws(CUDAError) -> CUfunction
    /// Queues a kernel launch on `stream`; `arguments` points to one pointer per kernel parameter.
    func launch(_ function: CUfunction, grid: LaunchConfiguration, stream: CUstream?,
                arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws(CUDAError)
    /// Creates an event for timing.
    func createEvent() throws(CUDAError) -> CUevent
    /// Records `event` on `stream`.
    func record(_ event: CUevent, on stream: CUstream?) throws(CUDAError)
    /// Milliseconds between two recorded events (waits for `end`).
    func elapsedMilliseconds(from start: CUevent, to end: CUevent) throws(CUDAError) -> Double
    /// Destroys an event.
    func destroyEvent(_ event: CUevent) throws(CUDAError)
}
