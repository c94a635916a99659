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

extension ParquetFileSummary {
    /// The summary of a Parquet file already written, from its footer (for a file another
    /// process wrote, such as another rank of an MPI job).
    ///
    /// - Throws: ``FileFormatError`` naming the file when it cannot be read as Parquet.
    public static func reading(path: String) throws -> ParquetFileSummary {
        let file = try ParquetFile.open(path: path, options: ParquetReadOptions())
        return ParquetFileSummary(path: path, rowCount: Int(file.metadata.numRows), rowGroupCount: file.metadata.rowGroups.count,
                                  metadata: file.metadata)
    }
}
