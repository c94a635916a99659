/// The rule a TZif file's footer gives for instants after its last transition: a POSIX `TZ`
/// string such as `PST8PDT,M3.2.0,M11.1.0` or `<+1030>-10:30<+11>-11,M10.1.0,M4.1.0`
/// (RFC 8536 section 3.3: standard offset, optional daylight offset and the two yearly changes).
struct ORCTimeZoneRule: Sendable {
    /// A yearly change: `Mm.w.d` (day `d` of week `w` of month `m`, week 5 the last), `Jn`
    /// (day `n` of 1...365, February 29 never counted) or `n` (day `n` of 0...365), at `time`
    /// seconds after local midnight.
    struct Change: Sendable {
        enum Day: Sendable {
            case monthWeekDay(month: Int, week: Int, weekday: Int)
            case julianNoLeap(Int)
            case zeroBased(Int)
        }

        var day: Day
        var time: Int64

        /// The local time (seconds since 1970-01-01 as if local were UTC) of the change in `year`.
        func local(year: Int64) -> Int64 {
            let days: Int64
            switch day {
            case let .monthWeekDay(month, week, weekday):
                let first = ORCTimeZoneRule.daysFromCivil(year: year, month: Int64(month), day: 1)
                // 1970-01-01 was a Thursday (weekday 4).
                let firstWeekday = ((first % 7) + 11) % 7
                var day = first + (Int64(weekday) - firstWeekday + 7) % 7 + Int64(week - 1) * 7
                let length = ORCTimeZoneRule.daysFromCivil(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : Int64(month + 1), day: 1) - first
                while day - first >= length { day -= 7 }
                days = day
            case let .julianNoLeap(number):
                let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
                days = ORCTimeZoneRule.daysFromCivil(year: year, month: 1, day: 1) + Int64(number - 1) + (leap && number >= 60 ? 1 : 0)
            case let .zeroBased(number):
                days = ORCTimeZoneRule.daysFromCivil(year: year, month: 1, day: 1) + Int64(number)
            }
            return days * 86_400 + time
        }
    }

    /// Standard time's UTC offset in seconds (east positive).
    var standardOffset: Int64
    /// Daylight time's offset and changes, when the zone has daylight time.
    var daylight: (offset: Int64, start: Change, end: Change)?

    /// Parses `text`; `nil` for a string it does not understand (the last transition's offset is
    /// then kept).
    init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard scanner.name(), let standard = scanner.offset() else { return nil }
        standardOffset = -standard
        if scanner.atEnd { daylight = nil; return }
        guard scanner.name() else { return nil }
        var daylightOffset = standardOffset + 3600
        if !scanner.peek(","), let parsed = scanner.offset() { daylightOffset = -parsed }
        guard scanner.take(","), let start = scanner.change(), scanner.take(","), let end = scanner.change(), scanner.atEnd else { return nil }
        daylight = (daylightOffset, start, end)
    }

    /// The UTC offset at UTC instant `seconds`.
    func offset(atUTC seconds: Int64) -> Int64 {
        guard let daylight else { return standardOffset }
        let year = Self.civilYear(days: Self.floorDivide(seconds + standardOffset, 86_400))
        // Changes happen at local time: the start in standard time, the end in daylight time.
        let start = daylight.start.local(year: year) - standardOffset
        let end = daylight.end.local(year: year) - daylight.offset
        let inDaylight = start < end ? (seconds >= start && seconds < end) : (seconds >= start || seconds < end)
        return inDaylight ? daylight.offset : standardOffset
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The year of day `days` since 1970-01-01.
    static func civilYear(days: Int64) -> Int64 {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        return yearOfEra + era * 400 + (monthIndex >= 10 ? 1 : 0)
    }

    /// Reads a TZ string's parts.
    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position >= bytes.count }

        func peek(_ character: Character) -> Bool { !atEnd && bytes[position] == character.asciiValue }

        mutating func take(_ character: Character) -> Bool {
            guard peek(character) else { return false }
            position += 1
            return true
        }

        /// A zone abbreviation: letters, or anything between `<` and `>`.
        mutating func name() -> Bool {
            if take("<") {
                while !atEnd, bytes[position] != UInt8(ascii: ">") { position += 1 }
                return take(">")
            }
            let start = position
            while !atEnd, (bytes[position] | 0x20) >= UInt8(ascii: "a"), (bytes[position] | 0x20) <= UInt8(ascii: "z") { position += 1 }
            return position - start >= 3
        }

        mutating func number() -> Int64? {
            let start = position
            var value: Int64 = 0
            while !atEnd, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9"), position - start < 6 {
                value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            return position > start ? value : nil
        }

        /// `[+-]hh[:mm[:ss]]` in seconds (hours up to 167, as RFC 8536 allows for times).
        mutating func offset() -> Int64? {
            let negative = take("-")
            if !negative { _ = take("+") }
            guard let hours = number(), hours <= 167 else { return nil }
            var total = hours * 3600
            if take(":") {
                guard let minutes = number(), minutes < 60 else { return nil }
                total += minutes * 60
                if take(":") {
                    guard let seconds = number(), seconds < 60 else { return nil }
                    total += seconds
                }
            }
            return negative ? -total : total
        }

        mutating func change() -> Change? {
            let day: Change.Day
            if take("M") {
                guard let month = number(), (1...12).contains(month), take("."), let week = number(), (1...5).contains(week),
                      take("."), let weekday = number(), weekday <= 6 else { return nil }
                day = .monthWeekDay(month: Int(month), week: Int(week), weekday: Int(weekday))
            } else if take("J") {
                guard let number = number(), (1...365).contains(number) else { return nil }
                day = .julianNoLeap(Int(number))
            } else {
                guard let number = number(), number <= 365 else { return nil }
                day = .zeroBased(Int(number))
            }
            var time: Int64 = 7200
            if take("/") {
                guard let parsed = offset() else { return nil }
                time = parsed
            }
            return Change(day: day, time: time)
        }
    }
}
