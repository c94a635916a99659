import Backends
import FileFormats
import PandasBackend

/// A backend library for `ChunkedDataFrame`: its creation functions, selected by `dataframe.backend`
/// (Dask's `DataFrameBackendEntrypoint`).
///
/// Conform a type and register it once with `ChunkedDataFrame.backends.register(_:as:)`; every
/// function you do not define throws ``BackendError/notImplemented(function:backend:)`` naming the
/// function and your label. Build frames with ``ChunkedDataFrame/fromSource(_:meta:)`` and a meta
/// chunk of your partition type; its ``DataFrameChunk`` conformance runs every operation.
public protocol DataFrameBackendEntrypoint: Sendable {
    /// An empty partition of the backend's type: the meta every frame of the backend carries.
    func metaChunk() throws -> any DataFrameChunk
    /// A frame from named host columns, cut into partitions of `chunksize` rows.
    func fromDict(_ columns: [Series], chunksize: Int) throws -> ChunkedDataFrame
    /// A frame from CSV files (Dask's `read_csv`): `paths` are files, in order (the public
    /// `ChunkedDataFrame.readCSV` has expanded globs and directories), each cut into blocks of
    /// about `blocksize` bytes at line boundaries (one partition per file when `nil`). A backend
    /// on another device can read the host columns with ``CSVFrameSource`` and move each
    /// partition to its own type.
    func readCSV(_ paths: [String], options: CSVOptions, blocksize: Int?) throws -> ChunkedDataFrame
    /// A frame from JSON files (Dask's `read_json`): `paths` are files, in order; an array of
    /// records is one partition per file, JSON Lines are cut into blocks of about `blocksize`
    /// bytes (one partition per file when `nil`). ``JSONFrameSource`` reads the host columns.
    func readJSON(_ paths: [String], options: JSONOptions, blocksize: Int?) throws -> ChunkedDataFrame
    /// A frame from Parquet files, dataset directories or globs read as one dataset (Dask's
    /// `read_parquet`): `columns` (all when `nil`), partitions that `filters` rule out by their
    /// statistics dropped. ``ParquetFrameSource`` reads the host columns.
    func readParquet(_ paths: [String], columns: [String]?, filters: [[ParquetFilter]], options: ParquetReadOptions) throws -> ChunkedDataFrame
    /// Frames from ORC files (declared; built by the ORC issue).
    func readORC(_ paths: [String], columns: [String]?) throws -> ChunkedDataFrame
    /// A frame from ORC files, directories or globs (Dask's `read_orc`): `columns` (all when
    /// `nil`), partitions of ``ORCReadOptions/stripesPerPartition`` stripes, those that `filters`
    /// rule out by their statistics dropped. ``ORCFrameSource`` reads the host columns. The
    /// default ignores `filters` and `options` (filters only skip stripes, so the frame's values
    /// are the same) and calls ``readORC(_:columns:)``.
    func readORC(_ paths: [String], columns: [String]?, filters: [[ParquetFilter]], options: ORCReadOptions) throws -> ChunkedDataFrame
    /// The frame under `key` of pandas HDF5 stores (Dask's `read_hdf`), all columns, the
    /// default partitioning.
    func readHDF(_ paths: [String], key: String) throws -> ChunkedDataFrame
    /// The frame under `key` of pandas HDF5 stores: `columns` (all when `nil`), a "table" key in
    /// partitions of `chunksize` rows. ``HDFFrameSource`` reads the host columns. The default
    /// calls ``readHDF(_:key:)`` and then selects the columns.
    func readHDF(_ paths: [String], key: String, columns: [String]?, chunksize: Int) throws -> ChunkedDataFrame
    /// `frame` moved into this backend, registered as `label` (Dask's `to_backend`).
    func toBackend(_ frame: ChunkedDataFrame, label: String) throws -> ChunkedDataFrame
}

