import Backends

/// The statistics of a column chunk or page as stored (`Statistics` in parquet.thrift): bounds
/// PLAIN-encoded (byte arrays without their length prefix).
struct ParquetStatistics: Sendable, Hashable {
    /// The deprecated bounds, ordered by signed comparison.
    var legacyMax: [UInt8]?
    var legacyMin: [UInt8]?
    var nullCount: Int64?
    var distinctCount: Int64?
    /// The bounds in the column's sort order.
    var maxValue: [UInt8]?
    var minValue: [UInt8]?
    var nanCount: Int64?

    init() {}

    init(reading reader: inout ThriftCompactReader) throws(ParquetFormatError) {
        try reader.beginStruct()
        defer { reader.endStruct() }
        var last: Int16 = 0
        while let (id, type) = try reader.readFieldHeader(lastID: &last) {
            switch id {
            case 1: legacyMax = try reader.readBinary(type)
            case 2: legacyMin = try reader.readBinary(type)
            case 3: nullCount = try reader.readI64(type)
            case 4: distinctCount = try reader.readI64(type)
            case 5: maxValue = try reader.readBinary(type)
            case 6: minValue = try reader.readBinary(type)
            case 9: nanCount = try reader.readI64(type)
            default: try reader.skip(type)
            }
        }
    }

    func write(to writer: inout ThriftCompactWriter, field: Int16) {
        writer.beginStructField(field)
        if let legacyMax { writer.field(1, binary: legacyMax) }
        if let legacyMin { writer.field(2, binary: legacyMin) }
        if let nullCount { writer.field(3, i64: nullCount) }
        if let distinctCount { writer.field(4, i64: distinctCount) }
        if let maxValue { writer.field(5, binary: maxValue) }
        if let minValue { writer.field(6, binary: minValue) }
        if let nanCount { writer.field(9, i64: nanCount) }
        writer.endStruct()
    }
}

extension ParquetStatistics {
    /// The statistics in frame values for column `descriptor` of a row group of `rowCount` rows.
    func frameStatistics(for descriptor: ParquetColumnDescriptor, rowCount: Int) -> ParquetColumnStatistics {
        var low = minValue, high = maxValue
        if low == nil || high == nil {
            // The deprecated fields are ordered by signed comparison: only usable where that is
            // the type's order.
            let signedOrder: Bool
            switch descriptor.kind {
            case .boolean, .float, .double: signedOrder = true
            case .int32, .int64: signedOrder = !descriptor.isUnsigned
            case .decimal: signedOrder = descriptor.physicalType == .int32 || descriptor.physicalType == .int64
            default: signedOrder = false
            }
            if signedOrder {
                low = legacyMin
                high = legacyMax
            } else {
                low = nil
                high = nil
            }
        }
        return ParquetColumnStatistics(min: low.flatMap { Self.value($0, descriptor) }, max: high.flatMap { Self.value($0, descriptor) },
                                       nullCount: nullCount.map { Int(clamping: $0) }, nanCount: nanCount.map { Int(clamping: $0) },
                                       distinctCount: distinctCount.map { Int(clamping: $0) }, rowCount: rowCount)
    }

    /// A PLAIN-encoded bound as a frame value, or `nil` if it cannot be trusted.
    static func value(_ bytes: [UInt8], _ descriptor: ParquetColumnDescriptor) -> FrameValue? {
        func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch descriptor.kind {
        case .boolean:
            guard bytes.count == 1 else { return nil }
            return .bool(bytes[0] != 0)
        case .int32:
            guard let raw = load(Int32.self) else { return nil }
            if descriptor.type == .date { return .date(raw) }
            return descriptor.isUnsigned ? .uint(UInt64(UInt32(bitPattern: raw))) : .int(Int64(raw))
        case .int64:
            guard let raw = load(Int64.self) else { return nil }
            if case let .timestamp(unit, zone) = descriptor.type { return .timestamp(raw, unit, timeZone: zone) }
            return descriptor.isUnsigned ? .uint(UInt64(bitPattern: raw)) : .int(raw)
        case .float:
            guard let raw = load(UInt32.self) else { return nil }
            let value = Float(bitPattern: raw)
            return value.isNaN ? nil : .double(Double(value))
        case .double:
            guard let raw = load(UInt64.self) else { return nil }
            let value = Double(bitPattern: raw)
            return value.isNaN ? nil : .double(value)
        case let .decimal(scale):
            switch descriptor.physicalType {
            case .int32: return load(Int32.self).map { .double(ParquetDecimal.double(unscaled: Int64($0), scale: scale)) }
            case .int64: return load(Int64.self).map { .double(ParquetDecimal.double(unscaled: $0, scale: scale)) }
            default:
                guard !bytes.isEmpty else { return nil }
                return .double(bytes.withUnsafeBufferPointer { ParquetDecimal.double(bigEndian: $0, scale: scale) })
            }
        case .bytes:
            // Only text bounds: byte order and the order of Swift strings agree on valid UTF-8.
            guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
            return .string(text)
        case .int96, .float16, .uuid, .null:
            return nil
        }
    }
}
