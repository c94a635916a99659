import Backends
import FileFormats
import Foundation
import PandasBackend
import TaskGraph

extension ChunkedDataFrame {
    /// Writes the frame as CSV (Dask's `to_csv`, with pandas' `to_csv(index=False)` format), one
    /// file per partition, each written by a task of the graph that computes the partition, so
    /// partitions are computed and written in parallel and never gathered in memory.
    ///
    /// ```swift
    /// let written = try df.toCSV("out/part-*.csv")       // out/part-0.csv, out/part-1.csv, ...
    /// try df.toCSV("all.csv", singleFile: true)           // one file, one header
    /// ```
    ///
    /// Where the files go, as in Dask:
    /// - `path` with one `*`: one file per partition, the `*` replaced by `nameFunction(i)`; by
    ///   default the partition number zero-padded to the width of the largest one (fsspec's
    ///   default `name_function`), so the files sort in partition order and a glob reads the
    ///   rows back in the same order.
    /// - `singleFile: true`: every partition into `path`, one after another (partitions are still
    ///   computed and encoded in parallel; with gzip, each partition is one gzip member).
    /// - a directory (an existing one, or a path ending in `/`): `<path>/<i>.part`, as Dask does.
    /// - any other path: that file when the frame has one partition; otherwise a directory of
    ///   `<i>.part` files, as Dask does.
    ///
    /// Missing directories are created. Each file has a header line when `header` is true.
    ///
    /// - Parameters:
    ///   - path: Where to write (see above).
    ///   - sep: The field separator, one ASCII character.
    ///   - header: Whether each file starts with the column names.
    ///   - quotechar: The quote character, for fields holding the separator, a quote or a line break.
    ///   - singleFile: Whether to write all partitions into one file (Dask's `single_file`).
    ///   - compression: `"infer"` (gzip for a `.gz` suffix), `"gzip"` or `nil` for none.
    ///   - nameFunction: The text that replaces `*` for partition `i`.
    /// - Returns: The paths written, in partition order.
    /// - Throws: ``FrameOperationError/invalidArgument(_:)`` for a bad path or option,
    ///   ``FileFormatError`` for a directory that cannot be made, `TaskError` carrying the
    ///   ``FileFormatError`` of a file that cannot be written or the error of computing a partition.
    @discardableResult
    public func toCSV(_ path: String, sep: String = ",", header: Bool = true, quotechar: String = "\"", singleFile: Bool = false,
                      compression: String? = "infer", nameFunction: (@Sendable (Int) -> String)? = nil) throws -> [String] {
        var options = CSVOptions()
        options.separator = try Self.singleByte(sep, option: "sep")
        options.quote = try Self.singleByte(quotechar, option: "quotechar")
        options.header = header
        options.compression = try Self.csvCompression(compression)
        let gzip = options.compression.resolved(for: path.replacingOccurrences(of: "*", with: "")) == .gzip
        let chosen = options
        return try write(to: path, singleFile: singleFile, nameFunction: nameFunction, kind: "to-csv", gzip: gzip) { frame, index, file in
            if singleFile {
                return CSVWriter.encode(frame, header: header && index == 0, options: chosen)
            }
            var fileOptions = chosen
            fileOptions.compression = gzip ? .gzip : .none
            try CSVWriter.write(frame, to: file, options: fileOptions)
            return nil
        }
    }

