/// One column of one row group (`ColumnChunk`): its metadata and, in a `_metadata` summary file,
/// the data file holding it.
struct ParquetColumnChunk: Sendable, Hashable {
    /// The file holding the pages, relative to the summary file's directory (`nil`: this file).
    var filePath: String?
    var fileOffset: Int64 = 0
    var metaData: ParquetColumnMetaData?
    /// Whether the chunk is encrypted (crypto metadata or encrypted metadata present).
    var isEncrypted = false

    init() {}

    init(reading reader: inout ThriftCompactReader) throws(ParquetFormatError) {
        try reader.beginStruct()
        defer { reader.endStruct() }
        var last: Int16 = 0
        while let (id, type) = try reader.readFieldHeader(lastID: &last) {
            switch id {
            case 1: filePath = try reader.readString(type)
            case 2: fileOffset = try reader.readI64(type)
            case 3: metaData = try ParquetColumnMetaData(reading: &reader)
            case 8, 9:
                isEncrypted = true
                try reader.skip(type)
            default: try reader.skip(type)
            }
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.beginStruct()
        if let filePath { writer.field(1, string: filePath) }
        writer.field(2, i64: fileOffset)
        metaData?.write(to: &writer, field: 3)
        writer.endStruct()
    }
}
