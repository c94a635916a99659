/// Conversion of Parquet DECIMAL values (an unscaled integer and a scale) to `Double`, correctly
/// rounded.
enum ParquetDecimal {
    /// The widest unscaled value converted, in bytes (512 bits; Arrow's widest decimal is 256).
    static let maximumBytes = 64

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// `unscaled * 10^-scale`.
    static func double(unscaled: Int64, scale: Int) -> Double {
        if unscaled.magnitude <= 1 << 53, scale >= 0, scale <= 22 {
            // Both operands are exact: one correctly rounded division.
            return Double(unscaled) / powersOfTen[scale]
        }
        return parse(digits: String(unscaled.magnitude), negative: unscaled < 0, scale: scale)
    }

    /// The decimal whose unscaled value is the big-endian two's complement `bytes`.
    static func double(bigEndian bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> Double {
        guard let first = bytes.first else { return 0 }
        if bytes.count <= 8 {
            var value: Int64 = first >= 0x80 ? -1 : 0
            for byte in bytes { value = value << 8 | Int64(byte) }
            return double(unscaled: value, scale: scale)
        }
        // Wider: the magnitude in 32-bit limbs (most significant first), then its decimal digits.
        let negative = first >= 0x80
        var magnitude = [UInt8](bytes)
        if negative {
            // Two's complement negation.
            var carry = true
            for index in magnitude.indices.reversed() {
                magnitude[index] = ~magnitude[index]
                if carry {
                    let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
                    magnitude[index] = sum
                    carry = overflow
                }
            }
        }
        var limbs: [UInt32] = []
        var partial: UInt32 = 0
        var filled = 0
        for byte in magnitude.reversed() {
            partial |= UInt32(byte) << UInt32(8 * filled)
            filled += 1
            if filled == 4 {
                limbs.append(partial)
                partial = 0
                filled = 0
            }
        }
        if filled > 0 { limbs.append(partial) }
        limbs.reverse()
        var digits: [UInt8] = []
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for index in limbs.indices {
                let current = remainder << 32 | UInt64(limbs[index])
                limbs[index] = UInt32(current / 10)
                remainder = current % 10
            }
            digits.append(UInt8(remainder) + 48)
        }
        if digits.isEmpty { return 0 }
        return parse(digits: String(decoding: digits.reversed(), as: UTF8.self), negative: negative, scale: scale)
    }

    private static func parse(digits: String, negative: Bool, scale: Int) -> Double {
        let text = (negative ? "-" : "") + digits + "e" + String(-scale)
        return Double(text) ?? .nan
    }
}
