/// Parses decimal integers and floats from UTF-8 bytes with the syntax pandas' C parser accepts,
/// without allocating: the fast paths the CSV reader runs once per numeric field.
///
/// Floats are correctly rounded (the same double Python's `float()` returns): up to 19 significant
/// digits go through Clinger's exact fast path or the Eisel–Lemire algorithm; longer inputs fall
/// back to the C library's `strtod` through `Double(String)`.
enum CSVDecimalParser {
    /// The outcome of parsing a signed integer.
    enum IntegerResult: Equatable {
        /// The value.
        case value(Int64)
        /// Not an integer (a character other than optional surrounding spaces, a sign and digits).
        case invalid
        /// An integer outside the range of `Int64`.
        case overflow
    }

    /// The outcome of parsing an integer as pandas' `uint64` pass does.
    enum UnsignedResult: Equatable {
        /// A non-negative value.
        case value(UInt64)
        /// A negative value that fits `Int64`.
        case negative(Int64)
        /// Not an integer.
        case invalid
        /// Outside `Int64.min ... UInt64.max`.
        case overflow
    }

    /// Reads the run of decimal digits at `q` eight bytes at a time (the bytes may run up to
    /// seven past the end of the run, so at least eight must be readable there), accumulating
    /// them into `mantissa` (wrapping past 19 digits); returns the number of digits and advances
    /// `q` past them.
    @inline(__always)
    static func digitRun(_ q: inout UnsafePointer<UInt8>, _ mantissa: inout UInt64) -> Int {
        #if _endian(little)
        var count = 0
        while true {
            let word = UnsafeRawPointer(q).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
            // The high nibble of a byte of `nonDigits` is set if that byte (or, through a carry,
            // one above a non-digit) is not a digit: the lowest such byte is the first non-digit.
            let nonDigits = (word | (word &+ 0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0
            if nonDigits == 0 {
                mantissa = mantissa &* 100_000_000 &+ eightDigitValues(word)
                q += 8
                count &+= 8
                continue
            }
            let run = nonDigits.trailingZeroBitCount >> 3
            if run > 0 {
                let scale: UInt64 = switch run {
                case 1: 10
                case 2: 100
                case 3: 1000
                case 4: 10000
                case 5: 100_000
                case 6: 1_000_000
                default: 10_000_000
                }
                mantissa = mantissa &* scale &+ eightDigitValues(word &<< UInt64(64 - 8 * run))
                q += run
                count &+= run
            }
            return count
        }
        #else
        var count = 0
        while q.pointee &- 0x30 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(q.pointee &- 0x30)
            q += 1
            count += 1
        }
        return count
        #endif
    }

    /// The value of eight digit values (0...9) packed in a word, the first in the lowest byte.
    @inline(__always)
    static func eightDigitValues(_ word: UInt64) -> UInt64 {
        let pairs = (word &* 10) &+ (word >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        return ((pairs & mask) &* 0x000F_4240_0000_0064 &+ ((pairs >> 16) & mask) &* 0x0000_2710_0000_0001) >> 32
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Splits off the leading and trailing ASCII whitespace pandas' number parsers skip.
    @inline(__always)
    static func trimmed(_ start: UnsafePointer<UInt8>, _ count: Int) -> (UnsafePointer<UInt8>, Int) {
        var lower = 0, upper = count
        while lower < upper, isSpace(start[lower]) { lower += 1 }
        while upper > lower, isSpace(start[upper - 1]) { upper -= 1 }
        return (start + lower, upper - lower)
    }

    /// A signed decimal integer: optional surrounding whitespace, an optional sign, one or more digits.
    static func parseInt64(_ start: UnsafePointer<UInt8>, _ count: Int) -> IntegerResult {
        // Fast path: an optional minus and at most 18 digits, nothing else.
        if count > 0, count <= 18 {
            var index = start[0] == UInt8(ascii: "-") ? 1 : 0
            if index < count {
                var value: Int64 = 0
                while index < count, start[index] &- 0x30 < 10 {
                    value = value &* 10 &+ Int64(start[index] &- 0x30)
                    index += 1
                }
                if index == count { return .value(start[0] == UInt8(ascii: "-") ? 0 &- value : value) }
            }
        }
        let (p, n) = trimmed(start, count)
        guard n > 0 else { return .invalid }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; index = 1 } else if p[0] == UInt8(ascii: "+") { index = 1 }
        guard index < n else { return .invalid }
        var magnitude: UInt64 = 0
        var overflow = false
        while index < n {
            let digit = p[index] &- 0x30
            guard digit < 10 else { return .invalid }
            let (product, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = product.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { overflow = true }
            magnitude = sum
            index += 1
        }
        if overflow { return .overflow }
        if negative {
            if magnitude <= UInt64(Int64.max) { return .value(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .value(Int64.min) }
            return .overflow
        }
        guard magnitude <= UInt64(Int64.max) else { return .overflow }
        return .value(Int64(magnitude))
    }

    /// An integer as pandas' `uint64` pass reads it: whitespace makes it invalid, a negative
    /// value is reported as such, and anything outside `Int64.min ... UInt64.max` overflows.
    static func parseUInt64(_ p: UnsafePointer<UInt8>, _ n: Int) -> UnsignedResult {
        guard n > 0 else { return .invalid }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; index = 1 } else if p[0] == UInt8(ascii: "+") { index = 1 }
        guard index < n else { return .invalid }
        var magnitude: UInt64 = 0
        var overflow = false
        while index < n {
            let digit = p[index] &- 0x30
            guard digit < 10 else { return .invalid }
            let (product, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = product.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { overflow = true }
            magnitude = sum
            index += 1
        }
        if overflow { return .overflow }
        if negative {
            if magnitude <= UInt64(Int64.max) { return .negative(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .negative(Int64.min) }
            return .overflow
        }
        return .value(magnitude)
    }

    /// Whether `bytes` spell an infinity as pandas accepts it (`inf`, `infinity`, any case, optional sign).
    static func parseInfinity(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var index = 0
        var negative = false
        if n > 0, p[0] == UInt8(ascii: "-") { negative = true; index = 1 } else if n > 0, p[0] == UInt8(ascii: "+") { index = 1 }
        let rest = n - index
        guard rest == 3 || rest == 8 else { return nil }
        let word: StaticString = "infinity"
        for k in 0..<rest where p[index + k] | 0x20 != word.utf8Start[k] { return nil }
        return negative ? -.infinity : .infinity
    }

    /// A float with pandas' syntax: optional surrounding whitespace, an optional sign, digits with
    /// an optional decimal point (at least one digit), an optional exponent; or an infinity.
    /// `nil` if the bytes are not a float.
    static func parseDouble(_ start: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        if count >= 3, (start[0] | 0x20) == UInt8(ascii: "i") || (start[1] | 0x20) == UInt8(ascii: "i") {
            if let infinity = parseInfinity(start, count) { return infinity }
        }
        let (p, n) = trimmed(start, count)
        guard n > 0 else { return nil }
        var index = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; index = 1 } else if p[0] == UInt8(ascii: "+") { index = 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var digits = 0
        var exponent = 0
        while index < n, p[index] &- 0x30 < 10 {
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(p[index] &- 0x30)
                if mantissa != 0 { significant += 1 }
            } else {
                significant += 1
                exponent += 1
            }
            digits += 1
            index += 1
        }
        if index < n, p[index] == UInt8(ascii: ".") {
            index += 1
            while index < n, p[index] &- 0x30 < 10 {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(p[index] &- 0x30)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else {
                    significant += 1
                }
                digits += 1
                index += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < n, p[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < n, p[index] == UInt8(ascii: "-") { exponentNegative = true; index += 1 } else if index < n, p[index] == UInt8(ascii: "+") { index += 1 }
            var value = 0
            var exponentDigits = 0
            while index < n, p[index] &- 0x30 < 10 {
                if value < 100_000 { value = value * 10 + Int(p[index] &- 0x30) }
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard index == n else { return nil }
        if significant <= 19 {
            return makeDouble(mantissa: mantissa, exponent: exponent, negative: negative, tables: CSVFloatTables.shared)
        }
        // More than 19 significant digits: let the C library round the full text.
        return Double(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
    }

    /// `mantissa * 10^exponent`, correctly rounded, for a mantissa of at most 19 decimal digits.
    @inline(__always)
    static func makeDouble(mantissa: UInt64, exponent: Int, negative: Bool, tables: CSVFloatTables) -> Double {
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if exponent >= -22, exponent <= 22, mantissa <= 1 << 53 {
            var value = Double(Int64(bitPattern: mantissa))
            let power = tables.exactPowersOfTen[exponent < 0 ? -exponent : exponent]
            if exponent < 0 { value /= power } else { value *= power }
            return negative ? -value : value
        }
        let bits = eiselLemire(exponent: exponent, mantissa: mantissa, powersOfFive: tables.powersOfFive)
        let value = Double(bitPattern: bits)
        return negative ? -value : value
    }

    /// The bits of the double nearest `mantissa * 10^exponent` (Eisel–Lemire, no fallback needed
    /// for 64-bit mantissas: Mushtak and Lemire, "Fast number parsing without fallback", 2023).
    static func eiselLemire(exponent q: Int, mantissa: UInt64, powersOfFive table: UnsafePointer<UInt64>) -> UInt64 {
        let infinity: UInt64 = 0x7FF0_0000_0000_0000
        if q < CSVEiselLemireTable.smallestPowerOfTen { return 0 }
        if q > CSVEiselLemireTable.largestPowerOfTen { return infinity }
        let leadingZeros = mantissa.leadingZeroBitCount
        let w = mantissa << UInt64(leadingZeros)
        let index = 2 * (q - CSVEiselLemireTable.smallestPowerOfTen)
        var (high, low) = w.multipliedFullWidth(by: table[index])
        let precisionMask: UInt64 = 0x1FF
        if high & precisionMask == precisionMask {
            let second = w.multipliedFullWidth(by: table[index + 1])
            let (sum, carry) = low.addingReportingOverflow(second.high)
            low = sum
            if carry { high &+= 1 }
        }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 9)
        var significand = high >> shift
        // power(q) = floor(q * log2(10)) + 63, as fast_float computes it.
        var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            if -power2 + 1 >= 64 { return 0 }
            significand >>= UInt64(-power2 + 1)
            significand += significand & 1
            significand >>= 1
            power2 = significand < (1 << 52) ? 0 : 1
            return UInt64(power2) << 52 | (significand & ((1 << 52) - 1))
        }
        if low <= 1, q >= -4, q <= 23, significand & 3 == 1, significand << shift == high {
            significand &= ~1
        }
        significand += significand & 1
        significand >>= 1
        if significand >= 2 << 52 {
            significand = 1 << 52
            power2 += 1
        }
        significand &= ~(1 << 52)
        if power2 >= 0x7FF { return infinity }
        return UInt64(power2) << 52 | significand
    }
}
