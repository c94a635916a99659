import Backends
import CCUDA
import CUDARuntime
import NumPyBackend

/// An n-dimensional array in GPU memory: the chunk type of the "cupy" backend.
///
/// Elements are stored contiguously in row-major order in a ``DeviceBuffer`` from the device's
/// caching pool, booleans as one byte. A `CuArray` is a value: operations return new arrays and
/// never change their inputs, so chunks can be shared between tasks (a reshape shares the
/// buffer). Every operation runs on a stream of its own (``CUDADevice/perform(_:)``) and is
/// complete when it returns, so a chunk made on one worker thread can be read on another.
///
/// ```swift
/// let device = try CUDADevice.open()
/// let x = try CuArray(NDArray([1.0, 2.0, 3.0]), on: device)
/// let host = try x.toNDArray()
/// ```
public struct CuArray: Sendable {
    /// The device holding the elements.
    public let device: CUDADevice
    /// The device memory (at least `count * dtype.itemSize` bytes).
    public let buffer: DeviceBuffer
    /// The length of each axis.
    public let shape: [Int]
    /// The element type.
    public let dtype: DType

    /// The number of elements (1 for a 0-d array).
    public var count: Int { shape.reduce(1, *) }

    /// The number of axes.
    public var ndim: Int { shape.count }

    /// The device address of the first element.
    public var pointer: CUdeviceptr { buffer.pointer }

    /// The number of bytes the elements occupy.
    public var byteCount: Int { count * dtype.itemSize }

    /// Wraps a buffer holding `shape.reduce(1, *)` elements of `dtype`.
    package init(device: CUDADevice, buffer: DeviceBuffer, shape: [Int], dtype: DType) {
        self.device = device
        self.buffer = buffer
        self.shape = shape
        self.dtype = dtype
    }

    /// An array of `shape` whose elements the caller fills before publishing it.
    ///
    /// - Throws: ``ShapeError`` for an invalid shape, ``CUDAError`` `.outOfMemory`.
    package static func uninitialized(shape: [Int], dtype: DType, on device: CUDADevice) throws -> CuArray {
        try NDArray.checkShape(shape)
        let buffer = try device.memoryPool.allocate(shape.reduce(1, *) * dtype.itemSize)
        return CuArray(device: device, buffer: buffer, shape: shape, dtype: dtype)
    }

    /// A device copy of `host`.
    ///
    /// - Throws: ``CUDAError`` (out of memory, or a driver error).
    public init(_ host: NDArray, on device: CUDADevice) throws {
        let array = try CuArray.uninitialized(shape: host.shape, dtype: host.dtype, on: device)
        try device.perform { stream in
            try device.upload(UnsafeRawBufferPointer(start: host.storage.bytes, count: array.byteCount), to: array.buffer,
                              stream: stream)
        }
        self = array
    }

    /// A host copy of the elements.
    public func download() throws -> NDArray {
        let host = NDArray(uninitializedShape: shape, dtype: dtype)
        try device.perform { stream in
            try device.download(buffer, into: UnsafeMutableRawBufferPointer(start: host.storage.bytes, count: byteCount),
                                stream: stream)
        }
        return host
    }

    /// The same elements seen with another shape of the same count (no copy).
    package func sharing(shape: [Int]) -> CuArray { CuArray(device: device, buffer: buffer, shape: shape, dtype: dtype) }

    /// The same bytes seen as another dtype of the same width (`int64` ↔ `uint64`).
    package func reinterpreted(as other: DType) -> CuArray {
        CuArray(device: device, buffer: buffer, shape: shape, dtype: other)
    }
}

extension CuArray: CustomStringConvertible {
    /// The elements as NumPy prints them, prefixed with the device (small arrays are copied to
    /// the host to print; a failure to copy prints the shape only).
    public var description: String {
        let header = "cupy array on \(device.name), shape \(shape), \(dtype)"
        guard count <= 1_000, let host = try? download() else { return header }
        return header + "\n" + host.description
    }
}
