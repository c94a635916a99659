/// Where a column chunk's pages are and how they are stored (`ColumnMetaData`).
struct ParquetColumnMetaData: Sendable, Hashable {
    var typeCode: Int32 = 0
    var encodings: [Int32] = []
    var pathInSchema: [String] = []
    var codecCode: Int32 = 0
    var numValues: Int64 = 0
    var totalUncompressedSize: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var keyValueMetadata: [ParquetKeyValue]?
    var dataPageOffset: Int64 = 0
    var indexPageOffset: Int64?
    var dictionaryPageOffset: Int64?
    var statistics: ParquetStatistics?

    init() {}

    init(reading reader: inout ThriftCompactReader) throws(ParquetFormatError) {
        try reader.beginStruct()
        defer { reader.endStruct() }
        var seen = Set<Int16>()
        var last: Int16 = 0
        while let (id, type) = try reader.readFieldHeader(lastID: &last) {
            seen.insert(id)
            switch id {
            case 1: typeCode = try reader.readI32(type)
            case 2: encodings = try reader.readIntegerList(type).map { Int32(truncatingIfNeeded: $0) }
            case 3: pathInSchema = try reader.readStringList(type)
            case 4: codecCode = try reader.readI32(type)
            case 5: numValues = try reader.readI64(type)
            case 6: totalUncompressedSize = try reader.readI64(type)
            case 7: totalCompressedSize = try reader.readI64(type)
            case 8: keyValueMetadata = try reader.readStructList(type) { reader throws(ParquetFormatError) in try ParquetKeyValue(reading: &reader) }
            case 9: dataPageOffset = try reader.readI64(type)
            case 10: indexPageOffset = try reader.readI64(type)
            case 11: dictionaryPageOffset = try reader.readI64(type)
            case 12: statistics = try ParquetStatistics(reading: &reader)
            default: try reader.skip(type)
            }
        }
        for required: Int16 in [1, 3, 4, 5, 7, 9] where !seen.contains(required) {
            throw reader.error("ColumnMetaData lacks required field \(required)")
        }
    }

    func write(to writer: inout ThriftCompactWriter, field: Int16) {
        writer.beginStructField(field)
        writer.field(1, i32: typeCode)
        writer.field(2, i32List: encodings)
        writer.field(3, stringList: pathInSchema)
        writer.field(4, i32: codecCode)
        writer.field(5, i64: numValues)
        writer.field(6, i64: totalUncompressedSize)
        writer.field(7, i64: totalCompressedSize)
        if let keyValueMetadata {
            writer.beginListField(8, count: keyValueMetadata.count, elementType: .structure)
            for entry in keyValueMetadata { entry.write(to: &writer) }
        }
        writer.field(9, i64: dataPageOffset)
        if let indexPageOffset { writer.field(10, i64: indexPageOffset) }
        if let dictionaryPageOffset { writer.field(11, i64: dictionaryPageOffset) }
        statistics?.write(to: &writer, field: 12)
        writer.endStruct()
    }
}
