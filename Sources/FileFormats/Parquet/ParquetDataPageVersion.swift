/// The data page layout a ``ParquetWriter`` writes.
public enum ParquetDataPageVersion: String, Sendable, Hashable {
    /// Version 1 pages (`DATA_PAGE`): levels and values compressed together; what every reader
    /// reads, and pyarrow's default.
    case v1
    /// Version 2 pages (`DATA_PAGE_V2`): levels uncompressed before the compressed values.
    case v2
}
