import Backends
import FileFormats
import PandasBackend

extension ChunkedDataFrame {
    /// The dataframe backends: the built-in "pandas" and "cudf", and those registered with
    /// `register(_:as:)`.
    public static let backends: BackendDispatch<any DataFrameBackendEntrypoint> = {
        let dispatch = BackendDispatch<any DataFrameBackendEntrypoint>(kind: "dataframe", configKey: "dataframe.backend")
        dispatch.register(PandasEntrypoint(), as: "pandas")
        dispatch.registerLazily(as: "cudf") { try CuDFEntrypoint.load() }
        return dispatch
    }()

    /// A frame from named columns, in the literal's order, cut into `npartitions` partitions of
    /// equal size (or partitions of `chunksize` rows), from the backend `dataframe.backend` names.
    ///
    /// ```swift
    /// let df = try ChunkedDataFrame.fromDict(["key": [1, 2, 1, 3], "x": [0.5, 1.5, 2.5, nil]], npartitions: 2)
    /// ```
    ///
    /// - Throws: ``FrameError`` for columns of different lengths or mixed literals,
    ///   ``FrameOperationError/invalidArgument(_:)`` for a non-positive partition count or size,
    ///   ``BackendError`` from dispatch.
    public static func fromDict(_ columns: KeyValuePairs<String, ColumnValues>, npartitions: Int? = nil, chunksize: Int? = nil)
        throws -> ChunkedDataFrame {
        var series: [Series] = []
        for (name, values) in columns { series.append(Series(name: name, column: try values.column())) }
        return try fromColumns(series, npartitions: npartitions, chunksize: chunksize)
    }

    /// A frame from host series (same rules as ``fromDict(_:npartitions:chunksize:)``).
    public static func fromColumns(_ columns: [Series], npartitions: Int? = nil, chunksize: Int? = nil) throws -> ChunkedDataFrame {
        let rows = columns.first?.count ?? 0
        if let npartitions, npartitions <= 0 {
            throw FrameOperationError.invalidArgument("npartitions must be positive, got \(npartitions).")
        }
        if let chunksize, chunksize <= 0 {
            throw FrameOperationError.invalidArgument("chunksize must be positive, got \(chunksize).")
        }
        if npartitions != nil && chunksize != nil {
            throw FrameOperationError.invalidArgument("Give npartitions or chunksize, not both.")
        }
        // Dask's from_pandas: chunksize = ceil(rows / npartitions).
        let size = chunksize ?? Swift.max(1, (rows + (npartitions ?? 1) - 1) / (npartitions ?? 1))
        return try backends.withCurrent { _, backend in try backend.fromDict(columns, chunksize: size) }
    }

    /// A frame from Parquet data (Dask's `read_parquet`), read by the backend `dataframe.backend`
    /// names: a file, a dataset directory (every file below it whose name does not start with
    /// `.` or `_`; `key=value` folders become columns, as hive partitioning; a `_metadata`
    /// summary is used when present) or a glob pattern.
    ///
    /// ```swift
    /// let pq = try ChunkedDataFrame.readParquet("dataset/", columns: ["key", "x"])
    /// let recent = try ChunkedDataFrame.readParquet("events/", filters: [[ParquetFilter("day", .greaterOrEqual, .int(20))]])
    /// ```
    ///
    /// The schema comes from the footer now; nothing else is read until the frame is computed.
    /// Then only the columns the computation uses are read, and a filter on the frame skips the
    /// partitions whose statistics prove it false for every row.
    ///
    /// - Parameters:
    ///   - path: A file, a directory or a glob pattern.
    ///   - columns: The columns to read, in this order (all when `nil`).
    ///   - filters: Dask's `filters`: a disjunction of conjunctions of column tests; partitions
    ///     whose statistics or hive keys rule them out are not read. As in Dask, the remaining
    ///     partitions' rows are not filtered (filter the frame for that).
    ///   - splitRowGroups: Row groups per partition (Dask's `split_row_groups`); `nil` makes one
    ///     partition per file.
    ///   - categories: Columns read as categoricals (Dask's `categories`).
    /// - Throws: ``FileFormatError`` naming the file for a missing path, a file that is not
    ///   Parquet, corrupt data or an unsupported column; ``FrameOperationError/invalidArgument(_:)``
    ///   for a non-positive `splitRowGroups`; ``BackendError`` from dispatch.
    public static func readParquet(_ path: String, columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                                   splitRowGroups: Int? = 1, categories: [String] = []) throws -> ChunkedDataFrame {
        try readParquet([path], columns: columns, filters: filters, splitRowGroups: splitRowGroups, categories: categories)
    }

