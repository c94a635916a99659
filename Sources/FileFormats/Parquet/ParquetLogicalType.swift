/// The logical type annotation of a schema element (`LogicalType` in parquet.thrift).
enum ParquetLogicalType: Sendable, Hashable {
    case string
    case map
    case list
    case enumeration
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(adjustedToUTC: Bool, unit: ParquetTimeUnit)
    case timestamp(adjustedToUTC: Bool, unit: ParquetTimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    case null
    case json
    case bson
    case uuid
    case float16
    /// A member this reader does not know (its field id).
    case other(Int16)

    /// Reads the `LogicalType` union.
    init(reading reader: inout ThriftCompactReader, _ type: ThriftCompactType) throws(ParquetFormatError) {
        var parsed: ParquetLogicalType?
        let member = try reader.readUnion(type) { id, fieldType, reader throws(ParquetFormatError) in
            switch id {
            case 5:
                try reader.beginStruct()
                defer { reader.endStruct() }
                var scale: Int32?, precision: Int32?
                var last: Int16 = 0
                while let (field, kind) = try reader.readFieldHeader(lastID: &last) {
                    switch field {
                    case 1: scale = try reader.readI32(kind)
                    case 2: precision = try reader.readI32(kind)
                    default: try reader.skip(kind)
                    }
                }
                guard let scale, let precision else { throw reader.error("DecimalType lacks its scale or precision") }
                parsed = .decimal(scale: scale, precision: precision)
                return true
            case 7, 8:
                try reader.beginStruct()
                defer { reader.endStruct() }
                var utc: Bool?, unit: ParquetTimeUnit?
                var last: Int16 = 0
                while let (field, kind) = try reader.readFieldHeader(lastID: &last) {
                    switch field {
                    case 1: utc = try reader.readBoolField(kind)
                    case 2: unit = try ParquetTimeUnit(reading: &reader, kind)
                    default: try reader.skip(kind)
                    }
                }
                guard let unit else { throw reader.error("a time or timestamp type lacks its unit") }
                parsed = id == 7 ? .time(adjustedToUTC: utc ?? false, unit: unit) : .timestamp(adjustedToUTC: utc ?? false, unit: unit)
                return true
            case 10:
                try reader.beginStruct()
                defer { reader.endStruct() }
                var width: Int8?, signed: Bool?
                var last: Int16 = 0
                while let (field, kind) = try reader.readFieldHeader(lastID: &last) {
                    switch field {
                    case 1:
                        let value = try reader.readInteger(kind)
                        guard let narrow = Int8(exactly: value) else { throw reader.error("bad integer bit width \(value)") }
                        width = narrow
                    case 2: signed = try reader.readBoolField(kind)
                    default: try reader.skip(kind)
                    }
                }
                guard let width, let signed else { throw reader.error("IntType lacks its bit width or signedness") }
                parsed = .integer(bitWidth: width, signed: signed)
                return true
            default:
                return false
            }
        }
        if let parsed {
            self = parsed
            return
        }
        switch member {
        case 1: self = .string
        case 2: self = .map
        case 3: self = .list
        case 4: self = .enumeration
        case 6: self = .date
        case 11: self = .null
        case 12: self = .json
        case 13: self = .bson
        case 14: self = .uuid
        case 15: self = .float16
        case let id?: self = .other(id)
        case nil: throw reader.error("an empty LogicalType union")
        }
    }

    func write(to writer: inout ThriftCompactWriter, field: Int16) {
        writer.beginStructField(field)
        switch self {
        case .string: writer.emptyStructField(1)
        case .map: writer.emptyStructField(2)
        case .list: writer.emptyStructField(3)
        case .enumeration: writer.emptyStructField(4)
        case let .decimal(scale, precision):
            writer.beginStructField(5)
            writer.field(1, i32: scale)
            writer.field(2, i32: precision)
            writer.endStruct()
        case .date: writer.emptyStructField(6)
        case let .time(utc, unit), let .timestamp(utc, unit):
            if case .time = self { writer.beginStructField(7) } else { writer.beginStructField(8) }
            writer.field(1, bool: utc)
            unit.write(to: &writer, field: 2)
            writer.endStruct()
        case let .integer(width, signed):
            writer.beginStructField(10)
            writer.field(1, byte: width)
            writer.field(2, bool: signed)
            writer.endStruct()
        case .null: writer.emptyStructField(11)
        case .json: writer.emptyStructField(12)
        case .bson: writer.emptyStructField(13)
        case .uuid: writer.emptyStructField(14)
        case .float16: writer.emptyStructField(15)
        case let .other(id): writer.emptyStructField(id)
        }
        writer.endStruct()
    }
}
