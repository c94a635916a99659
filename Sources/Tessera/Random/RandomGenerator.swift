import Backends
import NumPyBackend
import Synchronization

/// `ChunkedArray.random`: makes generators from the backend `array.backend` names.
public struct RandomModule: Sendable {
    /// A generator in the style of NumPy's `default_rng`.
    ///
    /// The same seed gives the same numbers whatever the chunking: element `i` of each call's
    /// stream depends only on the seed, the call and `i`. Without a seed, one is drawn from the
    /// system's random source.
    public func defaultRNG(seed: UInt64? = nil) throws -> RandomGenerator {
        try make(kind: .generator, seed: seed)
    }

    /// A generator in the style of NumPy's legacy `RandomState` (its streams differ from
    /// ``defaultRNG(seed:)``'s for the same seed, as NumPy's do).
    public func randomState(seed: UInt64? = nil) throws -> RandomGenerator {
        try make(kind: .randomState, seed: seed)
    }

    private func make(kind: RandomGenerator.Kind, seed: UInt64?) throws -> RandomGenerator {
        try ChunkedArray.backends.withCurrent { label, backend in
            RandomGenerator(kind: kind, seed: seed ?? UInt64.random(in: .min ... .max), backend: label,
                            source: try backend.randomSource())
        }
    }
}

/// A random number generator whose arrays are made by one backend, chunk by chunk.
///
/// Each call (`standardNormal`, `uniform`, ...) uses the next stream of the generator, so two
/// calls give different numbers, and two generators with the same seed give the same sequence
/// of arrays, whatever their chunks.
public final class RandomGenerator: Sendable {
    /// Whether the generator follows `default_rng` or `RandomState`.
    public enum Kind: UInt64, Sendable {
        /// NumPy's `Generator` (`default_rng`).
        case generator = 0
        /// NumPy's legacy `RandomState`.
        case randomState = 1
    }

    /// The kind of generator.
    public let kind: Kind
    /// The seed.
    public let seed: UInt64
    /// The label of the backend that makes the arrays.
    public let backend: String
    private let source: any RandomBlockSource
    private let calls = Atomic<UInt64>(0)

    init(kind: Kind, seed: UInt64, backend: String, source: any RandomBlockSource) {
        self.kind = kind
        self.seed = seed
        self.backend = backend
        self.source = source
    }

    /// The stream for the next call: the kind in the top bits, the call number below.
    private func nextStream() -> UInt64 {
        let call = calls.wrappingAdd(1, ordering: .relaxed).oldValue
        return (kind.rawValue << 56) | (call & 0x00FF_FFFF_FFFF_FFFF)
    }

    private func array(_ distribution: RandomDistribution, shape: [Int], chunks: ChunkSpec, dtype: DType, name: String)
        throws -> ChunkedArray {
        let stream = nextStream()
        let seed = self.seed
        let source = self.source
        return try BackendDispatch<any ArrayBackendEntrypoint>.naming(backend) {
            try ChunkedArray.fromBlocks(shape: shape, chunks: chunks, dtype: dtype, backend: backend, meta: source.meta,
                                        name: name) { block in
                try source.block(distribution, seed: seed, stream: stream, block: block, dtype: dtype)
            }
        }
    }

    /// Floats uniform on `[0, 1)`.
    public func random(shape: [Int], chunks: ChunkSpec = .auto, dtype: DType = .float64) throws -> ChunkedArray {
        try checkFloat(dtype)
        return try array(.uniform(low: 0, high: 1), shape: shape, chunks: chunks, dtype: dtype, name: "random")
    }

    /// Floats uniform on `[low, high)`.
    public func uniform(low: Double = 0, high: Double = 1, shape: [Int], chunks: ChunkSpec = .auto,
                        dtype: DType = .float64) throws -> ChunkedArray {
        try checkFloat(dtype)
        guard low.isFinite, high.isFinite, low <= high else {
            throw ShapeError.invalidArgument("uniform: low (\(low)) must not exceed high (\(high)), and both must be finite.")
        }
        return try array(.uniform(low: low, high: high), shape: shape, chunks: chunks, dtype: dtype, name: "uniform")
    }

    /// Normally distributed floats with mean 0 and standard deviation 1.
    public func standardNormal(shape: [Int], chunks: ChunkSpec = .auto, dtype: DType = .float64) throws -> ChunkedArray {
        try checkFloat(dtype)
        return try array(.normal(loc: 0, scale: 1), shape: shape, chunks: chunks, dtype: dtype, name: "standard_normal")
    }

    /// Normally distributed floats with mean `loc` and standard deviation `scale`.
    public func normal(loc: Double = 0, scale: Double = 1, shape: [Int], chunks: ChunkSpec = .auto,
                       dtype: DType = .float64) throws -> ChunkedArray {
        try checkFloat(dtype)
        guard scale >= 0, scale.isFinite, loc.isFinite else {
            throw ShapeError.invalidArgument("normal: scale must be a finite number ≥ 0, got \(scale).")
        }
        return try array(.normal(loc: loc, scale: scale), shape: shape, chunks: chunks, dtype: dtype, name: "normal")
    }

    /// Integers uniform on `[low, high)`.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` if `high <= low`.
    public func integers(low: Int, high: Int, shape: [Int], chunks: ChunkSpec = .auto, dtype: DType = .int64) throws
        -> ChunkedArray {
        guard high > low else { throw ShapeError.invalidArgument("integers: high (\(high)) must be greater than low (\(low)).") }
        guard dtype.isInteger else { throw ShapeError.invalidArgument("integers: dtype must be an integer type, got \(dtype).") }
        return try array(.integers(low: Int64(low), high: Int64(high)), shape: shape, chunks: chunks, dtype: dtype,
                         name: "integers")
    }

    /// A random permutation of `0..<n` (int64), the same for a seed whatever the chunks.
    public func permutation(_ n: Int, chunks: ChunkSpec = .auto) throws -> ChunkedArray {
        guard n >= 0 else { throw ShapeError.negativeDimension(shape: [n], value: n) }
        let stream = CounterRandomStream(seed: seed, stream: nextStream())
        let source = self.source
        let single = try BackendDispatch<any ArrayBackendEntrypoint>.naming(backend) {
            try ChunkedArray.fromBlocks(shape: [n], chunks: [-1], dtype: .int64, backend: backend, meta: source.meta,
                                        name: "permutation") { _ in
                // Sorting random keys gives every permutation with equal probability.
                let order = (0..<n).sorted { stream.uint64(at: $0) < stream.uint64(at: $1) }
                return try source.meta.fromNDArray(NDArray(order.map(Int64.init), shape: [n]))
            }
        }
        return try single.rechunk(chunks)
    }

    private func checkFloat(_ dtype: DType) throws {
        guard dtype.isFloatingPoint else {
            throw ShapeError.invalidArgument("Random floats need dtype float32 or float64, got \(dtype).")
        }
    }
}
