import Backends

/// How a leaf column's stored values become a frame column's values: the physical type read and
/// the conversion applied.
enum ParquetValueKind: Sendable, Hashable {
    /// BOOLEAN to `bool`.
    case boolean
    /// INT32 to a 1, 2 or 4-byte integer dtype (truncating: INT(8), INT(16), UINT(8) …), or to
    /// the `int32` storage of dates and times.
    case int32(DType)
    /// INT64 to `int64` or `uint64` (also timestamps and times).
    case int64(DType)
    /// INT96 (legacy timestamps: nanoseconds of the day and a Julian day) to `int64` in a unit.
    case int96(ColumnType.TimeUnit)
    /// FLOAT to `float32`.
    case float
    /// DOUBLE to `float64`.
    case double
    /// A DECIMAL (INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY) to `float64`.
    case decimal(scale: Int)
    /// A FLOAT16 (2-byte FIXED_LEN_BYTE_ARRAY) to `float32`.
    case float16
    /// BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY bytes to a string column, unchanged.
    case bytes
    /// A 16-byte UUID to its 36-character text.
    case uuid
    /// A column of nulls only (the UNKNOWN / NULL logical type).
    case null

    /// Whether values end up in a string buffer.
    var isString: Bool { self == .bytes || self == .uuid }

    /// The width in bytes of one output value, for fixed-width outputs.
    var outputWidth: Int {
        switch self {
        case .boolean: 1
        case let .int32(dtype), let .int64(dtype): dtype.itemSize
        case .int96: 8
        case .float, .float16: 4
        case .double, .decimal, .null: 8
        case .bytes, .uuid: 0
        }
    }

    /// Whether PLAIN values of `physical` type are already the output's bytes.
    func isIdentity(for physical: ParquetPhysicalType) -> Bool {
        switch (self, physical) {
        case let (.int32(dtype), .int32): dtype.itemSize == 4
        case (.int64, .int64), (.float, .float), (.double, .double): true
        default: false
        }
    }

    /// Converts `count` physical values (`width` bytes each, PLAIN layout) at `source` to output
    /// values at `target`.
    ///
    /// - Throws: for an INT96 timestamp out of the range of the unit.
    func convert(_ source: UnsafeRawPointer, width: Int, count: Int, physical: ParquetPhysicalType,
                 into target: UnsafeMutableRawPointer) throws(ParquetFormatError) {
        switch self {
        case let .int32(dtype):
            let input = source.assumingMemoryBound(to: Int32.self)
            switch dtype.itemSize {
            case 1:
                let output = target.assumingMemoryBound(to: UInt8.self)
                for index in 0..<count { output[index] = UInt8(truncatingIfNeeded: input[index]) }
            case 2:
                let output = target.assumingMemoryBound(to: UInt16.self)
                for index in 0..<count { output[index] = UInt16(truncatingIfNeeded: input[index]) }
            default:
                target.copyMemory(from: source, byteCount: count * 4)
            }
        case .int64, .float, .double:
            target.copyMemory(from: source, byteCount: count * width)
        case let .int96(unit):
            let output = target.assumingMemoryBound(to: Int64.self)
            let perDay: Int64 = 86_400 * unit.perSecond
            let divisor: Int64 = 1_000_000_000 / unit.perSecond
            for index in 0..<count {
                let nanos = source.loadUnaligned(fromByteOffset: index * 12, as: Int64.self)
                let julian = source.loadUnaligned(fromByteOffset: index * 12 + 8, as: Int32.self)
                let days = Int64(julian) - 2_440_588
                let (scaled, overflow1) = days.multipliedReportingOverflow(by: perDay)
                let (sum, overflow2) = scaled.addingReportingOverflow(nanos / divisor)
                if !overflow1, !overflow2 {
                    output[index] = sum
                    continue
                }
                // Spark writes INT96 from 64-bit microseconds with wrapping arithmetic: undo the
                // wrap at microsecond resolution, then fit the unit exactly or fail.
                let micros = days &* 86_400_000_000 &+ nanos / 1000
                let converted: Int64?
                switch unit {
                case .ns:
                    let (value, overflow) = micros.multipliedReportingOverflow(by: 1000)
                    converted = overflow ? nil : value
                case .us: converted = micros
                case .ms: converted = micros / 1000
                case .s: converted = micros / 1_000_000
                }
                guard let converted else {
                    throw ParquetFormatError("an INT96 timestamp (Julian day \(julian)) is outside the range of timestamp[\(unit.rawValue)]; read it with a coarser int96TimestampUnit (for example .us)")
                }
                output[index] = converted
            }
        case let .decimal(scale):
            let output = target.assumingMemoryBound(to: Double.self)
            switch physical {
            case .int32:
                for index in 0..<count { output[index] = ParquetDecimal.double(unscaled: Int64(source.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)), scale: scale) }
            case .int64:
                for index in 0..<count { output[index] = ParquetDecimal.double(unscaled: source.loadUnaligned(fromByteOffset: index * 8, as: Int64.self), scale: scale) }
            default:
                let bytes = source.assumingMemoryBound(to: UInt8.self)
                for index in 0..<count {
                    output[index] = ParquetDecimal.double(bigEndian: UnsafeBufferPointer(start: bytes + index * width, count: width), scale: scale)
                }
            }
        case .float16:
            let output = target.assumingMemoryBound(to: Float.self)
            for index in 0..<count {
                let bits = UInt16(source.load(fromByteOffset: index * 2, as: UInt8.self))
                    | UInt16(source.load(fromByteOffset: index * 2 + 1, as: UInt8.self)) << 8
                output[index] = ParquetValueKind.float(fromHalf: bits)
            }
        case .boolean, .bytes, .uuid, .null:
            target.copyMemory(from: source, byteCount: count * outputWidth)
        }
    }

    /// The `Float` an IEEE 754 half-precision bit pattern stands for.
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa * 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
    }
}
