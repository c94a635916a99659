import Backends
import Dispatch
import Foundation

/// Writes ``DataFrame``s as Parquet files that pyarrow, pandas, Dask and Tessera read back with
/// the same values and types, and datasets of part files with a `_metadata` summary as Dask's
/// `to_parquet` writes them.
///
/// ```swift
/// var options = ParquetWriteOptions()
/// options.compression = .zstd
/// try ParquetWriter.write(frame, to: "out.parquet", options: options)
/// try ParquetWriter.writeDataset(partitions, directory: "out/", options: options)
/// ```
///
/// Every column is an optional (nullable) field; NaN floats are written as nulls, as pandas
/// writes them. Strings and categoricals are UTF-8 `BYTE_ARRAY`s (categoricals dictionary-encoded
/// with their categories, and marked categorical in the pandas metadata); timestamps `INT64`
/// `TIMESTAMP` (seconds as milliseconds; a time zone makes them UTC-adjusted, its name kept in
/// the pandas metadata); dates `INT32` `DATE`; small and unsigned integers `INT32`/`INT64` with
/// their `INT(bits, signed)` annotation.
public enum ParquetWriter {
    /// Writes `frame` to `path` (row groups of ``ParquetWriteOptions/rowGroupSize`` rows).
    ///
    /// - Throws: ``FileFormatError`` naming the file (a codec whose library is missing, a file
    ///   that cannot be written).
    @discardableResult
    public static func write(_ frame: DataFrame, to path: String, options: ParquetWriteOptions = .init()) throws -> ParquetFileSummary {
        try write([frame], to: path, options: options)
    }

    /// Writes `frames`, which must share their columns and types, to one file at `path`: each
    /// frame starts a new row group.
    ///
    /// - Throws: ``FileFormatError``.
    @discardableResult
    public static func write(_ frames: [DataFrame], to path: String, options: ParquetWriteOptions = .init()) throws -> ParquetFileSummary {
        let (bytes, metadata) = try encode(frames, path: path, options: options)
        try writeFile(bytes, to: path)
        return ParquetFileSummary(path: path, rowCount: Int(metadata.numRows), rowGroupCount: metadata.rowGroups.count, metadata: metadata)
    }

