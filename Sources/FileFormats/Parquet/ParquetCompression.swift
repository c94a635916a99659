/// The codec a ``ParquetWriter`` compresses pages with.
public enum ParquetCompression: String, Sendable, Hashable, CaseIterable {
    /// No compression.
    case none
    /// Snappy (written in Swift, always available; the default, as in pyarrow and Dask).
    case snappy
    /// Gzip, through the system zlib.
    case gzip
    /// Zstandard, through the system libzstd (Debian package `libzstd1`).
    case zstd
    /// LZ4 (Parquet's LZ4_RAW), through the system liblz4 (Debian package `liblz4-1`).
    case lz4
    /// Brotli, through the system libbrotlienc (Debian package `libbrotli1`).
    case brotli

    /// The codec code the file records.
    var codec: ParquetCodec {
        switch self {
        case .none: .uncompressed
        case .snappy: .snappy
        case .gzip: .gzip
        case .zstd: .zstd
        case .lz4: .lz4Raw
        case .brotli: .brotli
        }
    }

    /// `bytes` compressed (the same bytes for ``none``).
    func compress(_ bytes: [UInt8], level: Int?) throws(ParquetFormatError) -> [UInt8] {
        do {
            return try bytes.withUnsafeBytes { (raw) throws -> [UInt8] in
                switch self {
                case .none: return bytes
                case .snappy: return Snappy.compress(raw)
                case .gzip: return try Gzip.compress(raw, level: level ?? 6)
                case .zstd: return try Zstd.compress(raw, level: level ?? 1)
                case .lz4: return try LZ4.compressBlock(raw)
                case .brotli: return try Brotli.compress(raw, quality: level ?? 8)
                }
            }
        } catch let error as CodecError {
            throw ParquetFormatError(error.description)
        } catch {
            throw ParquetFormatError("\(error)")
        }
    }
}
