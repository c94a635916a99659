import Backends

/// The CSV reader's fast path: parses the records of a region of bytes straight into column
/// buffers, one pass, no per-field allocation.
///
/// Fields are tokenized with the rules of ``CSVRecordReader`` and converted as they are found:
/// integers and floats by inline parsers (falling back to the general path for anything unusual:
/// quotes, whitespace, missing-value strings, long mantissas), strings copied once, unwanted columns
/// only scanned over, eight bytes at a time. The region must end with a line feed and be followed
/// by at least eight readable bytes (``CSVInputBuffer`` guarantees both), which lets the unquoted
/// paths run without end checks: every scan stops at the final line feed at the latest.
struct CSVRegionParser {
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    private let base: UnsafePointer<UInt8>
    private let start: Int
    private let end: Int
    private let separator: UInt8
    private let quote: UInt8
    private let separatorPattern: UInt64
    private let missing: CSVMissingValues
    private let tables = CSVFloatTables.shared
    private let buffers: CSVColumnBuffers
    private let slots: UnsafeMutablePointer<CSVColumnSlot>
    private let columnCount: Int

    /// The number of rows parsed.
    private(set) var rows = 0
    /// The offset of the record being parsed.
    private var recordStart = 0
    /// The high bits of every byte of the fields scanned over (unwanted columns): non-zero if
    /// some was not ASCII, and the region must then be validated as UTF-8.
    private(set) var skippedHighBits: UInt64 = 0

    /// A parser of `base[start ..< end]` into `buffers`.
    init(base: UnsafePointer<UInt8>, start: Int, end: Int, separator: UInt8, quote: UInt8,
         missing: CSVMissingValues, buffers: CSVColumnBuffers) {
        self.base = base
        self.start = start
        self.end = end
        self.separator = separator
        self.quote = quote
        separatorPattern = UInt64(separator) &* Self.ones
        self.missing = missing
        self.buffers = buffers
        slots = buffers.slots
        columnCount = buffers.count
    }

    /// Parses every record of the region.
    ///
    /// - Throws: ``CSVParseFailure``.
    mutating func run() throws(CSVParseFailure) {
        let separator = self.separator
        let lineFeed = Self.lineFeed, carriageReturn = Self.carriageReturn
        let endPointer = base + end
        var p = base + start
        var row = rows
        var capacity = buffers.rowCapacity
        defer { rows = row }
        while p < endPointer {
            let first = p.pointee
            if first == lineFeed {
                p += 1
                continue
            }
            if first == carriageReturn {
                p += 1
                if p.pointee == lineFeed { p += 1 }
                continue
            }
            if (first == 0x20 || first == 0x09) && first != separator {
                var q = p
                while (q.pointee == 0x20 || q.pointee == 0x09) && q.pointee != separator { q += 1 }
                if q.pointee == lineFeed || q.pointee == carriageReturn {
                    p = q
                    continue
                }
            }
            if row == capacity {
                try grow(rows: row)
                capacity = buffers.rowCapacity
            }
            recordStart = p - base
            var column = 0
            while true {
                guard column < columnCount else {
                    let saw = CSVRecordReader.fieldCount(base: base, offset: recordStart, end: end,
                                                         separator: separator, quote: quote)
                    throw .tooManyFields(recordOffset: recordStart, expected: columnCount, saw: saw)
                }
                let slot = slots + column
                switch slot.pointee.kind {
                case .skip: p = try skipField(p)
                case .int64:
                    var value: Int64 = 0
                    if !slot.pointee.checkStrings, let next = Self.fastInt64(p, separator, &value) {
                        slot.pointee.values.storeBytes(of: value, toByteOffset: row &<< 3, as: Int64.self)
                        p = next
                    } else {
                        p = try generalField(slot, p, row)
                    }
                case .float64:
                    var value = 0.0
                    if !slot.pointee.checkStrings, let next = Self.fastDouble(p, separator, tables, &value) {
                        slot.pointee.values.storeBytes(of: value, toByteOffset: row &<< 3, as: Double.self)
                        p = next
                    } else {
                        p = try generalField(slot, p, row)
                    }
                case .string: p = try stringField(slot, p, row)
                case .bool, .converted: p = try generalField(slot, p, row)
                }
                column += 1
                let terminator = p.pointee
                p += 1
                if terminator == separator { continue }
                if terminator == carriageReturn && p.pointee == lineFeed { p += 1 }
                break
            }
            while column < columnCount {
                try nullField(slots + column, row)
                column += 1
            }
            row += 1
        }
    }

