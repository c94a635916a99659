import CCUDA
import Synchronization

/// A caching allocator for device memory, as CuPy's: freed blocks are kept in bins by size and
/// handed out again, so a computation that allocates chunk after chunk of the same shape calls
/// `cuMemAlloc` only for its first few.
///
/// Sizes are rounded up (to 512 bytes below 1 MiB, to whole MiB above), so a bin serves every
/// request that rounds to it. When the driver reports that the device is out of memory, the pool
/// frees every cached block and tries once more; if that fails too, the allocation throws
/// ``CUDAError`` `.outOfMemory` naming the request and the pool's and device's usage. Cached bytes
/// beyond ``cacheLimit`` are given back to the driver as blocks are released.
public final class DeviceMemoryPool: Sendable {
    /// What the pool has done so far.
    public struct Statistics: Sendable, Hashable {
        /// Bytes (rounded) in blocks that buffers hold now.
        public var bytesInUse = 0
        /// Bytes (rounded) in cached blocks, ready for reuse.
        public var bytesCached = 0
        /// The most bytes in use at once.
        public var peakBytesInUse = 0
        /// Blocks obtained from the driver (`cuMemAlloc`).
        public var driverAllocations = 0
        /// Blocks given back to the driver (`cuMemFree`).
        public var driverFrees = 0
        /// Allocations served from the cache.
        public var cacheHits = 0
    }

    private struct State {
        var bins: [Int: [CUdeviceptr]] = [:]
        var statistics = Statistics()
    }

    private let driver: any CUDADriverAPI
    private let context: ContextHandle
    private let state = Mutex(State())

    /// The most bytes kept cached; released blocks beyond it are freed at once.
    public let cacheLimit: Int

    /// A pool allocating through `driver` in `context`.
    package init(driver: any CUDADriverAPI, context: ContextHandle, cacheLimit: Int = .max) {
        self.driver = driver
        self.context = context
        self.cacheLimit = cacheLimit
    }

    /// The size a request of `bytes` is served with.
    public static func roundedSize(_ bytes: Int) -> Int {
        guard bytes > 0 else { return 0 }
        let small = 512, large = 1 << 20
        if bytes < large { return (bytes + small - 1) / small * small }
        return (bytes + large - 1) / large * large
    }

    /// The pool's counters now.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// A buffer of at least `bytes` bytes (contents undefined).
    ///
    /// - Throws: ``CUDAError`` `.outOfMemory` when the device cannot hold it even after the cache
    ///   is emptied, or another driver error.
    public func allocate(_ bytes: Int) throws(CUDAError) -> DeviceBuffer {
        guard bytes >= 0 else {
            throw CUDAError(code: .invalidArgument, call: "DeviceMemoryPool.allocate", message: "a negative size (\(bytes) bytes)")
        }
        let size = Self.roundedSize(bytes)
        if size == 0 { return DeviceBuffer(pointer: 0, byteCount: 0, capacity: 0, pool: self) }
        let reused: CUdeviceptr? = state.withLock { state in
            guard let pointer = state.bins[size]?.popLast() else { return nil }
            state.statistics.bytesCached -= size
            state.statistics.cacheHits += 1
            state.statistics.bytesInUse += size
            state.statistics.peakBytesInUse = max(state.statistics.peakBytesInUse, state.statistics.bytesInUse)
            return pointer
        }
        if let reused { return DeviceBuffer(pointer: reused, byteCount: bytes, capacity: size, pool: self) }
        try driver.setCurrent(context.raw)
        let pointer: CUdeviceptr
        do throws(CUDAError) {
            pointer = try driver.allocate(size)
        } catch where error.code == .outOfMemory {
            try releaseCache()
            do throws(CUDAError) {
                pointer = try driver.allocate(size)
            } catch where error.code == .outOfMemory {
                let stats = statistics
                let device = (try? driver.memoryInfo()).map { " (the device has \($0.free) of \($0.total) bytes free)" } ?? ""
                throw CUDAError(code: .outOfMemory, call: error.call, status: error.status, name: error.name,
                                message: "could not allocate \(bytes) bytes; Tessera's arrays hold \(stats.bytesInUse) bytes"
                                    + device + ". Use smaller chunks, or fewer workers")
            }
        }
        state.withLock { state in
            state.statistics.driverAllocations += 1
            state.statistics.bytesInUse += size
            state.statistics.peakBytesInUse = max(state.statistics.peakBytesInUse, state.statistics.bytesInUse)
        }
        return DeviceBuffer(pointer: pointer, byteCount: bytes, capacity: size, pool: self)
    }

    /// Takes back a block from a buffer that is gone: cached, or freed if the cache is full.
    func release(_ pointer: CUdeviceptr, capacity: Int) {
        guard capacity > 0 else { return }
        let keep: Bool = state.withLock { state in
            state.statistics.bytesInUse -= capacity
            guard state.statistics.bytesCached + capacity <= cacheLimit else { return false }
            state.bins[capacity, default: []].append(pointer)
            state.statistics.bytesCached += capacity
            return true
        }
        if !keep {
            // A free that fails here (a context already torn down at exit) has nowhere to be reported.
            if (try? driver.setCurrent(context.raw)) != nil, (try? driver.free(pointer)) != nil {
                state.withLock { $0.statistics.driverFrees += 1 }
            }
        }
    }

    /// Gives every cached block back to the driver.
    public func releaseCache() throws(CUDAError) {
        let cached: [CUdeviceptr] = state.withLock { state in
            let all = state.bins.values.flatMap { $0 }
            state.bins = [:]
            state.statistics.bytesCached = 0
            return all
        }
        guard !cached.isEmpty else { return }
        try driver.setCurrent(context.raw)
        for pointer in cached {
            try driver.free(pointer)
            state.withLock { $0.statistics.driverFrees += 1 }
        }
    }
}

/// Device memory held by one array: returned to its pool when the last reference goes.
public final class DeviceBuffer: Sendable {
    /// The device address (0 for an empty buffer).
    public let pointer: CUdeviceptr
    /// The bytes asked for.
    public let byteCount: Int
    /// The bytes reserved (the pool's rounded size).
    public let capacity: Int
    private let pool: DeviceMemoryPool

    init(pointer: CUdeviceptr, byteCount: Int, capacity: Int, pool: DeviceMemoryPool) {
        self.pointer = pointer
        self.byteCount = byteCount
        self.capacity = capacity
        self.pool = pool
    }

    deinit { pool.release(pointer, capacity: capacity) }
}

/// A driver context handle that may be shared between threads (the driver API is thread-safe;
/// each thread makes the context current before using it).
package struct ContextHandle: @unchecked Sendable {
    /// The driver's handle.
    package let raw: CUcontext
    /// Wraps `raw`.
    package init(_ raw: CUcontext) { self.raw = raw }
}
