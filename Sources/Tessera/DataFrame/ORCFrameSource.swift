import Backends
import FileFormats
import PandasBackend

/// Partitions read from ORC files (Dask's `read_orc`): each partition is some consecutive
/// stripes of one file (one stripe by default), read by one task.
///
/// Projections reach the reader, so only the requested columns' streams are read and decoded.
/// A filter pushed down from the plan is turned into statistics tests: a partition whose stripe
/// statistics prove that no row passes is not read at all, and the rows of a partition that is
/// read are filtered exactly.
public struct ORCFrameSource: FrameSource {
    /// `"read-orc"`.
    public var kind: String { "read-orc" }
    /// The columns read (all of the files', or those asked for).
    public let schema: Schema
    /// The reader's options.
    public let options: ORCReadOptions
    /// The pieces of the files, one per partition, in order.
    public let partitions: [ORCPartition]

    /// The number of partitions.
    public var partitionCount: Int { partitions.count }

    /// A source over the files, directories or globs in `paths`, read as one table.
    ///
    /// - Parameters:
    ///   - paths: Files, directories (every file in them not starting with `.` or `_`) or glob patterns.
    ///   - columns: The columns to read (all when `nil`).
    ///   - filters: Dask-style filters (a disjunction of conjunctions): partitions whose stripe
    ///     statistics rule them out are dropped now. The rows of the partitions that remain are
    ///     not filtered; filter the frame for that.
    ///   - options: The reader's options (stripes per partition, ...).
    /// - Throws: ``FileFormatError`` for a path that matches nothing, a file that is not ORC or
    ///   is corrupt, or a column that does not exist or cannot be read (nested types).
    public init(paths: [String], columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                options: ORCReadOptions = ORCReadOptions()) throws {
        guard !paths.isEmpty else { throw FrameOperationError.invalidArgument("readORC needs at least one path.") }
        let files = try FilePattern.expand(paths)
        var options = options
        schema = try ORCReader.inferSchema(paths: files, columns: columns, options: options)
        partitions = ORCReader.select(try ORCReader.partitions(paths: files, options: options), filters: filters)
        // Partitions run in parallel on the scheduler's workers; a single one decodes its
        // columns in parallel itself.
        options.useThreads = partitions.count <= 1
        self.options = options
    }

    /// Reads partition `index`: only the columns in `columns` and those `predicate` reads, and
    /// nothing at all when the partition's statistics prove `predicate` false for every row.
    ///
    /// - Throws: ``FileFormatError`` naming the file for corrupt data, or the predicate's error.
    public func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        guard partitions.indices.contains(index) else {
            throw FrameOperationError.invalidArgument("Partition \(index) does not exist; the source has \(partitions.count).")
        }
        let partition = partitions[index]
        let needed = Self.fieldsToRead(schema, columns: columns, predicate: predicate)
        if let predicate, let conjunction = ParquetFrameSource.statisticsTests(predicate), !partition.mayMatch([conjunction]) {
            return try finished(DataFrame(emptyWith: Schema(needed)), columns: columns, predicate: nil)
        }
        var frame: DataFrame
        if needed.isEmpty {
            frame = DataFrame(unchecked: [], rowCount: partition.rowCount)
        } else {
            frame = try ORCReader.read(partition, schema: Schema(needed), options: options)
        }
        return try finished(frame, columns: columns, predicate: predicate)
    }
}
