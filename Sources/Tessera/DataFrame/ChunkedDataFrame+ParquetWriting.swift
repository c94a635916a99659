import Backends
import FileFormats
import Foundation
import PandasBackend
import TaskGraph

extension ChunkedDataFrame {
    /// Writes the frame as a Parquet dataset (Dask's `to_parquet`): the directory `path` with one
    /// file per partition, `part.<i>.parquet`, each computed and written by a task of its own (so
    /// partitions are written in parallel and never gathered in memory), then the `_metadata`
    /// and `_common_metadata` summary files.
    ///
    /// ```swift
    /// try df.toParquet("out/dataset/")
    /// try df.toParquet("out/zstd/", compression: "zstd", rowGroupSize: 100_000)
    /// ```
    ///
    /// Columns keep their types (categoricals and time zones too, through the Arrow schema that
    /// pyarrow reads); low-cardinality columns are dictionary encoded and every column chunk
    /// records min, max and null count, so readers can skip row groups.
    ///
    /// - Parameters:
    ///   - path: The dataset directory (created if missing).
    ///   - compression: `"snappy"` (the default), `"zstd"`, `"gzip"`, `"lz4"`, `"brotli"` or `nil`
    ///     / `"none"`. Codecs other than snappy need their C library (libzstd, zlib, liblz4,
    ///     libbrotli) at run time.
    ///   - rowGroupSize: The most rows in a row group.
    ///   - writeMetadataFile: Whether to write `_metadata` and `_common_metadata`.
    /// - Returns: The part files written, in partition order.
    /// - Throws: ``FrameOperationError/invalidArgument(_:)`` for an unknown codec or a bad row group
    ///   size, ``FileFormatError`` for a directory that cannot be made or a missing codec library,
    ///   `TaskError` carrying the error of computing or writing a partition.
    @discardableResult
    public func toParquet(_ path: String, compression: String? = "snappy", rowGroupSize: Int = 1 << 20,
                          writeMetadataFile: Bool = true) throws -> [String] {
        guard !path.isEmpty else { throw FrameOperationError.invalidArgument("The output path is empty.") }
        guard rowGroupSize > 0 else {
            throw FrameOperationError.invalidArgument("rowGroupSize must be positive, got \(rowGroupSize).")
        }
        let codecName = (compression ?? "none").lowercased()
        guard let codec = ParquetCompression(rawValue: codecName == "uncompressed" ? "none" : codecName) else {
            throw FrameOperationError.invalidArgument(
                "Unknown Parquet compression \"\(codecName)\"; use one of \(ParquetCompression.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")).")
        }
        var options = ParquetWriteOptions()
        options.compression = codec
        options.rowGroupSize = rowGroupSize
        let chosen = options
        let directory = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        try Self.createDirectory(directory)
        let count = npartitions
        let files = (0..<count).map { (directory as NSString).appendingPathComponent("part.\($0).parquet") }
        if count == 0 {
            let summary = try ParquetWriter.write(DataFrame(emptyWith: schema), to: (directory as NSString).appendingPathComponent("part.0.parquet"),
                                                  options: chosen)
            if writeMetadataFile { try ParquetWriter.writeMetadata(directory: directory, parts: [summary]) }
            return [summary.path]
        }
        let lowered = lowered()
        let input = lowered.name
        let name = "to-parquet-\(String(UInt(bitPattern: plan.hashValue &+ directory.hashValue), radix: 16))"
        let keys = (0..<count).map { TaskKey(name, [$0]) }
        // Under `scheduler: "mpi"` each rank writes the files of the partitions it computes and
        // sends back the path; rank 0 reads the footers it needs for `_metadata` from the files.
        let distributed = try Self.writesDistributed()
        let layer = Layer(name: name, dependencies: [input], taskCount: count, summary: "to-parquet") {
            (0..<count).map { index in
                GraphTask(keys[index], dependencies: [TaskKey(input, [index])], label: "to-parquet") { values in
                    let summary = try ParquetWriter.write(try FramePlan.chunk(values[0]).toHost(), to: files[index], options: chosen)
                    return distributed ? summary.path as any Sendable : summary
                }
            }
        }
        let graph = HighLevelGraph(adding: layer, to: [lowered.graph])
        let results = try Self.run(graph, layer: name, outputs: keys)
        // Ranks other than 0 receive no results: rank 0 writes the summary files.
        guard writeMetadataFile, !distributed || Distributed.rank == 0 else { return files }
        var summaries: [ParquetFileSummary] = []
        for key in keys {
            if let summary = results[key] as? ParquetFileSummary {
                summaries.append(summary)
            } else if let path = results[key] as? String {
                summaries.append(try ParquetFileSummary.reading(path: path))
            } else {
                throw FrameOperationError.internalError("a to-parquet task returned \(type(of: results[key]))")
            }
        }
        try ParquetWriter.writeMetadata(directory: directory, parts: summaries)
        return files
    }
}
