import Backends

/// The `ARROW:schema` key-value metadata pyarrow writes and reads: the frame's Arrow schema as
/// a base64 IPC schema message, so that pyarrow reads categoricals as dictionaries, time zones by
/// name and second timestamps in seconds, as pandas wrote them.
enum ParquetArrowSchema {
    /// The base64 text of the schema message for `schema`.
    static func encode(_ schema: Schema) -> String {
        var builder = FlatBufferBuilder()
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
