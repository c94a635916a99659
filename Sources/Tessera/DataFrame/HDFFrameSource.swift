import Backends
import FileFormats
import PandasBackend

/// Partitions read from pandas HDF5 stores (Dask's `read_hdf`): the frame under one key of each
/// file, files in order. A "table" key splits into partitions of `chunksize` rows, each read
/// with a row selection; a "fixed" key is one partition (pandas' fixed layout cannot be read in
/// part). Projections reach the reader, so only the requested columns are decoded.
public struct HDFFrameSource: FrameSource {
    /// `"read-hdf"`.
    public var kind: String { "read-hdf" }
    /// The columns read (all of the key's, or those asked for).
    public let schema: Schema
    /// Each partition: the key it reads and its rows.
    let partitions: [(key: HDFStoreKey, rows: Range<Int>)]

    /// The number of partitions.
    public var partitionCount: Int { partitions.count }

    /// The default rows per partition of a "table" key (Dask's `read_hdf` default).
    public static let defaultChunksize = 1_000_000

    /// A source over the key `key` of the files, directories or globs in `paths`, read as one frame.
    ///
    /// - Throws: ``FileFormatError`` naming the file for a path that matches nothing, a file that
    ///   is not a readable HDF5 store, a missing key, columns that differ between files, or an
    ///   unknown column; ``FrameOperationError`` for a `chunksize` below 1.
    public init(paths: [String], key: String, columns: [String]? = nil, chunksize: Int = HDFFrameSource.defaultChunksize) throws {
        guard chunksize > 0 else {
            throw FrameOperationError.invalidArgument("chunksize must be positive, got \(chunksize).")
        }
        let files = try FilePattern.expand(paths)
        var parts: [(key: HDFStoreKey, rows: Range<Int>)] = []
        var first: HDFStoreKey?
        for file in files {
            let described = try HDFReader.describe(path: file, key: key)
            if let first, first.schema != described.schema {
                throw FileFormatError(path: file, message: "the columns under key '\(described.key)' (\(described.schema.names)) "
                    + "differ from those of \(first.path) (\(first.schema.names))")
            }
            first = first ?? described
            if described.format == .fixed || described.rowCount <= chunksize {
                parts.append((described, 0..<described.rowCount))
            } else {
                for start in stride(from: 0, to: described.rowCount, by: chunksize) {
                    parts.append((described, start..<min(start + chunksize, described.rowCount)))
                }
            }
        }
        guard let first else { throw FrameOperationError.invalidArgument("readHDF needs at least one path.") }
        if let columns {
            for column in columns where !first.schema.names.contains(column) {
                throw FileFormatError(path: first.path, message: "no column '\(column)' under key '\(first.key)'; it has "
                    + first.schema.names.map { "'\($0)'" }.joined(separator: ", "))
            }
            schema = Schema(columns.compactMap { name in first.schema.fields.first { $0.name == name } })
        } else {
            schema = first.schema
        }
        partitions = parts
    }

    /// Reads partition `index`: only the columns in `columns` and those `predicate` reads.
    ///
    /// - Throws: ``FileFormatError`` naming the file for corrupt data, or the predicate's error.
    public func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        guard partitions.indices.contains(index) else {
            throw FrameOperationError.invalidArgument("Partition \(index) does not exist; the source has \(partitions.count).")
        }
        let (key, rows) = partitions[index]
        let needed = Self.fieldsToRead(schema, columns: columns, predicate: predicate).map(\.name)
        let frame = try HDFReader.read(key, rows: rows, columns: needed)
        return try finished(frame, columns: columns, predicate: predicate)
    }
}
