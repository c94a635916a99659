#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable run of bytes in manually managed memory: a string column's bytes, or scratch space.
///
/// A plain struct of a pointer and two counts so that the parser can keep many of them in unsafe
/// memory and append without reference counting or exclusivity checks; ``release()`` frees it.
/// At least ``slack`` bytes past ``count`` are always allocated, so a writer may store a whole
/// eight-byte word at the end before deciding how much of it counts.
struct JSONByteBuffer {
    /// Bytes always writable past `count`.
    static let slack = 16

    /// The bytes (`nil` until the first reservation).
    private(set) var base: UnsafeMutablePointer<UInt8>?
    /// The number of bytes in use.
    var count = 0
    /// The number of bytes allocated, less ``slack``.
    private(set) var capacity = 0

    /// An empty buffer.
    init() {}

    /// Makes room for `extra` more bytes past `count`.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2, 256)
        guard let raw = realloc(base, newCapacity + Self.slack) else {
            fatalError("Out of memory reading JSON (\(newCapacity) bytes).")
        }
        base = raw.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
    }

    /// The first free byte (valid after a ``reserve(_:)`` of at least one byte).
    @inline(__always)
    var tail: UnsafeMutablePointer<UInt8> {
        // `reserve` always runs first, so `base` is set.
        base.unsafelyUnwrapped + count
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        tail.pointee = byte
        count += 1
    }

    /// Appends `length` bytes from `source`.
    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, _ length: Int) {
        guard length > 0 else { return }
        reserve(length)
        tail.update(from: source, count: length)
        count += length
    }

    /// Appends the UTF-8 bytes of an ASCII string literal.
    mutating func append(_ text: StaticString) {
        append(text.utf8Start, text.utf8CodeUnitCount)
    }

    /// The bytes in use.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Frees the memory.
    mutating func release() {
        free(base)
        base = nil
        count = 0
        capacity = 0
    }
}
