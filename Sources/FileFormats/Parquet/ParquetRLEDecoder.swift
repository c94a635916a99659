/// A decoder of Parquet's RLE/bit-packed hybrid encoding (definition levels, dictionary indices,
/// RLE booleans), bounds-checked: it never reads outside its bytes.
///
/// Values come out run by run: a repeated run as one value and a count, a bit-packed run unpacked
/// into a caller's buffer, so that callers can fill or gather a repeated run without expanding it.
struct ParquetRLEDecoder {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0
    /// The width in bits of one value (0...32).
    let bitWidth: Int
    private var repeatedLeft = 0
    private var repeatedValue: UInt32 = 0
    private var literalLeft = 0
    /// The next literal value's bit offset from `base`.
    private var literalBit = 0

    /// A decoder of `count` bytes at `base` holding values of `bitWidth` bits.
    init(_ base: UnsafePointer<UInt8>, count: Int, bitWidth: Int) throws(ParquetFormatError) {
        guard bitWidth >= 0, bitWidth <= 32 else { throw ParquetFormatError("an RLE bit width of \(bitWidth) is more than 32") }
        self.base = base
        self.count = count
        self.bitWidth = bitWidth
    }

    /// What the next values are.
    enum Run {
        /// `count` copies of `value`.
        case repeated(value: UInt32, count: Int)
        /// `count` bit-packed values; fetch them with ``unpack(into:count:)``.
        case literal(count: Int)
    }

