/// Reads what a ``ByteWriter`` wrote; every read checks the length left.
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    /// The position of the next read.
    public private(set) var offset = 0

    /// A reader at the start of `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The number of bytes not read yet.
    public var remaining: Int { bytes.count - offset }

    /// Reads a little-endian integer.
    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw ChunkCodecError.truncated(needed: size, remaining: remaining) }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    /// Reads a non-negative count that must fit in what is left, `unit` bytes per item.
    public mutating func readCount(unit: Int = 1) throws -> Int {
        let raw = try read(UInt64.self)
        guard raw <= UInt64(Int.max), Int(raw).multipliedReportingOverflow(by: max(1, unit)).partialValue <= remaining,
              !Int(raw).multipliedReportingOverflow(by: max(1, unit)).overflow else {
            throw ChunkCodecError.malformed("a count of \(raw) items of \(unit) bytes with \(remaining) bytes left")
        }
        return Int(raw)
    }

    /// Reads `count` raw bytes and hands them to `body`.
    public mutating func read<R>(bytes count: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard count >= 0, remaining >= count else { throw ChunkCodecError.truncated(needed: count, remaining: remaining) }
        let start = offset
        offset += count
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }

    /// Reads a length-prefixed UTF-8 string.
    public mutating func readString() throws -> String {
        let count = try readCount()
        return try read(bytes: count) { String(decoding: $0, as: UTF8.self) }
    }
}
