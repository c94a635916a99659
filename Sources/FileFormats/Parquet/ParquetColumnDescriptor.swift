import Backends

/// A flat (top-level, non-repeated, primitive) column of a file, and how it is read: its leaf
/// position, physical type, nullability and the frame column type it becomes.
struct ParquetColumnDescriptor: Sendable, Hashable {
    /// The column's name.
    let name: String
    /// Its position among the schema's leaves (and so among each row group's column chunks).
    let leafIndex: Int
    let physicalType: ParquetPhysicalType
    /// The byte width of FIXED_LEN_BYTE_ARRAY values (0 otherwise).
    let typeLength: Int
    /// 1 for an optional column, 0 for a required one.
    let maxDefinitionLevel: Int
    let kind: ParquetValueKind
    /// The frame column type.
    let type: ColumnType
    /// Whether the integer values are unsigned (for statistics order).
    let isUnsigned: Bool

    /// The descriptor of leaf `element`, or the reason it cannot be read.
    static func make(element: ParquetSchemaElement, leafIndex: Int,
                     options: ParquetReadOptions) -> Result<ParquetColumnDescriptor, ParquetFormatError> {
        let name = element.name
        guard let code = element.typeCode else { return .failure(ParquetFormatError("column '\(name)' has no type")) }
        guard let physical = ParquetPhysicalType(rawValue: code) else {
            return .failure(ParquetFormatError("column '\(name)' has the unknown physical type \(code)"))
        }
        let maxDefinition: Int
        switch element.repetition {
        case .required?: maxDefinition = 0
        case .optional?, nil: maxDefinition = element.repetition == nil ? 0 : 1
        case .repeated?:
            return .failure(ParquetFormatError("column '\(name)' is a repeated field (a list); nested columns are not supported — read the other columns with `columns:`"))
        }
        var typeLength = 0
        if physical == .fixedLenByteArray {
            guard let length = element.typeLength, length > 0, length <= 1 << 24 else {
                return .failure(ParquetFormatError("FIXED_LEN_BYTE_ARRAY column '\(name)' has an invalid length \(element.typeLength.map(String.init) ?? "(none)")"))
            }
            typeLength = Int(length)
        }
        switch resolve(element: element, physical: physical, typeLength: typeLength, options: options) {
        case let .success((kind, type, unsigned)):
            return .success(ParquetColumnDescriptor(name: name, leafIndex: leafIndex, physicalType: physical, typeLength: typeLength,
                                                    maxDefinitionLevel: maxDefinition, kind: kind, type: type, isUnsigned: unsigned))
        case let .failure(error):
            return .failure(error)
        }
    }

