#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The system zlib, loaded with `dlopen` the first time it is needed, so that Tessera builds and
/// runs without it and only gzip input or output requires it.
///
/// Only the entry points gzip needs are bound; `z_stream` is laid out by hand (the LP64 layout of
/// zlib 1.x: 112 bytes) rather than through a C module.
final class ZlibLibrary: @unchecked Sendable {
    // @unchecked: the function pointers are set once in `init` and never change.

    typealias InflateInit2 = @convention(c) (UnsafeMutableRawPointer, Int32, UnsafePointer<CChar>, Int32) -> Int32
    typealias DeflateInit2 = @convention(c) (
        UnsafeMutableRawPointer, Int32, Int32, Int32, Int32, Int32, UnsafePointer<CChar>, Int32
    ) -> Int32
    typealias Step = @convention(c) (UnsafeMutableRawPointer, Int32) -> Int32
    typealias End = @convention(c) (UnsafeMutableRawPointer) -> Int32
    typealias Version = @convention(c) () -> UnsafePointer<CChar>?

    /// The library, or `nil` where it cannot be loaded.
    static let shared: ZlibLibrary? = ZlibLibrary()

    /// The names tried, in order.
    static let candidateNames = ["libz.so.1", "libz.so", "libz.1.dylib", "/usr/lib/libz.1.dylib", "libz.dylib"]

    /// `sizeof(z_stream)` on LP64 platforms.
    static let streamSize = 112

    let inflateInit2: InflateInit2
    let inflate: Step
    let inflateReset: End
    let inflateEnd: End
    let deflateInit2: DeflateInit2
    let deflate: Step
    let deflateEnd: End
    /// The version string zlib reports, passed back to its init functions.
    let version: UnsafePointer<CChar>

    private init?() {
        guard MemoryLayout<Int>.size == 8 else { return nil }
        var handle: UnsafeMutableRawPointer?
        for name in Self.candidateNames {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else { return nil }
        func symbol<T>(_ name: String, as _: T.Type) -> T? {
            guard let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: T.self)
        }
        guard let inflateInit2 = symbol("inflateInit2_", as: InflateInit2.self),
              let inflate = symbol("inflate", as: Step.self),
              let inflateReset = symbol("inflateReset", as: End.self),
              let inflateEnd = symbol("inflateEnd", as: End.self),
              let deflateInit2 = symbol("deflateInit2_", as: DeflateInit2.self),
              let deflate = symbol("deflate", as: Step.self),
              let deflateEnd = symbol("deflateEnd", as: End.self),
              let zlibVersion = symbol("zlibVersion", as: Version.self),
              let version = zlibVersion(), version.pointee == CChar(UInt8(ascii: "1"))
        else { return nil }
        self.inflateInit2 = inflateInit2
        self.inflate = inflate
        self.inflateReset = inflateReset
        self.inflateEnd = inflateEnd
        self.deflateInit2 = deflateInit2
        self.deflate = deflate
        self.deflateEnd = deflateEnd
        self.version = version
    }
}
