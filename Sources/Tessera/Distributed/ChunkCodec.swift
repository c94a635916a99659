import Backends
import Foundation
import NumPyBackend

/// A chunk type that can travel between ranks: a compact binary form and back.
///
/// `NDArray` writes its dtype, shape and raw element bytes; a host `DataFrame` writes
/// ``FrameShardCodec``'s columnar layout. Chunks of other backends (a GPU array) travel through
/// their host form and are rebuilt by the receiving task's backend.
public protocol ChunkCodec: Sendable {
    /// Appends the value's binary form to `writer`.
    func encode(into writer: inout ByteWriter) throws
    /// Reads a value written by ``encode(into:)``.
    static func decode(from reader: inout ByteReader) throws -> Self
}

/// A growing little-endian byte buffer.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty buffer.
    public init() {}

    /// Appends an integer, little-endian.
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends raw bytes.
    public mutating func write(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    /// Appends a length-prefixed UTF-8 string.
    public mutating func write(_ text: String) {
        let utf8 = Array(text.utf8)
        write(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

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

/// A value that could not be encoded or decoded.
public enum ChunkCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data ended early.
    case truncated(needed: Int, remaining: Int)
    /// The data is not what the writer writes.
    case malformed(String)
    /// A task result of a type no codec handles.
    case unsupported(String)

    /// The message.
    public var description: String {
        switch self {
        case let .truncated(needed, remaining): "Chunk data ended early: needed \(needed) bytes, \(remaining) left."
        case let .malformed(what): "Malformed chunk data: \(what)."
        case let .unsupported(type): "A task result of type \(type) cannot be sent between ranks; only array and dataframe chunks, reduction partials, shuffle pieces, bytes and numbers can."
        }
    }
}

extension NDArray: ChunkCodec {
    /// dtype name, rank, extents, then the elements' bytes in row-major order.
    public func encode(into writer: inout ByteWriter) throws {
        writer.write(dtype.rawValue)
        writer.write(UInt64(shape.count))
        for extent in shape { writer.write(UInt64(extent)) }
        writer.write(UInt64(storage.byteCount))
        writer.write(UnsafeRawBufferPointer(start: storage.bytes, count: storage.byteCount))
    }

    /// Reads an array; the dtype, shape and byte count must agree.
    public static func decode(from reader: inout ByteReader) throws -> NDArray {
        let name = try reader.readString()
        guard let dtype = DType(rawValue: name) else { throw ChunkCodecError.malformed("unknown dtype \"\(name)\"") }
        let rank = try reader.readCount(unit: 8)
        var shape: [Int] = []
        var elements = 1
        for _ in 0..<rank {
            let extent = try reader.read(UInt64.self)
            guard extent <= UInt64(Int32.max) * 64 else { throw ChunkCodecError.malformed("an extent of \(extent)") }
            shape.append(Int(extent))
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(extent))
            guard !overflow else { throw ChunkCodecError.malformed("shape \(shape) overflows") }
            elements = product
        }
        let byteCount = try reader.readCount()
        guard byteCount == elements * dtype.itemSize else {
            throw ChunkCodecError.malformed("\(byteCount) bytes for shape \(shape) of \(dtype)")
        }
        let array = NDArray(uninitializedShape: shape, dtype: dtype)
        try reader.read(bytes: byteCount) { raw in
            if let base = raw.baseAddress { array.storage.bytes.copyMemory(from: base, byteCount: byteCount) }
        }
        return array
    }
}

extension DataFrame: ChunkCodec {
    /// ``FrameShardCodec``'s layout, length-prefixed.
    public func encode(into writer: inout ByteWriter) throws {
        let bytes = FrameShardCodec.encode(self)
        writer.write(UInt64(bytes.count))
        bytes.withUnsafeBytes { writer.write($0) }
    }

    /// Reads a frame.
    public static func decode(from reader: inout ByteReader) throws -> DataFrame {
        let count = try reader.readCount()
        return try reader.read(bytes: count) { try FrameShardCodec.decode($0) }
    }
}
