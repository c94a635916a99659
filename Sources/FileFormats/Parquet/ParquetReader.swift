import Backends
import Dispatch

/// Reads Parquet files and datasets into ``DataFrame``s, and splits them into partitions for
/// parallel reading as Dask's `read_parquet` does.
///
/// ```swift
/// let options = ParquetReadOptions()
/// let schema = try ParquetReader.inferSchema(path: "data/", options: options)
/// let parts = try ParquetReader.partitions(path: "data/", options: options)
///     .filter { $0.mayMatch(column: "x", .greater, .int(5)) }
/// let first = try ParquetReader.read(parts[0], columns: ["id", "x"], options: options)
/// ```
///
/// A path may be a file, a directory (every file below it whose name does not start with `.` or
/// `_`, in natural order; `key=value` directories become columns), a glob, or a dataset
/// directory with a `_metadata` summary file. Only the requested columns' pages are read, and
/// columns and row groups are decoded in parallel. See docs/formats/parquet.md for the types,
/// encodings and codecs supported. Errors are ``FileFormatError``s naming the file and what is
/// wrong (and, for corrupt data, the byte offset).
public enum ParquetReader {
    /// The schema of a file or dataset: its columns (all of them, pandas index columns excepted,
    /// or `columns`) and then its hive partition columns, typed as ``read(_:columns:options:)``
    /// returns them.
    ///
    /// - Throws: ``FileFormatError``, also naming a column that cannot be read (nested or an
    ///   unsupported type).
    public static func inferSchema(path: String, columns: [String]? = nil, options: ParquetReadOptions = .init()) throws -> Schema {
        try inferSchema(paths: [path], columns: columns, options: options)
    }

    /// The schema of the dataset `paths` make together (see ``inferSchema(path:columns:options:)``).
    public static func inferSchema(paths: [String], columns: [String]? = nil, options: ParquetReadOptions = .init()) throws -> Schema {
        let dataset = try ParquetDataset.resolve(paths: paths, options: options)
        let file = try dataset.metadataFile ?? ParquetFile.open(path: dataset.files[0].path, options: options)
        let keys = dataset.keys(of: dataset.files[0])
        let names = try selectedColumns(columns, file: file, keys: keys)
        var fields: [Schema.Field] = []
        for name in names {
            if file.schema.field(name) == nil, let key = keys.first(where: { $0.name == name }) {
                fields.append(Schema.Field(name: name, type: key.type))
            } else {
                fields.append(Schema.Field(name: name, type: file.frameType(of: try file.column(name), options: options)))
            }
        }
        return Schema(fields)
    }

    /// The partitions of a file or dataset: ``ParquetReadOptions/rowGroupsPerPartition``
    /// consecutive row groups of a file each (one per file if `nil`), with their statistics.
    ///
    /// - Throws: ``FileFormatError``.
    public static func partitions(path: String, options: ParquetReadOptions = .init()) throws -> [ParquetPartition] {
        try partitions(paths: [path], options: options)
    }

    /// The partitions of the dataset `paths` make together (see ``partitions(path:options:)``).
    public static func partitions(paths: [String], options: ParquetReadOptions = .init()) throws -> [ParquetPartition] {
        let dataset = try ParquetDataset.resolve(paths: paths, options: options)
        // Row groups of files the summary did not list: read the footers, in parallel.
        let missing = dataset.files.indices.filter { dataset.files[$0].rowGroups == nil }
        let summaries = ParquetTaskResults<[ParquetDataset.RowGroupSummary]>(count: dataset.files.count)
        let files = dataset.files
        let work: @Sendable (Int) -> Void = { position in
            let index = missing[position]
            do {
                let file = try ParquetFile.open(path: files[index].path, options: options)
                summaries.set(index, .success(rowGroupSummaries(file)))
            } catch let error as FileFormatError {
                summaries.set(index, .failure(error))
            } catch {
                summaries.set(index, .failure(FileFormatError(path: files[index].path, message: "\(error)")))
            }
        }
        if options.useThreads, missing.count > 1 {
            DispatchQueue.concurrentPerform(iterations: missing.count, execute: work)
        } else {
            for position in missing.indices { work(position) }
        }
        var result: [ParquetPartition] = []
        for (index, entry) in dataset.files.enumerated() {
            let groups: [ParquetDataset.RowGroupSummary]
            if let known = entry.rowGroups {
                groups = known
            } else {
                switch summaries.get(index) {
                case let .success(found)?: groups = found
                case let .failure(error)?: throw error
                case nil: groups = []
                }
            }
            let keys = dataset.keys(of: entry)
            let size = max(options.rowGroupsPerPartition ?? max(groups.count, 1), 1)
            if groups.isEmpty {
                result.append(ParquetPartition(path: entry.path, rowGroups: [], rowCount: 0, partitionKeys: keys))
                continue
            }
            for start in stride(from: 0, to: groups.count, by: size) {
                let slice = Array(groups[start..<min(start + size, groups.count)])
                var statistics: [String: ParquetColumnStatistics] = [:]
                for name in slice[0].statistics.keys {
                    let parts = slice.compactMap { $0.statistics[name] }
                    if parts.count == slice.count, let merged = ParquetColumnStatistics.merged(parts) { statistics[name] = merged }
                }
                result.append(ParquetPartition(path: entry.path, rowGroups: slice.map(\.index),
                                               rowCount: slice.reduce(0) { $0 + $1.rowCount }, partitionKeys: keys,
                                               statistics: statistics))
            }
        }
        return result
    }