    private mutating func grow(rows row: Int) throws(CSVParseFailure) {
        let capacity = buffers.rowCapacity
        guard buffers.growRows(to: capacity + capacity / 2 + 1024, rows: row) else {
            throw .outOfMemory
        }
    }

    // MARK: - Scanning

    /// A mask with the high bit set in every byte of `x` equal to the separator, `\n` or `\r`
    /// (and possibly in bytes above the first such one, which callers ignore).
    @inline(__always)
    private func terminatorMask(_ x: UInt64) -> UInt64 {
        let a = x ^ separatorPattern
        let b = x ^ (0x0A &* Self.ones)
        let c = x ^ (0x0D &* Self.ones)
        return ((a &- Self.ones) & ~a | (b &- Self.ones) & ~b | (c &- Self.ones) & ~c) & Self.highs
    }

    /// The first separator, `\n` or `\r` at or after `p`; ORs the bytes before it into `high`.
    @inline(__always)
    private func scanUnquoted(_ p: UnsafePointer<UInt8>, _ high: inout UInt64) -> UnsafePointer<UInt8> {
        #if _endian(little)
        var q = p
        while true {
            let x = UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
            let mask = terminatorMask(x)
            if mask != 0 {
                let index = mask.trailingZeroBitCount >> 3
                high |= x & ((1 &<< UInt64(index &* 8)) &- 1)
                return q + index
            }
            high |= x
            q += 8
        }
        #else
        var q = p
        while true {
            let c = q.pointee
            if c == separator || c == Self.lineFeed || c == Self.carriageReturn { return q }
            high |= UInt64(c)
            q += 1
        }
        #endif
    }

    /// Reads the quoted field at `p` (which holds the opening quote) and the unquoted rest of the
    /// field after the closing quote into the scratch buffer; returns the end of the field and the
    /// number of bytes read.
    private mutating func readQuoted(_ p: UnsafePointer<UInt8>) throws(CSVParseFailure) -> (UnsafePointer<UInt8>, Int) {
        let endPointer = base + end
        var q = p + 1
        var count = 0
        var scratch = buffers.scratch
        var capacity = buffers.scratchCapacity
        while true {
            guard q < endPointer else { throw .unclosedQuote(recordOffset: recordStart) }
            let c = q.pointee
            if c == quote {
                if q + 1 < endPointer && q[1] == quote {
                    q += 2
                } else {
                    q += 1
                    break
                }
            } else {
                q += 1
            }
            if count == capacity {
                buffers.growScratch(to: capacity * 2, keeping: count)
                scratch = buffers.scratch
                capacity = buffers.scratchCapacity
            }
            scratch[count] = c
            count += 1
        }
        while true {
            let c = q.pointee
            if c == separator || c == Self.lineFeed || c == Self.carriageReturn { break }
            if count == capacity {
                buffers.growScratch(to: capacity * 2, keeping: count)
                scratch = buffers.scratch
                capacity = buffers.scratchCapacity
            }
            scratch[count] = c
            count += 1
            q += 1
        }
        return (q, count)
    }

    /// The bytes of the field at `p` (unquoted in the scratch buffer if quoted) and its end.
    @inline(__always)
    private mutating func fieldBytes(_ p: UnsafePointer<UInt8>) throws(CSVParseFailure)
        -> (bytes: UnsafePointer<UInt8>, count: Int, next: UnsafePointer<UInt8>) {
        if p.pointee == quote {
            let (next, count) = try readQuoted(p)
            return (UnsafePointer(buffers.scratch), count, next)
        }
        var high: UInt64 = 0
        let next = scanUnquoted(p, &high)
        return (p, next - p, next)
    }

    /// Skips the field at `p`.
    @inline(__always)
    private mutating func skipField(_ p: UnsafePointer<UInt8>) throws(CSVParseFailure) -> UnsafePointer<UInt8> {
        if p.pointee == quote {
            let (next, count) = try readQuoted(p)
            if count > 0, !CSVUTF8Validator.isValid(buffers.scratch, count) { skippedHighBits |= Self.highs }
            return next
        }
        return scanUnquoted(p, &skippedHighBits)
    }

    // MARK: - Fields

