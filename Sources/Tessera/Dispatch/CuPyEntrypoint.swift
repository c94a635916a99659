import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend

/// The built-in "cupy" array backend: chunks are ``CuArray``s in GPU memory, computed by CUDA
/// kernels that NVRTC compiles at first use (docs/gpu.md).
///
/// It is made the first time the label is used. Without a usable GPU (no driver, no device, a
/// driver older than CUDA 12, no NVRTC) selecting it throws
/// ``BackendError/unavailable(backend:reason:)`` with the reason, when the collection is created.
/// The libraries are found by the default search or by the configuration keys:
///
/// | key | environment | meaning |
/// | --- | --- | --- |
/// | `cuda.libcuda` | `TESSERA_CUDA__LIBCUDA` | the driver library's path |
/// | `cuda.libnvrtc` | `TESSERA_CUDA__LIBNVRTC` | NVRTC's path |
/// | `cuda.libcublas` | `TESSERA_CUDA__LIBCUBLAS` | cuBLAS's path, or `none` for Tessera's own matrix kernel |
/// | `cuda.device` | `TESSERA_CUDA__DEVICE` | the device ordinal (default 0) |
public struct CuPyEntrypoint: ArrayBackendEntrypoint {
    /// The label the backend is registered as.
    public static let label = "cupy"

    /// The GPU the backend's arrays live on.
    public let device: CUDADevice

    /// The meta chunk: an empty float64 array on the device.
    public let meta: CuArray

    /// The label the arrays it makes record ("cupy" for the built-in one).
    public let recordedLabel: String

    /// The backend on `device`, recording `label` in its arrays (register it under the same label).
    public init(device: CUDADevice, label: String = CuPyEntrypoint.label) throws {
        self.device = device
        recordedLabel = label
        meta = try CuArray(NDArray(zeros: [0]), on: device)
    }

    /// The library paths and device ordinal the configuration names now.
    static func configuredDevice() throws -> (CUDALibraryPaths, Int) {
        try Config.check()
        let paths = CUDALibraryPaths(driver: Config.get("cuda.libcuda")?.stringValue,
                                     nvrtc: Config.get("cuda.libnvrtc")?.stringValue,
                                     cublas: Config.get("cuda.libcublas")?.stringValue)
        let ordinal = Config.get("cuda.device")?.intValue ?? Config.get("cuda.device")?.stringValue.flatMap { Int($0) } ?? 0
        return (paths, ordinal)
    }

    /// Opens the configured GPU.
    ///
    /// - Throws: ``BackendError/unavailable(backend:reason:)`` naming what is missing.
    static func load() throws -> any ArrayBackendEntrypoint {
        let (paths, ordinal) = try configuredDevice()
        do {
            return try CuPyEntrypoint(device: CUDADevice.open(paths: paths, ordinal: ordinal))
        } catch let error as CUDAError {
            throw BackendError.unavailable(backend: label, reason: error.description + "; use \"numpy\" on this machine")
        }
    }

    /// Ones.
    public func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try constant(.int(1), shape: shape, dtype: dtype, chunks: chunks, name: "ones")
    }

    /// Zeros.
    public func zeros(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try constant(.int(0), shape: shape, dtype: dtype, chunks: chunks, name: "zeros")
    }

    /// Zeros (NumPy leaves `empty` unspecified; zeros make results reproducible).
    public func empty(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try constant(.int(0), shape: shape, dtype: dtype, chunks: chunks, name: "empty")
    }

    /// `fillValue` everywhere.
    public func full(shape: [Int], fillValue: ScalarValue, dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try constant(fillValue, shape: shape, dtype: dtype, chunks: chunks, name: "full")
    }

    /// `start + i * step`, computed on the device block by block.
    public func arange(start: ScalarValue, stop: ScalarValue, step: ScalarValue, dtype: DType, chunks: ChunkSpec) throws
        -> ChunkedArray {
        let length = try NumPyEntrypoint.arangeLength(start: start, stop: stop, step: step)
        let config = try Config.resolved()
        let blocks = try chunks.resolve(shape: [length], dtype: dtype, limitBytes: config.chunkSizeBytes)
        let integral = [start, stop, step].allSatisfy { if case .double = $0 { false } else { true } }
        let (first, increment) = integral ? (start, step) : (ScalarValue.double(start.doubleValue), ScalarValue.double(step.doubleValue))
        let device = self.device
        return ChunkedArray.generated(shape: [length], chunks: blocks, dtype: dtype,
                                      meta: ArrayMeta(backend: recordedLabel, chunk: meta), prefix: "arange") { block in
            try CuArray.arange(start: first, step: increment, first: block.offset[0], count: block.shape[0], dtype: dtype,
                               on: device)
        }
    }

    /// Counter-based random blocks filled on the device.
    public func randomSource() throws -> any RandomBlockSource { CuPyRandomSource(meta: meta) }

    /// Copies each block to the device.
    public func toBackend(_ array: ChunkedArray, label: String) throws -> ChunkedArray {
        array.converted(to: label, meta: meta)
    }

    /// An array of a constant, as a fusable expression with no inputs (its blocks are filled on
    /// the device only when something needs them materialised).
    private func constant(_ value: ScalarValue, shape: [Int], dtype: DType, chunks: ChunkSpec, name: String) throws
        -> ChunkedArray {
        let config = try Config.resolved()
        let blocks = try chunks.resolve(shape: shape, dtype: dtype, limitBytes: config.chunkSizeBytes)
        let meta = self.meta
        let fused = FusedElementwise(expression: .constant(value, dtype), inputs: [])
        return ChunkedArray.generated(shape: shape, chunks: blocks, dtype: dtype,
                                      meta: ArrayMeta(backend: recordedLabel, chunk: meta), prefix: name, fused: fused) { block in
            try meta.full(shape: block.shape, value: value, dtype: dtype)
        }
    }
}
