/// A file's footer (`FileMetaData`): its schema, row groups and key-value metadata.
struct ParquetFileMetaData: Sendable, Hashable {
    var version: Int32 = 1
    var schema: [ParquetSchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [ParquetRowGroup] = []
    var keyValueMetadata: [ParquetKeyValue]?
    var createdBy: String?
    /// Per leaf column: whether its statistics use the type-defined order (`TYPE_ORDER`); `nil`
    /// when the file gives no column orders.
    var typeDefinedOrder: [Bool]?
    /// Whether the footer says the file is encrypted (an encryption algorithm is set).
    var isEncrypted = false

    init() {}

    init(reading reader: inout ThriftCompactReader) throws(ParquetFormatError) {
        try reader.beginStruct()
        defer { reader.endStruct() }
        var seen = Set<Int16>()
        var last: Int16 = 0
        while let (id, type) = try reader.readFieldHeader(lastID: &last) {
            seen.insert(id)
            switch id {
            case 1: version = try reader.readI32(type)
            case 2: schema = try reader.readStructList(type) { reader throws(ParquetFormatError) in try ParquetSchemaElement(reading: &reader) }
            case 3: numRows = try reader.readI64(type)
            case 4: rowGroups = try reader.readStructList(type) { reader throws(ParquetFormatError) in try ParquetRowGroup(reading: &reader) }
            case 5: keyValueMetadata = try reader.readStructList(type) { reader throws(ParquetFormatError) in try ParquetKeyValue(reading: &reader) }
            case 6: createdBy = try reader.readString(type)
            case 7:
                typeDefinedOrder = try reader.readStructList(type) { reader throws(ParquetFormatError) in
                    try reader.endStructAfterUnionMember()
                }
            case 8:
                isEncrypted = true
                try reader.skip(type)
            default: try reader.skip(type)
            }
        }
        for required: Int16 in [2, 3, 4] where !seen.contains(required) {
            throw reader.error("FileMetaData lacks required field \(required)")
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.beginStruct()
        writer.field(1, i32: version)
        writer.beginListField(2, count: schema.count, elementType: .structure)
        for element in schema { element.write(to: &writer) }
        writer.field(3, i64: numRows)
        writer.beginListField(4, count: rowGroups.count, elementType: .structure)
        for group in rowGroups { group.write(to: &writer) }
        if let keyValueMetadata {
            writer.beginListField(5, count: keyValueMetadata.count, elementType: .structure)
            for entry in keyValueMetadata { entry.write(to: &writer) }
        }
        if let createdBy { writer.field(6, string: createdBy) }
        if let typeDefinedOrder {
            writer.beginListField(7, count: typeDefinedOrder.count, elementType: .structure)
            for _ in typeDefinedOrder {
                writer.beginStruct()
                writer.emptyStructField(1)
                writer.endStruct()
            }
        }
        writer.endStruct()
    }
}

extension ThriftCompactReader {
    /// Reads one `ColumnOrder` union (already positioned at its first field): whether it is
    /// `TYPE_ORDER`.
    mutating func endStructAfterUnionMember() throws(ParquetFormatError) -> Bool {
        try beginStruct()
        defer { endStruct() }
        var last: Int16 = 0
        var typeOrder = false
        var first = true
        while let (id, type) = try readFieldHeader(lastID: &last) {
            if first { typeOrder = id == 1 }
            first = false
            try skip(type)
        }
        return typeOrder
    }
}
