import Backends

/// The `ARROW:schema` key-value metadata pyarrow writes and reads: the frame's Arrow schema as
/// a base64 IPC schema message, so that pyarrow reads categoricals as dictionaries, time zones by
/// name and second timestamps in seconds, as pandas wrote them.
enum ParquetArrowSchema {
    /// The base64 text of the schema message for `schema`, carrying `metadata` (pyarrow keeps the
    /// pandas metadata there too).
    static func encode(_ schema: Schema, metadata: [ParquetKeyValue] = []) -> String {
        var builder = FlatBufferBuilder()
        var entries: [FlatBufferBuilder.Offset] = []
        for entry in metadata {
            let key = builder.string(entry.key)
            let value = builder.string(entry.value ?? "")
            builder.startTable()
            builder.add(0, offset: key)
            builder.add(1, offset: value)
            entries.append(builder.endTable())
        }
        let customMetadata = entries.isEmpty ? nil : builder.vector(entries)
        var fields: [FlatBufferBuilder.Offset] = []
        for (index, field) in schema.fields.enumerated() {
            // Type table first (children before parents).
            var typeCode: UInt8
            var dictionary: FlatBufferBuilder.Offset?
            let typeTable: FlatBufferBuilder.Offset
            switch field.type {
            case .numeric(.bool):
                typeCode = 6
                builder.startTable()
                typeTable = builder.endTable()
            case let .numeric(dtype) where dtype.isFloatingPoint:
                typeCode = 3
                builder.startTable()
                builder.add(0, Int16(dtype == .float32 ? 1 : 2))
                typeTable = builder.endTable()
            case let .numeric(dtype):
                typeCode = 2
                builder.startTable()
                builder.add(0, Int32(dtype.itemSize * 8))
                builder.add(1, UInt8(dtype.kind == .signedInteger ? 1 : 0))
                typeTable = builder.endTable()
            case .string, .categorical:
                typeCode = 5
                builder.startTable()
                typeTable = builder.endTable()
                if field.type == .categorical {
                    builder.startTable()
                    builder.add(0, Int32(32))
                    builder.add(1, UInt8(1))
                    let indexType = builder.endTable()
                    builder.startTable()
                    builder.add(0, Int64(index))
                    builder.add(1, offset: indexType)
                    builder.add(2, UInt8(0))
                    dictionary = builder.endTable()
                }
            case let .timestamp(unit, zone):
                typeCode = 10
                let zoneString = zone.map { builder.string($0) }
                builder.startTable()
                let code: Int16 = switch unit {
                case .s: 0
                case .ms: 1
                case .us: 2
                case .ns: 3
                }
                builder.add(0, code)
                if let zoneString { builder.add(1, offset: zoneString) }
                typeTable = builder.endTable()
            case .date:
                typeCode = 8
                builder.startTable()
                builder.add(0, Int16(0)) // DAY
                typeTable = builder.endTable()
            }
            let name = builder.string(field.name)
            let children = builder.vector([])
            builder.startTable()
            builder.add(0, offset: name)
            builder.add(1, UInt8(1)) // nullable
            builder.add(2, typeCode)
            builder.add(3, offset: typeTable)
            if let dictionary { builder.add(4, offset: dictionary) }
            builder.add(5, offset: children)
            fields.append(builder.endTable())
        }
        let fieldVector = builder.vector(fields)
        builder.startTable()
        builder.add(0, Int16(0)) // little-endian
        builder.add(1, offset: fieldVector)
        if let customMetadata { builder.add(2, offset: customMetadata) }
        let schemaTable = builder.endTable()
        builder.startTable()
        builder.add(0, Int16(4)) // MetadataVersion V5
        builder.add(1, UInt8(1)) // MessageHeader.Schema
        builder.add(2, offset: schemaTable)
        builder.add(3, Int64(0)) // bodyLength
        let message = builder.endTable()
        var flatbuffer = builder.finish(message)
        while flatbuffer.count % 8 != 0 { flatbuffer.append(0) }
        let length = UInt32(flatbuffer.count)
        var encapsulated: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        encapsulated += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        encapsulated += flatbuffer
        return base64(encapsulated)
    }

    /// What the Arrow schema says about one top-level field.
    struct Field: Sendable, Hashable {
        /// Whether the column is dictionary-encoded (a pandas categorical).
        var isDictionary: Bool
        /// The time zone of a timestamp column.
        var timeZone: String?
    }

    /// The fields of a base64 `ARROW:schema` value, by name; `nil` if it does not parse (it is
    /// only a hint: a file whose Arrow schema is malformed still reads).
    static func decode(_ text: String) -> [String: Field]? {
        guard var bytes = decodeBase64(text), bytes.count >= 8 else { return nil }
        // The IPC encapsulation: an optional continuation marker, then the message length.
        var start = 0
        if bytes[0] == 0xFF, bytes[1] == 0xFF, bytes[2] == 0xFF, bytes[3] == 0xFF { start = 4 }
        let length = Int(bytes[start]) | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2]) << 16 | Int(bytes[start + 3]) << 24
        guard length >= 0, length <= bytes.count - start - 4 else { return nil }
        bytes = Array(bytes[(start + 4)..<(start + 4 + length)])
        let reader = FlatBufferReader(bytes: bytes)
        guard let message = reader.root, reader.scalar(message, 1, default: UInt8(0)) == 1,
              let schema = reader.subtable(message, 2), let fields = reader.tables(schema, 1) else { return nil }
        var result: [String: Field] = [:]
        for field in fields {
            guard let name = reader.string(field, 0) else { continue }
            let typeCode = reader.scalar(field, 2, default: UInt8(0))
            var zone: String?
            if typeCode == 10, let type = reader.subtable(field, 3), let text = reader.string(type, 1), !text.isEmpty { zone = text }
            result[name] = Field(isDictionary: reader.field(field, 4) != nil, timeZone: zone)
        }
        return result
    }

    /// Decodes standard base64 (padding optional, whitespace ignored); `nil` if invalid.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "): continue
            default: return nil
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 1 < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var accumulator: UInt32 = 0
            for (position, value) in chunk.enumerated() { accumulator |= UInt32(value) << UInt32(18 - 6 * position) }
            output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
            if chunk.count > 2 { output.append(UInt8(truncatingIfNeeded: accumulator >> 8)) }
            if chunk.count > 3 { output.append(UInt8(truncatingIfNeeded: accumulator)) }
            index += 4
        }
        return output
    }

    /// Standard base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let a = UInt32(bytes[index])
            let b = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let c = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = a << 16 | b << 8 | c
            output.append(alphabet[Int(triple >> 18 & 63)])
            output.append(alphabet[Int(triple >> 12 & 63)])
            output.append(index + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
