import Backends

/// Reads CSV files into ``DataFrame``s as pandas' `read_csv` (C engine) does, and splits them into
/// partitions for parallel reading as Dask's `read_csv` does.
///
/// ```swift
/// var options = CSVOptions()
/// options.usecols = ["id", "x"]
/// let schema = try CSVReader.inferSchema(path: "data.csv", options: options)
/// let parts = try CSVReader.partitions(path: "data.csv", options: options, blocksize: 64 << 20)
/// let first = try CSVReader.read(parts[0], schema: schema, options: options)
/// ```
///
/// Parsing follows pandas: RFC 4180 quoting (separators, doubled quotes and line breaks inside
/// quotes; a quoted empty field is missing like an empty one), `\n`, `\r\n` and `\r` line ends,
/// a UTF-8 byte-order mark skipped, blank lines skipped, short rows padded with nulls, pandas'
/// missing-value strings, and pandas' type inference: all integers `int64` (`uint64` when some
/// exceed `Int64.max` and none is negative, strings when they cannot all be held), integers and
/// floats `float64`, `True`/`False` spellings `bool`, anything else `string`; a column with only
/// missing values `float64`, one of a header-only file `string`. Unlike pandas' NumPy dtypes,
/// integer and boolean columns with missing values keep their type (with nulls), as pandas'
/// nullable dtypes do. Errors are ``FileFormatError``s naming the file and the line (or, in a
/// partition that does not start the file, the byte offset).
public enum CSVReader {
    /// The schema of a file: its header and the types inferred from a sample of its first
    /// ``CSVOptions/sampleSize`` bytes (extended to the end of the line), as Dask infers `meta`,
    /// projected to ``CSVOptions/usecols`` and with ``CSVOptions/dtypes`` and
    /// ``CSVOptions/parseDates`` applied.
    ///
    /// - Throws: ``FileFormatError``.
    public static func inferSchema(path: String, options: CSVOptions) throws -> Schema {
        try inferSchemaAndUndecided(path: path, options: options).schema
    }

    /// The schema ``inferSchema(path:options:)`` gives, and the names of the columns whose type the
    /// sample did not decide: inferred columns with no value in the sample (only missing values,
    /// or no rows at all), whose `float64`/`string` type is a placeholder another file of the same
    /// dataset may replace.
    ///
    /// - Throws: ``FileFormatError``.
    package static func inferSchemaAndUndecided(path: String, options: CSVOptions) throws -> (schema: Schema, undecided: Set<String>) {
        try checkDialect(options, path: path)
        let (input, layout) = try loadSample(path: path, options: options)
        let selection = try CSVColumnSelection(names: layout.names, options: options, path: path)
        let sampleEnd = Self.sampleEnd(input, from: layout.dataStart, size: options.sampleSize)
        let truncated = sampleEnd < input.count || !input.reachesEndOfFile
        let classifiers = try classify(input, layout: layout, end: sampleEnd, truncated: truncated,
                                       selection: selection, options: options, path: path)
        let undecided = selection.inferred(options: options).filter { !classifiers[$0].sawValue }.map { layout.names[$0] }
        return (selection.schema(classifiers: classifiers, options: options), Set(undecided))
    }

    /// The partitions of a file: byte ranges that start after the first line feed at or after
    /// every multiple of `blocksize` (as Dask's `read_bytes` splits), the first one holding at
    /// least the skipped rows and the header. One partition covering the whole file if
    /// `blocksize` is `nil` or the file is compressed.
    ///
    /// Like Dask, the split does not look at quotes: a line break inside a quoted field near a
    /// split point gives partitions that do not parse.
    ///
    /// - Throws: ``FileFormatError`` if the file cannot be read or has no header.
    public static func partitions(path: String, options: CSVOptions, blocksize: Int?) throws -> [CSVPartition] {
        try checkDialect(options, path: path)
        let compression = options.compression.resolved(for: path)
        guard let blocksize, blocksize > 0, compression == .none else {
            if compression == .gzip { _ = try CSVInputBuffer.fileSize(path: path) }
            return [CSVPartition(path: path, byteRange: nil, isFirstInFile: true)]
        }
        let input = try CSVInputBuffer.load(path: path, range: nil)
        let size = input.originalCount
        guard let layout = try CSVFileLayout.read(input, options: options, path: path) else {
            return [CSVPartition(path: path, byteRange: nil, isFirstInFile: true)]
        }
        var boundaries = [0]
        var offset = blocksize
        let base = input.base
        while offset < size {
            var position = offset
            while position < size, base[position] != 0x0A { position += 1 }
            let boundary = min(position + 1, size)
            if boundary > layout.dataStart, boundary > boundaries[boundaries.count - 1], boundary < size {
                boundaries.append(boundary)
            }
            let (next, overflow) = offset.addingReportingOverflow(blocksize)
            if overflow { break }
            offset = max(next, boundary)
        }
        boundaries.append(size)
        var result: [CSVPartition] = []
        for index in 0..<(boundaries.count - 1) where boundaries[index] < boundaries[index + 1] || index == 0 {
            result.append(CSVPartition(path: path, byteRange: boundaries[index]..<boundaries[index + 1],
                                       isFirstInFile: index == 0))
        }
        return result
    }

