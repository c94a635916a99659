import Backends
import NumPyBackend

extension ChunkedArray {
    /// The array backends: the built-in "numpy" and "cupy", those registered with
    /// `register(_:as:)`, and shared libraries found by label (see docs/writing-a-backend.md).
    public static let backends: BackendDispatch<any ArrayBackendEntrypoint> = {
        let dispatch = BackendDispatch<any ArrayBackendEntrypoint>(
            kind: "array", configKey: "array.backend", discover: DynamicArrayBackend.discover)
        dispatch.register(NumPyEntrypoint(), as: "numpy")
        dispatch.registerLazily(as: "cupy") { try CuPyEntrypoint.load() }
        return dispatch
    }()

    /// Which dispatchable creation functions the backend `label` implements: each is called on a
    /// tiny input, and those that throw ``BackendError/notImplemented(function:backend:)`` are left out.
    ///
    /// Dask cannot answer this question; here it is how a backend's capabilities are listed.
    public static func implementedFunctions(of label: String) throws -> [String] {
        let entrypoint = try backends.entrypoint(for: label)
        let probes: [(String, () throws -> Void)] = [
            ("ones", { _ = try entrypoint.ones(shape: [1], dtype: .float64, chunks: [1]) }),
            ("zeros", { _ = try entrypoint.zeros(shape: [1], dtype: .float64, chunks: [1]) }),
            ("empty", { _ = try entrypoint.empty(shape: [1], dtype: .float64, chunks: [1]) }),
            ("full", { _ = try entrypoint.full(shape: [1], fillValue: .double(1), dtype: .float64, chunks: [1]) }),
            ("arange", { _ = try entrypoint.arange(start: .int(0), stop: .int(1), step: .int(1), dtype: .int64, chunks: [1]) }),
            ("random", { _ = try entrypoint.randomSource() }),
        ]
        return probes.compactMap { name, probe in
            do {
                try probe()
                return name
            } catch BackendError.notImplemented {
                return nil
            } catch {
                return name
            }
        }
    }

    // MARK: - Dispatchable creation functions

    /// An array of ones, from the backend `array.backend` names.
    ///
    /// - Throws: ``BackendError`` (unknown label, not implemented, unavailable), ``ShapeError``
    ///   (negative shape, invalid chunks) or ``ConfigError``.
    public static func ones(shape: [Int], chunks: ChunkSpec = .auto, dtype: DType = .float64) throws -> ChunkedArray {
        try backends.withCurrent { _, backend in try backend.ones(shape: shape, dtype: dtype, chunks: chunks) }
    }

    /// An array of zeros, from the backend `array.backend` names.
    public static func zeros(shape: [Int], chunks: ChunkSpec = .auto, dtype: DType = .float64) throws -> ChunkedArray {
        try backends.withCurrent { _, backend in try backend.zeros(shape: shape, dtype: dtype, chunks: chunks) }
    }

    /// An array with unspecified values (zeros on the built-in backends), from the configured backend.
    public static func empty(shape: [Int], chunks: ChunkSpec = .auto, dtype: DType = .float64) throws -> ChunkedArray {
        try backends.withCurrent { _, backend in try backend.empty(shape: shape, dtype: dtype, chunks: chunks) }
    }

    /// An array with every element `fillValue` (float64 unless `dtype` says otherwise).
    public static func full(shape: [Int], fillValue: Double, chunks: ChunkSpec = .auto, dtype: DType? = nil) throws
        -> ChunkedArray {
        try backends.withCurrent { _, backend in
            try backend.full(shape: shape, fillValue: .double(fillValue), dtype: dtype ?? .float64, chunks: chunks)
        }
    }

    /// An array with every element the integer `fillValue` (int64 unless `dtype` says otherwise).
    public static func full(shape: [Int], fillValue: Int, chunks: ChunkSpec = .auto, dtype: DType? = nil) throws
        -> ChunkedArray {
        try backends.withCurrent { _, backend in
            try backend.full(shape: shape, fillValue: .int(Int64(fillValue)), dtype: dtype ?? .int64, chunks: chunks)
        }
    }

    /// Integers `start, start + step, ...` below `stop` (int64, as NumPy gives for integer arguments).
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` if `step` is zero.
    public static func arange(start: Int = 0, stop: Int, step: Int = 1, chunks: ChunkSpec = .auto,
                              dtype: DType = .int64) throws -> ChunkedArray {
        try backends.withCurrent { _, backend in
            try backend.arange(start: .int(Int64(start)), stop: .int(Int64(stop)), step: .int(Int64(step)),
                               dtype: dtype, chunks: chunks)
        }
    }

    /// Numbers `start, start + step, ...` below `stop` (float64, as NumPy gives for float arguments).
    public static func arange(start: Double = 0, stop: Double, step: Double = 1, chunks: ChunkSpec = .auto,
                              dtype: DType = .float64) throws -> ChunkedArray {
        try backends.withCurrent { _, backend in
            try backend.arange(start: .double(start), stop: .double(stop), step: .double(step), dtype: dtype,
                               chunks: chunks)
        }
    }

    /// Random generators, from the backend `array.backend` names when they are made.
    public static var random: RandomModule { RandomModule() }
}
