import Backends
import FileFormats
import PandasBackend

/// Partitions read from JSON files (Dask's `read_json`): an array of records is one partition
/// per file; JSON Lines files are cut into blocks of about `blocksize` bytes at line boundaries
/// (one partition per file when `blocksize` is `nil`, Dask's default).
///
/// The schema is inferred once, when the source is made, from a sample of every file
/// (``JSONOptions/sampleBytes``), with ``JSONOptions/dtypes`` overriding it; the frame has the
/// union of the files' keys, in first-seen order (null where a file's records lack a key), and the
/// files' types are merged as for CSV. A read materialises only the columns asked for (the other
/// keys are validated and skipped), and applies a predicate right after parsing.
public struct JSONFrameSource: FrameSource {
    /// `"read-json"`.
    public var kind: String { "read-json" }
    /// The merged schema of the files.
    public let schema: Schema
    /// The files, in order.
    public let files: [String]
    /// The parsing options.
    public let options: JSONOptions
    /// The pieces of the files, in order: one per partition.
    public let partitions: [JSONPartition]

    /// The number of partitions.
    public var partitionCount: Int { partitions.count }

    /// A source reading `files` (paths of files, not patterns) with `options`.
    ///
    /// - Throws: ``FileFormatError`` for a file that cannot be read, is empty, compressed (`.gz`) or
    ///   invalid in its sample, or whose types conflict with another file's; ``FrameOperationError/invalidArgument(_:)``
    ///   for no files, a block size below 1, or a block size without ``JSONOptions/lines``.
    public init(files: [String], options: JSONOptions = JSONOptions(), blocksize: Int? = nil) throws {
        guard !files.isEmpty else { throw FrameOperationError.invalidArgument("readJSON needs at least one file.") }
        if let blocksize {
            guard blocksize > 0 else {
                throw FrameOperationError.invalidArgument("blocksize must be a positive number of bytes (or nil for one partition per file), got \(blocksize).")
            }
            guard options.lines else {
                throw FrameOperationError.invalidArgument("A JSON file can be cut into blocks only when it is JSON Lines: pass lines: true, or no blocksize.")
            }
        }
        for file in files where file.lowercased().hasSuffix(".gz") {
            throw FileFormatError(path: file, message: "Compressed JSON is not supported yet; decompress the file first.")
        }
        var merge = FileSchemaMerge(allowMissingColumns: true)
        for file in files {
            let (schema, undecided) = try JSONReader.inferSchemaAndUndecided(path: file, options: options)
            try merge.add(schema, undecided: undecided, file: file)
        }
        var partitions: [JSONPartition] = []
        for file in files {
            partitions.append(contentsOf: try JSONReader.partitions(path: file, options: options, blocksize: blocksize))
        }
        var readOptions = options
        readOptions.columns = nil
        self.files = files
        self.options = readOptions
        self.schema = merge.schema
        self.partitions = partitions
    }

    /// Reads partition `index`: only the columns in `columns` and those `predicate` reads are built.
    ///
    /// - Throws: ``FileFormatError`` naming the file and the line (JSON Lines) or byte offset of a
    ///   value that does not fit its column's type, or the predicate's ``FrameError``.
    public func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        guard partitions.indices.contains(index) else {
            throw FrameOperationError.invalidArgument("Partition \(index) does not exist; the source has \(partitions.count).")
        }
        let parsed = Self.fieldsToRead(schema, columns: columns, predicate: predicate)
        let frame = try JSONReader.read(partitions[index], schema: Schema(parsed), options: options)
        return try finished(frame, columns: columns, predicate: predicate)
    }
}
