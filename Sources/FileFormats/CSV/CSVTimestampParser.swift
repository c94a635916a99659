import Backends

/// Parses ISO 8601 dates and date-times from UTF-8 bytes: `YYYY-MM-DD`, optionally followed by
/// `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fffffffff` (up to nine fraction digits, more
/// are truncated), optionally followed by a zone: `Z` or an offset `±HH:MM`, `±HHMM`, `±HH`.
/// Surrounding spaces are ignored.
enum CSVTimestampParser {
    /// A parsed instant.
    struct Instant: Equatable {
        /// Nanoseconds since 1970-01-01T00:00:00 — UTC when the text had a zone, wall-clock otherwise.
        var nanoseconds: Int64
        /// Whether the text gave a zone (`Z` or an offset).
        var hasZone: Bool
    }

    /// The instant `p[0 ..< n]` spells, or `nil` if it is not an ISO 8601 date or date-time in the
    /// range of 64-bit nanoseconds (years 1677 to 2262).
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Instant? {
        var lower = 0, upper = n
        while lower < upper, p[lower] == 0x20 { lower += 1 }
        while upper > lower, p[upper - 1] == 0x20 { upper -= 1 }
        var i = lower
        func digits(_ count: Int) -> Int? {
            guard i + count <= upper else { return nil }
            var value = 0
            for k in 0..<count {
                let digit = p[i + k] &- 0x30
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            i += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < upper, p[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2), CivilTime.isValid(year: year, month: month, day: day) else { return nil }
        var seconds = CivilTime.days(year: year, month: month, day: day) * 86_400
        var fraction: Int64 = 0
        var hasZone = false
        if i < upper, p[i] == UInt8(ascii: "T") || p[i] == UInt8(ascii: " ") {
            i += 1
            guard let hour = digits(2), hour < 24, expect(UInt8(ascii: ":")), let minute = digits(2), minute < 60 else {
                return nil
            }
            seconds += hour * 3600 + minute * 60
            if i < upper, p[i] == UInt8(ascii: ":") {
                i += 1
                guard let second = digits(2), second < 60 else { return nil }
                seconds += second
                if i < upper, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") {
                    i += 1
                    var count = 0
                    while i < upper, p[i] &- 0x30 < 10 {
                        if count < 9 { fraction = fraction * 10 + Int64(p[i] &- 0x30) }
                        count += 1
                        i += 1
                    }
                    guard count > 0 else { return nil }
                    for _ in count..<max(count, 9) { fraction *= 10 }
                }
            }
            if i < upper {
                if p[i] == UInt8(ascii: "Z") || p[i] == UInt8(ascii: "z") {
                    i += 1
                    hasZone = true
                } else if p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                    let sign = p[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    guard let offsetHours = digits(2), offsetHours < 24 else { return nil }
                    var offsetMinutes = 0
                    if i < upper {
                        _ = expect(UInt8(ascii: ":"))
                        guard let minutes = digits(2), minutes < 60 else { return nil }
                        offsetMinutes = minutes
                    }
                    seconds -= sign * (offsetHours * 3600 + offsetMinutes * 60)
                    hasZone = true
                }
            }
        }
        guard i == upper else { return nil }
        let (scaled, overflow1) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        guard !overflow1, !overflow2 else { return nil }
        return Instant(nanoseconds: total, hasZone: hasZone)
    }

    /// The day count of a plain `YYYY-MM-DD` date (surrounding spaces ignored), or `nil`.
    static func parseDate(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
        guard let instant = parse(p, n), !instant.hasZone else { return nil }
        let perDay: Int64 = 86_400 * 1_000_000_000
        guard instant.nanoseconds % perDay == 0 else { return nil }
        return Int32(exactly: instant.nanoseconds / perDay)
    }
}