    /// Writes the frame as JSON (Dask's `to_json`, pandas' `to_json(orient="records")` format),
    /// one file per partition, each written by a task, in parallel.
    ///
    /// ```swift
    /// try df.toJSON("out/part-*.jsonl")                   // JSON Lines, one file per partition
    /// try df.toJSON("table.json", lines: false)           // an array of records (one partition)
    /// ```
    ///
    /// `path`, `singleFile` and `nameFunction` place the files as for
    /// ``toCSV(_:sep:header:quotechar:singleFile:compression:nameFunction:)``; `singleFile` needs
    /// JSON Lines.
    ///
    /// - Parameters:
    ///   - path: Where to write.
    ///   - lines: JSON Lines, one object per line (Dask's default for `orient="records"`), or one
    ///     array of records per file.
    ///   - orient: Only `"records"` is supported.
    ///   - dateFormat: `"epoch"` (milliseconds since the epoch, pandas' default) or `"iso"`.
    ///   - singleFile: Whether to write all partitions into one file (JSON Lines only).
    ///   - nameFunction: The text that replaces `*` for partition `i`.
    /// - Returns: The paths written, in partition order.
    /// - Throws: as ``toCSV(_:sep:header:quotechar:singleFile:compression:nameFunction:)``.
    @discardableResult
    public func toJSON(_ path: String, lines: Bool = true, orient: String = "records", dateFormat: String = "epoch",
                       singleFile: Bool = false, nameFunction: (@Sendable (Int) -> String)? = nil) throws -> [String] {
        guard orient == JSONOrient.records.rawValue else {
            throw FrameOperationError.invalidArgument("orient '\(orient)' is not supported; Tessera writes orient 'records'.")
        }
        guard let format = JSONDateFormat(rawValue: dateFormat) else {
            throw FrameOperationError.invalidArgument("dateFormat must be 'epoch' or 'iso', got '\(dateFormat)'.")
        }
        if singleFile, !lines {
            throw FrameOperationError.invalidArgument("singleFile needs lines: true (arrays of records cannot be appended to one another).")
        }
        return try write(to: path, singleFile: singleFile, nameFunction: nameFunction, kind: "to-json", gzip: false) { frame, _, file in
            if singleFile { return JSONWriter.encode(frame, lines: true, dateFormat: format) }
            try JSONWriter.write(frame, to: file, lines: lines, dateFormat: format)
            return nil
        }
    }

    /// The files a writer writes for `count` partitions (see ``toCSV(_:sep:header:quotechar:singleFile:compression:nameFunction:)``).
    static func outputPaths(_ path: String, count: Int, singleFile: Bool, nameFunction: (@Sendable (Int) -> String)?) throws -> [String] {
        guard !path.isEmpty else { throw FrameOperationError.invalidArgument("The output path is empty.") }
        let stars = path.filter { $0 == "*" }.count
        if singleFile {
            guard stars == 0 else {
                throw FrameOperationError.invalidArgument("singleFile writes one file, so its path cannot have a '*': \(path)")
            }
            return [path]
        }
        guard stars <= 1 else {
            throw FrameOperationError.invalidArgument("The output path may have one '*' (replaced by the partition's name), not \(stars): \(path)")
        }
        let name = nameFunction ?? defaultNameFunction(count: count)
        let names = (0..<count).map(name)
        guard Set(names).count == names.count else {
            throw FrameOperationError.invalidArgument("nameFunction gives two partitions the same name; each needs its own file.")
        }
        if stars == 1 {
            return names.map { path.replacingOccurrences(of: "*", with: $0) }
        }
        var isDirectory: ObjCBool = false
        let existingDirectory = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        if !existingDirectory, !path.hasSuffix("/"), count == 1 { return [path] }
        let directory = path.hasSuffix("/") ? String(path.dropLast()) : path
        return names.map { "\(directory)/\($0).part" }
    }

    /// fsspec's default `name_function`: the partition number, zero-padded to the width of the largest.
    static func defaultNameFunction(count: Int) -> @Sendable (Int) -> String {
        let width = String(Swift.max(count - 1, 0)).count
        return { index in
            let digits = String(index)
            return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
        }
    }

