import Backends

/// An opened ORC file: its bytes (mapped), postscript, footer, stripe statistics and top-level
/// columns, checked for consistency so that reading can trust offsets and lengths.
final class ORCFile: Sendable {
    /// The path (for errors).
    let path: String
    let bytes: ParquetFileBytes
    let postScript: ORCPostScript
    let footer: ORCFooter
    /// Each stripe's column statistics (empty when the file has none).
    let stripeStatistics: [[ORCColumnStatistics]]
    /// The top-level columns, in order.
    let fields: [ORCField]
    let codec: ORCCodec
    let options: ORCReadOptions

    /// Maps and opens the file at `path`.
    ///
    /// - Throws: ``FileFormatError`` naming the file.
    static func open(path: String, options: ORCReadOptions) throws(FileFormatError) -> ORCFile {
        try ORCFile(bytes: ParquetFileBytes.load(path: path), path: path, options: options)
    }

    /// Parses the file whose bytes are `bytes`.
    ///
    /// - Throws: ``FileFormatError`` naming `path`.
    init(bytes: ParquetFileBytes, path: String, options: ORCReadOptions) throws(FileFormatError) {
        self.path = path
        self.bytes = bytes
        self.options = options
        do throws(ORCFormatError) {
            let buffer = bytes.buffer
            let size = buffer.count
            if size == 0 { throw ORCFormatError("the file is empty, not an ORC file") }
            guard size >= 4, buffer[0] == 0x4F, buffer[1] == 0x52, buffer[2] == 0x43 else {
                throw ORCFormatError("not an ORC file (it does not start with \"ORC\")")
            }
            let postScriptLength = Int(buffer[size - 1])
            guard postScriptLength > 0, postScriptLength <= size - 4 else {
                throw ORCFormatError("the postscript length \(postScriptLength) does not fit the file of \(size) bytes (truncated file?)", offset: size - 1)
            }
            let postScriptStart = size - 1 - postScriptLength
            let postScript: ORCPostScript
            do {
                postScript = try ORCPostScript(UnsafeRawBufferPointer(rebasing: buffer[postScriptStart..<(size - 1)]))
            } catch {
                throw ORCFormatError("the postscript is corrupt (truncated file?): \(error.message)", offset: postScriptStart)
            }
            guard postScript.magic == "ORC" else {
                throw ORCFormatError("the postscript does not end with the \"ORC\" magic (truncated or corrupt file)", offset: postScriptStart)
            }
            let tailRoom = postScriptStart - 3
            guard postScript.footerLength <= tailRoom, postScript.metadataLength <= tailRoom - postScript.footerLength else {
                throw ORCFormatError("the footer (\(postScript.footerLength) bytes) and metadata (\(postScript.metadataLength) bytes) do not fit the file (truncated file?)", offset: postScriptStart)
            }
            self.postScript = postScript
            let codec = try ORCCodec(kind: postScript.compression, blockSize: postScript.compressionBlockSize, limit: options.maxStreamSize)
            self.codec = codec
            let footerStart = postScriptStart - postScript.footerLength
            let footerBytes = try codec.decompress(UnsafeRawBufferPointer(rebasing: buffer[footerStart..<postScriptStart]), offset: footerStart, file: bytes)
            let footer: ORCFooter
            do { footer = try ORCFooter(footerBytes.bytes) } catch { throw error.context("the footer is corrupt") }
            let metadataStart = footerStart - postScript.metadataLength
            if postScript.metadataLength > 0 {
                let metadataBytes = try codec.decompress(UnsafeRawBufferPointer(rebasing: buffer[metadataStart..<footerStart]), offset: metadataStart, file: bytes)
                do { stripeStatistics = try ORCMetadata(metadataBytes.bytes).stripeStatistics } catch { throw error.context("the stripe statistics are corrupt") }
            } else {
                stripeStatistics = []
            }
            // Stripes lie between the header and the metadata.
            for (index, stripe) in footer.stripes.enumerated() {
                let parts = [stripe.offset, stripe.indexLength, stripe.dataLength, stripe.footerLength]
                guard stripe.offset >= 3, parts.allSatisfy({ $0 <= metadataStart }),
                      stripe.indexLength + stripe.dataLength + stripe.footerLength <= metadataStart - stripe.offset else {
                    throw ORCFormatError("stripe \(index) lies outside the file's data (truncated or corrupt file)")
                }
                guard stripe.rowCount <= options.maxRowsPerStripe else {
                    throw ORCFormatError("stripe \(index) claims \(stripe.rowCount) rows, more than the limit of \(options.maxRowsPerStripe)")
                }
            }
            guard let root = footer.types.first else {
                throw ORCFormatError("the footer lists no types")
            }
            guard root.kind == .structure else {
                throw ORCFormatError("the file's root type is \(root.kind.name), not a struct of columns")
            }
            guard root.fieldNames.count == root.subtypes.count else {
                throw ORCFormatError("the root struct names \(root.fieldNames.count) fields for \(root.subtypes.count) columns")
            }
            var fields: [ORCField] = []
            var seen = Set<String>()
            for (name, column) in zip(root.fieldNames, root.subtypes) {
                guard column > 0, column < footer.types.count else {
                    throw ORCFormatError("column '\(name)' refers to type \(column), which does not exist")
                }
                guard seen.insert(name).inserted else { throw ORCFormatError("the column name '\(name)' appears twice") }
                fields.append(ORCField(name: name, column: column, type: footer.types[column]))
            }
            self.footer = footer
            self.fields = fields
        } catch {
            throw error.fileError(path: path)
        }
    }

    /// The field named `name`.
    func field(_ name: String) -> ORCField? { fields.first { $0.name == name } }

    /// The statistics of stripe `stripe` for the readable columns, by name.
    func statistics(stripe: Int) -> [String: ParquetColumnStatistics] {
        guard stripe < stripeStatistics.count, stripe < footer.stripes.count else { return [:] }
        let columns = stripeStatistics[stripe]
        var result: [String: ParquetColumnStatistics] = [:]
        for field in fields where field.column < columns.count {
            if case .success = field.frameType {
                result[field.name] = columns[field.column].frameStatistics(kind: field.type.kind, rowCount: footer.stripes[stripe].rowCount)
            }
        }
        return result
    }

    /// The footer of stripe `index`.
    func stripeFooter(_ index: Int) throws(ORCFormatError) -> ORCStripeFooter {
        let stripe = footer.stripes[index]
        let start = stripe.offset + stripe.indexLength + stripe.dataLength
        let raw = bytes.slice(start..<(start + stripe.footerLength))
        let decompressed = try codec.decompress(raw, offset: start, file: bytes)
        do {
            return try ORCStripeFooter(decompressed.bytes, stripeOffset: stripe.offset, streamBytes: stripe.indexLength + stripe.dataLength)
        } catch {
            throw error.context("the footer of stripe \(index) is corrupt")
        }
    }

    /// The decompressed bytes of `stream`.
    func streamBytes(_ stream: ORCStream) throws(ORCFormatError) -> ORCBuffer {
        try codec.decompress(bytes.slice(stream.offset..<(stream.offset + stream.length)), offset: stream.offset, file: bytes)
    }

    /// Decompresses `stream` straight into `target`, exactly `count` bytes of it.
    func stream(_ stream: ORCStream, into target: UnsafeMutableRawPointer, count: Int) throws(ORCFormatError) {
        try codec.decompress(bytes.slice(stream.offset..<(stream.offset + stream.length)), offset: stream.offset, into: target, count: count)
    }
}
