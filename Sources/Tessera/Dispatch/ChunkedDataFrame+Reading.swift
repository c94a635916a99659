import Backends
import FileFormats
import PandasBackend

extension ChunkedDataFrame {
    /// A frame from CSV files, read by the backend `dataframe.backend` names (Dask's `read_csv`,
    /// with pandas' options camelCased).
    ///
    /// `path` is a file, a directory (every file in it, sorted; names starting with `.` or `_`
    /// are left out) or a glob pattern (`*`, `?` and `[...]`, in any path component; the matches
    /// sorted), read as one frame:
    ///
    /// ```swift
    /// let df = try ChunkedDataFrame.readCSV("data/part-*.csv")
    /// let raw = try ChunkedDataFrame.readCSV("raw.txt", sep: ";", header: false, names: ["a", "b"],
    ///                                        parseDates: ["b"], compression: "gzip")
    /// ```
    ///
    /// The schema is inferred now, from the first `sample` bytes of every file, as Dask infers
    /// `meta`: integers `int64`, numbers `float64`, `True`/`False` `bool`, anything else `string`
    /// (nullable: integer and boolean columns with missing values keep their type); `dtype`
    /// overrides it. The files' schemas are merged: they must have the same columns; an integer
    /// column that is float in another file becomes `float64` (as `pandas.concat` promotes it); a
    /// column with no values in a file's sample takes the type the other files give it; any other
    /// difference of type is an error naming both files and the column. Each file is cut into
    /// `size / blocksize` (rounded down) blocks that start and end at line breaks, one partition
    /// each; a compressed file is one partition.
    ///
    /// Nothing else is read until the frame is computed; then only the columns the computation
    /// uses are parsed, and filters run as each block is parsed.
    ///
    /// - Parameters:
    ///   - path: A file, a directory or a glob pattern.
    ///   - sep: The field separator, one ASCII character (`sep`).
    ///   - header: Whether the first line (after `skiprows`) holds the column names (`header=0`;
    ///     `false` is `header=None`).
    ///   - names: Column names; with `header` they replace the file's (`names`).
    ///   - usecols: The columns to read, kept in file order (`usecols`).
    ///   - dtype: Types that replace the inferred ones (`dtype`).
    ///   - parseDates: Columns parsed as ISO 8601 timestamps in nanoseconds, UTC when a value has
    ///     a zone (`parse_dates`).
    ///   - naValues: More strings read as missing (`na_values`).
    ///   - keepDefaultNA: Whether pandas' default missing-value strings apply (`keep_default_na`).
    ///   - skiprows: Lines to skip at the start of every file (`skiprows`).
    ///   - quotechar: The quote character (`quotechar`).
    ///   - compression: `"infer"` (gzip for a `.gz` suffix), `"gzip"`, or `nil` for none.
    ///   - blocksize: The target partition size in bytes (by default Dask's: a tenth of the memory
    ///     per core, at most 64 MB), or `nil` for one partition per file.
    ///   - sample: The bytes at the start of each file that type inference looks at (Dask's `sample`).
    /// - Throws: ``FileFormatError`` naming the file for a pattern that matches nothing, a missing
    ///   file, an empty file ("No columns to parse from file."), a malformed sample, or columns or
    ///   types that conflict between files; ``FrameOperationError/invalidArgument(_:)`` for a bad
    ///   option; ``BackendError`` from dispatch. A field that does not parse is reported when the
    ///   frame is computed, with its file and line (or byte offset).
    public static func readCSV(_ path: String, sep: String = ",", header: Bool = true, names: [String]? = nil,
                               usecols: [String]? = nil, dtype: [String: ColumnType]? = nil, parseDates: [String] = [],
                               naValues: [String]? = nil, keepDefaultNA: Bool = true, skiprows: Int = 0,
                               quotechar: String = "\"", compression: String? = "infer",
                               blocksize: Int? = CSVFrameSource.defaultBlocksize, sample: Int = 256_000) throws -> ChunkedDataFrame {
        try readCSV([path], sep: sep, header: header, names: names, usecols: usecols, dtype: dtype, parseDates: parseDates,
                    naValues: naValues, keepDefaultNA: keepDefaultNA, skiprows: skiprows, quotechar: quotechar,
                    compression: compression, blocksize: blocksize, sample: sample)
    }

    /// A frame from several CSV files, directories or patterns, read one after another as one
    /// frame; the options are those of `readCSV` taking one path.
    public static func readCSV(_ paths: [String], sep: String = ",", header: Bool = true, names: [String]? = nil,
                               usecols: [String]? = nil, dtype: [String: ColumnType]? = nil, parseDates: [String] = [],
                               naValues: [String]? = nil, keepDefaultNA: Bool = true, skiprows: Int = 0,
                               quotechar: String = "\"", compression: String? = "infer",
                               blocksize: Int? = CSVFrameSource.defaultBlocksize, sample: Int = 256_000) throws -> ChunkedDataFrame {
        var options = CSVOptions()
        options.separator = try singleByte(sep, option: "sep")
        options.quote = try singleByte(quotechar, option: "quotechar")
        options.header = header
        options.names = names
        options.usecols = usecols
        options.dtypes = dtype ?? [:]
        options.parseDates = parseDates
        options.naValues = naValues ?? []
        options.keepDefaultNA = keepDefaultNA
        guard skiprows >= 0 else { throw FrameOperationError.invalidArgument("skiprows must not be negative, got \(skiprows).") }
        options.skiprows = skiprows
        options.compression = try csvCompression(compression)
        guard sample > 0 else { throw FrameOperationError.invalidArgument("sample must be a positive number of bytes, got \(sample).") }
        options.sampleSize = sample
        try checkBlocksize(blocksize)
        return try backends.withCurrent { _, backend in
            try backend.readCSV(try FilePattern.expand(paths), options: options, blocksize: blocksize)
        }
    }

