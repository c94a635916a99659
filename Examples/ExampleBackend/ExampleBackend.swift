import Tessera

/// A complete example of a third-party array backend (docs/writing-a-backend.md walks through it).
///
/// It implements `ones`, `full` and `arange` with its own block functions over host arrays, and
/// leaves `zeros`, `empty` and the random generators unimplemented, so they throw
/// `BackendError.notImplemented` naming the function and the label it is registered under.
public struct ExampleArrayBackend: ArrayBackendEntrypoint {
    /// The label the example registers itself as.
    public static let label = "example-swift"

    /// The example backend.
    public init() {}

    /// Registers the backend as ``label`` (one call, at start-up).
    public static func register() {
        ChunkedArray.backends.register(ExampleArrayBackend(), as: label)
    }

    /// Ones, made block by block.
    public func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try full(shape: shape, fillValue: .int(1), dtype: dtype, chunks: chunks)
    }

    /// A constant, made block by block.
    public func full(shape: [Int], fillValue: ScalarValue, dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try ChunkedArray.fromBlocks(shape: shape, chunks: chunks, dtype: dtype, backend: Self.label,
                                    meta: NDArray(scalar: 0.0), name: "example-full") { block in
            let values = [Double](repeating: fillValue.doubleValue, count: block.shape.reduce(1, *))
            return try NDArray(values, shape: block.shape).astype(dtype)
        }
    }

    /// `start + i * step` as float64, made block by block from each block's offset.
    public func arange(start: ScalarValue, stop: ScalarValue, step: ScalarValue, dtype: DType, chunks: ChunkSpec) throws
        -> ChunkedArray {
        let (first, delta) = (start.doubleValue, step.doubleValue)
        guard delta != 0 else { throw ShapeError.invalidArgument("arange: step must not be zero.") }
        let length = Swift.max(0, Int(((stop.doubleValue - first) / delta).rounded(.up)))
        return try ChunkedArray.fromBlocks(shape: [length], chunks: chunks, dtype: dtype, backend: Self.label,
                                           meta: NDArray(scalar: 0.0), name: "example-arange") { block in
            let values = (0..<block.shape[0]).map { first + Double(block.offset[0] + $0) * delta }
            return try NDArray(values, shape: block.shape).astype(dtype)
        }
    }
}
