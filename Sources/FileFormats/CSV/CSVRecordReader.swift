/// Reads CSV records one at a time with pandas' C tokenizer rules, giving each field's bytes
/// (unquoted fields in place, quoted ones with quotes removed and doubled quotes undone in a
/// scratch buffer): the general path used for the header, type inference and error reporting.
/// ``CSVRegionParser`` is the fast path.
///
/// The rules: a field that starts with the quote character is quoted until the next lone quote
/// (separators, line breaks and doubled quotes inside are data); characters after the closing
/// quote up to the next separator are appended as they are, and a quote inside an unquoted field
/// is an ordinary character. Records end at `\n`, `\r\n` or a lone `\r`. Empty lines and lines of
/// only spaces and tabs are skipped. Lines are numbered as pandas numbers them: from 1 at the
/// start of the file, counting every record, skipped line and blank line once.
struct CSVRecordReader {
    /// Why a record could not be read.
    enum Failure: Error {
        /// The quoted field of the record at `offset` (on `line`) is not closed before the end.
        case unclosedQuote(offset: Int, line: Int)
    }

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private let separator: UInt8
    private let quote: UInt8
    private let truncated: Bool

    /// The offset of the next byte to read.
    private(set) var position: Int
    /// The line number at `position`.
    private(set) var line: Int
    /// The offset where the last record read starts.
    private(set) var recordStart = 0
    /// The line the last record read starts on.
    private(set) var recordLine = 0
    /// The bytes of the last record's quoted fields, back to back.
    private var scratch: [UInt8] = []
    /// Where each field of the last record lies: in the input, or (quoted) in `scratch`.
    private var fieldRanges: [(range: Range<Int>, inScratch: Bool)] = []

    /// A reader of `base[start ..< end]`, whose last byte must be a line feed. With `truncated`
    /// (a sample cut at a line boundary), a quoted field still open at the end ends the input
    /// instead of being an error.
    init(base: UnsafePointer<UInt8>, start: Int, end: Int, separator: UInt8, quote: UInt8,
         firstLine: Int = 1, truncated: Bool = false) {
        self.base = base
        self.end = end
        self.separator = separator
        self.quote = quote
        self.truncated = truncated
        position = start
        line = firstLine
    }

    /// The number of fields of the last record.
    var fieldCount: Int { fieldRanges.count }

    /// Calls `body` with the bytes of field `index` of the last record.
    func withField<R, E: Error>(_ index: Int, _ body: (UnsafePointer<UInt8>, Int) throws(E) -> R) throws(E) -> R {
        let (range, inScratch) = fieldRanges[index]
        if !inScratch { return try body(base + range.lowerBound, range.count) }
        let result: Result<R, E> = scratch.withUnsafeBufferPointer { buffer in
            // An empty array may have no base address; point at an empty byte then.
            guard let start = buffer.baseAddress else {
                return withUnsafePointer(to: UInt8(0)) { pointer in Result { () throws(E) in try body(pointer, 0) } }
            }
            return Result { () throws(E) in try body(start + range.lowerBound, range.count) }
        }
        return try result.get()
    }

    /// Field `index` of the last record as a string (invalid UTF-8 repaired).
    func fieldString(_ index: Int) -> String {
        withField(index) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
    }

    /// Skips `count` lines as pandas' `skiprows` does: a quote anywhere starts a section that
    /// line breaks do not end. Returns the number of lines skipped (fewer at the end of the data).
    @discardableResult
    mutating func skipLines(_ count: Int) -> Int {
        var skipped = 0
        var inQuote = false
        while skipped < count, position < end {
            let c = base[position]
            position += 1
            if c == quote {
                inQuote.toggle()
            } else if !inQuote, c == 0x0A || c == 0x0D {
                if c == 0x0D, position < end, base[position] == 0x0A { position += 1 }
                skipped += 1
                line += 1
            }
        }
        return skipped
    }

