/// Host memory owned by one array: an aligned, uninitialised-then-filled byte buffer.
///
/// Storage is written only while its array is being built (by one task) and read-only after, which
/// is why it can be shared across threads.
public final class ArrayStorage: @unchecked Sendable {
    // @unchecked: the buffer is mutated only before the storage is published to other threads.

    /// The start of the bytes.
    public let bytes: UnsafeMutableRawPointer

    /// The number of bytes.
    public let byteCount: Int

    /// Allocates `byteCount` bytes, 64-byte aligned (contents undefined).
    public init(byteCount: Int) {
        self.byteCount = byteCount
        bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
    }

    /// Allocates `byteCount` zeroed bytes.
    public convenience init(zeroedByteCount byteCount: Int) {
        self.init(byteCount: byteCount)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit { bytes.deallocate() }
}
