import Backends
import Dispatch

/// Reads ORC files into ``DataFrame``s, and splits them into partitions (stripes) for parallel
/// reading, as Dask's `read_orc` does.
///
/// ```swift
/// let schema = try ORCReader.inferSchema(paths: ["data.orc"])
/// let parts = ORCReader.select(try ORCReader.partitions(paths: ["data.orc"]),
///                              filters: [[ParquetFilter("x", .greater, .int(5))]])
/// let first = try ORCReader.read(parts[0], columns: ["id", "x"])
/// ```
///
/// Only the requested columns' streams are read; stripes and columns are decoded in parallel.
/// See docs/formats/orc.md for the types, encodings and codecs supported. Errors are
/// ``FileFormatError``s naming the file and what is wrong (and, for corrupt data, the stripe,
/// column or byte offset).
public enum ORCReader {
    /// The schema of the files: their columns (all of them, or `columns`), typed as
    /// ``read(_:columns:options:)`` returns them; the first file decides.
    ///
    /// - Throws: ``FileFormatError``, also naming a requested column that cannot be read (nested).
    public static func inferSchema(paths: [String], columns: [String]? = nil, options: ORCReadOptions = .init()) throws(FileFormatError) -> Schema {
        guard let path = paths.first else { throw FileFormatError(path: "", message: "No ORC files were given.") }
        let file = try ORCFile.open(path: path, options: options)
        var fields: [Schema.Field] = []
        for name in try selectedColumns(columns, file: file) {
            guard let field = file.field(name) else { continue }
            switch field.frameType {
            case let .success(type): fields.append(Schema.Field(name: name, type: type))
            case let .failure(error): throw error.fileError(path: path)
            }
        }
        return Schema(fields)
    }

    /// The partitions of the files: ``ORCReadOptions/stripesPerPartition`` consecutive stripes
    /// of a file each (one per file if `nil`; one empty partition for a file without stripes),
    /// with their statistics.
    ///
    /// - Throws: ``FileFormatError``.
    public static func partitions(paths: [String], options: ORCReadOptions = .init()) throws(FileFormatError) -> [ORCPartition] {
        var result: [ORCPartition] = []
        for path in paths {
            let file = try ORCFile.open(path: path, options: options)
            let stripes = file.footer.stripes
            if stripes.isEmpty {
                result.append(ORCPartition(path: path, stripes: [], rowCount: 0))
                continue
            }
            let size = max(options.stripesPerPartition ?? stripes.count, 1)
            for start in stride(from: 0, to: stripes.count, by: size) {
                let indices = Array(start..<min(start + size, stripes.count))
                let perStripe = indices.map { file.statistics(stripe: $0) }
                var statistics: [String: ParquetColumnStatistics] = [:]
                for name in perStripe[0].keys {
                    let parts = perStripe.compactMap { $0[name] }
                    if parts.count == perStripe.count, let merged = ParquetColumnStatistics.merged(parts) { statistics[name] = merged }
                }
                result.append(ORCPartition(path: path, stripes: indices, rowCount: indices.reduce(0) { $0 + stripes[$1].rowCount },
                                           statistics: statistics))
            }
        }
        return result
    }

    /// The partitions some row of which may satisfy Dask-style `filters` (a disjunction of
    /// conjunctions), judged by their stripe statistics.
    public static func select(_ partitions: [ORCPartition], filters: [[ParquetFilter]]) -> [ORCPartition] {
        partitions.filter { $0.mayMatch(filters) }
    }

    /// Reads a partition: `columns` (all if `nil`) in the given order.
    ///
    /// - Throws: ``FileFormatError`` naming the file and, for corrupt data, the stripe and column.
    public static func read(_ partition: ORCPartition, columns: [String]? = nil, options: ORCReadOptions = .init()) throws(FileFormatError) -> DataFrame {
        let file = try ORCFile.open(path: partition.path, options: options)
        var units: [ORCReadJob.Unit] = []
        var rowStart = 0
        for stripe in partition.stripes {
            guard stripe >= 0, stripe < file.footer.stripes.count else {
                throw FileFormatError(path: partition.path, message: "The file has \(file.footer.stripes.count) stripes, not \(stripe + 1).")
            }
            let rows = file.footer.stripes[stripe].rowCount
            units.append(ORCReadJob.Unit(file: file, stripe: stripe, rowStart: rowStart, rowCount: rows))
            rowStart += rows
        }
        return try read(units: units, file: file, columns: columns, options: options)
    }

