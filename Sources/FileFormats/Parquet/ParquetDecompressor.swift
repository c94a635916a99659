/// Decompresses pages of one column chunk, reusing one output buffer (and a zstd context).
final class ParquetDecompressor {
    let codec: ParquetCodec
    private var buffer: UnsafeMutableRawPointer?
    private var capacity = 0
    private var zstdContext: OpaquePointer?

    /// A decompressor for `codec`.
    ///
    /// - Throws: if the codec is unknown or its library is not installed.
    init(codecCode: Int32) throws(ParquetFormatError) {
        guard let codec = ParquetCodec(rawValue: codecCode) else {
            throw ParquetFormatError("unknown compression codec \(codecCode)")
        }
        self.codec = codec
        switch codec {
        case .uncompressed, .snappy: break
        case .gzip:
            guard Gzip.isAvailable else { throw ParquetFormatError(GzipError.zlibNotInstalled.description) }
        case .zstd:
            do { zstdContext = try Zstd.makeContext() } catch { throw ParquetFormatError(error.description) }
        case .lz4, .lz4Raw:
            guard LZ4.isAvailable else { throw ParquetFormatError(LZ4.missing.description) }
        case .brotli:
            guard Brotli.isAvailable else {
                throw ParquetFormatError(CodecError.libraryMissing(codec: "BROTLI", library: "libbrotlidec.so.1", debianPackage: "libbrotli1").description)
            }
        case .lzo:
            throw ParquetFormatError("the LZO codec is not supported (no maintained library; see docs/formats/parquet.md)")
        }
    }

    deinit {
        buffer?.deallocate()
        Zstd.freeContext(zstdContext)
    }

    /// `input` decompressed to exactly `size` bytes; valid until the next call.
    func decompress(_ input: UnsafeRawBufferPointer, size: Int, limit: Int) throws(ParquetFormatError) -> UnsafeRawBufferPointer {
        if codec == .uncompressed { return input }
        guard size <= limit else { throw ParquetFormatError("a page claims \(size) uncompressed bytes, more than the limit of \(limit)") }
        if size == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
        if codec == .snappy {
            // Check the data's own length before sizing anything by the header's.
            let length: Int
            do { length = try Snappy.uncompressedLength(input).length } catch { throw ParquetFormatError(error.description) }
            guard length == size else { throw ParquetFormatError("a snappy page holds \(length) bytes, its header says \(size)") }
        }
        if capacity < size + 64 {
            buffer?.deallocate()
            capacity = max(size + 64, capacity * 2)
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        }
        guard let buffer else { throw ParquetFormatError("out of memory") }
        let produced: Int
        do {
            switch codec {
            case .snappy:
                let (length, _) = try Snappy.uncompressedLength(input)
                guard length == size else {
                    throw ParquetFormatError("a snappy page holds \(length) bytes, its header says \(size)")
                }
                produced = try Snappy.decompress(input, into: buffer.assumingMemoryBound(to: UInt8.self), capacity: size)
            case .gzip:
                do { produced = try Gzip.decompress(input, into: buffer, capacity: size) } catch { throw ParquetFormatError(error.description) }
            case .zstd: produced = try Zstd.decompress(input, into: buffer, capacity: size, context: zstdContext)
            case .lz4Raw: produced = try LZ4.decompressBlock(input, into: buffer, capacity: size)
            case .lz4: produced = try LZ4.decompressLegacy(input, into: buffer, capacity: size)
            case .brotli: produced = try Brotli.decompress(input, into: buffer, capacity: size)
            case .uncompressed, .lzo: produced = 0
            }
        } catch let error as CodecError {
            throw ParquetFormatError(error.description)
        } catch let error as ParquetFormatError {
            throw error
        } catch {
            throw ParquetFormatError("\(error)")
        }
        guard produced == size else {
            throw ParquetFormatError("a \(codec.name) page decompresses to \(produced) bytes, its header says \(size)")
        }
        return UnsafeRawBufferPointer(start: buffer, count: size)
    }
}
