import Backends

/// Reads JSON records (pandas' `read_json(orient="records")` and `read_json(lines=True)`) into
/// host ``DataFrame``s, whole or in partitions.
///
/// ```swift
/// var options = JSONOptions()
/// options.lines = true
/// let schema = try JSONReader.inferSchema(path: "table.jsonl", options: options)
/// let parts = try JSONReader.partitions(path: "table.jsonl", options: options, blocksize: 16 << 20)
/// let frames = try parts.map { try JSONReader.read($0, schema: schema, options: options) }
/// ```
///
/// Columns are the union of the records' keys in first-seen order; a record that lacks a key has a
/// null there; a repeated key in one object keeps its last value. Types are inferred as pandas
/// infers them, except that nulls never change a column's type (validity bitmaps hold them):
///
/// | values in the column (nulls aside)          | type                                     |
/// |---------------------------------------------|------------------------------------------|
/// | integers in int64 range                     | `int64`                                  |
/// | integers, some above int64 max, none negative | `uint64`                               |
/// | integers and floats, or integers beyond 64 bits | `float64` (integers correctly rounded) |
/// | `true` / `false`                            | `bool`                                   |
/// | strings                                     | `string`                                 |
/// | objects or arrays                           | `string` holding their JSON text          |
/// | any other mix (strings and numbers, booleans and numbers, ...) | `string` holding each value's text |
/// | nulls only (or a key given only in `dtypes`) | `float64`, all null                    |
///
/// A nested object or array is kept as its JSON text, compacted: whitespace between tokens is
/// removed; strings (escapes included) and numbers stay exactly as written, so `{"b": [1, 2.50]}`
/// becomes `{"b":[1,2.50]}`. In a mixed column a string holds its decoded content, any other
/// value its text as written (`1.50`, `true`). `NaN`, `Infinity` and `-Infinity` are read as
/// floats, as pandas' parser does.
///
/// Differences from pandas, on purpose: integer and boolean columns with nulls keep their type
/// (pandas turns them into `float64`); a float column whose values happen to be integral stays
/// `float64`; strings of digits stay strings; columns named like dates are not converted (give
/// `dtypes` a timestamp or date type instead); a mixed column is text rather than `object`.
///
/// Type overrides in ``JSONOptions/dtypes`` (and a schema given to
/// ``read(_:schema:options:)``) accept: for integer types, integers in range and integral floats;
/// for float types, any number; for `bool`, `true`/`false`; for `string` and `categorical`, any
/// value (as text); for timestamps and dates, integers counting ``JSONOptions/dateUnit`` since the
/// epoch, or ISO 8601 strings (`2024-05-01`, `2024-05-01T12:30:00.5Z`, `2024-05-01 12:30+02:00`).
/// Any other value is an error naming the file, the line (JSON Lines) or byte offset, and the column.
///
/// Input is strict RFC 8259 JSON otherwise: no trailing commas, no comments, no unescaped control
/// characters in strings, valid UTF-8, `\u` escapes with surrogates paired. A UTF-8 byte order mark
/// at the start is skipped. In JSON Lines, blank lines are skipped and each record must fit one
/// line. An empty file is an error; a JSON Lines file of blank lines is a frame with no columns.
/// Every problem is reported as a ``FileFormatError``.
///
/// Every call is independent (partitions can be read on many threads at once). JSON Lines are read
/// in chunks of 128 KiB, so memory holds the frame being built and not the file; an array of
/// records is read whole. Numbers are parsed exactly (floats correctly rounded, as Python's
/// `float()`), with a fast path for up to 19 significant digits (Clinger's, then Eisel-Lemire's
/// algorithm) and the C library's `strtod` (through `Double(String)`) beyond.
public enum JSONReader {
    /// The schema of a file from a sample (the first ~256 KiB, whole records): the union of the
    /// sampled records' keys in first-seen order, with inferred types.
    ///
    /// The sample is ``JSONOptions/sampleBytes`` long, extended or cut to whole records. Keys given
    /// in ``JSONOptions/dtypes`` but absent from the sample are added at the end (in name order);
    /// with ``JSONOptions/columns``, the schema is those columns in that order.
    ///
    /// - Throws: ``FileFormatError`` for an unreadable or empty file, invalid JSON in the sample, or a
    ///   projected column that is in neither the sample nor `dtypes`.
    public static func inferSchema(path: String, options: JSONOptions) throws(FileFormatError) -> Schema {
        try inferSchemaAndUndecided(path: path, options: options).schema
    }