    /// Parses one partition into a frame with exactly the columns `schema` lists, in its order,
    /// converted to its types.
    ///
    /// - Throws: ``FileFormatError``; a field that is not a value of its column's type is an error
    ///   naming the column and the line (or byte offset) and suggesting a ``CSVOptions/dtypes``
    ///   entry, as Dask's "Mismatched dtypes found" error does.
    public static func read(_ partition: CSVPartition, schema: Schema, options: CSVOptions) throws -> DataFrame {
        let path = partition.path
        try checkDialect(options, path: path)
        let compression = options.compression.resolved(for: path)
        let input: CSVInputBuffer
        let layout: CSVFileLayout
        let start: Int
        let startLine: Int?
        if compression == .gzip {
            input = try CSVInputBuffer.loadGzip(path: path)
            layout = try requireLayout(input, options: options, path: path)
            start = layout.dataStart
            startLine = layout.dataLine
        } else if partition.isFirstInFile || partition.byteRange == nil {
            input = try CSVInputBuffer.load(path: path, range: partition.byteRange)
            guard let found = try CSVFileLayout.read(input, options: options, path: path) else {
                throw FileFormatError(path: path, message: "The first partition ends inside the header.")
            }
            layout = found
            start = layout.dataStart
            startLine = layout.dataLine
        } else {
            let head = try CSVInputBuffer.load(path: path, range: nil)
            layout = try requireLayout(head, options: options, path: path)
            input = try CSVInputBuffer.load(path: path, range: partition.byteRange)
            start = 0
            startLine = nil
        }
        var columnOf: [String: Int] = [:]
        for (index, name) in layout.names.enumerated() where columnOf[name] == nil { columnOf[name] = index }
        var fileColumns: [Int] = []
        var seen = Set<String>()
        for field in schema.fields {
            guard let index = columnOf[field.name] else {
                throw FileFormatError(path: path, message: "The schema's column '\(field.name)' is not in the file, whose columns are \(quoted(layout.names)).")
            }
            guard seen.insert(field.name).inserted else {
                throw FileFormatError(path: path, message: "The schema lists column '\(field.name)' twice.")
            }
            fileColumns.append(index)
        }
        let job = CSVParseJob(input: input, start: start, startLine: startLine, path: path, options: options,
                              names: layout.names, fileColumns: fileColumns, types: schema.fields.map(\.type))
        switch job.run() {
        case let .success(frame): return frame
        case let .failure(failure): throw job.error(for: failure)
        }
    }

    /// Reads a whole file into one frame, inferring types from all of it as pandas does.
    ///
    /// - Throws: ``FileFormatError``.
    public static func read(path: String, options: CSVOptions) throws -> DataFrame {
        try checkDialect(options, path: path)
        let compression = options.compression.resolved(for: path)
        let input = compression == .gzip
            ? try CSVInputBuffer.loadGzip(path: path) : try CSVInputBuffer.load(path: path, range: nil)
        let layout = try requireLayout(input, options: options, path: path)
        let selection = try CSVColumnSelection(names: layout.names, options: options, path: path)
        let sampleEnd = Self.sampleEnd(input, from: layout.dataStart, size: options.sampleSize)
        var classifiers = try classify(input, layout: layout, end: sampleEnd, truncated: sampleEnd < input.count,
                                       selection: selection, options: options, path: path)
        var complete = sampleEnd >= input.count
        let inferredColumns = Set(selection.inferred(options: options))
        // A column with no values in the sample could hold anything later: classify all of it.
        if !complete, inferredColumns.contains(where: { !classifiers[$0].sawValue }) {
            classifiers = try classify(input, layout: layout, end: input.count, truncated: false,
                                       selection: selection, options: options, path: path)
            complete = true
        }
        while true {
            let schema = selection.schema(classifiers: classifiers, options: options)
            let job = CSVParseJob(input: input, start: layout.dataStart, startLine: layout.dataLine, path: path,
                                  options: options, names: layout.names, fileColumns: selection.columns,
                                  types: schema.fields.map(\.type))
            switch job.run() {
            case let .success(frame):
                return frame
            case let .failure(failure):
                // A value the sample's type cannot hold: infer from the whole file, as pandas does.
                if !complete, case let .mismatch(_, column, _) = failure, inferredColumns.contains(column) {
                    classifiers = try classify(input, layout: layout, end: input.count, truncated: false,
                                               selection: selection, options: options, path: path)
                    complete = true
                    continue
                }
                throw job.error(for: failure)
            }
        }
    }