    /// An unquoted integer of at most 18 digits with an optional minus sign, ending at a
    /// terminator: the end of it, with the value in `value`; `nil` for anything else.
    @inline(__always)
    private static func fastInt64(_ p: UnsafePointer<UInt8>, _ separator: UInt8, _ value: inout Int64) -> UnsafePointer<UInt8>? {
        var q = p
        let negative = q.pointee == UInt8(ascii: "-")
        if negative { q += 1 }
        var magnitude: UInt64 = 0
        let digits = CSVDecimalParser.digitRun(&q, &magnitude)
        let terminator = q.pointee
        guard digits > 0, digits <= 18,
              terminator == separator || terminator == lineFeed || terminator == carriageReturn else { return nil }
        let signed = Int64(bitPattern: magnitude)
        value = negative ? 0 &- signed : signed
        return q
    }

    /// An unquoted plain float (sign, digits, point, digits, exponent; at most 19 significant
    /// digits) ending at a terminator: the end of it, with the value in `value`; `nil` otherwise.
    @inline(__always)
    private static func fastDouble(_ p: UnsafePointer<UInt8>, _ separator: UInt8, _ tables: CSVFloatTables,
                                   _ value: inout Double) -> UnsafePointer<UInt8>? {
        var q = p
        var negative = false
        let sign = q.pointee
        if sign == UInt8(ascii: "-") {
            negative = true
            q += 1
        } else if sign == UInt8(ascii: "+") {
            q += 1
        }
        let digitsStart = q
        while q.pointee == UInt8(ascii: "0") { q += 1 }
        var mantissa: UInt64 = 0
        var significant = CSVDecimalParser.digitRun(&q, &mantissa)
        var hasDigits = q > digitsStart
        var exponent = 0
        if q.pointee == UInt8(ascii: ".") {
            q += 1
            let fractionStart = q
            if significant == 0 {
                while q.pointee == UInt8(ascii: "0") { q += 1 }
            }
            significant &+= CSVDecimalParser.digitRun(&q, &mantissa)
            exponent = fractionStart - q
            if q > fractionStart { hasDigits = true }
        }
        guard hasDigits, significant <= 19 else { return nil }
        var terminator = q.pointee
        if terminator | 0x20 == UInt8(ascii: "e") {
            var e = q + 1
            var exponentNegative = false
            if e.pointee == UInt8(ascii: "-") {
                exponentNegative = true
                e += 1
            } else if e.pointee == UInt8(ascii: "+") {
                e += 1
            }
            var digit = e.pointee &- 0x30
            guard digit < 10 else { return nil }
            var magnitude = 0
            while digit < 10 {
                if magnitude < 100_000 { magnitude = magnitude &* 10 &+ Int(digit) }
                e += 1
                digit = e.pointee &- 0x30
            }
            exponent &+= exponentNegative ? -magnitude : magnitude
            q = e
            terminator = q.pointee
        }
        guard terminator == separator || terminator == lineFeed || terminator == carriageReturn else { return nil }
        value = CSVDecimalParser.makeDouble(mantissa: mantissa, exponent: exponent, negative: negative, tables: tables)
        return q
    }

    @inline(__always)
    private mutating func stringField(_ slot: UnsafeMutablePointer<CSVColumnSlot>, _ p: UnsafePointer<UInt8>,
                                      _ row: Int) throws(CSVParseFailure) -> UnsafePointer<UInt8> {
        if p.pointee == quote { return try generalField(slot, p, row) }
        var high: UInt64 = 0
        let next = scanUnquoted(p, &high)
        let count = next - p
        if missing.contains(p, count) {
            try nullField(slot, row)
            return next
        }
        if high & Self.highs != 0, let bad = CSVUTF8Validator.firstInvalid(p, count) {
            throw .invalidUTF8(offset: p - base + bad)
        }
        try appendString(slot, p, count, row)
        return next
    }

    @inline(__always)
    private mutating func appendString(_ slot: UnsafeMutablePointer<CSVColumnSlot>, _ p: UnsafePointer<UInt8>, _ count: Int,
                              _ row: Int) throws(CSVParseFailure) {
        let used = slot.pointee.byteCount
        if used + count > slot.pointee.byteCapacity {
            guard buffers.growBytes(slot, to: used + count) else { throw .outOfMemory }
        }
        (slot.pointee.bytes + used).update(from: p, count: count)
        slot.pointee.byteCount = used + count
        slot.pointee.offsets[row + 1] = Int64(used + count)
    }

    /// Stores a null in `row` of `slot`.
    @inline(__always)
    private mutating func nullField(_ slot: UnsafeMutablePointer<CSVColumnSlot>, _ row: Int) throws(CSVParseFailure) {
        switch slot.pointee.kind {
        case .skip:
            return
        case .string:
            slot.pointee.offsets[row + 1] = Int64(slot.pointee.byteCount)
        default:
            let size = slot.pointee.elementSize
            (slot.pointee.values + row * size).initializeMemory(as: UInt8.self, repeating: 0, count: size)
        }
        guard buffers.markNull(slot, row: row) else { throw .outOfMemory }
    }

