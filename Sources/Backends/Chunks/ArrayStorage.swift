#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Host memory owned by one array: an aligned, uninitialised-then-filled byte buffer.
///
/// Storage is written only while its array is being built (by one task) and read-only after, which
/// is why it can be shared across threads. Buffers of 1 MiB or more are mapped directly from the
/// operating system and given back when freed (through a small cache of recently freed buffers, so
/// a chunk-sized buffer is reused without new page faults), which keeps the resident memory of a
/// long computation close to the chunks actually alive.
public final class ArrayStorage: @unchecked Sendable {
    // @unchecked: the buffer is mutated only before the storage is published to other threads.

    /// The start of the bytes.
    public let bytes: UnsafeMutableRawPointer

    /// The number of bytes.
    public let byteCount: Int

    private let mappedLength: Int

    /// The storage this one is a window into, kept alive by the window; `nil` for owned bytes.
    private let parent: ArrayStorage?

    /// Allocates `byteCount` bytes, 64-byte aligned (contents undefined).
    public init(byteCount: Int) {
        self.byteCount = byteCount
        if let (pointer, length) = LargeBufferPool.shared.allocate(byteCount) {
            bytes = pointer
            mappedLength = length
        } else {
            bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
            mappedLength = 0
        }
        parent = nil
    }

    /// A window of `byteCount` bytes at `byteOffset` into `parent`, sharing its memory: no copy,
    /// and `parent` stays alive as long as the window does (as a NumPy view keeps its base).
    ///
    /// Storage is read-only once published, so a window is only ever read. Returns `nil` when the
    /// range does not lie inside `parent`.
    package init?(viewing parent: ArrayStorage, byteOffset: Int, byteCount: Int) {
        guard byteOffset >= 0, byteCount >= 0, byteOffset <= parent.byteCount - byteCount else { return nil }
        bytes = parent.bytes + byteOffset
        self.byteCount = byteCount
        mappedLength = 0
        self.parent = parent.parent ?? parent
    }

    /// Allocates `byteCount` zeroed bytes.
    public convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit {
        if parent != nil {
            return  // a window: the parent owns the bytes
        } else if mappedLength > 0 {
            LargeBufferPool.shared.release(bytes, length: mappedLength)
        } else {
            bytes.deallocate()
        }
    }
}

/// Page-mapped buffers for large arrays, with a bounded cache of freed ones for reuse.
final class LargeBufferPool: Sendable {
    static let shared = LargeBufferPool()

    /// Buffers smaller than this come from the ordinary allocator.
    static let threshold = 1 << 20
    /// The most bytes kept cached (not in use) at once: room for a few blocks of the default
    /// 128 MiB chunk size, so two workers each freeing one and making the next reuse both.
    static let cacheLimit = 512 << 20

    private struct Cached { let address: UInt; let length: Int }
    private let cache = Mutex<(buffers: [Cached], bytes: Int)>(([], 0))

    /// A buffer of at least `byteCount` bytes and its mapped length, or nil below the threshold.
    func allocate(_ byteCount: Int) -> (UnsafeMutableRawPointer, Int)? {
        #if canImport(Glibc)
        guard byteCount >= Self.threshold else { return nil }
        let page = 4096
        let length = (byteCount + page - 1) / page * page
        // The smallest cached buffer that holds the bytes with at most a quarter to spare: blocks
        // of one size reuse each other exactly, and partitions whose sizes differ by a few rows
        // (a shuffle's outputs) still find one, instead of filling the cache with buffers that
        // never match.
        let reused: Cached? = cache.withLock { state in
            var best: Int?
            for (index, buffer) in state.buffers.enumerated()
            where buffer.length >= length && buffer.length <= length + length / 4
                && (best.map { buffer.length < state.buffers[$0].length } ?? true) {
                best = index
            }
            guard let best else { return nil }
            let buffer = state.buffers.remove(at: best)
            state.bytes -= buffer.length
            return buffer
        }
        if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused.address) { return (pointer, reused.length) }
        let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { return nil }
        return (mapped, length)
        #else
        return nil
        #endif
    }

    /// Returns a buffer: cached for reuse if there is room, unmapped otherwise.
    func release(_ pointer: UnsafeMutableRawPointer, length: Int) {
        #if canImport(Glibc)
        let address = UInt(bitPattern: pointer)
        let evicted: [Cached] = cache.withLock { state in
            state.buffers.append(Cached(address: address, length: length))
            state.bytes += length
            var evicted: [Cached] = []
            while state.bytes > Self.cacheLimit, !state.buffers.isEmpty {
                let oldest = state.buffers.removeFirst()
                state.bytes -= oldest.length
                evicted.append(oldest)
            }
            return evicted
        }
        for buffer in evicted {
            if let pointer = UnsafeMutableRawPointer(bitPattern: buffer.address) { munmap(pointer, buffer.length) }
        }
        #endif
    }
}
