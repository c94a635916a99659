import Backends
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

    /// A frame from the files `path` names (globs allowed) read as Parquet (built by the Parquet issue).
    public static func readParquet(_ path: String, columns: [String]? = nil) throws -> ChunkedDataFrame {
        try backends.withCurrent { _, backend in try backend.readParquet([path], columns: columns) }
    }

    /// A frame from ORC files (built by the ORC issue).
    public static func readORC(_ path: String, columns: [String]? = nil) throws -> ChunkedDataFrame {
        try backends.withCurrent { _, backend in try backend.readORC([path], columns: columns) }
    }

    /// A frame from a table in an HDF5 store (built by the HDF5 issue).
    public static func readHDF(_ path: String, key: String) throws -> ChunkedDataFrame {
        try backends.withCurrent { _, backend in try backend.readHDF([path], key: key) }
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
