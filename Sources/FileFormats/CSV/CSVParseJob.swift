import Backends

/// One parse of a region of CSV bytes into a frame: sets up a slot per file column, runs
/// ``CSVRegionParser`` and turns its failures into ``FileFormatError``s.
struct CSVParseJob {
    /// The bytes.
    let input: CSVInputBuffer
    /// The offset of the first data byte in `input`.
    let start: Int
    /// The line number at `start` if errors are located by line (a region at the start of the
    /// file), `nil` to locate them by byte offset.
    let startLine: Int?
    /// The file, for messages.
    let path: String
    /// The options.
    let options: CSVOptions
    /// The names of all the file's columns.
    let names: [String]
    /// For each output column, the file column it comes from.
    let fileColumns: [Int]
    /// For each output column, its type.
    let types: [ColumnType]

    /// The parsed frame, or why parsing failed.
    func run() -> Result<DataFrame, CSVParseFailure> {
        let missing = CSVMissingValues(options: options)
        var templates = names.map { _ in CSVColumnSlot(kind: .skip) }
        for (output, column) in fileColumns.enumerated() {
            templates[column] = Self.slot(for: types[output], missing: missing)
        }
        let (rows, stringBytes) = estimate(columnCount: max(names.count, 1))
        guard let buffers = CSVColumnBuffers(slots: templates, rowCapacity: rows, stringBytes: stringBytes) else {
            return .failure(.outOfMemory)
        }
        var parser = CSVRegionParser(base: input.base, start: start, end: input.count, separator: options.separator,
                                     quote: options.quote, missing: missing, buffers: buffers)
        do throws(CSVParseFailure) {
            try parser.run()
        } catch {
            return .failure(error)
        }
        if parser.skippedHighBits & 0x8080_8080_8080_8080 != 0, start < input.count,
           let bad = CSVUTF8Validator.firstInvalid(input.base + start, input.count - start) {
            return .failure(.invalidUTF8(offset: start + bad))
        }
        let rowCount = parser.rows
        let series = fileColumns.enumerated().map { output, column in
            Series(name: names[column], column: buffers.column(column, rows: rowCount, type: types[output]))
        }
        return .success(DataFrame(unchecked: series, rowCount: rowCount))
    }

    /// Room to start with: rows from the average line length of the first 64 KiB, string bytes
    /// from the region's size shared among the columns.
    private func estimate(columnCount: Int) -> (rows: Int, stringBytes: Int) {
        let size = max(input.count - start, 0)
        let probe = min(size, 1 << 16)
        var lines = 0
        for offset in start..<(start + probe) where input.base[offset] == 0x0A { lines += 1 }
        let rows = lines == 0 ? 16 : Int(Double(size) / Double(probe) * Double(lines) * 1.02) + 64
        return (rows, size / columnCount + 64)
    }

    /// The slot that parses a column of `type`.
    static func slot(for type: ColumnType, missing: CSVMissingValues) -> CSVColumnSlot {
        var slot: CSVColumnSlot
        switch type {
        case let .numeric(dtype):
            switch dtype {
            case .int64: slot = CSVColumnSlot(kind: .int64, elementSize: 8)
            case .float64: slot = CSVColumnSlot(kind: .float64, elementSize: 8)
            case .bool: slot = CSVColumnSlot(kind: .bool, elementSize: 1)
            case .int8: slot = converted(.int8, 1)
            case .int16: slot = converted(.int16, 2)
            case .int32: slot = converted(.int32, 4)
            case .uint8: slot = converted(.uint8, 1)
            case .uint16: slot = converted(.uint16, 2)
            case .uint32: slot = converted(.uint32, 4)
            case .uint64: slot = converted(.uint64, 8)
            case .float32: slot = converted(.float32, 4)
            }
            if !missing.numbers.isEmpty, dtype != .bool { slot.checkStrings = true }
        case .string, .categorical:
            slot = CSVColumnSlot(kind: .string)
        case let .timestamp(unit, _):
            slot = converted(.timestamp, 8)
            slot.nanosecondsPerUnit = 1_000_000_000 / unit.perSecond
        case .date:
            slot = converted(.date, 4)
        }
        switch slot.kind {
        case .int64:
            if missing.anyString(where: { CSVDecimalParser.parseInt64($0, $1) != .invalid }) { slot.checkStrings = true }
        case .float64:
            if missing.anyString(where: { CSVDecimalParser.parseDouble($0, $1) != nil }) { slot.checkStrings = true }
        default:
            break
        }
        return slot
    }

    private static func converted(_ conversion: CSVColumnSlot.Conversion, _ size: Int) -> CSVColumnSlot {
        var slot = CSVColumnSlot(kind: .converted, elementSize: size)
        slot.conversion = conversion
        return slot
    }

    /// The error a failure is reported as: located by line or byte offset, a type mismatch naming
    /// the column and the value and suggesting a `dtypes` entry.
    func error(for failure: CSVParseFailure) -> FileFormatError {
        switch failure {
        case let .tooManyFields(offset, expected, saw):
            let location = location(of: offset)
            if case let .line(line) = location {
                return FileFormatError(path: path, location: location, message: "Expected \(expected) fields in line \(line), saw \(saw).")
            }
            return FileFormatError(path: path, location: location, message: "Expected \(expected) fields, saw \(saw).")
        case let .unclosedQuote(offset):
            let location = location(of: offset)
            if case let .line(line) = location {
                return FileFormatError(path: path, location: location, message: "EOF inside string starting at line \(line).")
            }
            return FileFormatError(path: path, location: location, message: "EOF inside a quoted field starting in this record.")
        case let .invalidUTF8(offset):
            let byte = offset < input.count ? input.base[offset] : 0
            let hex = String(byte, radix: 16, uppercase: true)
            return FileFormatError(path: path, location: location(of: offset),
                                   message: "Invalid UTF-8: byte 0x\(hex.count < 2 ? "0" + hex : hex) does not start a valid sequence.")
        case let .mismatch(offset, column, text):
            let name = column < names.count ? names[column] : "\(column)"
            let type = fileColumns.firstIndex(of: column).map { types[$0].description } ?? "?"
            let value = String(decoding: text, as: UTF8.self)
            let suggestion = text.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { CSVDecimalParser.parseDouble($0, buffer.count) != nil } ?? false
            } ? ".float64" : ".string"
            return FileFormatError(
                path: path, location: location(of: offset),
                message: "Mismatched dtypes found: column '\(name)' has type \(type) (usually inferred from a sample at the start of the file), but holds the value '\(value)'. Pass dtypes to set the column's type, for example dtypes: [\"\(name)\": \(suggestion)]."
            )
        case .outOfMemory:
            return FileFormatError(path: path, message: "Out of memory.")
        }
    }

    /// The line (at the start of the file) or the byte offset of the record holding `offset`.
    private func location(of offset: Int) -> FileFormatError.Location {
        guard let startLine else { return .byteOffset(input.fileOffset + offset) }
        let relative = CSVRecordReader.lineNumber(base: input.base, start: start, offset: offset, end: input.count,
                                                  separator: options.separator, quote: options.quote, skiprows: 0)
        return .line(startLine + relative - 1)
    }
}
