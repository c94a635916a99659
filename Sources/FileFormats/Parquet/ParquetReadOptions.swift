import Backends

/// How to read Parquet files: the subset of Dask's and pyarrow's `read_parquet` options Tessera
/// supports, with their defaults.
public struct ParquetReadOptions: Sendable, Hashable {
    /// How many consecutive row groups of a file make one partition (Dask's `split_row_groups`):
    /// 1 gives a partition per row group, `nil` a partition per file.
    public var rowGroupsPerPartition: Int? = 1
    /// The unit INT96 (legacy Impala/Spark) timestamps are read in (pyarrow's
    /// `coerce_int96_timestamp_unit`). A value outside the unit's range is an error, never a
    /// wrapped number.
    public var int96TimestampUnit: ColumnType.TimeUnit = .ns
    /// Whether page checksums (CRC-32), where a file has them, are checked.
    public var verifyChecksums: Bool = true
    /// Whether `key=value` directories in a dataset become columns (hive partitioning).
    public var hivePartitioning: Bool = true
    /// Whether a directory's `_metadata` summary file, when there is one, is used to list the
    /// row groups instead of reading every file's footer.
    public var useMetadataFile: Bool = true
    /// Whether columns and row groups are decoded in parallel.
    public var useThreads: Bool = true
    /// String columns read as categoricals (Dask's `categories`); pandas metadata written with
    /// the file marks categoricals too.
    public var categoricalColumns: [String] = []
    /// The most rows a row group may claim. Guards memory against corrupt or hostile files,
    /// whose row counts are checked against their pages before any memory is sized by them.
    public var maxRowsPerRowGroup: Int = 1 << 31
    /// The largest (uncompressed) page accepted, in bytes.
    public var maxPageSize: Int = 1 << 30
    /// The most bytes the strings of one column chunk may expand to (dictionary references and
    /// DELTA_BYTE_ARRAY prefixes let a small page stand for far more text).
    public var maxColumnChunkSize: Int = 1 << 32

    /// The default options.
    public init() {}
}
