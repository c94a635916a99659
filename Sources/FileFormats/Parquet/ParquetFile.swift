import Backends

/// An opened Parquet file: its bytes (mapped), its parsed footer and its resolved schema.
final class ParquetFile: Sendable {
    /// The file's path (for messages).
    let path: String
    let bytes: ParquetFileBytes
    let metadata: ParquetFileMetaData
    let schema: ParquetFileSchema
    /// Where the footer starts: pages must end before it.
    let dataEnd: Int
    /// The file's pandas metadata, if it has any.
    let pandas: ParquetPandasMetadata?
    /// What the file's Arrow schema (written by pyarrow and Tessera) says about its columns.
    let arrow: [String: ParquetArrowSchema.Field]?

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Parses the footer of the file in `bytes`.
    init(bytes: ParquetFileBytes, path: String, options: ParquetReadOptions) throws(FileFormatError) {
        self.path = path
        self.bytes = bytes
        let count = bytes.count
        guard count >= 12, let base = bytes.base else {
            throw FileFormatError(path: path, message: "Not a Parquet file: it is \(count) bytes long, shorter than the 12 bytes of the smallest one.")
        }
        let tail = Array(UnsafeRawBufferPointer(start: base + count - 4, count: 4))
        let head = Array(UnsafeRawBufferPointer(start: base, count: 4))
        if tail == Array("PARE".utf8) {
            throw FileFormatError(path: path, message: "The file is encrypted (its footer ends with PARE), which is not supported.")
        }
        guard tail == Self.magic else {
            throw FileFormatError(path: path, location: .byteOffset(count - 4),
                                  message: "Not a Parquet file: it does not end with the magic bytes PAR1 (truncated or not Parquet).")
        }
        guard head == Self.magic else {
            throw FileFormatError(path: path, location: .byteOffset(0), message: "Not a Parquet file: it does not start with the magic bytes PAR1.")
        }
        let footerLength = Int(base.loadUnaligned(fromByteOffset: count - 8, as: UInt32.self).littleEndian)
        guard footerLength <= count - 12 else {
            throw FileFormatError(path: path, location: .byteOffset(count - 8),
                                  message: "Corrupt footer: its length \(footerLength) is more than the \(count - 12) bytes the file has for it (truncated file?).")
        }
        let footerStart = count - 8 - footerLength
        var reader = ThriftCompactReader(bytes.slice(footerStart..<(count - 8)), fileOffset: footerStart)
        let metadata: ParquetFileMetaData
        do { metadata = try ParquetFileMetaData(reading: &reader) } catch {
            throw error.context("Corrupt footer").fileError(path: path)
        }
        if metadata.isEncrypted {
            throw FileFormatError(path: path, message: "The file's columns are encrypted, which is not supported.")
        }
        do {
            schema = try ParquetFileSchema(elements: metadata.schema, options: options)
        } catch {
            throw error.context("Invalid schema").fileError(path: path)
        }
        for (index, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == schema.leafCount else {
                throw FileFormatError(path: path, message: "Corrupt footer: row group \(index) has \(group.columns.count) column chunks, the schema \(schema.leafCount) columns.")
            }
            guard group.numRows <= Int64(options.maxRowsPerRowGroup) else {
                throw FileFormatError(path: path, message: "Row group \(index) claims \(group.numRows) rows, more than maxRowsPerRowGroup (\(options.maxRowsPerRowGroup)).")
            }
        }
        self.metadata = metadata
        dataEnd = footerStart
        pandas = metadata.keyValueMetadata?.first { $0.key == "pandas" }?.value.flatMap { ParquetPandasMetadata(json: $0) }
        arrow = metadata.keyValueMetadata?.first { $0.key == "ARROW:schema" }?.value.flatMap { ParquetArrowSchema.decode($0) }
    }

    /// Opens (maps) and parses the file at `path`.
    static func open(path: String, options: ParquetReadOptions) throws(FileFormatError) -> ParquetFile {
        try ParquetFile(bytes: ParquetFileBytes.load(path: path), path: path, options: options)
    }

    /// The descriptor of flat column `name`.
    ///
    /// - Throws: if there is no such column or it cannot be read (nested, unsupported type).
    func column(_ name: String) throws(FileFormatError) -> ParquetColumnDescriptor {
        guard let field = schema.field(name) else {
            throw FileFormatError(path: path, message: "There is no column '\(name)'; the file's columns are \(schema.fields.map { "'\($0.name)'" }.joined(separator: ", ")).")
        }
        switch field.column {
        case let .success(descriptor): return descriptor
        case let .failure(error): throw error.fileError(path: path)
        }
    }

    /// The frame type of column `name`, applying categorical options and pandas metadata.
    func frameType(of descriptor: ParquetColumnDescriptor, options: ParquetReadOptions) -> ColumnType {
        let arrowField = arrow?[descriptor.name]
        if descriptor.type == .string, descriptor.kind == .bytes,
           options.categoricalColumns.contains(descriptor.name) || pandas?.categoricalColumns.contains(descriptor.name) == true
            || arrowField?.isDictionary == true {
            return .categorical
        }
        if case let .timestamp(unit, zone) = descriptor.type, zone == "UTC",
           let named = pandas?.timeZones[descriptor.name] ?? arrowField?.timeZone {
            return .timestamp(unit, timeZone: named)
        }
        return descriptor.type
    }

    /// The columns read by default: every top-level field except pandas' stored index columns.
    var defaultColumns: [String] {
        let index = Set(pandas?.indexColumns ?? [])
        return schema.fields.map(\.name).filter { !index.contains($0) }
    }
}
