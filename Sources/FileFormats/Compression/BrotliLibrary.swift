/// The system Brotli (`libbrotlidec.so.1` and, for writing, `libbrotlienc.so.1`; Debian package
/// `libbrotli1`), loaded the first time it is needed.
final class BrotliLibrary: @unchecked Sendable {
    // @unchecked: the function pointers are set once in `init` and never change.

    typealias Decompress = @convention(c) (Int, UnsafeRawPointer?, UnsafeMutablePointer<Int>, UnsafeMutableRawPointer?) -> Int32
    typealias Compress = @convention(c) (Int32, Int32, Int32, Int, UnsafeRawPointer?, UnsafeMutablePointer<Int>, UnsafeMutableRawPointer?) -> Int32
    typealias Bound = @convention(c) (Int) -> Int

    /// The decoder, or `nil` where it cannot be loaded.
    static let decoder: BrotliLibrary? = BrotliLibrary(encoder: false)
    /// The encoder, or `nil` where it cannot be loaded.
    static let encoder: BrotliLibrary? = BrotliLibrary(encoder: true)

    let decompress: Decompress?
    let compress: Compress?
    let compressBound: Bound?

    private init?(encoder: Bool) {
        if encoder {
            guard let library = SharedLibrary(candidates: ["libbrotlienc.so.1", "libbrotlienc.so", "libbrotlienc.1.dylib", "libbrotlienc.dylib"], codec: "brotli"),
                  let compress = library.symbol("BrotliEncoderCompress", as: Compress.self),
                  let bound = library.symbol("BrotliEncoderMaxCompressedSize", as: Bound.self)
            else { return nil }
            self.compress = compress
            compressBound = bound
            decompress = nil
        } else {
            guard let library = SharedLibrary(candidates: ["libbrotlidec.so.1", "libbrotlidec.so", "libbrotlidec.1.dylib", "libbrotlidec.dylib"], codec: "brotli"),
                  let decompress = library.symbol("BrotliDecoderDecompress", as: Decompress.self)
            else { return nil }
            self.decompress = decompress
            compress = nil
            compressBound = nil
        }
    }
}
