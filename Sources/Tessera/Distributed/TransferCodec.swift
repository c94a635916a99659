import Backends
import Foundation
import NumPyBackend

/// Encodes any task result that may cross ranks, tagged with its kind: array and dataframe chunks
/// (through ``ChunkCodec``), reduction partials, shuffle pieces (only the pieces the receiving
/// rank's tasks read), bytes, numbers, text and `()`.
enum TransferCodec {
    private enum Kind: UInt8 {
        case unit = 0, ndarray, dataFrame, partialValue, partialMoments, shuffleShards, bytes, double, int, string, bool, partialArg
    }

    /// The encoded form of `value`; for shuffle shards only `pieces` (all when `nil`).
    static func encode(_ value: any Sendable, pieces: [Int]? = nil) throws -> [UInt8] {
        var writer = ByteWriter()
        try encode(value, pieces: pieces, into: &writer)
        return writer.bytes
    }

    static func encode(_ value: any Sendable, pieces: [Int]?, into writer: inout ByteWriter) throws {
        switch value {
        case let array as NDArray:
            writer.write(Kind.ndarray.rawValue)
            try array.encode(into: &writer)
        case let chunk as any ArrayChunk:
            writer.write(Kind.ndarray.rawValue)
            try chunk.toNDArray().encode(into: &writer)
        case let frame as DataFrame:
            writer.write(Kind.dataFrame.rawValue)
            try frame.encode(into: &writer)
        case let chunk as any DataFrameChunk:
            writer.write(Kind.dataFrame.rawValue)
            try chunk.toHost().encode(into: &writer)
        case let partial as ReductionPartial:
            switch partial {
            case let .value(chunk):
                writer.write(Kind.partialValue.rawValue)
                try encode(chunk, pieces: nil, into: &writer)
            case let .moments(count, mean, m2):
                writer.write(Kind.partialMoments.rawValue)
                for part in [count, mean, m2] { try encode(part, pieces: nil, into: &writer) }
            case let .arg(values, indices):
                writer.write(Kind.partialArg.rawValue)
                for part in [values, indices] { try encode(part, pieces: nil, into: &writer) }
            }
        case let shards as ShuffleShards:
            writer.write(Kind.shuffleShards.rawValue)
            let selected = try shards.hostPieces(pieces ?? Array(0..<shards.count))
            writer.write(UInt64(shards.count))
            writer.write(UInt64(selected.count))
            for (index, frame) in selected {
                writer.write(UInt64(index))
                try frame.encode(into: &writer)
            }
        case let bytes as [UInt8]:
            writer.write(Kind.bytes.rawValue)
            writer.write(UInt64(bytes.count))
            bytes.withUnsafeBytes { writer.write($0) }
        case let number as Double:
            writer.write(Kind.double.rawValue)
            writer.write(number.bitPattern)
        case let number as Int:
            writer.write(Kind.int.rawValue)
            writer.write(Int64(number))
        case let text as String:
            writer.write(Kind.string.rawValue)
            writer.write(text)
        case let flag as Bool:
            writer.write(Kind.bool.rawValue)
            writer.write(UInt8(flag ? 1 : 0))
        case is Void:
            writer.write(Kind.unit.rawValue)
        default:
            throw ChunkCodecError.unsupported(String(describing: type(of: value)))
        }
    }

    /// Decodes a value written by ``encode(_:pieces:)``; the whole buffer must be used.
    static func decode(_ bytes: [UInt8]) throws -> any Sendable {
        var reader = ByteReader(bytes)
        let value = try decode(from: &reader)
        guard reader.remaining == 0 else { throw ChunkCodecError.malformed("\(reader.remaining) bytes after the value") }
        return value
    }

    static func decode(from reader: inout ByteReader) throws -> any Sendable {
        let raw = try reader.read(UInt8.self)
        guard let kind = Kind(rawValue: raw) else { throw ChunkCodecError.malformed("unknown value kind \(raw)") }
        switch kind {
        case .unit: return ()
        case .ndarray: return try NDArray.decode(from: &reader)
        case .dataFrame: return try DataFrame.decode(from: &reader)
        case .partialValue: return ReductionPartial.value(try arrayChunk(from: &reader))
        case .partialMoments:
            return ReductionPartial.moments(count: try arrayChunk(from: &reader), mean: try arrayChunk(from: &reader),
                                            m2: try arrayChunk(from: &reader))
        case .partialArg:
            return ReductionPartial.arg(values: try arrayChunk(from: &reader), indices: try arrayChunk(from: &reader))
        case .shuffleShards:
            let raw = try reader.read(UInt64.self)
            guard raw <= UInt64(Int32.max) else { throw ChunkCodecError.malformed("\(raw) shuffle pieces") }
            let count = Int(raw)
            let sent = try reader.readCount(unit: 9)
            var pieces: [Int: DataFrame] = [:]
            for _ in 0..<sent {
                let raw = try reader.read(UInt64.self)
                guard raw < UInt64(count) else { throw ChunkCodecError.malformed("shuffle piece \(raw) of \(count)") }
                let index = Int(raw)
                pieces[index] = try DataFrame.decode(from: &reader)
            }
            return ShuffleShards(received: pieces, count: count)
        case .bytes:
            let count = try reader.readCount()
            return try reader.read(bytes: count) { [UInt8]($0) }
        case .double: return Double(bitPattern: try reader.read(UInt64.self))
        case .int: return Int(try reader.read(Int64.self))
        case .string: return try reader.readString()
        case .bool: return try reader.read(UInt8.self) != 0
        }
    }

    private static func arrayChunk(from reader: inout ByteReader) throws -> any ArrayChunk {
        guard let chunk = try decode(from: &reader) as? NDArray else {
            throw ChunkCodecError.malformed("a reduction partial that is not an array")
        }
        return chunk
    }
}
