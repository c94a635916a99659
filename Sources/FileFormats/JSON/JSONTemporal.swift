import Backends

/// Dates and instants in JSON: ISO 8601 text and epoch counts, read into timestamp and date
/// columns and written out of them.
enum JSONTemporal {
    /// Nanoseconds per second.
    static let nanosecondsPerSecond: Int64 = 1_000_000_000
    /// Seconds per day.
    static let secondsPerDay: Int64 = 86_400

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fraction]]`, and
    /// optionally by `Z` or an offset `±HH[:]MM` (the instant is then converted to UTC). Returns
    /// whole seconds since the epoch and the nanoseconds within the second, or `nil` if the text is
    /// not such a date.
    static func parseISO(_ text: UnsafeBufferPointer<UInt8>) -> (seconds: Int64, nanoseconds: Int64)? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= text.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let digit = Int(text[index + offset]) - 48
                guard digit >= 0, digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            index += count
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < text.count, text[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), take(UInt8(ascii: "-")), let month = digits(2), take(UInt8(ascii: "-")),
              let day = digits(2), CivilTime.isValid(year: year, month: month, day: day) else { return nil }
        var seconds = Int64(CivilTime.days(year: year, month: month, day: day)) * secondsPerDay
        var nanoseconds: Int64 = 0
        if take(UInt8(ascii: "T")) || take(UInt8(ascii: " ")) {
            guard let hour = digits(2), hour < 24, take(UInt8(ascii: ":")), let minute = digits(2), minute < 60 else { return nil }
            seconds += Int64(hour * 3600 + minute * 60)
            if take(UInt8(ascii: ":")) {
                guard let second = digits(2), second < 61 else { return nil }
                seconds += Int64(second)
                if take(UInt8(ascii: ".")) || take(UInt8(ascii: ",")) {
                    var scale: Int64 = 100_000_000
                    var count = 0
                    while index < text.count, text[index] >= 48, text[index] <= 57 {
                        nanoseconds += Int64(text[index] - 48) * scale
                        scale /= 10
                        index += 1
                        count += 1
                    }
                    guard count > 0 else { return nil }
                }
            }
            if take(UInt8(ascii: "Z")) {
                // UTC.
            } else if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") {
                let sign: Int64 = text[index] == UInt8(ascii: "+") ? 1 : -1
                index += 1
                guard let hours = digits(2) else { return nil }
                _ = take(UInt8(ascii: ":"))
                guard let minutes = digits(2), hours < 24, minutes < 60 else { return nil }
                seconds -= sign * Int64(hours * 3600 + minutes * 60)
            }
        }
        guard index == text.count else { return nil }
        return (seconds, nanoseconds)
    }

    /// The count of `perSecond`-ths of a second for an instant (rounded toward the past), or `nil`
    /// if it does not fit 64 bits.
    static func count(seconds: Int64, nanoseconds: Int64, perSecond: Int64) -> Int64? {
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: perSecond)
        guard !overflow else { return nil }
        let part = nanoseconds / (nanosecondsPerSecond / perSecond)
        let (total, overflow2) = whole.addingReportingOverflow(part)
        return overflow2 ? nil : total
    }

    /// `value` counts of `from` converted to counts of `to` (rounded toward the past), or `nil` if
    /// the result does not fit 64 bits.
    static func convert(_ value: Int64, from: Int64, to: Int64) -> Int64? {
        if from == to { return value }
        if to > from {
            let (result, overflow) = value.multipliedReportingOverflow(by: to / from)
            return overflow ? nil : result
        }
        return floorDivide(value, from / to)
    }

    /// `value / divisor` rounded toward negative infinity (`divisor` > 0).
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
