/// The compression codec of an ORC file (the postscript's `CompressionKind`).
enum ORCCompressionKind: UInt64, Sendable {
    case none = 0
    case zlib = 1
    case snappy = 2
    case lzo = 3
    case lz4 = 4
    case zstd = 5

    /// The name ORC gives it.
    var name: String {
        switch self {
        case .none: "NONE"
        case .zlib: "ZLIB"
        case .snappy: "SNAPPY"
        case .lzo: "LZO"
        case .lz4: "LZ4"
        case .zstd: "ZSTD"
        }
    }
}
