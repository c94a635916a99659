/// Parses sizes written as Dask writes them: `"128MiB"`, `"64 MB"`, `"1.5GB"`, `"1000"` or an integer.
///
/// Decimal units (`kB`, `MB`, `GB`, `TB`, `PB`) are powers of 1000, binary units (`KiB`, `MiB`,
/// `GiB`, `TiB`, `PiB`) powers of 1024, as in `dask.utils.parse_bytes`. Units are case-insensitive
/// and a bare `B` is allowed.
package enum ByteSize {
    private static let units: [String: Double] = [
        "": 1, "b": 1,
        "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12, "p": 1e15, "pb": 1e15,
        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
        "pib": 1_125_899_906_842_624,
    ]

    /// The number of bytes `text` names, or `nil` if it is not a size.
    package static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        guard let unitStart = trimmed.firstIndex(where: { $0.isLetter }) else {
            return Double(trimmed).flatMap(rounded)
        }
        let number = trimmed[..<unitStart].trimmingWhitespace()
        let unit = trimmed[unitStart...].trimmingWhitespace().lowercased()
        guard let multiplier = units[unit] else { return nil }
        let value = number.isEmpty ? 1 : Double(number)
        return value.flatMap { rounded($0 * multiplier) }
    }

    /// The size as a config value takes it: an integer number of bytes, or a string to parse.
    package static func parse(_ value: ConfigValue) -> Int? {
        switch value {
        case let .int(bytes): bytes
        case let .double(bytes): rounded(bytes)
        case let .string(text): parse(text)
        default: nil
        }
    }

    /// Formats a byte count with a binary unit, as Dask's `format_bytes` does (`"128.00 MiB"`).
    package static func format(_ bytes: Int) -> String {
        let steps: [(String, Double)] = [("PiB", 0x1p50), ("TiB", 0x1p40), ("GiB", 0x1p30), ("MiB", 0x1p20), ("kiB", 0x1p10)]
        for (name, size) in steps where Double(bytes) >= 0.9 * size {
            return formatTwoDecimals(Double(bytes) / size) + " " + name
        }
        return "\(bytes) B"
    }

    /// `value` with two decimals, without Foundation's `String(format:)`.
    package static func formatTwoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = hundredths / 100
        let fraction = hundredths % 100
        return "\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    private static func rounded(_ value: Double) -> Int? {
        guard value.isFinite, value >= 0, value < 9.0e18 else { return nil }
        return Int(value.rounded())
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and newlines.
    package func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
