/// One entry of a file's or column's key-value metadata (`KeyValue`).
struct ParquetKeyValue: Sendable, Hashable {
    var key: String
    var value: String?

    init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    init(reading reader: inout ThriftCompactReader) throws(ParquetFormatError) {
        try reader.beginStruct()
        defer { reader.endStruct() }
        var key: String?
        var last: Int16 = 0
        while let (id, type) = try reader.readFieldHeader(lastID: &last) {
            switch id {
            case 1: key = try reader.readString(type)
            case 2: value = try reader.readString(type)
            default: try reader.skip(type)
            }
        }
        guard let key else { throw reader.error("a key-value entry has no key") }
        self.key = key
    }

    func write(to writer: inout ThriftCompactWriter) {
        writer.beginStruct()
        writer.field(1, string: key)
        if let value { writer.field(2, string: value) }
        writer.endStruct()
    }
}