    /// Writes each of `partitions` to `directory/part.<i>.parquet` (creating the directory), then,
    /// if `writeMetadataFile`, the `_metadata` and `_common_metadata` summary files, as Dask does.
    ///
    /// - Returns: the summaries of the part files.
    /// - Throws: ``FileFormatError``.
    @discardableResult
    public static func writeDataset(_ partitions: [DataFrame], directory: String, options: ParquetWriteOptions = .init(),
                                    writeMetadataFile: Bool = true) throws -> [ParquetFileSummary] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileFormatError(path: directory, message: "Cannot create the directory: \(error.localizedDescription)")
        }
        var summaries: [ParquetFileSummary] = []
        for (index, frame) in partitions.enumerated() {
            summaries.append(try write(frame, to: (directory as NSString).appendingPathComponent("part.\(index).parquet"), options: options))
        }
        if writeMetadataFile { try writeMetadata(directory: directory, parts: summaries) }
        return summaries
    }

    /// Writes `directory/_metadata` (every part's row groups, each naming its file relative to
    /// `directory`) and `directory/_common_metadata` (the schema alone) for part files written
    /// with ``write(_:to:options:)-(DataFrame,_,_)``, which must share one schema.
    ///
    /// - Throws: ``FileFormatError``.
    public static func writeMetadata(directory: String, parts: [ParquetFileSummary]) throws {
        guard let first = parts.first else {
            throw FileFormatError(path: directory, message: "A _metadata file needs at least one part file.")
        }
        var combined = first.metadata
        combined.rowGroups = []
        combined.numRows = 0
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        for part in parts {
            guard part.metadata.schema == first.metadata.schema else {
                throw FileFormatError(path: part.path, message: "Its schema differs from \(first.path)'s; a dataset's parts must share one schema.")
            }
            let relative = part.path.hasPrefix(base) ? String(part.path.dropFirst(base.count)) : part.path
            for var group in part.metadata.rowGroups {
                for index in group.columns.indices { group.columns[index].filePath = relative }
                combined.rowGroups.append(group)
            }
            combined.numRows += part.metadata.numRows
        }
        var writer = ThriftCompactWriter()
        combined.write(to: &writer)
        try writeFile(footerOnly(writer.bytes), to: (directory as NSString).appendingPathComponent("_metadata"))
        var common = first.metadata
        common.rowGroups = []
        common.numRows = 0
        var commonWriter = ThriftCompactWriter()
        common.write(to: &commonWriter)
        try writeFile(footerOnly(commonWriter.bytes), to: (directory as NSString).appendingPathComponent("_common_metadata"))
    }

    // MARK: - Encoding

    /// The bytes of a file holding `frames`, and its footer.
    static func encode(_ frames: [DataFrame], path: String, options: ParquetWriteOptions) throws(FileFormatError) -> ([UInt8], ParquetFileMetaData) {
        guard let first = frames.first else { throw FileFormatError(path: path, message: "Nothing to write.") }
        let schema = first.schema
        for frame in frames.dropFirst() where frame.schema != schema {
            throw FileFormatError(path: path, message: "The frames to write have different columns or types: \(schema.names) and \(frame.schema.names).")
        }
        let plans = schema.fields.map { ParquetColumnPlan(name: $0.name, type: $0.type) }
        var bytes = Array("PAR1".utf8)
        var metadata = ParquetFileMetaData()
        metadata.version = 1
        var root = ParquetSchemaElement(name: "schema")
        root.numChildren = Int32(plans.count)
        metadata.schema = [root] + plans.map(\.element)
        metadata.createdBy = "tessera version 0.1.0"
        metadata.typeDefinedOrder = plans.map { _ in true }
        // Page headers count values in 32 bits.
        let rowGroupSize = min(max(options.rowGroupSize, 1), Int(Int32.max))
        for frame in frames {
            var start = 0
            while start < frame.rowCount {
                let rows = start..<min(start + rowGroupSize, frame.rowCount)
                let results = ParquetTaskResults<([UInt8], ParquetColumnMetaData)>(count: plans.count)
                let work: @Sendable (Int) -> Void = { index in
                    let writer = ParquetColumnChunkWriter(plan: plans[index], column: frame.columns[index].column, rows: rows, options: options)
                    do throws(ParquetFormatError) {
                        results.set(index, .success(try writer.write()))
                    } catch {
                        results.set(index, .failure(error.context("column '\(plans[index].name)'").fileError(path: path)))
                    }
                }
                if plans.count > 1 {
                    DispatchQueue.concurrentPerform(iterations: plans.count, execute: work)
                } else {
                    for index in plans.indices { work(index) }
                }
                var group = ParquetRowGroup()
                group.numRows = Int64(rows.count)
                group.fileOffset = Int64(bytes.count)
                group.ordinal = Int16(truncatingIfNeeded: metadata.rowGroups.count)
                var compressedTotal: Int64 = 0
                for index in plans.indices {
                    let (chunkBytes, relative): ([UInt8], ParquetColumnMetaData)
                    switch results.get(index) {
                    case let .success(result)?: (chunkBytes, relative) = result
                    case let .failure(error)?: throw error
                    case nil: throw FileFormatError(path: path, message: "A column was not encoded.")
                    }
                    let offset = Int64(bytes.count)
                    var columnMetaData = relative
                    columnMetaData.dataPageOffset += offset
                    columnMetaData.dictionaryPageOffset = relative.dictionaryPageOffset.map { $0 + offset }
                    var chunk = ParquetColumnChunk()
                    chunk.fileOffset = offset
                    chunk.metaData = columnMetaData
                    group.columns.append(chunk)
                    group.totalByteSize += columnMetaData.totalUncompressedSize
                    compressedTotal += columnMetaData.totalCompressedSize
                    bytes += chunkBytes
                }
                group.totalCompressedSize = compressedTotal
                metadata.rowGroups.append(group)
                metadata.numRows += Int64(rows.count)
                start = rows.upperBound
            }
        }
        var keyValues: [ParquetKeyValue] = []
        if options.writePandasMetadata {
            keyValues.append(ParquetKeyValue(key: "pandas", value: ParquetPandasMetadata.json(for: schema, rowCount: Int(metadata.numRows))))
        }
        if options.writeArrowSchema {
            keyValues.append(ParquetKeyValue(key: "ARROW:schema", value: ParquetArrowSchema.encode(schema, metadata: keyValues)))
        }
        if !keyValues.isEmpty { metadata.keyValueMetadata = keyValues }
        var writer = ThriftCompactWriter()
        metadata.write(to: &writer)
        let footer = writer.bytes
        bytes += footer
        let length = UInt32(footer.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        bytes += Array("PAR1".utf8)
        return (bytes, metadata)
    }

    /// A file holding only a footer (the summary files).
    private static func footerOnly(_ footer: [UInt8]) -> [UInt8] {
        let length = UInt32(footer.count)
        return Array("PAR1".utf8) + footer + [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
            + Array("PAR1".utf8)
    }

    private static func writeFile(_ bytes: [UInt8], to path: String) throws(FileFormatError) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FileFormatError(path: path, message: "Cannot write the file: \(error.localizedDescription)")
        }
    }
}
