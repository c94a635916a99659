/// The header before every page (`PageHeader`): its kind, sizes, checksum and kind-specific part.
struct ParquetPageHeader: Sendable, Hashable {
    var typeCode: Int32 = 0
    var uncompressedPageSize: Int32 = 0
    var compressedPageSize: Int32 = 0
    var crc: Int32?
    var dataPage: ParquetDataPageHeader?
    var dictionaryPage: ParquetDictionaryPageHeader?
    var dataPageV2: ParquetDataPageHeaderV2?

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
            case 2: uncompressedPageSize = try reader.readI32(type)
            case 3: compressedPageSize = try reader.readI32(type)
            case 4: crc = try reader.readI32(type)
            case 5: dataPage = try ParquetDataPageHeader(reading: &reader)
            case 7: dictionaryPage = try ParquetDictionaryPageHeader(reading: &reader)
            case 8: dataPageV2 = try ParquetDataPageHeaderV2(reading: &reader)
            default: try reader.skip(type)
            }
        }
        for required: Int16 in [1, 2, 3] where !seen.contains(required) {
            throw reader.error("PageHeader lacks required field \(required)")
        }
        guard uncompressedPageSize >= 0, compressedPageSize >= 0 else {
            throw reader.error("a page has a negative size (\(compressedPageSize) compressed, \(uncompressedPageSize) uncompressed)")
        }
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.beginStruct()
        writer.field(1, i32: typeCode)
        writer.field(2, i32: uncompressedPageSize)
        writer.field(3, i32: compressedPageSize)
        if let crc { writer.field(4, i32: crc) }
        dataPage?.write(to: &writer, field: 5)
        dictionaryPage?.write(to: &writer, field: 7)
        dataPageV2?.write(to: &writer, field: 8)
        writer.endStruct()
    }
}
