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
