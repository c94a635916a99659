import Backends
import NumPyBackend

extension ChunkedArray {
    /// The array in the `.npy` file at `path`, read lazily block by block (`np.load` with `mmap_mode`
    /// plus `da.from_array`).
    ///
    /// Only the header is read now (for the shape and dtype); each block is read by its task with
    /// one positioned read per contiguous run. A Fortran-order file is read as the transpose of its
    /// C-order layout, so blocks are still read without loading the whole file.
    ///
    /// ```swift
    /// let x = try ChunkedArray.readNPY("data.npy", chunks: [1_000, 1_000])
    /// ```
    ///
    /// - Throws: ``NPYError`` for a missing, malformed or truncated file or an unsupported dtype,
    ///   ``ShapeError/invalidChunks(shape:chunks:reason:)`` for invalid chunks.
    public static func readNPY(_ path: String, chunks: ChunkSpec = .auto) throws -> ChunkedArray {
        var header = try NDArray.npyHeader(path: path)
        let fortran = header.fortranOrder
        let shape = header.shape
        if fortran { header.shape.reverse() }
        let config = try Config.resolved()
        var blocks = try chunks.resolve(shape: shape, dtype: header.dtype, limitBytes: config.chunkSizeBytes)
        if fortran { blocks.reverse() }
        let layout = header
        let meta = ArrayMeta(backend: NumPyEntrypoint.label, chunk: NumPyEntrypoint.meta)
        let stored = generated(shape: layout.shape, chunks: blocks, dtype: layout.dtype, meta: meta, prefix: "read-npy",
                               regenerable: true) { block in
            try NDArray.readNPYBlock(path: path, header: layout, offset: block.offset, shape: block.shape)
        }
        let array = fortran ? try stored.transposed(Array((0..<shape.count).reversed())) : stored
        let label = backends.currentLabel
        return label == NumPyEntrypoint.label ? array : try array.toBackend(label)
    }

    /// Computes the array and writes it to `path` as a `.npy` file (C order) that `np.load` reads.
    ///
    /// - Throws: what computing throws, or ``NPYError`` if the file cannot be written.
    public func toNPY(_ path: String) throws {
        try toHost().writeNPY(to: path)
    }
}