    private mutating func readHeader() throws(ParquetFormatError) {
        var header: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < count else { throw ParquetFormatError("RLE data ends before all values were read") }
            let byte = base[position]
            position += 1
            header |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            if shift > 35 { throw ParquetFormatError("an RLE run header is longer than 5 bytes") }
        }
        if header & 1 == 1 {
            let groups = Int(header >> 1)
            let bytes = groups * bitWidth
            // A final run may be cut short; only the values actually present count.
            let present = min(bytes, count - position)
            let values = bitWidth == 0 ? groups * 8 : min(groups * 8, present * 8 / bitWidth)
            guard values > 0 else { throw ParquetFormatError("an RLE bit-packed run is empty or runs past the end") }
            literalLeft = values
            literalBit = position * 8
            position += present
        } else {
            let runLength = Int(header >> 1)
            guard runLength > 0 else { throw ParquetFormatError("an RLE run has length 0") }
            let width = (bitWidth + 7) / 8
            guard count - position >= width else { throw ParquetFormatError("RLE data ends inside a run value") }
            var value: UInt32 = 0
            for index in 0..<width { value |= UInt32(base[position + index]) << UInt32(8 * index) }
            position += width
            repeatedValue = value
            repeatedLeft = runLength
        }
    }

    /// The next run, at most `maximum` values long.
    ///
    /// - Throws: if the data ends before another value.
    mutating func nextRun(maximum: Int) throws(ParquetFormatError) -> Run {
        if repeatedLeft == 0, literalLeft == 0 { try readHeader() }
        if repeatedLeft > 0 {
            let taken = min(repeatedLeft, maximum)
            repeatedLeft -= taken
            return .repeated(value: repeatedValue, count: taken)
        }
        return .literal(count: min(literalLeft, maximum))
    }

    /// Unpacks the next `count` values of the current literal run (at most what ``nextRun(maximum:)`` reported).
    mutating func unpack(into target: UnsafeMutablePointer<UInt32>, count values: Int) {
        ParquetBitPacking.unpack32(base, available: count, firstBit: literalBit, bitWidth: bitWidth, count: values, into: target)
        literalBit += values * bitWidth
        literalLeft -= values
    }

    /// Decodes `total` dictionary indices and stores `dictionary[index]` for each into `target`,
    /// in one pass (no index buffer).
    ///
    /// - Throws: for an index not below `dictionaryCount` (nothing outside the dictionary is read).
    @inline(__always)
    mutating func gather<T>(into target: UnsafeMutablePointer<T>, dictionary: UnsafePointer<T>, dictionaryCount: Int,
                            count total: Int) throws(ParquetFormatError) {
        guard dictionaryCount > 0 else {
            if total == 0 { return }
            throw ParquetFormatError("a dictionary index is out of range (the dictionary is empty)")
        }
        let last = UInt64(dictionaryCount - 1)
        var done = 0
        var outOfRange = false
        while done < total {
            switch try nextRun(maximum: total - done) {
            case let .repeated(value, run):
                guard UInt64(value) <= last else {
                    throw ParquetFormatError("a dictionary index \(value) is out of range (the dictionary has \(dictionaryCount) entries)")
                }
                (target + done).update(repeating: dictionary[Int(value)], count: run)
                done += run
            case let .literal(run) where bitWidth == 0:
                // Zero-width indices are all 0 (and occupy no bytes).
                (target + done).update(repeating: dictionary[0], count: run)
                literalLeft -= run
                done += run
            case let .literal(run):
                let width = UInt64(bitWidth)
                let mask: UInt64 = (1 << width) - 1
                var bit = literalBit
                let output = target + done
                // Values whose 8-byte load stays inside the data, without a check each.
                let room = (count - 8) * 8 - bit
                let fast = room < 0 ? 0 : min(run, room / bitWidth + 1)
                var index = 0
                // Whole groups of 8 values start on a byte: with the width a constant in each
                // case, the compiler unrolls and folds the shifts.
                if bit & 7 == 0 {
                    let groups = fast / 8
                    switch bitWidth {
                    case 1: Self.gatherGroups(1, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 2: Self.gatherGroups(2, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 3: Self.gatherGroups(3, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 4: Self.gatherGroups(4, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 5: Self.gatherGroups(5, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 6: Self.gatherGroups(6, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 7: Self.gatherGroups(7, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 8: Self.gatherGroups(8, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 9: Self.gatherGroups(9, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 10: Self.gatherGroups(10, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 11: Self.gatherGroups(11, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 12: Self.gatherGroups(12, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 13: Self.gatherGroups(13, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 14: Self.gatherGroups(14, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 15: Self.gatherGroups(15, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 16: Self.gatherGroups(16, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 17: Self.gatherGroups(17, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 18: Self.gatherGroups(18, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 19: Self.gatherGroups(19, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 20: Self.gatherGroups(20, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 21: Self.gatherGroups(21, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 22: Self.gatherGroups(22, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 23: Self.gatherGroups(23, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 24: Self.gatherGroups(24, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 25: Self.gatherGroups(25, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 26: Self.gatherGroups(26, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 27: Self.gatherGroups(27, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 28: Self.gatherGroups(28, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 29: Self.gatherGroups(29, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 30: Self.gatherGroups(30, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 31: Self.gatherGroups(31, base, &bit, groups, output, dictionary, last, &outOfRange)
                    case 32: Self.gatherGroups(32, base, &bit, groups, output, dictionary, last, &outOfRange)
                    default: break
                    }
                    index = groups * 8
                }
                while index < fast {
                    let word = UnsafeRawPointer(base + (bit >> 3)).loadUnaligned(as: UInt64.self).littleEndian
                    let code = (word >> UInt64(bit & 7)) & mask
                    outOfRange = outOfRange || code > last
                    output[index] = dictionary[Int(min(code, last))]
                    bit += bitWidth
                    index += 1
                }
                while index < run {
                    let word = ParquetBitPacking.loadWord(base, bit >> 3, limit: count)
                    let code = (word >> UInt64(bit & 7)) & mask
                    outOfRange = outOfRange || code > last
                    output[index] = dictionary[Int(min(code, last))]
                    bit += bitWidth
                    index += 1
                }
                if outOfRange {
                    throw ParquetFormatError("a dictionary index is out of range (the dictionary has \(dictionaryCount) entries)")
                }
                literalBit = bit
                literalLeft -= run
                done += run
            }
        }
    }

    /// `groups` groups of 8 dictionary lookups of `width`-bit indices starting at byte-aligned
    /// `bit`; the caller has checked that every 8-byte load stays inside the data.
    @inline(__always)
    private static func gatherGroups<T>(_ width: Int, _ base: UnsafePointer<UInt8>, _ bit: inout Int, _ groups: Int,
                                        _ output: UnsafeMutablePointer<T>, _ dictionary: UnsafePointer<T>, _ last: UInt64,
                                        _ outOfRange: inout Bool) {
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var largest: UInt64 = 0
        var start = bit >> 3
        for group in 0..<groups {
            let pointer = UnsafeRawPointer(base + start)
            let target = output + group * 8
            for slot in 0..<8 {
                let offset = slot * width
                let word = pointer.loadUnaligned(fromByteOffset: offset >> 3, as: UInt64.self).littleEndian
                let code = (word >> UInt64(offset & 7)) & mask
                largest = max(largest, code)
                target[slot] = dictionary[Int(min(code, last))]
            }
            start += width
        }
        outOfRange = outOfRange || largest > last
        bit = start * 8
    }

    /// Decodes exactly `total` values into `target`.
    mutating func decode(into target: UnsafeMutablePointer<UInt32>, count total: Int) throws(ParquetFormatError) {
        var done = 0
        while done < total {
            switch try nextRun(maximum: total - done) {
            case let .repeated(value, run):
                (target + done).update(repeating: value, count: run)
                done += run
            case let .literal(run):
                unpack(into: target + done, count: run)
                done += run
            }
        }
    }

    /// Decodes exactly `total` levels into `target`, checking each is at most `maximum`; returns
    /// how many equal `maximum`.
    mutating func decodeLevels(into target: UnsafeMutablePointer<UInt8>, count total: Int, maximum: Int) throws(ParquetFormatError) -> Int {
        var done = 0
        var atMaximum = 0
        let scratchSize = 256
        return try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: scratchSize) { (scratch) throws(ParquetFormatError) -> Int in
            guard let scratch = scratch.baseAddress else { return 0 }
            while done < total {
                switch try nextRun(maximum: min(total - done, scratchSize)) {
                case let .repeated(value, run):
                    guard value <= UInt32(maximum) else { throw ParquetFormatError("a level \(value) exceeds the maximum \(maximum)") }
                    (target + done).update(repeating: UInt8(value), count: run)
                    if value == UInt32(maximum) { atMaximum += run }
                    done += run
                case let .literal(run):
                    unpack(into: scratch, count: run)
                    var worst: UInt32 = 0
                    var hits = 0
                    for index in 0..<run {
                        let level = scratch[index]
                        worst = max(worst, level)
                        hits &+= level == UInt32(maximum) ? 1 : 0
                        target[done + index] = UInt8(truncatingIfNeeded: level)
                    }
                    guard worst <= UInt32(maximum) else { throw ParquetFormatError("a level \(worst) exceeds the maximum \(maximum)") }
                    atMaximum += hits
                    done += run
                }
            }
            return atMaximum
        }
    }
}
