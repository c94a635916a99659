/// The system LZ4 (`liblz4.so.1`, Debian package `liblz4-1`), loaded the first time it is needed.
final class LZ4Library: @unchecked Sendable {
    // @unchecked: the function pointers are set once in `init` and never change.

    typealias Decompress = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias Compress = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias Bound = @convention(c) (Int32) -> Int32

    /// The library, or `nil` where it cannot be loaded.
    static let shared: LZ4Library? = LZ4Library()

    /// The names tried, in order.
    static let candidateNames = ["liblz4.so.1", "liblz4.so", "liblz4.1.dylib", "liblz4.dylib"]

    let decompressSafe: Decompress
    let compressDefault: Compress
    let compressBound: Bound

    private init?() {
        guard let library = SharedLibrary(candidates: Self.candidateNames, codec: "lz4"),
              let decompressSafe = library.symbol("LZ4_decompress_safe", as: Decompress.self),
              let compressDefault = library.symbol("LZ4_compress_default", as: Compress.self),
              let compressBound = library.symbol("LZ4_compressBound", as: Bound.self)
        else { return nil }
        self.decompressSafe = decompressSafe
        self.compressDefault = compressDefault
        self.compressBound = compressBound
    }
}
