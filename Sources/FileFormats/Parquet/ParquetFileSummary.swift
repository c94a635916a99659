/// What a ``ParquetWriter`` wrote to one file: enough to list the file's row groups in a
/// dataset's `_metadata` summary file (Dask's `to_parquet` collects these from its tasks).
public struct ParquetFileSummary: Sendable {
    /// The file.
    public let path: String
    /// The number of rows.
    public let rowCount: Int
    /// The number of row groups.
    public let rowGroupCount: Int
    /// The file's footer.
    let metadata: ParquetFileMetaData
}
