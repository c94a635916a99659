import Backends
import NumPyBackend

/// The built-in "numpy" array backend: chunks are ``NDArray``s in host memory.
///
/// `ones`, `zeros` and `full` are constant expressions: a reduction of them never touches memory,
/// and an elementwise operation fuses them into its tasks.
public struct NumPyEntrypoint: ArrayBackendEntrypoint {
    /// The label the backend is registered as.
    public static let label = "numpy"

    /// The meta chunk: a 0-d float64 array.
    public static let meta = NDArray(scalar: 0.0)

    /// The built-in "numpy" backend.
    public init() {}

    /// Ones.
    public func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try Self.constant(.int(1), shape: shape, dtype: dtype, chunks: chunks, name: "ones")
    }

    /// Zeros.
    public func zeros(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try Self.constant(.int(0), shape: shape, dtype: dtype, chunks: chunks, name: "zeros")
    }

    /// Zeros (NumPy leaves `empty` unspecified; zeros make results reproducible).
    public func empty(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try Self.constant(.int(0), shape: shape, dtype: dtype, chunks: chunks, name: "empty")
    }

    /// `fillValue` everywhere.
    public func full(shape: [Int], fillValue: ScalarValue, dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try Self.constant(fillValue, shape: shape, dtype: dtype, chunks: chunks, name: "full")
    }

    /// `start + i * step` for `i` in `0..<ceil((stop - start) / step)`.
    public func arange(start: ScalarValue, stop: ScalarValue, step: ScalarValue, dtype: DType, chunks: ChunkSpec) throws
        -> ChunkedArray {
        let length = try Self.arangeLength(start: start, stop: stop, step: step)
        let config = try Config.resolved()
        let blocks = try chunks.resolve(shape: [length], dtype: dtype, limitBytes: config.chunkSizeBytes)
        let integral = [start, stop, step].allSatisfy { if case .double = $0 { false } else { true } }
        return ChunkedArray.generated(shape: [length], chunks: blocks, dtype: dtype,
                                      meta: ArrayMeta(backend: Self.label, chunk: Self.meta), prefix: "arange",
                                      regenerable: true) { block in
            let first = block.offset[0]
            let n = block.shape[0]
            // Written straight into the block's storage (one pass, no intermediate Swift array).
            if integral {
                let s = start.int64Value, d = step.int64Value
                let values = NDArray(uninitializedShape: [n], dtype: .int64)
                values.withUnsafeMutableElements(as: Int64.self) { out in
                    for k in 0..<n { out[k] = s &+ Int64(first + k) &* d }
                }
                return try values.converted(to: dtype)
            }
            let s = start.doubleValue, d = step.doubleValue
            let values = NDArray(uninitializedShape: [n], dtype: .float64)
            values.withUnsafeMutableElements(as: Double.self) { out in
                // start + index * step, four at a time (the indices are exact in a double).
                var index = SIMD4<Double>(0, 1, 2, 3) + Double(first)
                let raw = UnsafeMutableRawPointer(out.baseAddress)
                var k = 0
                while k + 4 <= n {
                    raw?.storeBytes(of: s + index * d, toByteOffset: k * 8, as: SIMD4<Double>.self)
                    index += 4
                    k += 4
                }
                while k < n { out[k] = s + Double(first + k) * d; k += 1 }
            }
            return try values.converted(to: dtype)
        }
    }

    /// Counter-based random blocks in host memory.
    public func randomSource() throws -> any RandomBlockSource { NumPyRandomSource() }

    /// Copies each block to host memory.
    public func toBackend(_ array: ChunkedArray, label: String) throws -> ChunkedArray {
        array.converted(to: label, meta: Self.meta)
    }

    /// The number of values `arange` gives, as NumPy computes it.
    static func arangeLength(start: ScalarValue, stop: ScalarValue, step: ScalarValue) throws -> Int {
        guard step.doubleValue != 0 else {
            throw ShapeError.invalidArgument("arange: step must not be zero.")
        }
        let span = (stop.doubleValue - start.doubleValue) / step.doubleValue
        guard span.isFinite else { throw ShapeError.invalidArgument("arange: the bounds must be finite numbers.") }
        let length = span.rounded(.up)
        guard length < Double(1 << 48) else { throw ShapeError.tooLarge(shape: [Int(min(length, 9e18))]) }
        return Swift.max(0, Int(length))
    }

    /// An array of a constant, as a fusable expression with no inputs.
    static func constant(_ value: ScalarValue, shape: [Int], dtype: DType, chunks: ChunkSpec, name: String) throws
        -> ChunkedArray {
        let config = try Config.resolved()
        let blocks = try chunks.resolve(shape: shape, dtype: dtype, limitBytes: config.chunkSizeBytes)
        let meta = ArrayMeta(backend: label, chunk: Self.meta)
        let fused = FusedElementwise(expression: .constant(value, dtype), inputs: [])
        return ChunkedArray.generated(shape: shape, chunks: blocks, dtype: dtype, meta: meta, prefix: name,
                                      fused: fused) { block in
            try Self.meta.full(shape: block.shape, value: value, dtype: dtype)
        }
    }
}