    /// The general path for any field: quotes, surrounding spaces, missing values, every type.
    private mutating func generalField(_ slot: UnsafeMutablePointer<CSVColumnSlot>, _ p: UnsafePointer<UInt8>,
                                       _ row: Int) throws(CSVParseFailure) -> UnsafePointer<UInt8> {
        let (bytes, count, next) = try fieldBytes(p)
        if missing.contains(bytes, count) {
            try nullField(slot, row)
            return next
        }
        let values = slot.pointee.values
        switch slot.pointee.kind {
        case .skip:
            break
        case .int64:
            guard case let .value(value) = CSVDecimalParser.parseInt64(bytes, count) else { throw mismatch(slot, bytes, count) }
            if missing.containsNumber(Double(value)) {
                try nullField(slot, row)
            } else {
                values.storeBytes(of: value, toByteOffset: row &<< 3, as: Int64.self)
            }
        case .float64:
            guard let value = CSVDecimalParser.parseDouble(bytes, count) else { throw mismatch(slot, bytes, count) }
            if missing.containsNumber(value) {
                try nullField(slot, row)
            } else {
                values.storeBytes(of: value, toByteOffset: row &<< 3, as: Double.self)
            }
        case .string:
            if let bad = CSVUTF8Validator.firstInvalid(bytes, count) {
                let offset = bytes == UnsafePointer(buffers.scratch) ? p - base : bytes - base + bad
                throw .invalidUTF8(offset: offset)
            }
            try appendString(slot, bytes, count, row)
        case .bool:
            guard let value = CSVColumnClassifier.boolValue(bytes, count) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value ? 1 : 0, toByteOffset: row, as: UInt8.self)
        case .converted:
            try convertedField(slot, bytes, count, row)
        }
        return next
    }

    private mutating func convertedField(_ slot: UnsafeMutablePointer<CSVColumnSlot>, _ bytes: UnsafePointer<UInt8>, _ count: Int,
                                _ row: Int) throws(CSVParseFailure) {
        let values = slot.pointee.values
        func integer() throws(CSVParseFailure) -> Int64 {
            guard case let .value(value) = CSVDecimalParser.parseInt64(bytes, count) else { throw mismatch(slot, bytes, count) }
            return value
        }
        switch slot.pointee.conversion {
        case .none:
            throw mismatch(slot, bytes, count)
        case .int8:
            guard let value = Int8(exactly: try integer()) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value, toByteOffset: row, as: Int8.self)
        case .int16:
            guard let value = Int16(exactly: try integer()) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value, toByteOffset: row * 2, as: Int16.self)
        case .int32:
            guard let value = Int32(exactly: try integer()) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value, toByteOffset: row * 4, as: Int32.self)
        case .uint8:
            guard let value = UInt8(exactly: try integer()) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value, toByteOffset: row, as: UInt8.self)
        case .uint16:
            guard let value = UInt16(exactly: try integer()) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value, toByteOffset: row * 2, as: UInt16.self)
        case .uint32:
            guard let value = UInt32(exactly: try integer()) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value, toByteOffset: row * 4, as: UInt32.self)
        case .uint64:
            let (trimmed, length) = CSVDecimalParser.trimmed(bytes, count)
            guard case let .value(value) = CSVDecimalParser.parseUInt64(trimmed, length) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: value, toByteOffset: row * 8, as: UInt64.self)
        case .float32:
            guard let value = CSVDecimalParser.parseDouble(bytes, count) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: Float(value), toByteOffset: row * 4, as: Float.self)
        case .timestamp:
            guard let instant = CSVTimestampParser.parse(bytes, count) else { throw mismatch(slot, bytes, count) }
            let unit = slot.pointee.nanosecondsPerUnit
            var value = instant.nanoseconds / unit
            if instant.nanoseconds % unit < 0 { value -= 1 }
            values.storeBytes(of: value, toByteOffset: row * 8, as: Int64.self)
        case .date:
            guard let days = CSVTimestampParser.parseDate(bytes, count) else { throw mismatch(slot, bytes, count) }
            values.storeBytes(of: days, toByteOffset: row * 4, as: Int32.self)
        }
    }

    private mutating func mismatch(_ slot: UnsafeMutablePointer<CSVColumnSlot>, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> CSVParseFailure {
        .mismatch(recordOffset: recordStart, column: slot - slots, text: Array(UnsafeBufferPointer(start: bytes, count: min(count, 200))))
    }
}