extension DataFrameBackendEntrypoint {
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func metaChunk() throws -> any DataFrameChunk { throw unimplemented("meta") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func fromDict(_ columns: [Series], chunksize: Int) throws -> ChunkedDataFrame { throw unimplemented("fromDict") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func readCSV(_ paths: [String], options: CSVOptions, blocksize: Int?) throws -> ChunkedDataFrame { throw unimplemented("readCSV") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func readJSON(_ paths: [String], options: JSONOptions, blocksize: Int?) throws -> ChunkedDataFrame { throw unimplemented("readJSON") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func readParquet(_ paths: [String], columns: [String]?, filters: [[ParquetFilter]], options: ParquetReadOptions) throws -> ChunkedDataFrame {
        throw unimplemented("readParquet")
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func readORC(_ paths: [String], columns: [String]?) throws -> ChunkedDataFrame { throw unimplemented("readORC") }
    /// Calls ``readORC(_:columns:)``: filters only skip stripes.
    public func readORC(_ paths: [String], columns: [String]?, filters: [[ParquetFilter]], options: ORCReadOptions) throws -> ChunkedDataFrame {
        try readORC(paths, columns: columns)
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func readHDF(_ paths: [String], key: String) throws -> ChunkedDataFrame { throw unimplemented("readHDF") }
    /// Calls ``readHDF(_:key:)`` and selects `columns`.
    public func readHDF(_ paths: [String], key: String, columns: [String]?, chunksize: Int) throws -> ChunkedDataFrame {
        let frame = try readHDF(paths, key: key)
        return try columns.map { try frame[$0] } ?? frame
    }
    /// Copies each partition through host memory into this backend's ``metaChunk()`` type.
    public func toBackend(_ frame: ChunkedDataFrame, label: String) throws -> ChunkedDataFrame {
        let target = FrameMeta(backend: label, chunk: try metaChunk())
        let function = PartitionFunction { $0 }
        let converted = FramePlan.mapPartitions(frame.plan, function, frame.schema)
        return ChunkedDataFrame(plan: converted, meta: target)
    }

    private func unimplemented(_ function: String) -> BackendError { .notImplemented(function: function, backend: "") }
}

/// The built-in "pandas" backend: partitions are host ``DataFrame``s.
struct PandasEntrypoint: DataFrameBackendEntrypoint {
    func metaChunk() throws -> any DataFrameChunk { DataFrame(emptyWith: Schema([])) }

    var meta: FrameMeta { FrameMeta(backend: "pandas", chunk: DataFrame(emptyWith: Schema([]))) }

    func fromDict(_ columns: [Series], chunksize: Int) throws -> ChunkedDataFrame {
        let frame = try DataFrame(columns: columns)
        var partitions: [DataFrame] = []
        var start = 0
        repeat {
            let end = Swift.min(frame.rowCount, start + chunksize)
            partitions.append(frame.sharingSlice(start..<end))
            start = end
        } while start < frame.rowCount
        return ChunkedDataFrame.fromSource(InMemoryFrameSource(kind: "from-dict", schema: frame.schema, partitions: partitions), meta: meta)
    }

    func readCSV(_ paths: [String], options: CSVOptions, blocksize: Int?) throws -> ChunkedDataFrame {
        ChunkedDataFrame.fromSource(try CSVFrameSource(files: paths, options: options, blocksize: blocksize), meta: meta)
    }

    func readJSON(_ paths: [String], options: JSONOptions, blocksize: Int?) throws -> ChunkedDataFrame {
        ChunkedDataFrame.fromSource(try JSONFrameSource(files: paths, options: options, blocksize: blocksize), meta: meta)
    }

    func readParquet(_ paths: [String], columns: [String]?, filters: [[ParquetFilter]], options: ParquetReadOptions) throws -> ChunkedDataFrame {
        ChunkedDataFrame.fromSource(try ParquetFrameSource(paths: paths, columns: columns, filters: filters, options: options), meta: meta)
    }

    func readORC(_ paths: [String], columns: [String]?) throws -> ChunkedDataFrame {
        try readORC(paths, columns: columns, filters: [], options: ORCReadOptions())
    }

    func readORC(_ paths: [String], columns: [String]?, filters: [[ParquetFilter]], options: ORCReadOptions) throws -> ChunkedDataFrame {
        ChunkedDataFrame.fromSource(try ORCFrameSource(paths: paths, columns: columns, filters: filters, options: options), meta: meta)
    }

    func readHDF(_ paths: [String], key: String) throws -> ChunkedDataFrame {
        try readHDF(paths, key: key, columns: nil, chunksize: HDFFrameSource.defaultChunksize)
    }

    func readHDF(_ paths: [String], key: String, columns: [String]?, chunksize: Int) throws -> ChunkedDataFrame {
        ChunkedDataFrame.fromSource(try HDFFrameSource(paths: paths, key: key, columns: columns, chunksize: chunksize), meta: meta)
    }
}
