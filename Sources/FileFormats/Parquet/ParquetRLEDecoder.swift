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
