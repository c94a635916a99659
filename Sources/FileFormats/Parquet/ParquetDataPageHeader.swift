/// The part of a version 1 data page's header specific to data pages (`DataPageHeader`).
struct ParquetDataPageHeader: Sendable, Hashable {
    var numValues: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = ParquetEncoding.rle.rawValue
    var repetitionLevelEncoding: Int32 = ParquetEncoding.rle.rawValue
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
            case 1: numValues = try reader.readI32(type)
            case 2: encoding = try reader.readI32(type)
            case 3: definitionLevelEncoding = try reader.readI32(type)
            case 4: repetitionLevelEncoding = try reader.readI32(type)
            case 5: statistics = try ParquetStatistics(reading: &reader)
            default: try reader.skip(type)
            }
        }
        for required: Int16 in [1, 2] where !seen.contains(required) {
            throw reader.error("DataPageHeader lacks required field \(required)")
        }
        guard numValues >= 0 else { throw reader.error("a data page has a negative value count \(numValues)") }
    }

    func write(to writer: inout ThriftCompactWriter, field: Int16) {
        writer.beginStructField(field)
        writer.field(1, i32: numValues)
        writer.field(2, i32: encoding)
        writer.field(3, i32: definitionLevelEncoding)
        writer.field(4, i32: repetitionLevelEncoding)
        statistics?.write(to: &writer, field: 5)
        writer.endStruct()
    }
}