    private static func resolve(element: ParquetSchemaElement, physical: ParquetPhysicalType, typeLength: Int,
                                options: ParquetReadOptions) -> Result<(ParquetValueKind, ColumnType, Bool), ParquetFormatError> {
        let name = element.name
        func unsupported(_ what: String) -> Result<(ParquetValueKind, ColumnType, Bool), ParquetFormatError> {
            .failure(ParquetFormatError("column '\(name)' has type \(what), which Tessera cannot read (see docs/formats/parquet.md)"))
        }
        func mismatch(_ what: String) -> Result<(ParquetValueKind, ColumnType, Bool), ParquetFormatError> {
            .failure(ParquetFormatError("column '\(name)' annotates \(physical.name) as \(what), which the specification does not allow"))
        }
        // The logical type wins; the converted type stands in for it in older files.
        var logical = element.logicalType
        if logical == nil, let converted = element.convertedType {
            switch converted {
            case .utf8: logical = .string
            case .enumeration: logical = .enumeration
            case .json: logical = .json
            case .bson: logical = .bson
            case .decimal: logical = .decimal(scale: element.scale ?? 0, precision: element.precision ?? 0)
            case .date: logical = .date
            case .timeMillis: logical = .time(adjustedToUTC: true, unit: .millis)
            case .timeMicros: logical = .time(adjustedToUTC: true, unit: .micros)
            case .timestampMillis: logical = .timestamp(adjustedToUTC: true, unit: .millis)
            case .timestampMicros: logical = .timestamp(adjustedToUTC: true, unit: .micros)
            case .uint8: logical = .integer(bitWidth: 8, signed: false)
            case .uint16: logical = .integer(bitWidth: 16, signed: false)
            case .uint32: logical = .integer(bitWidth: 32, signed: false)
            case .uint64: logical = .integer(bitWidth: 64, signed: false)
            case .int8: logical = .integer(bitWidth: 8, signed: true)
            case .int16: logical = .integer(bitWidth: 16, signed: true)
            case .int32: logical = .integer(bitWidth: 32, signed: true)
            case .int64: logical = .integer(bitWidth: 64, signed: true)
            case .interval: return unsupported("INTERVAL")
            case .map, .mapKeyValue, .list: return unsupported("MAP or LIST on a primitive")
            }
        }
        switch (logical, physical) {
        case (nil, .boolean): return .success((.boolean, .bool, false))
        case (nil, .int32): return .success((.int32(.int32), .int32, false))
        case (nil, .int64): return .success((.int64(.int64), .int64, false))
        case (nil, .int96): return .success((.int96(options.int96TimestampUnit), .timestamp(options.int96TimestampUnit, timeZone: nil), false))
        case (nil, .float): return .success((.float, .float32, false))
        case (nil, .double): return .success((.double, .float64, false))
        case (nil, .byteArray), (nil, .fixedLenByteArray): return .success((.bytes, .string, false))
        case (.string?, .byteArray), (.enumeration?, .byteArray), (.json?, .byteArray), (.bson?, .byteArray):
            return .success((.bytes, .string, false))
        case let (.integer(width, signed)?, .int32):
            let dtype: DType
            switch (width, signed) {
            case (8, true): dtype = .int8
            case (16, true): dtype = .int16
            case (32, true): dtype = .int32
            case (8, false): dtype = .uint8
            case (16, false): dtype = .uint16
            case (32, false): dtype = .uint32
            default: return mismatch("INT(\(width), \(signed))")
            }
            return .success((.int32(dtype), .numeric(dtype), !signed))
        case let (.integer(width, signed)?, .int64):
            guard width == 64 else { return mismatch("INT(\(width), \(signed))") }
            return .success((.int64(signed ? .int64 : .uint64), .numeric(signed ? .int64 : .uint64), !signed))
        case let (.decimal(scale, _)?, physical) where [.int32, .int64, .byteArray, .fixedLenByteArray].contains(physical):
            guard physical != .fixedLenByteArray || typeLength <= ParquetDecimal.maximumBytes else {
                return unsupported("DECIMAL of \(typeLength) bytes (more than \(ParquetDecimal.maximumBytes))")
            }
            return .success((.decimal(scale: Int(scale)), .float64, false))
        case (.date?, .int32): return .success((.int32(.int32), .date, false))
        case let (.time(_, unit)?, .int32):
            guard unit == .millis else { return mismatch("TIME with a unit other than milliseconds") }
            return .success((.int32(.int32), .int32, false))
        case let (.time(_, unit)?, .int64):
            guard unit != .millis else { return mismatch("TIME(MILLIS)") }
            return .success((.int64(.int64), .int64, false))
        case let (.timestamp(utc, unit)?, .int64):
            let frameUnit: ColumnType.TimeUnit = unit == .millis ? .ms : unit == .micros ? .us : .ns
            return .success((.int64(.int64), .timestamp(frameUnit, timeZone: utc ? "UTC" : nil), false))
        case (.uuid?, .fixedLenByteArray):
            guard typeLength == 16 else { return mismatch("UUID of \(typeLength) bytes") }
            return .success((.uuid, .string, false))
        case (.float16?, .fixedLenByteArray):
            guard typeLength == 2 else { return mismatch("FLOAT16 of \(typeLength) bytes") }
            return .success((.float16, .float32, false))
        case (.null?, _): return .success((.null, .float64, false))
        case (.map?, _), (.list?, _): return unsupported("MAP or LIST on a primitive")
        case let (.other(id)?, _): return unsupported("logical type #\(id) (for example VARIANT or GEOMETRY)")
        case let (logical?, _): return mismatch("\(logical)")
        }
    }
}