    /// Skips empty and whitespace-only lines; returns whether a record follows.
    mutating func skipBlankLines() -> Bool {
        while position < end {
            let c = base[position]
            if c == 0x0A {
                position += 1
                line += 1
            } else if c == 0x0D {
                position += 1
                if position < end, base[position] == 0x0A { position += 1 }
                line += 1
            } else if (c == 0x20 || c == 0x09) && c != separator {
                var q = position
                while q < end, base[q] == 0x20 || base[q] == 0x09, base[q] != separator { q += 1 }
                if q < end, base[q] == 0x0A || base[q] == 0x0D {
                    position = q
                } else {
                    return true
                }
            } else {
                return true
            }
        }
        return false
    }

    /// Reads the next record; `false` at the end of the data.
    mutating func next() throws(Failure) -> Bool {
        guard skipBlankLines() else { return false }
        recordStart = position
        recordLine = line
        scratch.removeAll(keepingCapacity: true)
        fieldRanges.removeAll(keepingCapacity: true)
        var p = position
        while true {
            let fieldStart = scratch.count
            var quoted = false
            if p < end, base[p] == quote {
                quoted = true
                p += 1
                while true {
                    guard p < end else {
                        if truncated {
                            position = end
                            fieldRanges.removeAll()
                            return false
                        }
                        throw .unclosedQuote(offset: recordStart, line: recordLine)
                    }
                    let c = base[p]
                    if c == quote {
                        if p + 1 < end, base[p + 1] == quote {
                            scratch.append(quote)
                            p += 2
                            continue
                        }
                        p += 1
                        break
                    }
                    scratch.append(c)
                    p += 1
                }
            }
            let runStart = p
            #if _endian(little)
            // Eight bytes at a time while they lie inside the data.
            let ones: UInt64 = 0x0101_0101_0101_0101
            let separators = UInt64(separator) &* ones
            while p + 8 <= end {
                let x = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                let a = x ^ separators, b = x ^ (0x0A &* ones), c = x ^ (0x0D &* ones)
                let mask = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & 0x8080_8080_8080_8080
                if mask != 0 {
                    p += mask.trailingZeroBitCount >> 3
                    break
                }
                p += 8
            }
            #endif
            while p < end {
                let c = base[p]
                if c == separator || c == 0x0A || c == 0x0D { break }
                p += 1
            }
            if quoted {
                if p > runStart { scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: p - runStart)) }
                fieldRanges.append((fieldStart..<scratch.count, true))
            } else {
                fieldRanges.append((runStart..<p, false))
            }
            guard p < end else { break }
            let c = base[p]
            p += 1
            if c == separator { continue }
            if c == 0x0D, p < end, base[p] == 0x0A { p += 1 }
            line += 1
            break
        }
        position = p
        return true
    }

    /// The number of fields of the record starting at `offset` (for error messages).
    static func fieldCount(base: UnsafePointer<UInt8>, offset: Int, end: Int, separator: UInt8, quote: UInt8) -> Int {
        var reader = CSVRecordReader(base: base, start: offset, end: end, separator: separator, quote: quote)
        guard (try? reader.next()) == true else { return 0 }
        return reader.fieldCount
    }

    /// The pandas line number of the record holding the byte at `offset`, counting the line at
    /// `start` as line 1.
    static func lineNumber(base: UnsafePointer<UInt8>, start: Int, offset: Int, end: Int,
                           separator: UInt8, quote: UInt8, skiprows: Int) -> Int {
        var reader = CSVRecordReader(base: base, start: start, end: end, separator: separator, quote: quote)
        reader.skipLines(skiprows)
        if reader.position > offset { return reader.line - 1 }
        while reader.skipBlankLines() {
            if reader.position > offset { return reader.line }
            do {
                guard try reader.next() else { break }
            } catch {
                return reader.recordLine
            }
            if reader.position > offset { return reader.recordLine }
        }
        return reader.line
    }
}
