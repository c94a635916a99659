/// Parses JSON number tokens (RFC 8259 grammar) straight from bytes.
///
/// Integers are accumulated in 64 bits. Floats take Clinger's exact fast path when the significand
/// fits 53 bits and the power of ten is at most 22, the Eisel-Lemire algorithm (exact for up to 19
/// significant digits) otherwise, and the C library's correctly rounded `strtod` for longer inputs.
enum JSONNumberParser {
    /// 10^`exponent` for `exponent` in 0...22, all exact doubles.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// Whether the eight bytes of `word` (little-endian) are all ASCII digits.
    @inline(__always)
    static func isEightDigits(_ word: UInt64) -> Bool {
        (word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4) == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits (little-endian word, first digit in the low byte).
    @inline(__always)
    static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let multiplier1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1000000 << 32)
        let multiplier2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10000 << 32)
        var value = word &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)
        value = ((value & mask) &* multiplier1 &+ ((value >> 16) & mask) &* multiplier2) >> 32
        return value & 0xFFFF_FFFF
    }

    /// The top bit of each byte of `word` that is not an ASCII digit (the lowest flagged byte is
    /// exact; bytes above it may be flagged falsely).
    @inline(__always)
    static func nonDigitBytes(_ word: UInt64) -> UInt64 {
        ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
    }

    /// 10^`count` for `count` in 0...8.
    @inline(__always)
    static func smallPowerOfTen(_ count: Int) -> UInt64 {
        switch count {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        default: 100_000_000
        }
    }

    /// Accumulates the digits at `p` into `mantissa` (wrapping past 64 bits), eight bytes at a time,
    /// and moves `p` past them. Reads eight bytes at a time, which the input's padding makes safe.
    @inline(__always)
    static func accumulateDigits(_ p: inout UnsafePointer<UInt8>, _ mantissa: inout UInt64) {
        while true {
            let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            let nonDigits = nonDigitBytes(word)
            if nonDigits == 0 {
                mantissa = mantissa &* 100_000_000 &+ eightDigitsValue(word)
                p += 8
                continue
            }
            let count = nonDigits.trailingZeroBitCount >> 3
            if count > 0 {
                // The `count` digits moved to the end of the word, '0's before them.
                let aligned = (word << UInt64(64 - 8 * count)) | (0x3030_3030_3030_3030 >> UInt64(8 * count))
                mantissa = mantissa &* smallPowerOfTen(count) &+ eightDigitsValue(aligned)
                p += count
            }
            return
        }
    }

    /// An integer token of at most 18 digits (so it fits `Int64`) with no fraction or exponent,
    /// or `nil` for anything else (which the general ``parse(_:powers:)`` then reads).
    @inline(__always)
    static func parseSmallInteger(_ start: UnsafePointer<UInt8>) -> (Int64, UnsafePointer<UInt8>)? {
        var p = start
        let negative = p.pointee == UInt8(ascii: "-")
        if negative { p += 1 }
        let digitsStart = p
        var value: UInt64 = 0
        accumulateDigits(&p, &value)
        let count = p - digitsStart
        let next = p.pointee
        guard count > 0, count <= 18, count == 1 || digitsStart.pointee != UInt8(ascii: "0"),
              next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e") else { return nil }
        let magnitude = Int64(bitPattern: value)
        return (negative ? 0 &- magnitude : magnitude, p)
    }

    /// A float token of at most 19 significant digits (no leading zeros counted), correctly
    /// rounded, or `nil` for anything else (which the general ``parse(_:powers:)`` then reads).
    @inline(__always)
    static func parseSmallDouble(_ start: UnsafePointer<UInt8>, powers: UnsafePointer<UInt64>) -> (Double, UnsafePointer<UInt8>)? {
        var p = start
        let negative = p.pointee == UInt8(ascii: "-")
        if negative { p += 1 }
        let digitsStart = p
        var mantissa: UInt64 = 0
        accumulateDigits(&p, &mantissa)
        var count = p - digitsStart
        guard count > 0, count == 1 || digitsStart.pointee != UInt8(ascii: "0") else { return nil }
        var exponent = 0
        if p.pointee == UInt8(ascii: ".") {
            p += 1
            let fractionStart = p
            accumulateDigits(&p, &mantissa)
            let fraction = p - fractionStart
            guard fraction > 0 else { return nil }
            exponent = -fraction
            count += fraction
        }
        if p.pointee | 0x20 == UInt8(ascii: "e") {
            p += 1
            var exponentNegative = false
            if p.pointee == UInt8(ascii: "-") {
                exponentNegative = true
                p += 1
            } else if p.pointee == UInt8(ascii: "+") {
                p += 1
            }
            guard isDigit(p.pointee) else { return nil }
            var explicit = 0
            repeat {
                if explicit < 1_000_000 { explicit = explicit * 10 + Int(p.pointee &- 0x30) }
                p += 1
            } while isDigit(p.pointee)
            exponent += exponentNegative ? -explicit : explicit
        }
        guard count <= 19, let value = double(mantissa: mantissa, exponent: exponent, powers: powers) else { return nil }
        return (negative ? -value : value, p)
    }

    /// Parses the number starting at `start` (a digit or `-`), returning its value and the first byte
    /// after it, or `nil` if the bytes are not a JSON number. Reads up to the first byte that cannot
    /// continue a number, which the caller's buffer padding guarantees exists.
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, powers: UnsafePointer<UInt64>) -> (JSONNumber, UnsafePointer<UInt8>)? {
        var p = start
        let negative = p.pointee == UInt8(ascii: "-")
        if negative { p += 1 }
        let digitsStart = p
        var mantissa: UInt64 = 0
        if p.pointee == UInt8(ascii: "0") {
            p += 1
            if isDigit(p.pointee) { return nil }
        } else {
            guard isDigit(p.pointee) else { return nil }
            accumulateDigits(&p, &mantissa)
        }
        let integerDigits = p - digitsStart
        var isFloat = false
        var exponent = 0
        var fractionDigits = 0
        if p.pointee == UInt8(ascii: ".") {
            isFloat = true
            p += 1
            let fractionStart = p
            accumulateDigits(&p, &mantissa)
            fractionDigits = p - fractionStart
            guard fractionDigits > 0 else { return nil }
            exponent = -fractionDigits
        }
        if p.pointee | 0x20 == UInt8(ascii: "e") {
            isFloat = true
            p += 1
            var exponentNegative = false
            if p.pointee == UInt8(ascii: "-") {
                exponentNegative = true
                p += 1
            } else if p.pointee == UInt8(ascii: "+") {
                p += 1
            }
            guard isDigit(p.pointee) else { return nil }
            var explicit = 0
            repeat {
                if explicit < 1_000_000 { explicit = explicit * 10 + Int(p.pointee &- 0x30) }
                p += 1
            } while isDigit(p.pointee)
            exponent += exponentNegative ? -explicit : explicit
        }
        let end = p
        let digitCount = integerDigits + fractionDigits

        if !isFloat {
            if digitCount > 19 {
                // 20 or more digits: may still fit an unsigned 64-bit integer.
                guard let exact = exactInteger(digitsStart, count: integerDigits) else {
                    return (JSONNumber(kind: .double, bits: slowDouble(start, end).bitPattern), end)
                }
                mantissa = exact
            }
            if negative {
                if mantissa <= 1 << 63 {
                    return (JSONNumber(kind: .int64, bits: UInt64(bitPattern: 0 &- Int64(bitPattern: mantissa))), end)
                }
                return (JSONNumber(kind: .double, bits: (-Double(mantissa)).bitPattern), end)
            }
            if mantissa <= UInt64(Int64.max) { return (JSONNumber(kind: .int64, bits: mantissa), end) }
            return (JSONNumber(kind: .uint64, bits: mantissa), end)
        }

        if digitCount > 19 {
            // The significand overflowed unless all but 19 digits are leading zeros.
            var significant = digitCount
            var scan = digitsStart
            while scan < end, scan.pointee == UInt8(ascii: "0") || scan.pointee == UInt8(ascii: ".") {
                if scan.pointee == UInt8(ascii: "0") { significant -= 1 }
                scan += 1
            }
            if significant > 19 {
                return (JSONNumber(kind: .double, bits: slowDouble(start, end).bitPattern), end)
            }
        }
        let value = double(mantissa: mantissa, exponent: exponent, powers: powers) ?? slowDouble(start, end)
        return (JSONNumber(kind: .double, bits: (negative ? -value : value).bitPattern), end)
    }

    /// The integer of `count` decimal digits at `digits`, if it fits 64 bits.
    private static func exactInteger(_ digits: UnsafePointer<UInt8>, count: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in 0..<count {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digits[index] &- 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// `mantissa × 10^exponent` correctly rounded (non-negative), or `nil` when only a slow path can tell.
    @inline(__always)
    static func double(mantissa: UInt64, exponent: Int, powers: UnsafePointer<UInt64>) -> Double? {
        if mantissa == 0 { return 0 }
        if exponent >= -22, exponent <= 22, mantissa <= 1 << 53 {
            let value = Double(mantissa)
            return exponent < 0 ? value / powerOfTen(-exponent) : value * powerOfTen(exponent)
        }
        return eiselLemire(mantissa, exponent, powers: powers)
    }

    /// The Eisel-Lemire algorithm as fast_float implements it: exact for a significand of at most 19
    /// digits (Mushtak and Lemire, "Fast Number Parsing Without Fallback", 2023).
    static func eiselLemire(_ significand: UInt64, _ q: Int, powers table: UnsafePointer<UInt64>) -> Double? {
        if q < -342 { return 0 }
        if q > 308 { return .infinity }
        let leadingZeros = significand.leadingZeroBitCount
        let w = significand << UInt64(leadingZeros)
        let index = 2 * (q + 342)
        var (high, low) = w.multipliedFullWidth(by: table[index])
        let precisionMask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
        if high & precisionMask == precisionMask {
            let second = w.multipliedFullWidth(by: table[index + 1]).high
            let (sum, carry) = low.addingReportingOverflow(second)
            low = sum
            if carry { high &+= 1 }
        }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var mantissa = high >> shift
        var power2 = ((152_170 + 65_536) * q) >> 16 + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            // Subnormal (or zero).
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: mantissa | (UInt64(power2) << 52))
        }
        if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, mantissa << shift == high {
            // Exactly halfway between two doubles: round to even.
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        mantissa &= ~(1 << 52)
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: mantissa | (UInt64(power2) << 52))
    }

    /// The correctly rounded value of the token `start ..< end` through the standard library
    /// (`strtod` in the C locale), for significands of more than 19 digits.
    static func slowDouble(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        return Double(text) ?? .nan
    }
}