    /// Computes every partition and hands each, as a host frame, to `encode` in a task of its own.
    /// For separate files `encode` writes the file itself and returns `nil`; for one file it
    /// returns the bytes of its partition, which a chain of tasks appends in partition order.
    private func write(to path: String, singleFile: Bool, nameFunction: (@Sendable (Int) -> String)?, kind: String, gzip: Bool,
                       encode: @escaping @Sendable (DataFrame, Int, String) throws -> [UInt8]?) throws -> [String] {
        let count = npartitions
        let files = try Self.outputPaths(path, count: count, singleFile: singleFile, nameFunction: nameFunction)
        for directory in Set(files.map { ($0 as NSString).deletingLastPathComponent }) where !directory.isEmpty {
            try Self.createDirectory(directory)
        }
        if singleFile, count == 0 {
            try Self.append(encode(DataFrame(emptyWith: schema), 0, path) ?? [], to: path, truncate: true, gzip: gzip)
            return files
        }
        let lowered = lowered()
        let input = lowered.name
        let name = "\(kind)-\(String(UInt(bitPattern: plan.hashValue &+ path.hashValue), radix: 16))"
        let writeKeys = (0..<count).map { TaskKey(name, [$0]) }
        let layer = Layer(name: name, dependencies: [input], taskCount: singleFile ? 2 * count : count, summary: kind) {
            var tasks: [GraphTask] = []
            for index in 0..<count {
                let source = TaskKey(input, [index])
                if !singleFile {
                    let file = files[index]
                    tasks.append(GraphTask(writeKeys[index], dependencies: [source], label: kind) { values in
                        _ = try encode(try FramePlan.chunk(values[0]).toHost(), index, file)
                        return file
                    })
                    continue
                }
                // One file: encode in parallel, append in order (each append waits for the previous one).
                let encoded = TaskKey("\(name)-encode", [index])
                tasks.append(GraphTask(encoded, dependencies: [source], label: "\(kind)-encode") { values in
                    try encode(try FramePlan.chunk(values[0]).toHost(), index, path) ?? []
                })
                let previous = index > 0 ? [writeKeys[index - 1]] : []
                tasks.append(GraphTask(writeKeys[index], dependencies: [encoded] + previous, label: kind) { values in
                    guard let bytes = values[0] as? [UInt8] else {
                        throw FrameOperationError.internalError("an encode task returned \(type(of: values[0]))")
                    }
                    try Self.append(bytes, to: path, truncate: index == 0, gzip: gzip)
                    return path
                })
            }
            return tasks
        }
        let graph = HighLevelGraph(adding: layer, to: [lowered.graph])
        _ = try Self.run(graph, layer: name, outputs: singleFile ? [writeKeys[count - 1]] : writeKeys)
        return files
    }

    /// Appends `bytes` (gzip-compressed as one member when `gzip`) to `path`, creating or emptying it first when `truncate`.
    private static func append(_ bytes: [UInt8], to path: String, truncate: Bool, gzip: Bool) throws {
        var data = bytes
        if gzip {
            do {
                data = try bytes.withUnsafeBytes { raw in Result { () throws(GzipError) in try Gzip.compress(raw) } }.get()
            } catch {
                throw FileFormatError(path: path, message: "Cannot compress: \(error).")
            }
        }
        do {
            if truncate || !FileManager.default.fileExists(atPath: path) {
                try Data(data).write(to: URL(fileURLWithPath: path))
                return
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
        } catch {
            throw FileFormatError(path: path, message: "Cannot write the file: \(error.localizedDescription)")
        }
    }

    /// Creates `directory` and its missing parents.
    ///
    /// - Throws: ``FileFormatError`` naming the directory when it cannot be made.
    static func createDirectory(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileFormatError(path: directory, message: "Cannot create the directory: \(error.localizedDescription)")
        }
    }

    /// Whether the configured scheduler spreads the writing tasks over the ranks of an MPI job
    /// (each file is then written once, by the rank that computes its partition; the ranks must
    /// share the file system, as they do on one machine or over a shared mount).
    static func writesDistributed() throws -> Bool {
        try SchedulerChoice.scheduler(try Config.resolved()) is MPIScheduler
    }

    /// Runs the tasks of `layer` (and what they need) with the scheduler the configuration names.
    static func run(_ graph: HighLevelGraph, layer: String, outputs: [TaskKey]) throws -> [TaskKey: any Sendable] {
        let config = try Config.resolved()
        let scheduler = try SchedulerChoice.scheduler(config)
        let low = try graph.materialize(for: [layer]).culled(keeping: outputs).fusingLinearChains(keeping: Set(outputs))
        return try scheduler.run(low, outputs: outputs, callbacks: GlobalCallbacks.combined(with: nil))
    }
}
