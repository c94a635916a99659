/// Formats floats as Python's `repr` (and NumPy's `str` for `float32`) writes them: the shortest
/// digits that round-trip, in positional notation from 1e-4 up to 1e16 (1e6 for `float32`) and
/// in scientific notation (`1e-05`, `1.5e+16`) outside, always with a `.0` on integral values.
enum CSVFloatFormat {
    /// Python's `repr` of `value`.
    static func string(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let (negative, digits, point) = decompose(value.description)
        // Python: scientific if the decimal point is more than 16 places right of the first digit
        // or 4 or more places left of it.
        return render(negative: negative, digits: digits, point: point, scientific: point > 16 || point < -3)
    }

    /// NumPy's `str` of a `float32` value.
    static func string(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let (negative, digits, point) = decompose(value.description)
        let magnitude = abs(Double(value))
        return render(negative: negative, digits: digits, point: point,
                      scientific: magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e6))
    }

    /// The sign, significant digits and decimal point position (value = 0.DIGITS × 10^point) of
    /// Swift's shortest round-trip description.
    private static func decompose(_ text: String) -> (Bool, [UInt8], Int) {
        var bytes = Array(text.utf8)
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes.removeFirst()
        }
        var exponent = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self)) ?? 0
            bytes.removeSubrange(e...)
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { point += 1 }
        }
        point += exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (negative, digits, point)
    }

    private static func render(negative: Bool, digits: [UInt8], point: Int, scientific: Bool) -> String {
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        let zero = UInt8(ascii: "0")
        if digits.isEmpty {
            out += Array("0.0".utf8)
        } else if scientific {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out += digits[1...]
            }
            let exponent = point - 1
            out.append(UInt8(ascii: "e"))
            out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = String(abs(exponent))
            if magnitude.count < 2 { out.append(zero) }
            out += Array(magnitude.utf8)
        } else if point <= 0 {
            out += [zero, UInt8(ascii: ".")]
            out += [UInt8](repeating: zero, count: -point)
            out += digits
        } else if point >= digits.count {
            out += digits
            out += [UInt8](repeating: zero, count: point - digits.count)
            out += Array(".0".utf8)
        } else {
            out += digits[..<point]
            out.append(UInt8(ascii: "."))
            out += digits[point...]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
