#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The bytes of one stream: a window into the file (uncompressed files) or decompressed memory
/// this object owns.
final class ORCBuffer: @unchecked Sendable {
    // @unchecked: the bytes are never written after the object is made.

    /// The bytes.
    let bytes: UnsafeRawBufferPointer
    private let owned: UnsafeMutableRawPointer?
    /// What keeps a window's memory alive.
    private let file: ParquetFileBytes?

    /// A window into `file`.
    init(window: UnsafeRawBufferPointer, file: ParquetFileBytes) {
        bytes = window
        owned = nil
        self.file = file
    }

    /// Memory from `malloc`, freed with the object.
    init(malloced pointer: UnsafeMutableRawPointer?, count: Int) {
        bytes = UnsafeRawBufferPointer(start: pointer, count: count)
        owned = pointer
        file = nil
    }

    deinit { free(owned) }
}