    // MARK: - Helpers

    /// Rejects a separator or quote that cannot work: a line break, or the two being the same.
    static func checkDialect(_ options: CSVOptions, path: String) throws(FileFormatError) {
        let breaks: Set<UInt8> = [0x0A, 0x0D]
        if breaks.contains(options.separator) || breaks.contains(options.quote) || options.separator == options.quote {
            throw FileFormatError(path: path, message: "The separator and the quote character must differ and not be line breaks.")
        }
    }

    /// The first bytes of the file (all of an uncompressed one, mapped lazily) and its layout.
    static func loadSample(path: String, options: CSVOptions) throws -> (CSVInputBuffer, CSVFileLayout) {
        if options.compression.resolved(for: path) == .gzip {
            let limit = max(options.sampleSize, 0) * 2 + (1 << 20)
            let prefix = try CSVInputBuffer.loadGzip(path: path, limit: limit)
            if let layout = try CSVFileLayout.read(prefix, options: options, path: path) { return (prefix, layout) }
            let whole = try CSVInputBuffer.loadGzip(path: path)
            return (whole, try requireLayout(whole, options: options, path: path))
        }
        let input = try CSVInputBuffer.load(path: path, range: nil)
        return (input, try requireLayout(input, options: options, path: path))
    }

    static func requireLayout(_ input: CSVInputBuffer, options: CSVOptions, path: String) throws(FileFormatError) -> CSVFileLayout {
        guard let layout = try CSVFileLayout.read(input, options: options, path: path) else {
            throw FileFormatError(path: path, message: "The header does not end.")
        }
        return layout
    }

    /// The end of the type-inference sample: after the first line feed at or after `size`.
    static func sampleEnd(_ input: CSVInputBuffer, from start: Int, size: Int) -> Int {
        // A prefix of the file (decompressed in part) ends inside a line: stop at its last line feed.
        var limit = input.count
        if !input.reachesEndOfFile {
            limit = start
            var index = input.originalCount - 1
            while index >= start {
                if input.base[index] == 0x0A {
                    limit = index + 1
                    break
                }
                index -= 1
            }
        }
        var position = max(start, size)
        guard position < limit else { return limit }
        while position < limit, input.base[position] != 0x0A { position += 1 }
        return min(position + 1, limit)
    }

    /// Classifies the fields of the kept columns in the records of `input[layout.dataStart ..< end]`,
    /// validating that every field is UTF-8.
    static func classify(_ input: CSVInputBuffer, layout: CSVFileLayout, end: Int, truncated: Bool,
                         selection: CSVColumnSelection, options: CSVOptions,
                         path: String) throws(FileFormatError) -> [CSVColumnClassifier] {
        let columnCount = layout.names.count
        var classifiers = Array(repeating: CSVColumnClassifier(), count: columnCount)
        guard layout.dataStart < end else { return classifiers }
        let missing = CSVMissingValues(options: options)
        if let bad = CSVUTF8Validator.firstInvalid(input.base + layout.dataStart, end - layout.dataStart) {
            let line = CSVRecordReader.lineNumber(base: input.base, start: layout.dataStart, offset: layout.dataStart + bad,
                                                  end: end, separator: options.separator, quote: options.quote, skiprows: 0)
            throw FileFormatError(path: path, location: .line(layout.dataLine + line - 1),
                                  message: "Invalid UTF-8: byte 0x\(String(input.base[layout.dataStart + bad], radix: 16, uppercase: true)) does not start a valid sequence.")
        }
        var reader = CSVRecordReader(base: input.base, start: layout.dataStart, end: end, separator: options.separator,
                                     quote: options.quote, firstLine: layout.dataLine, truncated: truncated)
        while true {
            let more: Bool
            do throws(CSVRecordReader.Failure) {
                more = try reader.next()
            } catch {
                switch error {
                case let .unclosedQuote(_, line):
                    throw FileFormatError(path: path, location: .line(line), message: "EOF inside string starting at line \(line).")
                }
            }
            guard more else { break }
            let line = reader.recordLine
            let count = reader.fieldCount
            if count > columnCount {
                throw FileFormatError(path: path, location: .line(line), message: "Expected \(columnCount) fields in line \(line), saw \(count).")
            }
            for index in 0..<count where selection.wanted[index] {
                reader.withField(index) { bytes, length in
                    if missing.contains(bytes, length) {
                        classifiers[index].addMissing()
                    } else {
                        classifiers[index].add(bytes, length, checkTimestamps: selection.dates[index])
                    }
                }
            }
            for index in count..<columnCount where selection.wanted[index] { classifiers[index].addMissing() }
        }
        return classifiers
    }

    static func quoted(_ names: [String]) -> String {
        "[" + names.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }
}
