/// How a ``ParquetWriter`` writes files: the subset of pyarrow's `write_table` and Dask's
/// `to_parquet` options Tessera supports, with their defaults.
public struct ParquetWriteOptions: Sendable, Hashable {
    /// The page codec (pyarrow's and Dask's default: snappy).
    public var compression: ParquetCompression = .snappy
    /// The codec's level, where it has one (`nil`: the codec's default; zstd 1, gzip 6, brotli 8).
    public var compressionLevel: Int? = nil
    /// The most rows in one row group (pyarrow's default: 1024 × 1024).
    public var rowGroupSize: Int = 1 << 20
    /// The target size of a data page's encoded values, in bytes (pyarrow's default: 1 MiB).
    public var dataPageSize: Int = 1 << 20
    /// Whether columns are dictionary-encoded when their distinct values fit
    /// ``dictionaryPageSizeLimit`` (categoricals always are).
    public var useDictionary: Bool = true
    /// The largest dictionary page, in bytes, before a column chunk is written PLAIN instead.
    public var dictionaryPageSizeLimit: Int = 1 << 20
    /// The data page layout.
    public var dataPageVersion: ParquetDataPageVersion = .v1
    /// Whether column chunks record min, max and null count statistics.
    public var writeStatistics: Bool = true
    /// Whether pages record a CRC-32 checksum.
    public var pageChecksums: Bool = false
    /// Whether the `pandas` metadata (column dtypes, categoricals, time zones) is written, so that
    /// pandas and Tessera read the columns back with their types.
    public var writePandasMetadata: Bool = true
    /// Whether the Arrow schema (`ARROW:schema`, as pyarrow writes it) is stored, so that pyarrow
    /// reads categoricals as dictionaries, time zones by name and second timestamps in seconds.
    public var writeArrowSchema: Bool = true

    /// The default options.
    public init() {}
}