    /// The partitions some row of which may satisfy Dask-style `filters` (a disjunction of
    /// conjunctions), judged by their statistics and partition keys.
    public static func select(_ partitions: [ParquetPartition], filters: [[ParquetFilter]]) -> [ParquetPartition] {
        partitions.filter { $0.mayMatch(filters) }
    }

    /// Reads a partition: `columns` (all, as ``inferSchema(path:columns:options:)`` lists them,
    /// if `nil`) in the given order; partition keys are filled from the partition.
    ///
    /// - Throws: ``FileFormatError`` naming the file and, for corrupt data, the column, row
    ///   group and byte offset.
    public static func read(_ partition: ParquetPartition, columns: [String]? = nil,
                            options: ParquetReadOptions = .init()) throws -> DataFrame {
        let file = try ParquetFile.open(path: partition.path, options: options)
        let names = try selectedColumns(columns, file: file, keys: partition.partitionKeys)
        var units: [ParquetReadJob.Unit] = []
        var rowStart = 0
        for group in partition.rowGroups {
            guard group >= 0, group < file.metadata.rowGroups.count else {
                throw FileFormatError(path: partition.path, message: "The file has \(file.metadata.rowGroups.count) row groups, not \(group + 1).")
            }
            let rows = Int(file.metadata.rowGroups[group].numRows)
            units.append(ParquetReadJob.Unit(file: file, rowGroup: group, rowStart: rowStart, rowCount: rows, keys: partition.partitionKeys))
            rowStart += rows
        }
        if units.isEmpty { return try emptyFrame(names, file: file, keys: partition.partitionKeys, options: options) }
        return try ParquetReadJob(units: units, columns: names, options: options).run()
    }

    /// Reads a partition into exactly `schema`'s columns.
    ///
    /// - Throws: ``FileFormatError`` if a column's type in the file differs from the schema's.
    public static func read(_ partition: ParquetPartition, schema: Schema, options: ParquetReadOptions = .init()) throws -> DataFrame {
        let frame = try read(partition, columns: schema.names, options: options)
        for (field, series) in zip(schema.fields, frame.columns) where field.type != series.type {
            throw FileFormatError(path: partition.path, message: "Column '\(field.name)' is \(series.type) in this file, the schema says \(field.type).")
        }
        return frame
    }

    /// Reads a whole file or dataset into one frame, skipping row groups `filters` rule out by
    /// their statistics (rows of the row groups read are not filtered).
    ///
    /// - Throws: ``FileFormatError``.
    public static func read(path: String, columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                            options: ParquetReadOptions = .init()) throws -> DataFrame {
        try read(paths: [path], columns: columns, filters: filters, options: options)
    }

