/// One node of an ORC file's type tree (the footer's `Type`): column `i` of the file is type `i`,
/// numbered in pre-order from the root struct (column 0).
struct ORCType: Sendable {
    /// ORC's type kinds.
    enum Kind: UInt64, Sendable {
        case boolean = 0, byte, short, int, long, float, double, string, binary, timestamp
        case list, map, structure, union, decimal, date, varchar, char, timestampInstant

        /// The name ORC's schema strings use.
        var name: String {
            switch self {
            case .boolean: "boolean"
            case .byte: "tinyint"
            case .short: "smallint"
            case .int: "int"
            case .long: "bigint"
            case .float: "float"
            case .double: "double"
            case .string: "string"
            case .binary: "binary"
            case .timestamp: "timestamp"
            case .list: "array"
            case .map: "map"
            case .structure: "struct"
            case .union: "uniontype"
            case .decimal: "decimal"
            case .date: "date"
            case .varchar: "varchar"
            case .char: "char"
            case .timestampInstant: "timestamp with local time zone"
            }
        }

        /// Whether values of the kind hold other columns.
        var isNested: Bool { self == .list || self == .map || self == .structure || self == .union }
    }

    var kind = Kind.structure
    var subtypes: [Int] = []
    var fieldNames: [String] = []
    var precision = 0
    var scale = 0

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "type")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1:
                let code = try reader.varint()
                guard let value = Kind(rawValue: code) else { throw ORCFormatError("unknown type kind \(code)") }
                kind = value
            case 2:
                for value in try reader.varints(type) {
                    guard value < 1 << 31 else { throw ORCFormatError("a type's child column \(value) is out of range") }
                    subtypes.append(Int(value))
                }
            case 3: fieldNames.append(try reader.string())
            case 5: precision = Int(truncatingIfNeeded: try reader.varint())
            case 6: scale = Int(truncatingIfNeeded: try reader.varint())
            default: try reader.skip(type)
            }
        }
    }
}
