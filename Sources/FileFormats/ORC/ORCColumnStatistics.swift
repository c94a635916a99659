import Backends

/// The statistics ORC records for one column of a stripe or of the file (`ColumnStatistics`):
/// the kinds a filter can use (integers, floats, strings, dates); the others are skipped.
struct ORCColumnStatistics: Sendable {
    var valueCount: Int?
    var hasNull: Bool?
    var integerBounds: (min: Int64?, max: Int64?)?
    var doubleBounds: (min: Double?, max: Double?)?
    var stringBounds: (min: String?, max: String?)?
    var dateBounds: (min: Int64?, max: Int64?)?

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "column statistics")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: valueCount = try reader.count()
            case 2:
                var inner = ProtobufReader(try reader.lengthDelimited(), what: "integer statistics")
                var bounds: (min: Int64?, max: Int64?) = (nil, nil)
                while let (number, kind) = try inner.nextField() {
                    switch number {
                    case 1: bounds.min = try inner.signedVarint()
                    case 2: bounds.max = try inner.signedVarint()
                    default: try inner.skip(kind)
                    }
                }
                integerBounds = bounds
            case 3:
                var inner = ProtobufReader(try reader.lengthDelimited(), what: "double statistics")
                var bounds: (min: Double?, max: Double?) = (nil, nil)
                while let (number, kind) = try inner.nextField() {
                    switch number {
                    case 1 where kind == .fixed64: bounds.min = try inner.double()
                    case 2 where kind == .fixed64: bounds.max = try inner.double()
                    default: try inner.skip(kind)
                    }
                }
                doubleBounds = bounds
            case 4:
                var inner = ProtobufReader(try reader.lengthDelimited(), what: "string statistics")
                var bounds: (min: String?, max: String?) = (nil, nil)
                while let (number, kind) = try inner.nextField() {
                    switch number {
                    case 1 where kind == .lengthDelimited: bounds.min = try inner.string()
                    case 2 where kind == .lengthDelimited: bounds.max = try inner.string()
                    default: try inner.skip(kind)
                    }
                }
                stringBounds = bounds
            case 7:
                var inner = ProtobufReader(try reader.lengthDelimited(), what: "date statistics")
                var bounds: (min: Int64?, max: Int64?) = (nil, nil)
                while let (number, kind) = try inner.nextField() {
                    switch number {
                    case 1: bounds.min = try inner.signedVarint()
                    case 2: bounds.max = try inner.signedVarint()
                    default: try inner.skip(kind)
                    }
                }
                dateBounds = bounds
            case 10: hasNull = try reader.varint() != 0
            default: try reader.skip(type)
            }
        }
    }

    /// The statistics as the frame sees them, for a column of `kind` over `rowCount` rows; bounds
    /// Tessera cannot trust (NaN, strings that are not valid UTF-8 are repaired so never trusted
    /// for binary) are left out.
    func frameStatistics(kind: ORCType.Kind, rowCount: Int) -> ParquetColumnStatistics {
        var nullCount: Int?
        if let valueCount, valueCount <= rowCount { nullCount = rowCount - valueCount }
        if hasNull == false { nullCount = 0 }
        var min: FrameValue?
        var max: FrameValue?
        switch kind {
        case .byte, .short, .int, .long:
            min = integerBounds?.min.map { .int($0) }
            max = integerBounds?.max.map { .int($0) }
        case .float, .double:
            if let low = doubleBounds?.min, let high = doubleBounds?.max, !low.isNaN, !high.isNaN {
                min = .double(low)
                max = .double(high)
            }
        case .string, .varchar:
            min = stringBounds?.min.map { .string($0) }
            max = stringBounds?.max.map { .string($0) }
        case .date:
            if let low = dateBounds?.min, let high = dateBounds?.max, let low32 = Int32(exactly: low), let high32 = Int32(exactly: high) {
                min = .date(low32)
                max = .date(high32)
            }
        default:
            break
        }
        return ParquetColumnStatistics(min: min, max: max, nullCount: nullCount, rowCount: rowCount)
    }
}