    /// The schema ``inferSchema(path:options:)`` gives, and the names of the inferred columns that
    /// held only nulls in the sample, whose `float64` type is a placeholder another file of the
    /// same dataset may replace.
    ///
    /// - Throws: as ``inferSchema(path:options:)``.
    package static func inferSchemaAndUndecided(path: String, options: JSONOptions) throws(FileFormatError)
        -> (schema: Schema, undecided: Set<String>) {
        try check(options, path: path)
        let file = try JSONFileHandle(path: path)
        let size = try file.size()
        guard size > 0 else { throw FileFormatError(path: path, message: "The file is empty.") }
        var sampleLength = min(size, max(1, options.sampleBytes))
        while true {
            let buffer = try JSONInputBuffer.read(path: path, range: 0..<sampleLength)
            let truncated = sampleLength < size
            if truncated, options.lines {
                // Cut after the last newline, or read on to the end of the first line.
                var cut = buffer.count
                while cut > 0, buffer.start[cut - 1] != 0x0A { cut -= 1 }
                if cut == 0 {
                    sampleLength = try file.lineEnd(after: sampleLength, size: size)
                    continue
                }
                buffer.truncate(to: cut)
            }
            let result = try parse(.buffer(buffer), path: path, options: options, fixed: nil,
                                   truncatedSample: truncated && !options.lines, materialize: false)
            if result.rowCount == 0, truncated, !options.lines {
                // Not even one record fits the sample: try a longer one.
                sampleLength = min(size, sampleLength * 4)
                continue
            }
            let inspected = truncated ? "the records in the first \(buffer.count) bytes" : "the records"
            let schema = Schema(try finalFields(result.fields, options: options, path: path, inspected: inspected))
            return (schema, result.undecided.intersection(schema.names))
        }
    }

    /// The pieces a file is read in: for JSON Lines, byte ranges split near every `blocksize` bytes
    /// at line boundaries; for an array of records, one partition for the whole file.
    ///
    /// Partition `k` of a JSON Lines file starts just after the first newline at or after byte
    /// `k × blocksize - 1` (as Dask's `read_bytes` splits), so every line lies in exactly one
    /// partition. With `blocksize` `nil`, or for an array of records, the file is one partition.
    ///
    /// - Throws: ``FileFormatError`` for an unreadable or empty file or a block size below 1.
    public static func partitions(path: String, options: JSONOptions, blocksize: Int?) throws(FileFormatError) -> [JSONPartition] {
        try check(options, path: path)
        let file = try JSONFileHandle(path: path)
        let size = try file.size()
        guard size > 0 else { throw FileFormatError(path: path, message: "The file is empty.") }
        guard options.lines, let blocksize else { return [JSONPartition(path: path, byteRange: nil)] }
        guard blocksize > 0 else {
            throw FileFormatError(path: path, message: "The block size must be at least 1 byte, got \(blocksize).")
        }
        var partitions: [JSONPartition] = []
        var start = 0
        var block = 1
        while start < size {
            var stop = size
            let (target, overflow) = blocksize.multipliedReportingOverflow(by: block)
            if !overflow, target < size {
                stop = try file.lineEnd(after: target - 1, size: size)
            }
            if stop > start {
                partitions.append(JSONPartition(path: path, byteRange: start..<stop))
                start = stop
            }
            block += 1
        }
        return partitions
    }

    /// Parses a partition into a frame with exactly `schema`'s columns: keys missing in a record are
    /// nulls, keys not in the schema are skipped (still validated), and a value that does not fit
    /// its column's type is an error naming the file, the line (JSON Lines) or byte offset, and the
    /// column.
    ///
    /// With ``JSONOptions/columns`` set, the frame holds those columns of the schema, in that order.
    /// ``JSONOptions/dtypes`` is not consulted: the schema decides every type.
    ///
    /// - Throws: ``FileFormatError`` for unreadable or invalid input, a value that does not fit its
    ///   column, a projected column not in the schema, or a byte range of a non-lines file.
    public static func read(_ partition: JSONPartition, schema: Schema, options: JSONOptions) throws(FileFormatError) -> DataFrame {
        let path = partition.path
        try check(options, path: path)
        var fields = schema.fields
        if let projection = options.columns {
            fields = try projection.map { name throws(FileFormatError) in
                guard let field = schema.fields.first(where: { $0.name == name }) else {
                    throw FileFormatError(path: path, message: "Column '\(name)' is not in the schema (\(list(schema.names))).")
                }
                return field
            }
        }
        var seen = Set<String>()
        for field in fields where !seen.insert(field.name).inserted {
            throw FileFormatError(path: path, message: "Column '\(field.name)' appears twice in the schema or the projection.")
        }
        let file = try JSONFileHandle(path: path)
        let size = try file.size()
        if let range = partition.byteRange {
            guard range.lowerBound >= 0, range.upperBound <= size else {
                throw FileFormatError(path: path, message: "The byte range \(range) is outside the file (\(size) bytes).")
            }
            guard options.lines || range == 0..<size else {
                throw FileFormatError(path: path, message: "An array of records cannot be read in byte ranges; read the whole file (or use lines=true for JSON Lines).")
            }
        } else if size == 0 {
            throw FileFormatError(path: path, message: "The file is empty.")
        }
        let source: Source = options.lines
            ? .lines(partition.byteRange ?? 0..<size)
            : .buffer(try JSONInputBuffer.read(path: path, range: nil))
        let result = try parse(source, path: path, options: options, fixed: fields, truncatedSample: false, materialize: true)
        return DataFrame(unchecked: result.columns, rowCount: result.rowCount)
    }

