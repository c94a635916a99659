/// The unit of a TIME or TIMESTAMP logical type.
enum ParquetTimeUnit: Sendable, Hashable {
    case millis
    case micros
    case nanos

    /// Reads the `TimeUnit` union.
    init(reading reader: inout ThriftCompactReader, _ type: ThriftCompactType) throws(ParquetFormatError) {
        let member = try reader.readUnion(type) { _, _, _ throws(ParquetFormatError) in false }
        switch member {
        case 1: self = .millis
        case 2: self = .micros
        case 3: self = .nanos
        default: throw reader.error("unknown time unit \(member.map(String.init) ?? "none")")
        }
    }

    func write(to writer: inout ThriftCompactWriter, field: Int16) {
        writer.beginStructField(field)
        switch self {
        case .millis: writer.emptyStructField(1)
        case .micros: writer.emptyStructField(2)
        case .nanos: writer.emptyStructField(3)
        }
        writer.endStruct()
    }
}
