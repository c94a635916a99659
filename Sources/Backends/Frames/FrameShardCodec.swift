/// A simple binary columnar layout of a host ``DataFrame``, for shuffle shards spilled to disk.
///
/// All integers are little-endian. A frame is:
///
/// | field | bytes |
/// | --- | --- |
/// | magic `TSHD`, version `1` | 4 + 4 |
/// | row count, column count | 8 + 8 |
/// | per column: name (length + UTF-8), type, validity, storage | … |
///
/// A type is a tag byte (0 numeric, 1 string, 2 timestamp, 3 date, 4 categorical) followed, for
/// numbers, by the dtype name and, for timestamps, by the unit and the optional time zone (each a
/// length-prefixed string; a time zone length of -1 means none). Validity is a flag byte, then the
/// bitmap's words when set. Storage is the raw buffer: fixed-width values (byte length + bytes),
/// strings as `count + 1` offsets and the bytes, categoricals as their codes and categories.
/// Buffers are copied verbatim, so a frame reads back bit for bit.
public enum FrameShardCodec {
    private static let magic: [UInt8] = Array("TSHD".utf8)
    private static let version: UInt32 = 1

    /// The frame's bytes in this layout.
    public static func encode(_ frame: DataFrame) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes.append(contentsOf: magic)
        writer.append(version)
        writer.append(Int64(frame.rowCount))
        writer.append(Int64(frame.columns.count))
        for series in frame.columns {
            writer.append(series.name)
            let column = series.column
            switch column.type {
            case let .numeric(dtype):
                writer.bytes.append(0)
                writer.append(dtype.rawValue)
            case .string: writer.bytes.append(1)
            case let .timestamp(unit, zone):
                writer.bytes.append(2)
                writer.append(unit.rawValue)
                if let zone { writer.append(zone) } else { writer.append(Int64(-1)) }
            case .date: writer.bytes.append(3)
            case .categorical: writer.bytes.append(4)
            }
            if let validity = column.validity {
                writer.bytes.append(1)
                writer.append(words: validity.words)
            } else {
                writer.bytes.append(0)
            }
            switch column.storage {
            case let .fixedWidth(values): writer.append(array: values)
            case let .strings(buffer): writer.append(strings: buffer)
            case let .dictionary(codes, categories):
                writer.append(array: codes)
                writer.append(strings: categories)
            }
        }
        return writer.bytes
    }

    /// The frame stored in `bytes`.
    ///
    /// - Throws: ``FrameError/invalidColumn(_:)`` when the bytes are not a frame in this layout
    ///   (truncated, another version, inconsistent lengths).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> DataFrame {
        var reader = ByteReader(bytes: bytes)
        guard try reader.take(4) == magic else { throw .invalidColumn("not a Tessera shard (bad magic)") }
        guard try reader.read(UInt32.self) == version else { throw .invalidColumn("unsupported shard version") }
        let rowCount = try reader.count()
        let columnCount = try reader.count()
        var columns: [Series] = []
        for _ in 0..<columnCount {
            let name = try reader.string()
            let type: ColumnType
            switch try reader.read(UInt8.self) {
            case 0:
                let text = try reader.string()
                guard let dtype = DType(rawValue: text) else { throw .invalidColumn("unknown dtype \(text) in a shard") }
                type = .numeric(dtype)
            case 1: type = .string
            case 2:
                let unitText = try reader.string()
                guard let unit = ColumnType.TimeUnit(rawValue: unitText) else { throw .invalidColumn("unknown time unit \(unitText)") }
                type = .timestamp(unit, timeZone: try reader.optionalString())
            case 3: type = .date
            case 4: type = .categorical
            default: throw .invalidColumn("unknown column type tag in a shard")
            }
            var validity: ValidityBitmap? = nil
            if try reader.read(UInt8.self) == 1 { validity = try ValidityBitmap(words: try reader.words(), count: rowCount) }
            let storage: Column.Storage
            switch type {
            case .string: storage = .strings(try reader.strings())
            case .categorical:
                let codes = try reader.array(dtype: .int32)
                storage = .dictionary(codes: codes, categories: try reader.strings())
            default:
                storage = .fixedWidth(try reader.array(dtype: type.storageDType ?? .float64))
            }
            let column = try Column(type: type, storage: storage, validity: validity)
            guard column.count == rowCount else {
                throw .invalidColumn("shard column '\(name)' has \(column.count) rows, the frame \(rowCount)")
            }
            columns.append(Series(name: name, column: column))
        }
        return try DataFrame(columns: columns)
    }
}

