import Backends

/// One frame stored under a key of a pandas `HDFStore` (`DataFrame.to_hdf`): where it is, how it
/// is laid out, its columns and rows. Made by ``HDFReader/describe(path:key:)``, read by
/// ``HDFReader/read(_:rows:columns:)``.
public struct HDFStoreKey: Sendable {
    /// pandas' two layouts.
    public enum Format: String, Sendable {
        /// `format="fixed"`: one 2-d dataset per block of same-typed columns; read whole.
        case fixed
        /// `format="table"`: a PyTables table (one compound record per row); readable by row ranges.
        case table
    }

    /// The file.
    public let path: String
    /// The key, as an absolute group path (`/a/b` for `"a/b"`).
    public let key: String
    /// The layout.
    public let format: Format
    /// The columns, in pandas' order (the index first when it is read as a column).
    public let schema: Schema
    /// The number of rows.
    public let rowCount: Int

    /// Where each column's values are in the raw bytes of its dataset.
    let sources: [ColumnSource]

    /// How one column is read.
    struct ColumnSource: Sendable {
        /// The dataset holding it.
        let dataset: String
        /// Its byte offset in a row (a record of a table, a row of a fixed block).
        let offset: Int
        /// The element's layout.
        let element: HDF5Datatype
        /// The string that stands for a missing value (strings of a table).
        let nanRep: String?
    }
}
