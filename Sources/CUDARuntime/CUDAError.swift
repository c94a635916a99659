/// An error from the CUDA driver, NVRTC or cuBLAS, or from finding them.
///
/// Every status a CUDA library returns becomes one of these, with the call that failed, the raw
/// status, its name (`CUDA_ERROR_OUT_OF_MEMORY`) and the library's message. ``isUnavailable`` tells
/// the errors that mean "no usable GPU here" (no driver, no device, a driver too old, no NVRTC)
/// from failures of a working GPU.
public struct CUDAError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Equatable {
        /// The driver library (libcuda.so.1) could not be loaded.
        case driverNotFound
        /// The driver loaded but reports no CUDA device.
        case noDevice
        /// The driver is older than Tessera needs, or lacks an entry point it uses.
        case driverTooOld
        /// NVRTC (libnvrtc.so) could not be loaded.
        case nvrtcNotFound
        /// A device allocation failed for lack of memory, after the memory pool gave back its cache.
        case outOfMemory
        /// A kernel did not compile.
        case compilation
        /// Any other driver status.
        case driver
        /// Any other NVRTC status.
        case nvrtc
        /// A cuBLAS status.
        case cublas
        /// An argument Tessera itself rejects before calling CUDA (a launch that is too large).
        case invalidArgument
    }

    /// What kind of failure this is.
    public var code: Code
    /// The call that failed, for example `cuMemAlloc_v2`.
    public var call: String
    /// The raw status the library returned (0 when none did).
    public var status: Int32
    /// The status's name, for example `CUDA_ERROR_OUT_OF_MEMORY`.
    public var name: String
    /// The library's message, or Tessera's.
    public var message: String

    /// Makes an error.
    public init(code: Code, call: String, status: Int32 = 0, name: String = "", message: String) {
        self.code = code
        self.call = call
        self.status = status
        self.name = name
        self.message = message
    }

    /// Whether the error means that no usable GPU is present (as opposed to a GPU that failed).
    public var isUnavailable: Bool {
        switch code {
        case .driverNotFound, .noDevice, .driverTooOld, .nvrtcNotFound: true
        default: false
        }
    }

    /// A sentence naming the call, the status and what to do.
    public var description: String {
        let status = name.isEmpty ? "" : " \(name) (\(self.status))"
        switch code {
        case .driverNotFound:
            return "no CUDA driver (libcuda.so.1) was found: \(message). Install the NVIDIA driver on a machine with a "
                + "GPU, or set cuda.libcuda (TESSERA_CUDA__LIBCUDA) to the library's path"
        case .noDevice:
            return "no CUDA device is available: \(call) returned\(status): \(message)"
        case .driverTooOld:
            return "the CUDA driver is too old: \(message)"
        case .nvrtcNotFound:
            return "NVRTC (libnvrtc.so), which compiles the GPU kernels, was not found: \(message). Install the CUDA "
                + "toolkit or the nvidia-cuda-nvrtc wheel, or set cuda.libnvrtc (TESSERA_CUDA__LIBNVRTC) to its path"
        case .outOfMemory:
            return "the GPU is out of memory: \(call) returned\(status): \(message)"
        case .compilation:
            return "a GPU kernel did not compile (\(call)): \(message)"
        case .driver, .nvrtc, .cublas:
            return "\(call) failed with\(status): \(message)"
        case .invalidArgument:
            return "\(call): \(message)"
        }
    }
}
