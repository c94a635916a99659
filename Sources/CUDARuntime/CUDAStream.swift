import CCUDA
import Synchronization

/// A CUDA stream with the cuBLAS handle bound to it, held by one operation at a time.
///
/// Streams come from their device's pool (``CUDADevice/perform(_:)``): an operation takes one,
/// queues its copies and kernels on it, waits for them and gives it back, so each worker thread
/// that runs GPU work has a stream of its own while it does, and their work overlaps on the GPU.
public final class CUDAStream: @unchecked Sendable {
    // @unchecked: a stream is used by one thread at a time (the pool hands it out exclusively);
    // the handles are the driver's.

    /// The driver's handle.
    package let handle: CUstream
    /// The cuBLAS handle bound to this stream, made on first use.
    package var blasHandle: cublasHandle_t?
    /// Buffers that queued work reads or writes, kept alive until the stream is synchronised.
    private var held: [DeviceBuffer] = []

    /// Keeps `buffer` alive until the work queued so far has finished (for temporaries that
    /// would otherwise return to the pool, and be reused, while a kernel still uses them).
    public func hold(_ buffer: DeviceBuffer) { held.append(buffer) }

    /// Drops the buffers held for completed work.
    func releaseHeld() { held.removeAll(keepingCapacity: true) }

    init(handle: CUstream) { self.handle = handle }
}

/// The streams of one device, reused so that their number stays at the most used at once.
final class StreamPool: Sendable {
    private let driver: any CUDADriverAPI
    private let idle = Mutex<[CUDAStream]>([])
    private let created = Atomic<Int>(0)

    init(driver: any CUDADriverAPI) { self.driver = driver }

    /// The number of streams made so far.
    var count: Int { created.load(ordering: .relaxed) }

    /// An idle stream, or a new one (the device's context must be current).
    func take() throws(CUDAError) -> CUDAStream {
        if let stream = idle.withLock({ $0.popLast() }) { return stream }
        let stream = CUDAStream(handle: try driver.createStream())
        created.add(1, ordering: .relaxed)
        return stream
    }

    /// Returns a stream whose work is complete.
    func give(_ stream: CUDAStream) { idle.withLock { $0.append(stream) } }
}
