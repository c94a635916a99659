import Backends

/// How to read and write a CSV file: the subset of pandas' `read_csv` arguments Tessera supports,
/// with the same defaults.
public struct CSVOptions: Sendable, Hashable {
    /// The field separator (`sep`).
    public var separator: UInt8 = UInt8(ascii: ",")
    /// The quote character (`quotechar`); a doubled quote inside a quoted field is a literal quote.
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// Whether the first line (after ``skiprows`` and blank lines) holds the column names.
    public var header: Bool = true
    /// Explicit column names; with ``header`` they replace the header's names, as in pandas.
    public var names: [String]? = nil
    /// The columns to read (`usecols`); the frame keeps the file's column order. A name that is
    /// not a column is an error.
    public var usecols: [String]? = nil
    /// Column types that replace the inferred ones (`dtype`).
    public var dtypes: [String: ColumnType] = [:]
    /// Columns parsed as timestamps in nanoseconds (`parse_dates`): ISO 8601 dates and date-times;
    /// a `Z` or an offset makes the column UTC (values are converted to UTC).
    public var parseDates: [String] = []
    /// Extra strings read as missing (`na_values`). A string that is a number also makes equal
    /// numbers missing in numeric columns, as in pandas.
    public var naValues: [String] = []
    /// Whether pandas' default missing-value strings apply (`keep_default_na`): `""`, `NA`, `N/A`,
    /// `n/a`, `NaN`, `-NaN`, `nan`, `-nan`, `null`, `NULL`, `None`, `#N/A`, `#N/A N/A`, `#NA`,
    /// `<NA>`, `1.#IND`, `-1.#IND`, `1.#QNAN`, `-1.#QNAN`.
    public var keepDefaultNA: Bool = true
    /// The number of lines to skip at the start of the file, before the header (`skiprows`).
    public var skiprows: Int = 0
    /// The compression of the file.
    public var compression: CSVCompression = .infer
    /// The number of bytes at the start of the file that type inference samples (Dask's `sample`);
    /// the sample is extended to the end of its last line.
    public var sampleSize: Int = 256_000

    /// The default options: comma-separated, double-quoted, with a header.
    public init() {}
}