private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            append(Int64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func append(words: [UInt64]) {
        append(Int64(words.count))
        for word in words { append(word) }
    }

    mutating func append(array: NDArray) {
        let byteCount = array.count * array.dtype.itemSize
        append(Int64(byteCount))
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: array.storage.bytes, count: byteCount))
    }

    mutating func append(strings: StringBuffer) {
        append(Int64(strings.offsets.count))
        strings.offsets.withUnsafeBytes { bytes.append(contentsOf: $0) }
        append(Int64(strings.bytes.count))
        bytes.append(contentsOf: strings.bytes)
    }
}

private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func take(_ count: Int) throws(FrameError) -> [UInt8] {
        guard count >= 0, count <= bytes.count - position else { throw .invalidColumn("a shard is truncated") }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(FrameError) -> T {
        guard MemoryLayout<T>.size <= bytes.count - position else { throw .invalidColumn("a shard is truncated") }
        defer { position += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    mutating func count() throws(FrameError) -> Int {
        let value = try read(Int64.self)
        guard value >= 0, value <= Int64(bytes.count) * 8 + 64 else { throw .invalidColumn("a shard has an impossible length") }
        return Int(value)
    }

    mutating func string() throws(FrameError) -> String {
        String(decoding: try take(try count()), as: UTF8.self)
    }

    mutating func optionalString() throws(FrameError) -> String? {
        let length = try read(Int64.self)
        if length < 0 { return nil }
        guard length <= Int64(bytes.count - position) else { throw .invalidColumn("a shard is truncated") }
        return String(decoding: try take(Int(length)), as: UTF8.self)
    }

    mutating func words() throws(FrameError) -> [UInt64] {
        let count = try count()
        guard count <= (bytes.count - position) / 8 else { throw .invalidColumn("a shard is truncated") }
        var words: [UInt64] = []
        words.reserveCapacity(count)
        for _ in 0..<count { words.append(try read(UInt64.self)) }
        return words
    }

    mutating func array(dtype: DType) throws(FrameError) -> NDArray {
        let byteCount = try count()
        guard byteCount <= bytes.count - position else { throw .invalidColumn("a shard is truncated") }
        guard byteCount % dtype.itemSize == 0 else { throw .invalidColumn("a shard buffer does not hold whole \(dtype) values") }
        let array = NDArray(uninitializedShape: [byteCount / dtype.itemSize], dtype: dtype)
        if byteCount > 0, let base = bytes.baseAddress {
            array.storage.bytes.copyMemory(from: base + position, byteCount: byteCount)
        }
        position += byteCount
        return array
    }

    mutating func strings() throws(FrameError) -> StringBuffer {
        let offsetCount = try count()
        guard offsetCount >= 1, offsetCount <= (bytes.count - position) / 8 else { throw .invalidColumn("a shard is truncated") }
        var offsets = [Int64](repeating: 0, count: offsetCount)
        offsets.withUnsafeMutableBytes { target in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + offsetCount * 8)]))
        }
        position += offsetCount * 8
        for index in offsets.indices { offsets[index] = Int64(littleEndian: offsets[index]) }
        let data = try take(try count())
        return try StringBuffer(offsets: offsets, bytes: data)
    }
}