    /// A frame from JSON files, read by the backend `dataframe.backend` names (Dask's `read_json`).
    ///
    /// `path` is a file, a directory or a glob pattern, as for `readCSV`.
    /// A file is an array of records (`orient: "records"`, `[{"a": 1}, {"a": 2}]`), one partition
    /// per file, or with `lines: true` JSON Lines (one object per line), cut into blocks of about
    /// `blocksize` bytes at line breaks when a block size is given:
    ///
    /// ```swift
    /// let events = try ChunkedDataFrame.readJSON("events.jsonl", lines: true, blocksize: 16_000_000)
    /// let table = try ChunkedDataFrame.readJSON("table.json", orient: "records")
    /// ```
    ///
    /// The columns are the union of the records' keys in first-seen order (null where a record
    /// lacks one); the schema is inferred now from a sample of every file (see ``JSONReader``
    /// for the type rules; `dtype` overrides them) and merged across files as for CSV.
    ///
    /// - Parameters:
    ///   - path: A file, a directory or a glob pattern.
    ///   - lines: Whether the files are JSON Lines (`lines`).
    ///   - orient: The layout of a document that is not JSON Lines; only `"records"` is supported.
    ///   - dtype: Types that replace the inferred ones (`dtype`); a timestamp or date type reads
    ///     integers counting `dateUnit` since the epoch, or ISO 8601 strings.
    ///   - dateUnit: `"s"`, `"ms"` (pandas' default), `"us"` or `"ns"` (`date_unit`).
    ///   - blocksize: The target partition size in bytes for JSON Lines, or `nil` (Dask's default)
    ///     for one partition per file.
    ///   - sample: The bytes at the start of each file that type inference looks at.
    /// - Throws: ``FileFormatError`` naming the file for a pattern that matches nothing, an
    ///   unreadable, empty or invalid file, or types that conflict between files;
    ///   ``FrameOperationError/invalidArgument(_:)`` for a bad option; ``BackendError`` from dispatch.
    ///   A value that does not fit its column is reported when the frame is computed, with its
    ///   file and line (JSON Lines) or byte offset.
    public static func readJSON(_ path: String, lines: Bool = false, orient: String = "records", dtype: [String: ColumnType]? = nil,
                                dateUnit: String = "ms", blocksize: Int? = nil, sample: Int = 256 * 1024) throws -> ChunkedDataFrame {
        try readJSON([path], lines: lines, orient: orient, dtype: dtype, dateUnit: dateUnit, blocksize: blocksize, sample: sample)
    }

    /// A frame from several JSON files, directories or patterns, read one after another as one
    /// frame; the options are those of `readJSON` taking one path.
    public static func readJSON(_ paths: [String], lines: Bool = false, orient: String = "records", dtype: [String: ColumnType]? = nil,
                                dateUnit: String = "ms", blocksize: Int? = nil, sample: Int = 256 * 1024) throws -> ChunkedDataFrame {
        var options = JSONOptions()
        options.lines = lines
        guard let layout = JSONOrient(rawValue: orient) else {
            throw FrameOperationError.invalidArgument(
                "orient '\(orient)' is not supported; Tessera reads orient 'records' (an array of row objects) and JSON Lines (lines: true).")
        }
        options.orient = layout
        options.dtypes = dtype ?? [:]
        guard let unit = ColumnType.TimeUnit(rawValue: dateUnit) else {
            throw FrameOperationError.invalidArgument("dateUnit must be one of 's', 'ms', 'us' or 'ns', got '\(dateUnit)'.")
        }
        options.dateUnit = unit
        guard sample > 0 else { throw FrameOperationError.invalidArgument("sample must be a positive number of bytes, got \(sample).") }
        options.sampleBytes = sample
        try checkBlocksize(blocksize)
        if blocksize != nil, !lines {
            throw FrameOperationError.invalidArgument("A JSON file can be cut into blocks only when it is JSON Lines: pass lines: true, or no blocksize.")
        }
        return try backends.withCurrent { _, backend in
            try backend.readJSON(try FilePattern.expand(paths), options: options, blocksize: blocksize)
        }
    }

    // MARK: - Option checks

    /// The byte of a one-character ASCII option such as `sep`.
    static func singleByte(_ text: String, option: String) throws -> UInt8 {
        let bytes = Array(text.utf8)
        guard bytes.count == 1, bytes[0] < 0x80 else {
            throw FrameOperationError.invalidArgument("\(option) must be a single ASCII character, got \"\(text)\".")
        }
        return bytes[0]
    }

    /// The compression a `compression` option names.
    static func csvCompression(_ name: String?) throws -> CSVCompression {
        guard let name else { return .none }
        if let known = CSVCompression(rawValue: name) { return known }
        if ["bz2", "zip", "xz", "zstd", "tar"].contains(name) {
            throw FrameOperationError.invalidArgument("compression '\(name)' is not supported; Tessera reads and writes 'gzip' ('infer' picks it for a .gz suffix) or nil for none.")
        }
        throw FrameOperationError.invalidArgument("Unknown compression '\(name)'; use 'infer', 'gzip' or nil.")
    }

    static func checkBlocksize(_ blocksize: Int?) throws {
        if let blocksize, blocksize <= 0 {
            throw FrameOperationError.invalidArgument("blocksize must be a positive number of bytes (or nil for one partition per file), got \(blocksize).")
        }
    }
}
