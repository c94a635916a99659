#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A shared library opened with `dlopen`, for the libraries Tessera loads at run time instead of
/// linking (backends built as shared libraries, the CUDA driver, NVRTC, cuBLAS).
///
/// The handle is never closed: symbols looked up from it stay valid for the life of the process.
package final class DynamicLibrary: @unchecked Sendable {
    // @unchecked: the handle is immutable after opening, and dlsym is thread-safe.
    private let handle: UnsafeMutableRawPointer

    /// The path or name the library was opened as.
    package let path: String

    /// Opens `path` (a path, or a name the dynamic loader searches for), or throws `dlerror()`'s message.
    ///
    /// - Parameter global: Whether the library's symbols are made available to libraries opened
    ///   later (`RTLD_GLOBAL`).
    package init(path: String, global: Bool = false) throws(DynamicLibraryError) {
        guard let handle = dlopen(path, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL)) else {
            throw DynamicLibraryError(path: path, message: dlerror().map { String(cString: $0) } ?? "dlopen failed")
        }
        self.handle = handle
        self.path = path
    }

    /// Opens the first of `candidates` that loads.
    ///
    /// - Throws: The error of every candidate, in order, when none loads.
    package static func openFirst(_ candidates: [String]) throws(DynamicLibraryErrors) -> DynamicLibrary {
        var errors: [DynamicLibraryError] = []
        for candidate in candidates {
            do {
                return try DynamicLibrary(path: candidate)
            } catch {
                errors.append(error)
            }
        }
        throw DynamicLibraryErrors(errors: errors)
    }

    /// The address of `symbol`, or nil.
    package func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(handle, name) }

    /// `symbol` as a C function pointer of type `T`, or nil if the library does not export it.
    package func function<T>(_ name: String, as _: T.Type = T.self) -> T? {
        guard let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }

    /// Whether a library can be opened (it is closed again).
    package static func canOpen(_ name: String) -> Bool {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { return false }
        dlclose(handle)
        return true
    }
}

/// Why a shared library could not be opened.
package struct DynamicLibraryError: Error, Sendable, CustomStringConvertible {
    /// The path or name that was tried.
    package let path: String
    /// `dlerror()`'s message.
    package let message: String
    /// `dlerror()`'s message (it names the path).
    package var description: String { message }
}

/// Why none of several candidate libraries could be opened.
package struct DynamicLibraryErrors: Error, Sendable, CustomStringConvertible {
    /// One error per candidate, in the order tried.
    package let errors: [DynamicLibraryError]
    /// The messages, joined.
    package var description: String { errors.map(\.message).joined(separator: "; ") }
}
