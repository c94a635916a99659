import Backends

/// How a frame column is stored: its physical type, its schema element (with logical and
/// converted types), and its non-null values in PLAIN layout with their statistics.
struct ParquetColumnPlan {
    let name: String
    let type: ColumnType
    let physicalType: ParquetPhysicalType
    /// The width of a PLAIN value for fixed-width physical types (1 for booleans as bytes).
    let width: Int
    let element: ParquetSchemaElement

    /// The plan for column `name` of `type`.
    init(name: String, type: ColumnType) {
        self.name = name
        self.type = type
        var element = ParquetSchemaElement(name: name)
        element.repetitionCode = ParquetRepetition.optional.rawValue
        var physical = ParquetPhysicalType.int32
        func integer(_ bits: Int8, _ signed: Bool, _ converted: ParquetConvertedType) {
            element.logicalType = .integer(bitWidth: bits, signed: signed)
            element.convertedTypeCode = converted.rawValue
        }
        switch type {
        case let .numeric(dtype):
            switch dtype {
            case .bool: physical = .boolean
            case .int8: integer(8, true, .int8)
            case .int16: integer(16, true, .int16)
            case .int32: physical = .int32
            case .int64: physical = .int64
            case .uint8: integer(8, false, .uint8)
            case .uint16: integer(16, false, .uint16)
            case .uint32: integer(32, false, .uint32)
            case .uint64:
                physical = .int64
                integer(64, false, .uint64)
            case .float32: physical = .float
            case .float64: physical = .double
            }
        case .string, .categorical:
            physical = .byteArray
            element.logicalType = .string
            element.convertedTypeCode = ParquetConvertedType.utf8.rawValue
        case let .timestamp(unit, zone):
            physical = .int64
            let parquetUnit: ParquetTimeUnit = unit == .ns ? .nanos : unit == .us ? .micros : .millis
            element.logicalType = .timestamp(adjustedToUTC: zone != nil, unit: parquetUnit)
            if parquetUnit == .millis { element.convertedTypeCode = ParquetConvertedType.timestampMillis.rawValue }
            if parquetUnit == .micros { element.convertedTypeCode = ParquetConvertedType.timestampMicros.rawValue }
        case .date:
            physical = .int32
            element.logicalType = .date
            element.convertedTypeCode = ParquetConvertedType.date.rawValue
        }
        element.typeCode = physical.rawValue
        physicalType = physical
        width = physical == .boolean ? 1 : physical.plainWidth ?? 0
        self.element = element
    }

    /// Whether values compare unsigned (for statistics).
    var isUnsigned: Bool { [.uint8, .uint16, .uint32, .uint64].contains(type.numericDType ?? .bool) }
}