    /// Reads the dataset `paths` make together into one frame (see ``read(path:columns:filters:options:)``).
    public static func read(paths: [String], columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                            options: ParquetReadOptions = .init()) throws -> DataFrame {
        var perRowGroup = options
        perRowGroup.rowGroupsPerPartition = 1
        let schema = try inferSchema(paths: paths, columns: columns, options: options)
        let parts = select(try partitions(paths: paths, options: perRowGroup), filters: filters)
        var units: [ParquetReadJob.Unit] = []
        var opened: [String: ParquetFile] = [:]
        var rowStart = 0
        for part in parts {
            let file: ParquetFile
            if let known = opened[part.path] { file = known } else {
                file = try ParquetFile.open(path: part.path, options: options)
                opened[part.path] = file
            }
            for group in part.rowGroups where group < file.metadata.rowGroups.count {
                let rows = Int(file.metadata.rowGroups[group].numRows)
                units.append(ParquetReadJob.Unit(file: file, rowGroup: group, rowStart: rowStart, rowCount: rows, keys: part.partitionKeys))
                rowStart += rows
            }
        }
        if units.isEmpty { return DataFrame(emptyWith: schema) }
        return try ParquetReadJob(units: units, columns: schema.names, options: options).run()
    }

    /// The statistics of every row group of the file at `path`, by column name: what
    /// ``ParquetPartition/mayMatch(_:)-(ParquetFilter)`` judges partitions by.
    ///
    /// - Throws: ``FileFormatError``.
    public static func rowGroupStatistics(path: String, options: ParquetReadOptions = .init()) throws -> [[String: ParquetColumnStatistics]] {
        rowGroupSummaries(try ParquetFile.open(path: path, options: options)).map(\.statistics)
    }

    // MARK: - Helpers

    /// Reads every row group of an opened file (`columns`, or the default ones); for tests and
    /// the fuzz target, which read bytes from memory.
    static func read(file: ParquetFile, columns: [String]? = nil, options: ParquetReadOptions) throws -> DataFrame {
        let names = try selectedColumns(columns, file: file, keys: [])
        var units: [ParquetReadJob.Unit] = []
        var rowStart = 0
        for (index, group) in file.metadata.rowGroups.enumerated() {
            let rows = Int(group.numRows)
            units.append(ParquetReadJob.Unit(file: file, rowGroup: index, rowStart: rowStart, rowCount: rows, keys: []))
            rowStart += rows
        }
        if units.isEmpty { return try emptyFrame(names, file: file, keys: [], options: options) }
        return try ParquetReadJob(units: units, columns: names, options: options).run()
    }

    static func rowGroupSummaries(_ file: ParquetFile) -> [ParquetDataset.RowGroupSummary] {
        let descriptors = file.schema.fields.compactMap { try? $0.column.get() }
        return file.metadata.rowGroups.enumerated().map { index, group in
            let rows = Int(group.numRows)
            var statistics: [String: ParquetColumnStatistics] = [:]
            for descriptor in descriptors {
                if let stats = group.columns[descriptor.leafIndex].metaData?.statistics {
                    statistics[descriptor.name] = stats.frameStatistics(for: descriptor, rowCount: rows)
                }
            }
            return ParquetDataset.RowGroupSummary(index: index, rowCount: rows, statistics: statistics)
        }
    }

    /// The columns to read: `requested`, checked, or the file's default columns then the keys.
    static func selectedColumns(_ requested: [String]?, file: ParquetFile, keys: [ParquetPartitionKey]) throws(FileFormatError) -> [String] {
        let fileNames = file.schema.fields.map(\.name)
        if let requested {
            var seen = Set<String>()
            for name in requested {
                guard seen.insert(name).inserted else {
                    throw FileFormatError(path: file.path, message: "Column '\(name)' is requested twice.")
                }
                guard fileNames.contains(name) || keys.contains(where: { $0.name == name }) else {
                    let available = fileNames + keys.map(\.name).filter { !fileNames.contains($0) }
                    throw FileFormatError(path: file.path, message: "There is no column '\(name)'; the columns are \(available.map { "'\($0)'" }.joined(separator: ", ")).")
                }
            }
            return requested
        }
        return file.defaultColumns + keys.map(\.name).filter { !fileNames.contains($0) }
    }

    private static func emptyFrame(_ names: [String], file: ParquetFile, keys: [ParquetPartitionKey],
                                   options: ParquetReadOptions) throws -> DataFrame {
        var fields: [Schema.Field] = []
        for name in names {
            if file.schema.field(name) == nil, let key = keys.first(where: { $0.name == name }) {
                fields.append(Schema.Field(name: name, type: key.type))
            } else {
                fields.append(Schema.Field(name: name, type: file.frameType(of: try file.column(name), options: options)))
            }
        }
        return DataFrame(emptyWith: Schema(fields))
    }
}