    /// Reads a partition into exactly `schema`'s columns.
    ///
    /// - Throws: ``FileFormatError`` if a column's type in the file differs from the schema's.
    public static func read(_ partition: ORCPartition, schema: Schema, options: ORCReadOptions = .init()) throws(FileFormatError) -> DataFrame {
        let frame = try read(partition, columns: schema.names, options: options)
        for (field, series) in zip(schema.fields, frame.columns) where field.type != series.type {
            throw FileFormatError(path: partition.path, message: "Column '\(field.name)' is \(series.type) in this file, the schema says \(field.type).")
        }
        return frame
    }

    /// Reads whole files into one frame, skipping stripes `filters` rule out by their statistics
    /// (rows of the stripes read are not filtered).
    ///
    /// - Throws: ``FileFormatError``.
    public static func read(paths: [String], columns: [String]? = nil, filters: [[ParquetFilter]] = [],
                            options: ORCReadOptions = .init()) throws(FileFormatError) -> DataFrame {
        let schema = try inferSchema(paths: paths, columns: columns, options: options)
        var perStripe = options
        perStripe.stripesPerPartition = 1
        let parts = select(try partitions(paths: paths, options: perStripe), filters: filters)
        var units: [ORCReadJob.Unit] = []
        var opened: [String: ORCFile] = [:]
        var rowStart = 0
        for part in parts {
            let file: ORCFile
            if let known = opened[part.path] { file = known } else {
                file = try ORCFile.open(path: part.path, options: options)
                opened[part.path] = file
            }
            for stripe in part.stripes where stripe < file.footer.stripes.count {
                let rows = file.footer.stripes[stripe].rowCount
                units.append(ORCReadJob.Unit(file: file, stripe: stripe, rowStart: rowStart, rowCount: rows))
                rowStart += rows
            }
        }
        if units.isEmpty { return DataFrame(emptyWith: schema) }
        return try ORCReadJob(units: units, columns: schema.names, options: options).run()
    }

    /// Every stripe's column statistics in the file at `path`, by column name: what
    /// ``ORCPartition/mayMatch(_:)-(ParquetFilter)`` judges partitions by.
    ///
    /// - Throws: ``FileFormatError``.
    public static func stripeStatistics(path: String, options: ORCReadOptions = .init()) throws(FileFormatError) -> [[String: ParquetColumnStatistics]] {
        let file = try ORCFile.open(path: path, options: options)
        return file.footer.stripes.indices.map { file.statistics(stripe: $0) }
    }

    // MARK: - Helpers

    /// Reads every stripe of an opened file; for tests and the fuzz target, which read from memory.
    static func read(file: ORCFile, columns: [String]? = nil, options: ORCReadOptions) throws(FileFormatError) -> DataFrame {
        var units: [ORCReadJob.Unit] = []
        var rowStart = 0
        for (index, stripe) in file.footer.stripes.enumerated() {
            units.append(ORCReadJob.Unit(file: file, stripe: index, rowStart: rowStart, rowCount: stripe.rowCount))
            rowStart += stripe.rowCount
        }
        return try read(units: units, file: file, columns: columns, options: options)
    }

    private static func read(units: [ORCReadJob.Unit], file: ORCFile, columns: [String]?, options: ORCReadOptions) throws(FileFormatError) -> DataFrame {
        let names = try selectedColumns(columns, file: file)
        if units.isEmpty {
            var fields: [Schema.Field] = []
            for name in names {
                guard let field = file.field(name) else { continue }
                switch field.frameType {
                case let .success(type): fields.append(Schema.Field(name: name, type: type))
                case let .failure(error): throw error.fileError(path: file.path)
                }
            }
            return DataFrame(emptyWith: Schema(fields))
        }
        return try ORCReadJob(units: units, columns: names, options: options).run()
    }

    /// The columns to read: `requested`, checked, or every column of the file.
    static func selectedColumns(_ requested: [String]?, file: ORCFile) throws(FileFormatError) -> [String] {
        let names = file.fields.map(\.name)
        guard let requested else { return names }
        var seen = Set<String>()
        for name in requested {
            guard seen.insert(name).inserted else { throw FileFormatError(path: file.path, message: "Column '\(name)' is requested twice.") }
            guard names.contains(name) else {
                throw FileFormatError(path: file.path, message: "There is no column '\(name)'; the columns are \(names.map { "'\($0)'" }.joined(separator: ", ")).")
            }
        }
        return requested
    }
}
