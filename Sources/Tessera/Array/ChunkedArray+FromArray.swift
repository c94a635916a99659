import Backends
import NumPyBackend

extension ChunkedArray {
    /// An array holding host data, cut into `chunks` (`da.from_array`).
    ///
    /// Each block is a slice of `host`, made when a task needs it, so rechunking or slicing the
    /// result cuts `host` again instead of joining blocks. The array is on the backend
    /// `array.backend` names (blocks are copied there from host memory when it is not "numpy").
    ///
    /// ```swift
    /// let x = try ChunkedArray.fromArray(NDArray([1.0, 2, 3, 4, 5, 6], shape: [2, 3]), chunks: [1, 3])
    /// ```
    ///
    /// - Throws: ``ShapeError/invalidChunks(shape:chunks:reason:)`` for invalid chunks,
    ///   ``BackendError`` for an unusable configured backend.
    public static func fromArray(_ host: NDArray, chunks: ChunkSpec = .auto) throws -> ChunkedArray {
        let config = try Config.resolved()
        let blocks = try chunks.resolve(shape: host.shape, dtype: host.dtype, limitBytes: config.chunkSizeBytes)
        let meta = ArrayMeta(backend: NumPyEntrypoint.label, chunk: NumPyEntrypoint.meta)
        let array = generated(shape: host.shape, chunks: blocks, dtype: host.dtype, meta: meta, prefix: "array",
                              regenerable: true) { block in
            if block.shape == host.shape { return host }
            return try host.sliced(zip(block.offset, block.shape).map { StridedRange(start: $0, count: $1) })
        }
        let label = backends.currentLabel
        return label == NumPyEntrypoint.label ? array : try array.toBackend(label)
    }

    /// An array holding `values` in row-major order with the given shape (1-d when `nil`), cut into `chunks`.
    ///
    /// ```swift
    /// let x = try ChunkedArray.fromArray([1, 2, 3, 4, 5, 6], shape: [2, 3], chunks: [1, 3])   // int64
    /// ```
    ///
    /// - Throws: ``ShapeError`` if `shape` does not hold `values.count` elements or the chunks are invalid.
    public static func fromArray<Element: NDArrayElement>(_ values: [Element], shape: [Int]? = nil,
                                                          chunks: ChunkSpec = .auto) throws -> ChunkedArray {
        try fromArray(NDArray(values, shape: shape), chunks: chunks)
    }
}
