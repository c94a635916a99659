/// The part of a version 2 data page's header (`DataPageHeaderV2`): levels are stored
/// uncompressed before the (optionally compressed) values.
struct ParquetDataPageHeaderV2: Sendable, Hashable {
    var numValues: Int32 = 0
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed = true
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
            case 2: numNulls = try reader.readI32(type)
            case 3: numRows = try reader.readI32(type)
            case 4: encoding = try reader.readI32(type)
            case 5: definitionLevelsByteLength = try reader.readI32(type)
            case 6: repetitionLevelsByteLength = try reader.readI32(type)
            case 7: isCompressed = try reader.readBoolField(type)
            case 8: statistics = try ParquetStatistics(reading: &reader)
            default: try reader.skip(type)
            }
        }
        for required: Int16 in [1, 2, 3, 4, 5, 6] where !seen.contains(required) {
            throw reader.error("DataPageHeaderV2 lacks required field \(required)")
        }
        guard numValues >= 0, numNulls >= 0, numNulls <= numValues, numRows >= 0,
              definitionLevelsByteLength >= 0, repetitionLevelsByteLength >= 0 else {
            throw reader.error("a version 2 data page has inconsistent counts or lengths")
        }
    }

    func write(to writer: inout ThriftCompactWriter, field: Int16) {
        writer.beginStructField(field)
        writer.field(1, i32: numValues)
        writer.field(2, i32: numNulls)
        writer.field(3, i32: numRows)
        writer.field(4, i32: encoding)
        writer.field(5, i32: definitionLevelsByteLength)
        writer.field(6, i32: repetitionLevelsByteLength)
        writer.field(7, bool: isCompressed)
        statistics?.write(to: &writer, field: 8)
        writer.endStruct()
    }
}
