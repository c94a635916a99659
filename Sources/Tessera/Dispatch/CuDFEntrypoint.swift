import Backends
import CUDARuntime
import CuDFBackend
import FileFormats
import PandasBackend

/// The built-in "cudf" dataframe backend: partitions are ``CuDataFrame``s in GPU memory,
/// computed by CUDA kernels that NVRTC compiles at first use (docs/cudf.md).
///
/// It is made the first time the label is used, on the GPU the `cuda.*` configuration keys name
/// (the same keys as "cupy"). Without a usable GPU (no driver, no device, a driver older than
/// CUDA 12, no NVRTC) selecting it throws ``BackendError/unavailable(backend:reason:)`` with the
/// reason, when the frame is created.
///
/// Every reader decodes on the host with the shared readers ("pandas"'s `FrameSource`s), and
/// each partition is uploaded when it is read, one transfer per column buffer; a reader is
/// available here as soon as its host reader exists (`readHDF` included, which dask_cudf also
/// serves through pandas).
public struct CuDFEntrypoint: DataFrameBackendEntrypoint {
    /// The label the backend is registered as.
    public static let label = "cudf"

    /// The GPU the backend's partitions live on.
    public let device: CUDADevice

    /// The meta chunk: an empty frame on the device.
    public let meta: CuDataFrame

    /// The label the frames it makes record ("cudf" for the built-in one).
    public let recordedLabel: String

    /// The backend on `device`, recording `label` in its frames (register it under the same label).
    public init(device: CUDADevice, label: String = CuDFEntrypoint.label) throws {
        self.device = device
        recordedLabel = label
        meta = try CuDataFrame(emptyWith: Schema([]), on: device)
    }

    /// Opens the configured GPU.
    ///
    /// - Throws: ``BackendError/unavailable(backend:reason:)`` naming what is missing.
    static func load() throws -> any DataFrameBackendEntrypoint {
        let (paths, ordinal) = try CuPyEntrypoint.configuredDevice()
        do {
            return try CuDFEntrypoint(device: CUDADevice.open(paths: paths, ordinal: ordinal))
        } catch let error as CUDAError {
            throw BackendError.unavailable(backend: label, reason: error.description + "; use \"pandas\" on this machine")
        }
    }

    /// The meta chunk.
    public func metaChunk() throws -> any DataFrameChunk { meta }

    private var frameMeta: FrameMeta { FrameMeta(backend: recordedLabel, chunk: meta) }

    /// A frame the host backend reads, its partitions uploaded as they are read.
    private func uploaded(_ read: () throws -> ChunkedDataFrame) throws -> ChunkedDataFrame {
        do {
            return ChunkedDataFrame(plan: try read().plan, meta: frameMeta)
        } catch let BackendError.notImplemented(function, _) {
            throw BackendError.notImplemented(function: function, backend: recordedLabel)
        }
    }

    /// Host columns cut into partitions of `chunksize` rows, each uploaded.
    public func fromDict(_ columns: [Series], chunksize: Int) throws -> ChunkedDataFrame {
        try uploaded { try PandasEntrypoint().fromDict(columns, chunksize: chunksize) }
    }

    /// CSV files read by the host reader, each block uploaded.
    public func readCSV(_ paths: [String], options: CSVOptions, blocksize: Int?) throws -> ChunkedDataFrame {
        try uploaded { try PandasEntrypoint().readCSV(paths, options: options, blocksize: blocksize) }
    }

    /// JSON files read by the host reader, each partition uploaded.
    public func readJSON(_ paths: [String], options: JSONOptions, blocksize: Int?) throws -> ChunkedDataFrame {
        try uploaded { try PandasEntrypoint().readJSON(paths, options: options, blocksize: blocksize) }
    }

    /// Parquet data read by the host reader (column pruning and statistics filters as there),
    /// each partition uploaded.
    public func readParquet(_ paths: [String], columns: [String]?, filters: [[ParquetFilter]], options: ParquetReadOptions) throws
        -> ChunkedDataFrame {
        try uploaded { try PandasEntrypoint().readParquet(paths, columns: columns, filters: filters, options: options) }
    }

    /// ORC files read by the host reader once it exists (until then `notImplemented`, naming "cudf").
    public func readORC(_ paths: [String], columns: [String]?) throws -> ChunkedDataFrame {
        try uploaded { try PandasEntrypoint().readORC(paths, columns: columns) }
    }

    /// HDF5 stores read by the host reader, each partition uploaded (dask_cudf's own fallback
    /// reads them with pandas too).
    public func readHDF(_ paths: [String], key: String) throws -> ChunkedDataFrame {
        try uploaded { try PandasEntrypoint().readHDF(paths, key: key) }
    }

    /// HDF5 stores read by the host reader (`columns`, partitions of `chunksize` rows), each
    /// partition uploaded.
    public func readHDF(_ paths: [String], key: String, columns: [String]?, chunksize: Int) throws -> ChunkedDataFrame {
        try uploaded { try PandasEntrypoint().readHDF(paths, key: key, columns: columns, chunksize: chunksize) }
    }
}
