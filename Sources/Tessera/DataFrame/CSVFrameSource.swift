import Backends
import FileFormats
import Foundation
import PandasBackend

/// Partitions read from CSV files (Dask's `read_csv`): every file cut into byte ranges of about
/// `blocksize` bytes that start and end at line boundaries, each parsed by one task.
///
/// The schema is inferred once, when the source is made, from a sample of the start of every
/// file (``CSVOptions/sampleSize`` bytes), with ``CSVOptions/dtypes`` overriding it; the files'
/// schemas are merged (see `ChunkedDataFrame.readCSV`).
/// A read parses only the columns asked for: the other fields of each line are skipped, not
/// converted (projection pushdown), and a predicate is applied right after parsing (filter pushdown).
///
/// ```swift
/// var options = CSVOptions()
/// options.dtypes = ["id": .int64]
/// let source = try CSVFrameSource(files: ["a.csv", "b.csv"], options: options)
/// let df = ChunkedDataFrame.fromSource(source, meta: FrameMeta(backend: "pandas", chunk: DataFrame(emptyWith: Schema([]))))
/// ```
public struct CSVFrameSource: FrameSource {
    /// The default block size, as Dask's `read_csv` computes it (`auto_blocksize`): a tenth of the
    /// memory per core, at most 64 MB (64,000,000 bytes), which is what any machine with more than
    /// 1.28 GB of memory per core gets. As in Dask, a file is cut into `size / blocksize` (rounded
    /// down) equal blocks, a count then rounded up to a multiple of the scheduler's workers: a
    /// 492 MB file is 7 partitions in Dask and 8 here on 2 workers.
    public static let defaultBlocksize: Int = {
        let info = ProcessInfo.processInfo
        let perCore = info.physicalMemory / UInt64(Swift.max(1, info.activeProcessorCount)) / 10
        return Int(Swift.min(64_000_000, Swift.max(perCore, 1 << 20)))
    }()

    /// `"read-csv"`.
    public var kind: String { "read-csv" }
    /// The merged schema of the files.
    public let schema: Schema
    /// The files, in order.
    public let files: [String]
    /// The parsing options.
    public let options: CSVOptions
    /// The byte ranges of the files, in order: one per partition.
    public let partitions: [CSVPartition]

    /// The number of partitions.
    public var partitionCount: Int { partitions.count }

    /// A source reading `files` (paths of files, not patterns) with `options`, cut into blocks of
    /// about `blocksize` bytes (one partition per file when `nil`, and for compressed files).
    ///
    /// - Throws: ``FileFormatError`` for a file that cannot be read, has no columns, or whose
    ///   columns or types conflict with another file's; ``FrameOperationError/invalidArgument(_:)``
    ///   for no files or a block size below 1.
    public init(files: [String], options: CSVOptions = CSVOptions(), blocksize: Int? = CSVFrameSource.defaultBlocksize) throws {
        guard !files.isEmpty else { throw FrameOperationError.invalidArgument("readCSV needs at least one file.") }
        if let blocksize, blocksize <= 0 {
            throw FrameOperationError.invalidArgument("blocksize must be a positive number of bytes (or nil for one partition per file), got \(blocksize).")
        }
        var merge = FileSchemaMerge(allowMissingColumns: false)
        for file in files {
            let (schema, undecided) = try CSVReader.inferSchemaAndUndecided(path: file, options: options)
            try merge.add(schema, undecided: undecided, file: file)
        }
        var partitions: [CSVPartition] = []
        let workers = (try? Config.resolved())?.numWorkers ?? 1
        for file in files {
            let size = blocksize.map { Self.fileBlocksize($0, fileSize: Self.size(of: file), workers: workers) }
            partitions.append(contentsOf: try CSVReader.partitions(path: file, options: options, blocksize: size))
        }
        self.files = files
        self.options = options
        self.schema = merge.schema
        self.partitions = partitions
    }

    /// Reads partition `index`: only the columns in `columns` and those `predicate` reads are parsed.
    ///
    /// - Throws: ``FileFormatError`` naming the file and the line (or byte offset) of a field that
    ///   does not parse as its column's type, or the predicate's ``FrameError``.
    public func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        guard partitions.indices.contains(index) else {
            throw FrameOperationError.invalidArgument("Partition \(index) does not exist; the source has \(partitions.count).")
        }
        let parsed = Self.fieldsToRead(schema, columns: columns, predicate: predicate)
        // Nothing to parse: count the rows by parsing the first column.
        let readFields = parsed.isEmpty ? Array(schema.fields.prefix(1)) : parsed
        var frame = try CSVReader.read(partitions[index], schema: Schema(readFields), options: options)
        if parsed.isEmpty { frame = DataFrame(unchecked: [], rowCount: frame.rowCount) }
        return try finished(frame, columns: columns, predicate: predicate)
    }

    /// The block size that cuts a file of `fileSize` bytes into `fileSize / blocksize` (rounded
    /// down, at least 1) equal blocks, as Dask's `read_bytes` does; when that is more than one
    /// block, their number is rounded up to a multiple of `workers`, so that no worker of the
    /// scheduler sits idle while the last block is parsed (7 blocks on 2 workers take as long
    /// as 8).
    static func fileBlocksize(_ blocksize: Int, fileSize: Int, workers: Int = 1) -> Int {
        guard fileSize > blocksize else { return blocksize }
        var parts = fileSize / blocksize
        if parts > 1, workers > 1 { parts = (parts + workers - 1) / workers * workers }
        return fileSize / parts + (fileSize % parts == 0 ? 0 : 1)
    }

    /// The size of a file in bytes (0 when it cannot be read; the reader then reports why).
    static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
