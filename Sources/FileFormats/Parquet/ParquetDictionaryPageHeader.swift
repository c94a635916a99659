/// The part of a dictionary page's header (`DictionaryPageHeader`).
struct ParquetDictionaryPageHeader: Sendable, Hashable {
    var numValues: Int32 = 0
    var encoding: Int32 = ParquetEncoding.plain.rawValue
    var isSorted: Bool?

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
            case 3: isSorted = try reader.readBoolField(type)
            default: try reader.skip(type)
            }
        }
        for required: Int16 in [1, 2] where !seen.contains(required) {
            throw reader.error("DictionaryPageHeader lacks required field \(required)")
        }
        guard numValues >= 0 else { throw reader.error("a dictionary page has a negative value count \(numValues)") }
    }

    func write(to writer: inout ThriftCompactWriter, field: Int16) {
        writer.beginStructField(field)
        writer.field(1, i32: numValues)
        writer.field(2, i32: encoding)
        if let isSorted { writer.field(3, bool: isSorted) }
        writer.endStruct()
    }
}
