#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// A time zone's UTC offsets over time, read from the system's TZif files (RFC 8536) under
/// `/usr/share/zoneinfo`: what turns ORC TIMESTAMP values, wall-clock times in the writer's
/// zone, into the wall-clock times pyarrow reads.
///
/// Instants after the file's last transition follow the rule in the file's footer (a POSIX TZ
/// string, ``ORCTimeZoneRule``), or keep the last transition's offset when there is none.
final class ORCTimeZone: Sendable {
    /// The zone's name.
    let name: String
    /// Transition instants (UTC seconds), ascending.
    private let transitions: [Int64]
    /// The UTC offset (seconds) in effect from each transition.
    private let offsets: [Int64]
    /// The offset before the first transition.
    private let initialOffset: Int64
    /// The rule after the last transition.
    private let rule: ORCTimeZoneRule?

    private init(name: String, transitions: [Int64], offsets: [Int64], initialOffset: Int64, rule: ORCTimeZoneRule? = nil) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.rule = rule
    }

    /// UTC.
    static let utc = ORCTimeZone(name: "UTC", transitions: [], offsets: [], initialOffset: 0)

    private static let cache = Mutex<[String: ORCTimeZone]>([:])

    /// The zone `name` (an IANA name such as `America/Los_Angeles`, or `UTC`/`GMT`).
    ///
    /// - Throws: when the zone's file cannot be found or read.
    static func named(_ name: String) throws(ORCFormatError) -> ORCTimeZone {
        if name.isEmpty || name == "UTC" || name == "GMT" || name == "Etc/UTC" || name == "Z" { return utc }
        if let known = cache.withLock({ $0[name] }) { return known }
        guard !name.contains(".."), !name.hasPrefix("/") else { throw ORCFormatError("the writer's time zone '\(name)' is not a zone name") }
        let zone = try load(name)
        cache.withLock { $0[name] = zone }
        return zone
    }

    /// The UTC offset in seconds at UTC instant `seconds`.
    func offset(atUTC seconds: Int64) -> Int64 {
        guard let first = transitions.first else { return rule?.offset(atUTC: seconds) ?? initialOffset }
        if seconds < first { return initialOffset }
        if let rule, let last = transitions.last, seconds >= last { return rule.offset(atUTC: seconds) }
        var low = 0
        var high = transitions.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if transitions[middle] <= seconds { low = middle } else { high = middle }
        }
        return offsets[low]
    }

    /// The UTC instant of wall-clock time `local` (seconds as if the wall clock were UTC); in a
    /// gap or overlap, the offset in effect just before is used, as ORC's writers do.
    func utc(ofLocal local: Int64) -> Int64 {
        let guess = offset(atUTC: local)
        let adjusted = offset(atUTC: local &- guess)
        return local &- adjusted
    }

    private static func load(_ name: String) throws(ORCFormatError) -> ORCTimeZone {
        let roots = ["/usr/share/zoneinfo/", "/usr/lib/zoneinfo/", "/usr/share/lib/zoneinfo/"]
        for root in roots {
            guard let data = readFile(root + name) else { continue }
            guard let zone = parse(data, name: name) else {
                throw ORCFormatError("the time zone file \(root + name) is not a TZif file")
            }
            return zone
        }
        throw ORCFormatError("the writer's time zone '\(name)' is not in the system's zone database (install tzdata)")
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if got <= 0 { break }
            result.append(contentsOf: chunk[0..<got])
            if result.count > 1 << 22 { return nil }
        }
        return result
    }

    /// Parses TZif data (version 1 blocks with 32-bit times, or the 64-bit block of version 2+).
    private static func parse(_ data: [UInt8], name: String) -> ORCTimeZone? {
        func count(_ at: Int) -> Int? {
            guard at + 4 <= data.count else { return nil }
            return Int(UInt32(data[at]) << 24 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 8 | UInt32(data[at + 3]))
        }
        func integer(_ at: Int, width: Int) -> Int64 {
            var value: UInt64 = 0
            for index in 0..<width { value = value << 8 | UInt64(data[at + index]) }
            if width == 4 { return Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: value))) }
            return Int64(bitPattern: value)
        }
        guard data.count >= 44, data[0] == 0x54, data[1] == 0x5A, data[2] == 0x69, data[3] == 0x66 else { return nil }
        var header = 0
        var timeWidth = 4
        // Counts: isut, isstd, leap, time, type, char.
        func counts(_ at: Int) -> [Int]? {
            var result: [Int] = []
            for index in 0..<6 {
                guard let value = count(at + 20 + 4 * index) else { return nil }
                result.append(value)
            }
            return result
        }
        guard var fields = counts(header) else { return nil }
        if data[4] >= 0x32 {
            // Skip the version 1 block to the 64-bit one.
            let v1Size = fields[3] * 5 + fields[4] * 6 + fields[5] + fields[2] * 8 + fields[1] + fields[0]
            header = 44 + v1Size
            timeWidth = 8
            guard let second = counts(header) else { return nil }
            fields = second
        }
        let timeCount = fields[3], typeCount = fields[4]
        let timesAt = header + 44
        let indicesAt = timesAt + timeCount * timeWidth
        let typesAt = indicesAt + timeCount
        guard typeCount > 0, typesAt + typeCount * 6 <= data.count else { return nil }
        var typeOffsets: [Int64] = []
        for index in 0..<typeCount {
            typeOffsets.append(integer(typesAt + index * 6, width: 4))
        }
        var transitions: [Int64] = []
        var offsets: [Int64] = []
        for index in 0..<timeCount {
            let type = Int(data[indicesAt + index])
            guard type < typeCount else { return nil }
            transitions.append(integer(timesAt + index * timeWidth, width: timeWidth))
            offsets.append(typeOffsets[type])
        }
        // The footer (version 2+): a POSIX TZ string between newlines, after the 64-bit block.
        var rule: ORCTimeZoneRule?
        if timeWidth == 8 {
            let footerAt = typesAt + typeCount * 6 + fields[5] + fields[2] * 12 + fields[1] + fields[0]
            if footerAt < data.count, data[footerAt] == 0x0A, let end = data[(footerAt + 1)...].firstIndex(of: 0x0A) {
                rule = ORCTimeZoneRule(String(decoding: data[(footerAt + 1)..<end], as: UTF8.self))
            }
        }
        // Before the first transition: type 0 (RFC 8536 section 3.2); with no transitions, the rule.
        return ORCTimeZone(name: name, transitions: transitions, offsets: offsets, initialOffset: typeOffsets[0], rule: rule)
    }
}
