/// The system zstd (`libzstd.so.1`, Debian package `libzstd1`), loaded the first time it is needed.
final class ZstdLibrary: @unchecked Sendable {
    // @unchecked: the function pointers are set once in `init` and never change.

    typealias Decompress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
    typealias Compress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int, Int32) -> Int
    typealias Bound = @convention(c) (Int) -> Int
    typealias IsError = @convention(c) (Int) -> UInt32
    typealias ErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?
    typealias CreateContext = @convention(c) () -> OpaquePointer?
    typealias FreeContext = @convention(c) (OpaquePointer?) -> Int
    typealias DecompressWithContext = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int

    /// The library, or `nil` where it cannot be loaded.
    static let shared: ZstdLibrary? = ZstdLibrary()

    /// The names tried, in order.
    static let candidateNames = ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib"]

    let decompress: Decompress
    let compress: Compress
    let compressBound: Bound
    let isError: IsError
    let errorName: ErrorName
    let createContext: CreateContext
    let freeContext: FreeContext
    let decompressWithContext: DecompressWithContext

    private init?() {
        guard let library = SharedLibrary(candidates: Self.candidateNames, codec: "zstd"),
              let decompress = library.symbol("ZSTD_decompress", as: Decompress.self),
              let compress = library.symbol("ZSTD_compress", as: Compress.self),
              let compressBound = library.symbol("ZSTD_compressBound", as: Bound.self),
              let isError = library.symbol("ZSTD_isError", as: IsError.self),
              let errorName = library.symbol("ZSTD_getErrorName", as: ErrorName.self),
              let createContext = library.symbol("ZSTD_createDCtx", as: CreateContext.self),
              let freeContext = library.symbol("ZSTD_freeDCtx", as: FreeContext.self),
              let decompressWithContext = library.symbol("ZSTD_decompressDCtx", as: DecompressWithContext.self)
        else { return nil }
        self.decompress = decompress
        self.compress = compress
        self.compressBound = compressBound
        self.isError = isError
        self.errorName = errorName
        self.createContext = createContext
        self.freeContext = freeContext
        self.decompressWithContext = decompressWithContext
    }
}
