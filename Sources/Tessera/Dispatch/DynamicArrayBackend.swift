import Backends
import CTesseraBackendABI
import NumPyBackend
#if canImport(Glibc)
import Glibc
#endif

/// An array backend loaded from a shared library that exports the C ABI of `tessera_backend.h`.
struct DynamicArrayBackend: ArrayBackendEntrypoint {
    let label: String
    let functions: Set<String>
    private let library: DynamicLibrary
    private let fill: tessera_fill_float64_fn

    /// The file name a backend library for `label` has.
    static func fileName(for label: String) -> String { "libtessera-array-backend-\(label).so" }

    /// Looks for `label`'s library in the folders of `backends.path`; nil if there is none.
    ///
    /// - Throws: ``BackendError/unavailable(backend:reason:)`` if the file exists but cannot be
    ///   loaded or does not export the ABI.
    @Sendable static func discover(_ label: String) throws -> (any ArrayBackendEntrypoint)? {
        guard !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            return nil
        }
        let folders = try Config.resolved().backendSearchPaths
        for folder in folders {
            let path = folder + "/" + fileName(for: label)
            guard access(path, F_OK) == 0 else { continue }
            return try load(path: path, label: label)
        }
        return nil
    }

    /// Loads the library at `path` as the backend `label`.
    static func load(path: String, label: String) throws -> DynamicArrayBackend {
        let library: DynamicLibrary
        do {
            library = try DynamicLibrary(path: path)
        } catch {
            throw BackendError.unavailable(backend: label, reason: "its library \(path) could not be loaded (\(error))")
        }
        guard let symbol = library.symbol("tessera_array_backend_v1_entry") else {
            throw BackendError.unavailable(
                backend: label, reason: "\(path) does not export tessera_array_backend_v1_entry (see tessera_backend.h)")
        }
        let entry = unsafeBitCast(symbol, to: tessera_array_backend_v1_entry_fn.self)
        guard let descriptor = entry()?.pointee, descriptor.abi_version == TESSERA_BACKEND_ABI_VERSION,
              let fill = descriptor.fill_float64 else {
            throw BackendError.unavailable(
                backend: label, reason: "\(path) has an incompatible ABI (expected version \(TESSERA_BACKEND_ABI_VERSION))")
        }
        var functions = Set<String>()
        if var cursor = descriptor.functions {
            while let name = cursor.pointee {
                functions.insert(String(cString: name))
                cursor += 1
            }
        }
        return DynamicArrayBackend(label: label, functions: functions, library: library, fill: fill)
    }

    private func make(_ function: String, shape: [Int], dtype: DType, chunks: ChunkSpec,
                      params: [Double]) throws -> ChunkedArray {
        guard functions.contains(function) else {
            throw BackendError.notImplemented(function: function, backend: label)
        }
        let fill = self.fill
        let label = self.label
        let library = self.library
        return try ChunkedArray.fromBlocks(shape: shape, chunks: chunks, dtype: .float64, backend: label,
                                           meta: NumPyEntrypoint.meta, name: function) { block in
            _ = library
            let result = NDArray(uninitializedShape: block.shape, dtype: .float64)
            var error = [CChar](repeating: 0, count: 512)
            let status = result.withUnsafeMutableElements(as: Double.self) { out in
                function.withCString { name in
                    fill(name, params, Int64(params.count), block.arrayShape.map(Int64.init),
                         block.offset.map(Int64.init), block.shape.map(Int64.init), Int64(block.shape.count),
                         out.baseAddress, &error, error.count)
                }
            }
            guard status == 0 else {
                throw BackendError.unavailable(backend: label, reason: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return try result.converted(to: dtype)
        }
    }

    func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try make("ones", shape: shape, dtype: dtype, chunks: chunks, params: [])
    }

    func zeros(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try make("zeros", shape: shape, dtype: dtype, chunks: chunks, params: [])
    }

    func empty(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try make("empty", shape: shape, dtype: dtype, chunks: chunks, params: [])
    }

    func full(shape: [Int], fillValue: ScalarValue, dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try make("full", shape: shape, dtype: dtype, chunks: chunks, params: [fillValue.doubleValue])
    }

    func arange(start: ScalarValue, stop: ScalarValue, step: ScalarValue, dtype: DType, chunks: ChunkSpec) throws
        -> ChunkedArray {
        let length = try NumPyEntrypoint.arangeLength(start: start, stop: stop, step: step)
        return try make("arange", shape: [length], dtype: dtype, chunks: chunks, params: [start.doubleValue, step.doubleValue])
    }

    func toBackend(_ array: ChunkedArray, label: String) throws -> ChunkedArray {
        array.converted(to: label, meta: NumPyEntrypoint.meta)
    }
}
