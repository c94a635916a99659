import Backends
import FileFormats
import PandasBackend

/// Partitions read from Parquet files or a dataset (Dask's `read_parquet`): each partition is
/// some consecutive row groups of one file (one row group by default), read by one task.
///
/// Projections reach the reader, so only the requested columns' pages are read and decoded.
/// A filter pushed down from the plan is turned into statistics tests: a partition whose row
/// group statistics (or hive partition keys) prove that no row passes is not read at all, and
/// the rows of a partition that is read are filtered exactly.
public struct ParquetFrameSource: FrameSource {
    /// `"read-parquet"`.
    public var kind: String { "read-parquet" }
    /// The columns read (all of the dataset's, or those asked for), then the hive keys.
    public let schema: Schema
    /// The reader's options.
    public let options: ParquetReadOptions
    /// The pieces of the dataset, one per partition, in order.
    public let partitions: [ParquetPartition]

    /// The number of partitions.
    public var partitionCount: Int { partitions.count }

    /// A source over the files, directories or globs in `paths` read as one dataset.
    ///
    /// - Parameters:
    ///   - paths: Files, dataset directories (hive `key=value` folders become columns, a
    ///     `_metadata` file is used when present) or glob patterns.
    ///   - columns: The columns to read (all when `nil`).
    ///   - filters: Dask-style filters (a disjunction of conjunctions): partitions whose
    ///     statistics rule them out are dropped now. As in Dask, the rows of the partitions that
    ///     remain are not filtered; filter the frame for that.
    ///   - options: The reader's options (row groups per partition, checksums, ...).
    /// - Throws: ``FileFormatError`` for a path that matches nothing, a file that is not Parquet or
    ///   is corrupt, or a column that does not exist or cannot be read.
    public init(paths: [String], columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                options: ParquetReadOptions = ParquetReadOptions()) throws {
        guard !paths.isEmpty else { throw FrameOperationError.invalidArgument("readParquet needs at least one path.") }
        var options = options
        schema = try ParquetReader.inferSchema(paths: paths, columns: columns, options: options)
        let found = try ParquetReader.partitions(paths: paths, options: options)
        partitions = ParquetReader.select(found, filters: filters)
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
        if let predicate, let conjunction = Self.statisticsTests(predicate), !partition.mayMatch([conjunction]) {
            return try finished(DataFrame(emptyWith: Schema(needed)), columns: columns, predicate: nil)
        }
        var frame: DataFrame
        if needed.isEmpty {
            frame = DataFrame(unchecked: [], rowCount: partition.rowCount)
        } else {
            frame = try ParquetReader.read(partition, schema: Schema(needed), options: options)
        }
        return try finished(frame, columns: columns, predicate: predicate)
    }

    /// Statistics tests implied by `predicate`: the comparisons of a column with a literal that
    /// are joined by `&` at its top. Every row passing `predicate` passes each of them, so a
    /// partition failing one holds no such row. `nil` when there is none.
    ///
    /// Only `==`, `<`, `<=`, `>` and `>=` are used: they are false for a null or NaN, as the
    /// statistics assume (`!=` is true for a null in pandas, so it is never used).
    static func statisticsTests(_ predicate: ColumnExpression) -> [ParquetFilter]? {
        var tests: [ParquetFilter] = []
        func collect(_ expression: ColumnExpression) {
            switch expression {
            case let .binary(.logicalAnd, lhs, rhs):
                collect(lhs)
                collect(rhs)
            case let .binary(op, .column(name), .literal(value)):
                if let comparison = comparison(op, flipped: false), !value.isNull { tests.append(ParquetFilter(name, comparison, value)) }
            case let .binary(op, .literal(value), .column(name)):
                if let comparison = comparison(op, flipped: true), !value.isNull { tests.append(ParquetFilter(name, comparison, value)) }
            default:
                break
            }
        }
        collect(predicate)
        return tests.isEmpty ? nil : tests
    }

    /// The statistics comparison for `op` (with its operands swapped when `flipped`).
    private static func comparison(_ op: BinaryOperation, flipped: Bool) -> ParquetComparison? {
        switch op {
        case .equal: .equal
        case .less: flipped ? .greater : .less
        case .lessEqual: flipped ? .greaterOrEqual : .lessOrEqual
        case .greater: flipped ? .less : .greater
        case .greaterEqual: flipped ? .lessOrEqual : .greaterOrEqual
        default: nil
        }
    }
}
