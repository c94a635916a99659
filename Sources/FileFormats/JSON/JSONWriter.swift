#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backends

/// Writes host ``DataFrame``s as JSON: pandas' `to_json(orient="records")`, as an array of
/// objects or (with `lines`) JSON Lines.
///
/// The output is what pandas writes with these choices, which are also what Python's `json.dumps`
/// with `separators=(",", ":"), ensure_ascii=False` writes:
///
/// - no whitespace; records mode is `[{...},{...}]` (`[]` with no rows), lines mode is one object
///   per line, each ending in a newline (just a newline with no rows), as pandas writes;
/// - nulls, NaN and infinities as `null` (as pandas);
/// - integers in full; floats in the shortest form that reads back as the same value (Python's
///   `repr`: `0.1`, `1e-05`, `1e+16`; `float32` values in their own shortest form). pandas rounds to
///   10 significant digits by default (`double_precision=10`) instead, which does not round-trip;
/// - strings escaped per RFC 8259: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control
///   characters as `\u00XX`; everything else, non-ASCII included, as UTF-8. pandas by default also
///   escapes non-ASCII characters (`ensure_ascii=True`) and `/` as `\/`; both spellings read back the same;
/// - timestamps and dates: see ``JSONDateFormat`` (by default milliseconds since the epoch, which
///   is also what pandas writes for `datetime.date` values);
/// - categoricals as their category strings; booleans as `true`/`false`.
public enum JSONWriter {
    /// The frame as pandas' `to_json(orient="records")` text, an array of objects or (with `lines`)
    /// JSON Lines: nulls as `null`, floats in their shortest round-trip form, strings escaped per
    /// RFC 8259, timestamps and dates as `dateFormat` says.
    ///
    /// With the default `.epoch`, timestamps and dates are both milliseconds since the epoch: what
    /// pandas writes by default for datetime columns and for `datetime.date` values alike (checked
    /// against pandas 3.1). `.iso` writes ISO 8601 strings instead: timestamps as pandas'
    /// `date_format="iso"` does, dates as `YYYY-MM-DD`.
    public static func encode(_ frame: DataFrame, lines: Bool, dateFormat: JSONDateFormat = .epoch) -> [UInt8] {
        let rows = frame.rowCount
        // Each column's values as JSON text, formatted column by column (one type dispatch per
        // column), then interleaved row by row.
        var keys: [JSONByteBuffer] = []
        var texts: [JSONByteBuffer] = []
        var ends: [[Int]] = []
        defer {
            for index in keys.indices { keys[index].release() }
            for index in texts.indices { texts[index].release() }
        }
        for series in frame.columns {
            var key = JSONByteBuffer()
            escape(Array(series.name.utf8), into: &key)
            key.append(UInt8(ascii: ":"))
            var text = JSONByteBuffer()
            text.reserve(rows * 8)
            var columnEnds = [Int](repeating: 0, count: rows)
            format(series.column, rows: rows, dateFormat: dateFormat, into: &text, ends: &columnEnds)
            keys.append(key)
            texts.append(text)
            ends.append(columnEnds)
        }
        // The exact size: braces (and a newline or a comma) per row, commas between fields.
        let columns = texts.count
        var size = texts.reduce(0) { $0 + $1.count } + keys.reduce(0) { $0 + $1.count * rows }
        size += rows * (2 + max(columns - 1, 0)) + (lines ? rows : 2 + max(rows - 1, 0))
        if lines, rows == 0 { size = 1 }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            var out = base
            @inline(__always) func put(_ byte: UInt8) {
                out.pointee = byte
                out += 1
            }
            @inline(__always) func put(_ source: UnsafePointer<UInt8>, _ count: Int) {
                if count <= 16 {
                    for index in 0..<count { out[index] = source[index] }
                } else {
                    out.update(from: source, count: count)
                }
                out += count
            }
            if !lines { put(UInt8(ascii: "[")) }
            var starts = [Int](repeating: 0, count: columns)
            for row in 0..<rows {
                if !lines, row > 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "{"))
                for column in 0..<columns {
                    if column > 0 { put(UInt8(ascii: ",")) }
                    if let key = keys[column].base { put(key, keys[column].count) }
                    let end = ends[column][row]
                    if let text = texts[column].base { put(text + starts[column], end - starts[column]) }
                    starts[column] = end
                }
                put(UInt8(ascii: "}"))
                if lines { put(UInt8(ascii: "\n")) }
            }
            if !lines { put(UInt8(ascii: "]")) }
            if lines, rows == 0 { put(UInt8(ascii: "\n")) }
            initialized = out - base
        }
    }

    /// Writes ``encode(_:lines:dateFormat:)``'s output to `path`, replacing the file.
    ///
    /// - Throws: ``FileFormatError`` if the file cannot be created or written.
    public static func write(_ frame: DataFrame, to path: String, lines: Bool, dateFormat: JSONDateFormat = .epoch) throws(FileFormatError) {
        let bytes = encode(frame, lines: lines, dateFormat: dateFormat)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw FileFormatError(path: path, message: "Cannot create the file: \(String(cString: strerror(errno))).")
        }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBufferPointer { buffer in
                systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw FileFormatError(path: path, location: .byteOffset(written),
                                      message: "Cannot write the file: \(String(cString: strerror(errno))).")
            }
            written += result
        }
    }

    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, bytes, count)
        #else
        Darwin.write(descriptor, bytes, count)
        #endif
    }

    // MARK: - Values

    /// Appends the text of rows `0 ..< rows` of `column` to `text`, recording where each ends.
    private static func format(_ column: Column, rows: Int, dateFormat: JSONDateFormat, into text: inout JSONByteBuffer, ends: inout [Int]) {
        let validity = column.validity
        switch column.storage {
        case let .strings(buffer):
            buffer.offsets.withUnsafeBufferPointer { offsets in
                buffer.bytes.withUnsafeBufferPointer { bytes in
                    eachRow(rows, validity, &text, &ends) { row, text in
                        let start = Int(offsets[row]), end = Int(offsets[row + 1])
                        escape(UnsafeBufferPointer(rebasing: bytes[start..<end]), into: &text)
                    }
                }
            }
        case let .dictionary(codes, categories):
            let raw = UnsafeRawPointer(codes.storage.bytes)
            eachRow(rows, validity, &text, &ends) { row, text in
                let code = Int(raw.load(fromByteOffset: row * 4, as: Int32.self))
                if code >= 0, code < categories.count {
                    categories.withUTF8(code) { escape($0, into: &text) }
                } else {
                    text.append("null")
                }
            }
        case let .fixedWidth(values):
            let raw = UnsafeRawPointer(values.storage.bytes)
            switch column.type {
            case let .timestamp(unit, zone):
                eachRow(rows, validity, &text, &ends) { row, text in
                    let stored = raw.load(fromByteOffset: row * 8, as: Int64.self)
                    switch dateFormat {
                    case .epoch:
                        if let milliseconds = JSONTemporal.convert(stored, from: unit.perSecond, to: 1000) {
                            integer(milliseconds, into: &text)
                        } else {
                            text.append("null")
                        }
                    case .iso:
                        let milliseconds = JSONTemporal.convert(stored, from: unit.perSecond, to: 1000)
                            ?? JSONTemporal.floorDivide(stored, unit.perSecond) &* 1000
                        text.append(UInt8(ascii: "\""))
                        isoTimestamp(milliseconds, into: &text)
                        if zone != nil { text.append(UInt8(ascii: "Z")) }
                        text.append(UInt8(ascii: "\""))
                    }
                }
            case .date:
                eachRow(rows, validity, &text, &ends) { row, text in
                    let days = Int64(raw.load(fromByteOffset: row * 4, as: Int32.self))
                    switch dateFormat {
                    case .epoch:
                        integer(days * JSONTemporal.secondsPerDay * 1000, into: &text)
                    case .iso:
                        text.append(UInt8(ascii: "\""))
                        ascii(CivilTime.formatDate(Int32(truncatingIfNeeded: days)), into: &text)
                        text.append(UInt8(ascii: "\""))
                    }
                }
            default:
                let dtype = values.dtype
                eachRow(rows, validity, &text, &ends) { row, text in number(raw, dtype: dtype, row: row, into: &text) }
            }
        }
    }

    /// Calls `body` for each valid row, writing `null` for the others, and records where each
    /// row's text ends.
    @inline(__always)
    private static func eachRow(_ rows: Int, _ validity: ValidityBitmap?, _ text: inout JSONByteBuffer, _ ends: inout [Int],
                                _ body: (Int, inout JSONByteBuffer) -> Void) {
        ends.withUnsafeMutableBufferPointer { ends in
            for row in 0..<rows {
                if let validity, !validity.isValid(row) { text.append("null") } else { body(row, &text) }
                ends[row] = text.count
            }
        }
    }

    private static func number(_ raw: UnsafeRawPointer, dtype: DType, row: Int, into out: inout JSONByteBuffer) {
        switch dtype {
        case .bool: out.append(raw.load(fromByteOffset: row, as: Bool.self) ? "true" : "false")
        case .int8: integer(Int64(raw.load(fromByteOffset: row, as: Int8.self)), into: &out)
        case .int16: integer(Int64(raw.load(fromByteOffset: row * 2, as: Int16.self)), into: &out)
        case .int32: integer(Int64(raw.load(fromByteOffset: row * 4, as: Int32.self)), into: &out)
        case .int64: integer(raw.load(fromByteOffset: row * 8, as: Int64.self), into: &out)
        case .uint8: unsigned(UInt64(raw.load(fromByteOffset: row, as: UInt8.self)), into: &out)
        case .uint16: unsigned(UInt64(raw.load(fromByteOffset: row * 2, as: UInt16.self)), into: &out)
        case .uint32: unsigned(UInt64(raw.load(fromByteOffset: row * 4, as: UInt32.self)), into: &out)
        case .uint64: unsigned(raw.load(fromByteOffset: row * 8, as: UInt64.self), into: &out)
        case .float32:
            let value = raw.load(fromByteOffset: row * 4, as: Float.self)
            if value.isFinite { ascii(value.description, into: &out) } else { out.append("null") }
        case .float64:
            let value = raw.load(fromByteOffset: row * 8, as: Double.self)
            if value.isFinite { ascii(value.description, into: &out) } else { out.append("null") }
        }
    }

    private static func integer(_ value: Int64, into out: inout JSONByteBuffer) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude, into: &out)
    }

    private static func unsigned(_ value: UInt64, into out: inout JSONByteBuffer) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                rest /= 10
                count += 1
            } while rest > 0
            if let base = buffer.baseAddress {
                out.append(base.assumingMemoryBound(to: UInt8.self) + 24 - count, count)
            }
        }
    }

    private static func ascii(_ text: String, into out: inout JSONByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            if let base = bytes.baseAddress { out.append(base, bytes.count) }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.sss` for milliseconds since the epoch.
    private static func isoTimestamp(_ milliseconds: Int64, into out: inout JSONByteBuffer) {
        let seconds = JSONTemporal.floorDivide(milliseconds, 1000)
        let fraction = milliseconds - seconds * 1000
        let days = JSONTemporal.floorDivide(seconds, JSONTemporal.secondsPerDay)
        let secondOfDay = seconds - days * JSONTemporal.secondsPerDay
        ascii(CivilTime.formatDate(Int32(truncatingIfNeeded: days)), into: &out)
        out.append(UInt8(ascii: "T"))
        twoDigits(secondOfDay / 3600, into: &out)
        out.append(UInt8(ascii: ":"))
        twoDigits(secondOfDay / 60 % 60, into: &out)
        out.append(UInt8(ascii: ":"))
        twoDigits(secondOfDay % 60, into: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(truncatingIfNeeded: fraction / 100) + 0x30)
        out.append(UInt8(truncatingIfNeeded: fraction / 10 % 10) + 0x30)
        out.append(UInt8(truncatingIfNeeded: fraction % 10) + 0x30)
    }

    private static func twoDigits(_ value: Int64, into out: inout JSONByteBuffer) {
        out.append(UInt8(truncatingIfNeeded: value / 10) + 0x30)
        out.append(UInt8(truncatingIfNeeded: value % 10) + 0x30)
    }

    /// A JSON string literal for UTF-8 `bytes`, escaped per RFC 8259.
    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout JSONByteBuffer) {
        out.append(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress else {
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex: StaticString = "0123456789abcdef"
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = base[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            out.append(base + runStart, index - runStart)
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case 0x08: out.append("\\b")
            case 0x0C: out.append("\\f")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            default:
                out.append("\\u00")
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 15)])
            }
        }
        out.append(base + runStart, bytes.count - runStart)
        out.append(UInt8(ascii: "\""))
    }

    /// A JSON string literal for UTF-8 `bytes`, escaped per RFC 8259.
    private static func escape(_ bytes: [UInt8], into out: inout JSONByteBuffer) {
        bytes.withUnsafeBufferPointer { escape($0, into: &out) }
    }
}
