/// A horizontal slice of a file (`RowGroup`): one column chunk per leaf column.
struct ParquetRowGroup: Sendable, Hashable {
    var columns: [ParquetColumnChunk] = []
    var totalByteSize: Int64 = 0
    var numRows: Int64 = 0
    var fileOffset: Int64?
    var totalCompressedSize: Int64?
    var ordinal: Int16?

    init() {}

    init(reading reader: inout ThriftCompactReader) throws(ParquetFormatError) {
        try reader.beginStruct()
        defer { reader.endStruct() }
        var sawRows = false
        var last: Int16 = 0
        while let (id, type) = try reader.readFieldHeader(lastID: &last) {
            switch id {
            case 1: columns = try reader.readStructList(type) { reader throws(ParquetFormatError) in try ParquetColumnChunk(reading: &reader) }
            case 2: totalByteSize = try reader.readI64(type)
            case 3:
                numRows = try reader.readI64(type)
                sawRows = true
            case 5: fileOffset = try reader.readI64(type)
            case 6: totalCompressedSize = try reader.readI64(type)
            case 7: ordinal = Int16(truncatingIfNeeded: try reader.readInteger(type))
            default: try reader.skip(type)
            }
        }
        guard sawRows else { throw reader.error("a row group lacks its row count") }
        guard numRows >= 0 else { throw reader.error("a row group has a negative row count \(numRows)") }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.beginStruct()
        writer.beginListField(1, count: columns.count, elementType: .structure)
        for column in columns { column.write(to: &writer) }
        writer.field(2, i64: totalByteSize)
        writer.field(3, i64: numRows)
        if let fileOffset { writer.field(5, i64: fileOffset) }
        if let totalCompressedSize { writer.field(6, i64: totalCompressedSize) }
        if let ordinal {
            writer.field(7, i32: Int32(ordinal)) // i16 is zigzag-encoded like i32
        }
        writer.endStruct()
    }
}
