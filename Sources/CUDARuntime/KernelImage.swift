/// A GPU's compute capability, which kernels are compiled for (9.0 for the H100 and H200).
public struct GPUArchitecture: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version.
    public var major: Int
    /// The minor version.
    public var minor: Int

    /// Compute capability `major.minor`.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `10 * major + minor`, as NVRTC lists architectures (90 for 9.0).
    public var number: Int { 10 * major + minor }

    /// The real architecture, `sm_90`: CUBIN for exactly this GPU.
    public var smName: String { "sm_\(number)" }

    /// The virtual architecture, `compute_90`: PTX the driver compiles for any GPU at least this new.
    public var computeName: String { "compute_\(number)" }

    /// Hopper (H100, H200).
    public static let hopper = GPUArchitecture(major: 9, minor: 0)

    /// Orders by version.
    public static func < (a: GPUArchitecture, b: GPUArchitecture) -> Bool { a.number < b.number }

    /// `9.0`.
    public var description: String { "\(major).\(minor)" }
}

/// What a kernel module was compiled to.
public enum KernelImageFormat: String, Sendable, Hashable {
    /// Machine code for one real architecture (`sm_XY`): loads without the driver's JIT.
    case cubin
    /// PTX for a virtual architecture (`compute_XY`): the driver compiles it when it is loaded.
    case ptx
}

/// A compiled kernel module, ready for `cuModuleLoadData`.
public struct KernelImage: Sendable, Hashable {
    /// CUBIN or PTX.
    public var format: KernelImageFormat
    /// The architecture it was compiled for.
    public var architecture: GPUArchitecture
    /// The image (PTX ends with its NUL, as `cuModuleLoadData` expects).
    public var bytes: [UInt8]
    /// The compiler's log (warnings), possibly empty.
    public var log: String

    /// An image of `bytes`.
    public init(format: KernelImageFormat, architecture: GPUArchitecture, bytes: [UInt8], log: String = "") {
        self.format = format
        self.architecture = architecture
        self.bytes = bytes
        self.log = log
    }
}

/// CUDA C source of one kernel module and how to compile it.
///
/// The source is the cache key: two modules with the same text (and options) are compiled once.
public struct KernelSource: Sendable, Hashable {
    /// A short name for messages and NVRTC's program name, for example `elementwise`.
    public var name: String
    /// The CUDA C++ text; kernels are `extern "C"` so their names are not mangled.
    public var text: String
    /// The `extern "C"` kernels the module defines.
    public var kernels: [String]
    /// Extra NVRTC options (for example `--fmad=false`).
    public var options: [String]

    /// A module named `name` defining `kernels`.
    public init(name: String, text: String, kernels: [String], options: [String] = []) {
        self.name = name
        self.text = text
        self.kernels = kernels
        self.options = options
    }
}

/// Turns kernel sources into loadable images: NVRTC, or a substitute in tests.
package protocol KernelCompiler: Sendable {
    /// Compiles `source` for a device of `architecture`.
    func compile(_ source: KernelSource, for architecture: GPUArchitecture) throws(CUDAError) -> KernelImage
}