    /// Reads a whole file, inferring the types from all of its records (as pandas does).
    ///
    /// The columns are the union of the keys in first-seen order, then keys given only in
    /// ``JSONOptions/dtypes`` (in name order, all null); with ``JSONOptions/columns``, those columns
    /// in that order.
    ///
    /// - Throws: ``FileFormatError`` for unreadable, empty or invalid input, a value that does not
    ///   fit a type given in `dtypes`, or a projected column that is neither in the file nor in `dtypes`.
    public static func read(path: String, options: JSONOptions) throws(FileFormatError) -> DataFrame {
        try check(options, path: path)
        let size = try JSONFileHandle(path: path).size()
        guard size > 0 else { throw FileFormatError(path: path, message: "The file is empty.") }
        let source: Source = options.lines ? .lines(0..<size) : .buffer(try JSONInputBuffer.read(path: path, range: nil))
        let result = try parse(source, path: path, options: options, fixed: nil, truncatedSample: false, materialize: true)
        let fields = try finalFields(result.fields, options: options, path: path, inspected: "the records")
        let byName = Dictionary(result.columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let columns = fields.map { field in
            byName[field.name] ?? Series(name: field.name, column: Column.nulls(field.type, count: result.rowCount))
        }
        return DataFrame(unchecked: columns, rowCount: result.rowCount)
    }

    // MARK: - Implementation

    private struct ParseResult {
        var fields: [Schema.Field]
        var columns: [Series]
        var rowCount: Int
        /// Inferred columns that held only nulls.
        var undecided: Set<String> = []
    }

    private static func check(_ options: JSONOptions, path: String) throws(FileFormatError) {
        guard options.orient == .records else {
            throw FileFormatError(path: path, message: "Only orient='records' is supported.")
        }
    }

    /// Discovered fields, then `dtypes` keys not discovered, then the projection applied.
    private static func finalFields(_ discovered: [Schema.Field], options: JSONOptions, path: String,
                                    inspected: String) throws(FileFormatError) -> [Schema.Field] {
        var fields = discovered
        let present = Set(discovered.map(\.name))
        for name in options.dtypes.keys.sorted() where !present.contains(name) {
            if let projection = options.columns, !projection.contains(name) { continue }
            if let type = options.dtypes[name] { fields.append(Schema.Field(name: name, type: type)) }
        }
        guard let projection = options.columns else { return fields }
        var result: [Schema.Field] = []
        var seen = Set<String>()
        for name in projection {
            guard seen.insert(name).inserted else {
                throw FileFormatError(path: path, message: "Column '\(name)' appears twice in JSONOptions.columns.")
            }
            guard let field = fields.first(where: { $0.name == name }) else {
                throw FileFormatError(path: path, message: "Column '\(name)' is not a key of \(inspected) nor in JSONOptions.dtypes.")
            }
            result.append(field)
        }
        return result
    }

    /// Where the bytes to parse come from.
    private enum Source {
        /// In memory: a whole file, or a sample of one, from offset 0.
        case buffer(JSONInputBuffer)
        /// A byte range of a JSON Lines file, read in chunks of whole lines.
        case lines(Range<Int>)
    }

    /// The size of the chunks JSON Lines are read in: small enough to stay in the processor's cache
    /// between the read and the parse.
    private static let chunkSize = 128 * 1024

    /// Parses a source: with `fixed` columns (a schema), or discovering columns and inferring types,
    /// starting over when a column turns out to need text.
    private static func parse(_ source: Source, path: String, options: JSONOptions, fixed: [Schema.Field]?,
                              truncatedSample: Bool, materialize: Bool) throws(FileFormatError) -> ParseResult {
        var forcedStrings = Set<String>()
        while true {
            let discovery = fixed == nil
                ? JSONRecordParser.Discovery(dtypes: options.dtypes, projection: options.columns.map { Set($0) }, forcedStrings: forcedStrings)
                : nil
            var parser = JSONRecordParser(lines: options.lines, columns: fixed ?? [], discovery: discovery,
                                          dateUnit: options.dateUnit, truncatedSample: truncatedSample)
            defer { parser.release() }
            do {
                switch source {
                case let .buffer(buffer):
                    let skip = hasByteOrderMark(buffer.start, count: buffer.count) ? 3 : 0
                    parser.baseOffset = skip
                    try parser.parse(buffer.start + skip, buffer.end)
                case let .lines(range):
                    try streamLines(range, path: path, into: &parser)
                }
                parser.finish()
            } catch let failure as JSONParseFailure {
                if let column = failure.restartColumn, fixed == nil, !forcedStrings.contains(parser.names[column]) {
                    forcedStrings.insert(parser.names[column])
                    continue
                }
                throw fileError(failure, path: path, lines: options.lines)
            } catch let error as FileFormatError {
                throw error
            } catch {
                throw FileFormatError(path: path, message: "\(error)")
            }
            let fields = zip(parser.names, parser.types).map { Schema.Field(name: $0, type: $1) }
            let columns = materialize ? parser.makeColumns() : []
            return ParseResult(fields: fields, columns: columns, rowCount: parser.rowCount, undecided: parser.pendingNames)
        }
    }

    private static func hasByteOrderMark(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// Reads `range` of a JSON Lines file in chunks that end after a newline, parsing each.
    private static func streamLines(_ range: Range<Int>, path: String, into parser: inout JSONRecordParser) throws {
        let file = try JSONFileHandle(path: path)
        var capacity = min(chunkSize, range.count)
        var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + JSONInputBuffer.padding)
        defer { storage.deallocate() }
        var carry = 0                        // bytes of an unfinished line at the front of `storage`
        var position = range.lowerBound      // the next byte of the file to read
        var chunkOffset = range.lowerBound   // the file offset of storage[0]
        while true {
            let want = min(chunkSize, range.upperBound - position)
            if carry + want > capacity {
                capacity = max(carry + want, capacity * 2)
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + JSONInputBuffer.padding)
                bigger.update(from: storage, count: carry)
                storage.deallocate()
                storage = bigger
            }
            try file.read(into: storage + carry, count: want, at: position)
            position += want
            let total = carry + want
            (storage + total).update(repeating: 0, count: JSONInputBuffer.padding)
            let atEnd = position >= range.upperBound
            var cut = total
            if !atEnd {
                while cut > carry, storage[cut - 1] != 0x0A { cut -= 1 }
                if cut == carry {
                    // No newline yet: read on.
                    carry = total
                    continue
                }
            }
            let skip = chunkOffset == 0 && hasByteOrderMark(storage, count: total) ? 3 : 0
            parser.baseOffset = chunkOffset + skip
            try parser.parse(UnsafePointer(storage + skip), UnsafePointer(storage + cut))
            if atEnd { return }
            if chunkOffset == range.lowerBound, parser.rowCount > 0 {
                // After the first chunk: room for the rows the rest of the range will likely hold.
                let estimate = Double(parser.rowCount) * Double(range.count) / Double(cut) * 1.05
                parser.reserve(rows: Int(min(estimate, Double(range.count / 2 + 1))) + 1024)   // bounded: no overflow
            }
            carry = total - cut
            (storage).update(from: storage + cut, count: carry)
            chunkOffset += cut
        }
    }

    /// A parse failure as a file error: the line (JSON Lines) or byte offset in the file.
    private static func fileError(_ failure: JSONParseFailure, path: String, lines: Bool) -> FileFormatError {
        var message = failure.message
        if failure.restartColumn != nil { message = "The column's values cannot be read as one type." }
        if let column = failure.column { message = "Column '\(column)': " + message }
        guard lines else { return FileFormatError(path: path, location: .byteOffset(failure.offset), message: message) }
        do {
            let file = try JSONFileHandle(path: path)
            return FileFormatError(path: path, location: .line(try file.countNewlines(before: failure.offset) + 1), message: message)
        } catch {
            return FileFormatError(path: path, location: .byteOffset(failure.offset), message: message)
        }
    }

    private static func list(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
