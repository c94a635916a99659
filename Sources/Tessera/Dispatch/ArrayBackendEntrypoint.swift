import Backends
import NumPyBackend

/// A backend library for `ChunkedArray`: its creation functions, selected by `array.backend`.
///
/// Conform a type and register it once; every function you do not define throws
/// ``BackendError/notImplemented(function:backend:)`` naming the function and your label.
///
/// ```swift
/// struct MyArrayBackend: ArrayBackendEntrypoint {
///     func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray { ... }
/// }
/// ChunkedArray.backends.register(MyArrayBackend(), as: "mylib")
/// ```
///
/// Build the arrays with ``ChunkedArray/fromBlocks(shape:chunks:dtype:backend:meta:name:makeBlock:)``;
/// their chunk type's ``ArrayChunk`` conformance then runs every operation.
public protocol ArrayBackendEntrypoint: Sendable {
    /// An array of ones.
    func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray
    /// An array of zeros.
    func zeros(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray
    /// An array whose values are unspecified.
    func empty(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray
    /// An array with every element `fillValue`.
    func full(shape: [Int], fillValue: ScalarValue, dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray
    /// Evenly spaced values `start, start + step, ...` below `stop` (above it for a negative step).
    func arange(start: ScalarValue, stop: ScalarValue, step: ScalarValue, dtype: DType, chunks: ChunkSpec) throws
        -> ChunkedArray
    /// The source of random blocks for generators of this backend (Dask's `RandomState` and
    /// `default_bit_generator`).
    func randomSource() throws -> any RandomBlockSource
    /// `array` moved into this backend, registered as `label` (Dask's `to_backend`).
    func toBackend(_ array: ChunkedArray, label: String) throws -> ChunkedArray
}

extension ArrayBackendEntrypoint {
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray { throw unimplemented("ones") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func zeros(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray { throw unimplemented("zeros") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func empty(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray { throw unimplemented("empty") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func full(shape: [Int], fillValue: ScalarValue, dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        throw unimplemented("full")
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func arange(start: ScalarValue, stop: ScalarValue, step: ScalarValue, dtype: DType, chunks: ChunkSpec) throws
        -> ChunkedArray { throw unimplemented("arange") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func randomSource() throws -> any RandomBlockSource { throw unimplemented("random") }
    /// Copies each block through host memory into chunks made by the backend of
    /// ``ones(shape:dtype:chunks:)``'s meta; throws ``BackendError/notImplemented(function:backend:)``
    /// if the backend cannot make even that.
    public func toBackend(_ array: ChunkedArray, label: String) throws -> ChunkedArray {
        let probe = try ones(shape: [1], dtype: array.dtype, chunks: [1])
        return array.converted(to: label, meta: probe.meta.chunk)
    }

    /// The error a missing function throws; the dispatcher fills in the label.
    private func unimplemented(_ function: String) -> BackendError {
        .notImplemented(function: function, backend: "")
    }
}

extension BackendDispatch {
    /// Calls `body` with the entrypoint the configuration names now, naming the backend in a
    /// ``BackendError/notImplemented(function:backend:)`` that a default implementation threw.
    package func withCurrent<R>(_ body: (String, Entrypoint) throws -> R) throws -> R {
        let (label, entrypoint) = try current()
        return try Self.naming(label) { try body(label, entrypoint) }
    }

    /// Runs `body`, filling the backend label into an unnamed `notImplemented` error.
    package static func naming<R>(_ label: String, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let BackendError.notImplemented(function, backend) where backend.isEmpty {
            throw BackendError.notImplemented(function: function, backend: label)
        }
    }
}
