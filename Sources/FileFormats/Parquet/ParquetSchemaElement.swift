/// One node of a file's schema tree (`SchemaElement` in parquet.thrift); the tree is stored
/// depth-first, groups giving their number of children.
struct ParquetSchemaElement: Sendable, Hashable {
    /// The physical type code of a leaf (`nil` for a group).
    var typeCode: Int32?
    var typeLength: Int32?
    var repetitionCode: Int32?
    var name: String
    var numChildren: Int32?
    var convertedTypeCode: Int32?
    var scale: Int32?
    var precision: Int32?
    var fieldID: Int32?
    var logicalType: ParquetLogicalType?

    init(name: String) { self.name = name }

    init(reading reader: inout ThriftCompactReader) throws(ParquetFormatError) {
        try reader.beginStruct()
        defer { reader.endStruct() }
        var name: String?
        var last: Int16 = 0
        self.name = ""
        while let (id, type) = try reader.readFieldHeader(lastID: &last) {
            switch id {
            case 1: typeCode = try reader.readI32(type)
            case 2: typeLength = try reader.readI32(type)
            case 3: repetitionCode = try reader.readI32(type)
            case 4: name = try reader.readString(type)
            case 5: numChildren = try reader.readI32(type)
            case 6: convertedTypeCode = try reader.readI32(type)
            case 7: scale = try reader.readI32(type)
            case 8: precision = try reader.readI32(type)
            case 9: fieldID = try reader.readI32(type)
            case 10: logicalType = try ParquetLogicalType(reading: &reader, type)
            default: try reader.skip(type)
            }
        }
        guard let name else { throw reader.error("a schema element has no name") }
        self.name = name
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.beginStruct()
        if let typeCode { writer.field(1, i32: typeCode) }
        if let typeLength { writer.field(2, i32: typeLength) }
        if let repetitionCode { writer.field(3, i32: repetitionCode) }
        writer.field(4, string: name)
        if let numChildren { writer.field(5, i32: numChildren) }
        if let convertedTypeCode { writer.field(6, i32: convertedTypeCode) }
        if let scale { writer.field(7, i32: scale) }
        if let precision { writer.field(8, i32: precision) }
        if let fieldID { writer.field(9, i32: fieldID) }
        logicalType?.write(to: &writer, field: 10)
        writer.endStruct()
    }

    var physicalType: ParquetPhysicalType? { typeCode.flatMap { ParquetPhysicalType(rawValue: $0) } }
    var repetition: ParquetRepetition? { repetitionCode.flatMap { ParquetRepetition(rawValue: $0) } }
    var convertedType: ParquetConvertedType? { convertedTypeCode.flatMap { ParquetConvertedType(rawValue: $0) } }
}