    /// A frame from several Parquet paths read as one dataset (see
    /// ``readParquet(_:columns:filters:splitRowGroups:categories:)-(String,_,_,_,_)``).
    public static func readParquet(_ paths: [String], columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                                   splitRowGroups: Int? = 1, categories: [String] = []) throws -> ChunkedDataFrame {
        if let splitRowGroups, splitRowGroups <= 0 {
            throw FrameOperationError.invalidArgument("splitRowGroups must be positive (or nil for one partition per file), got \(splitRowGroups).")
        }
        var options = ParquetReadOptions()
        options.rowGroupsPerPartition = splitRowGroups
        options.categoricalColumns = categories
        let chosen = options
        return try backends.withCurrent { _, backend in
            try backend.readParquet(paths, columns: columns, filters: filters, options: chosen)
        }
    }

    /// A frame from ORC data (Dask's `read_orc`), read by the backend `dataframe.backend` names:
    /// a file, a directory (every file in it whose name does not start with `.` or `_`) or a
    /// glob pattern; each stripe is a partition.
    ///
    /// ```swift
    /// let orc = try ChunkedDataFrame.readORC("events.orc", columns: ["key", "x"])
    /// let recent = try ChunkedDataFrame.readORC("events/", filters: [[ParquetFilter("day", .greaterOrEqual, .int(20))]])
    /// ```
    ///
    /// The schema comes from the footer now; nothing else is read until the frame is computed.
    /// Then only the columns the computation uses are read, and a filter on the frame skips the
    /// stripes whose statistics prove it false for every row.
    ///
    /// - Parameters:
    ///   - path: A file, a directory or a glob pattern.
    ///   - columns: The columns to read, in this order (all when `nil`).
    ///   - filters: Dask's `filters`: a disjunction of conjunctions of column tests; stripes
    ///     whose statistics rule them out are not read. The remaining stripes' rows are not
    ///     filtered (filter the frame for that).
    ///   - splitStripes: Stripes per partition (Dask's `split_stripes`); `nil` makes one
    ///     partition per file.
    /// - Throws: ``FileFormatError`` naming the file for a missing path, a file that is not ORC,
    ///   corrupt data or a nested column; ``FrameOperationError/invalidArgument(_:)`` for a
    ///   non-positive `splitStripes`; ``BackendError`` from dispatch.
    public static func readORC(_ path: String, columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                               splitStripes: Int? = 1) throws -> ChunkedDataFrame {
        try readORC([path], columns: columns, filters: filters, splitStripes: splitStripes)
    }

    /// A frame from several ORC paths read as one table (see ``readORC(_:columns:filters:splitStripes:)-(String,_,_,_)``).
    public static func readORC(_ paths: [String], columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                               splitStripes: Int? = 1) throws -> ChunkedDataFrame {
        if let splitStripes, splitStripes <= 0 {
            throw FrameOperationError.invalidArgument("splitStripes must be positive (or nil for one partition per file), got \(splitStripes).")
        }
        var options = ORCReadOptions()
        options.stripesPerPartition = splitStripes
        let chosen = options
        return try backends.withCurrent { _, backend in try backend.readORC(paths, columns: columns, filters: filters, options: chosen) }
    }

    /// The frame stored under `key` (`"df"`, `"a/b"`) of a pandas HDF5 store written by
    /// `DataFrame.to_hdf`, in the "fixed" or "table" format (Dask's `read_hdf`); `path` may be a
    /// glob or a directory, whose files are read as one frame. Only `columns` are read (all when
    /// `nil`); a "table" key is cut into partitions of `chunksize` rows. docs/formats/hdf5.md
    /// lists what is read. Needs libhdf5 (Debian `libhdf5-103-1`) at run time.
    public static func readHDF(_ path: String, key: String, columns: [String]? = nil,
                               chunksize: Int = HDFFrameSource.defaultChunksize) throws -> ChunkedDataFrame {
        try readHDF([path], key: key, columns: columns, chunksize: chunksize)
    }

    /// The frame under `key` of several HDF5 stores read as one (see
    /// ``readHDF(_:key:columns:chunksize:)-(String,_,_,_)``).
    public static func readHDF(_ paths: [String], key: String, columns: [String]? = nil,
                               chunksize: Int = HDFFrameSource.defaultChunksize) throws -> ChunkedDataFrame {
        try backends.withCurrent { _, backend in try backend.readHDF(paths, key: key, columns: columns, chunksize: chunksize) }
    }

    /// Moves the frame to the backend named `label` (the configured one when `nil`); the identity
    /// when it is already there.
    public func toBackend(_ label: String? = nil) throws -> ChunkedDataFrame {
        let target = label ?? Self.backends.currentLabel
        if label == nil { try Config.check() }
        let entrypoint = try Self.backends.entrypoint(for: target)
        if target == backend { return self }
        return try BackendDispatch<any DataFrameBackendEntrypoint>.naming(target) { try entrypoint.toBackend(self, label: target) }
    }
}
