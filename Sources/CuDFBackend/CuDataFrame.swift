import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend
import PandasBackend

/// A table in GPU memory: the partition type of the "cudf" backend.
///
/// Columns keep the host frame's Arrow-style layout (``CuColumn``), so moving a partition between
/// host and device is one transfer per buffer. A `CuDataFrame` is a value: operations return new
/// frames and never change their inputs. Every operation runs in one ``CUDADevice/perform(_:)``
/// and is complete when it returns.
///
/// ```swift
/// let device = try CUDADevice.open()
/// let frame = try CuDataFrame(DataFrame(["key": [1, 2, 1], "x": [0.5, 1.5, 2.5]]), on: device)
/// let host = try frame.toHost()
/// ```
public struct CuDataFrame: Sendable {
    /// The device holding the columns.
    public let device: CUDADevice
    /// The columns' names, in order.
    public let names: [String]
    /// The columns, in the order of `names`.
    public let columns: [CuColumn]
    /// The number of rows.
    public let rowCount: Int
    /// The label of the first row (rows are labelled `indexStart ..< indexStart + rowCount`).
    public let indexStart: Int

    /// A frame from columns the caller made consistent.
    package init(device: CUDADevice, names: [String], columns: [CuColumn], rowCount: Int, indexStart: Int = 0) {
        self.device = device
        self.names = names
        self.columns = columns
        self.rowCount = rowCount
        self.indexStart = indexStart
    }

    /// A device copy of `frame`, one transfer per buffer.
    ///
    /// - Throws: ``CUDAError`` (out of memory, or a driver error).
    public init(_ frame: DataFrame, on device: CUDADevice) throws {
        self.init(device: device, names: frame.columnNames, columns: try frame.columns.map { try CuColumn($0.column, on: device) },
                  rowCount: frame.rowCount, indexStart: frame.indexStart)
    }

    /// An empty frame of `schema` on `device`.
    public init(emptyWith schema: Schema, on device: CUDADevice) throws {
        try self.init(DataFrame(emptyWith: schema), on: device)
    }

    /// A host copy of the frame.
    public func download() throws -> DataFrame {
        let series = try zip(names, columns).map { Series(name: $0, column: try $1.download()) }
        return DataFrame(unchecked: series, rowCount: rowCount, indexStart: indexStart)
    }

    /// The column called `name`.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` naming the columns that exist.
    public func column(_ name: String) throws(FrameError) -> CuColumn {
        guard let position = names.firstIndex(of: name) else { throw .unknownColumn(name, available: names) }
        return columns[position]
    }

    /// The same columns with other rows: `columns` of `rowCount` rows.
    func with(columns: [CuColumn], rowCount: Int, indexStart: Int = 0) -> CuDataFrame {
        CuDataFrame(device: device, names: names, columns: columns, rowCount: rowCount, indexStart: indexStart)
    }

    /// The frame with column `name` replaced, or appended if new.
    func assigning(_ name: String, _ column: CuColumn) -> CuDataFrame {
        var names = self.names, columns = self.columns
        if let position = names.firstIndex(of: name) {
            columns[position] = column
        } else {
            names.append(name)
            columns.append(column)
        }
        return CuDataFrame(device: device, names: names, columns: columns, rowCount: column.count, indexStart: indexStart)
    }

    /// Runs `body` with the device primitives on a stream of this frame's device.
    func perform<R>(_ body: (FrameOps) throws -> R) throws -> R {
        try device.perform { stream in try body(FrameOps(device: device, stream: stream)) }
    }

    /// Rows `indices` of every column (relabelled from 0).
    func taking(_ indices: CuArray, count: Int, ops: FrameOps) throws -> CuDataFrame {
        with(columns: try columns.map { try ops.take($0, indices, count: count) }, rowCount: count)
    }

    /// The computation done on the host with the "pandas" kernels, the result uploaded: for the
    /// operations docs/cudf.md lists as running on the host for now.
    func onHost(_ body: (DataFrame) throws -> DataFrame) throws -> CuDataFrame {
        try CuDataFrame(body(download()), on: device)
    }
}

extension CuDataFrame: CustomStringConvertible {
    /// The host frame's print, prefixed with the device (the frame is copied to the host to print;
    /// a failure to copy prints the schema only).
    public var description: String {
        let header = "cudf frame on \(device.name), \(rowCount) rows"
        guard rowCount <= 1_000, let host = try? download() else { return header + "\n" + schema.description }
        return header + "\n" + host.description
    }
}
