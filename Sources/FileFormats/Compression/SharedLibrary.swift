#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// A system library opened with `dlopen` at run time, as ``ZlibLibrary`` opens zlib: Tessera
/// builds and runs without it, and only the feature that needs it fails, naming the library.
struct SharedLibrary: @unchecked Sendable {
    // @unchecked: the handle is only used to look up symbols, which dlsym allows from any thread.
    private let handle: UnsafeMutableRawPointer

    /// The first of `names` that loads, or `nil`; also `nil` when the environment variable
    /// `TESSERA_DISABLE_CODECS` (comma-separated codec names) lists `codec`, which lets tests
    /// and users check how Tessera behaves without the library.
    init?(candidates names: [String], codec: String) {
        if let disabled = getenv("TESSERA_DISABLE_CODECS").map({ String(cString: $0) }),
           disabled.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == codec }) {
            return nil
        }
        var found: UnsafeMutableRawPointer?
        for name in names {
            found = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if found != nil { break }
        }
        guard let found else { return nil }
        handle = found
    }

    /// The function `name` as the C function type `T`, or `nil` if the library lacks it.
    func symbol<T>(_ name: String, as _: T.Type) -> T? {
        guard let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }
}
