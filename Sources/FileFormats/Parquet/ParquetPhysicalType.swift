/// A Parquet physical (storage) type (`Type` in parquet.thrift).
enum ParquetPhysicalType: Int32, Sendable, Hashable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7

    /// The specification's name, for messages.
    var name: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }

    /// The width in bytes of one PLAIN value, for the fixed-width types other than booleans.
    var plainWidth: Int? {
        switch self {
        case .int32, .float: 4
        case .int64, .double: 8
        case .int96: 12
        case .boolean, .byteArray, .fixedLenByteArray: nil
        }
    }
}
