import Backends
import NumPyBackend

/// The chunk operations "cupy" has no kernel for yet: the block is copied to the host, the "numpy"
/// kernel runs there and the result is uploaded, so a "cupy" collection supports NumPy's whole
/// operation set with the CPU's semantics (NaN ordering, interpolation, stable sorts). Each costs
/// two transfers of the block; docs/gpu.md lists them among the operations that run on the host.
extension CuArray {
    /// The `q`-th percentiles along `axis` (the "numpy" kernel, on the host).
    public func percentile(_ q: [Double], axis: Int) throws -> any ArrayChunk {
        try uploaded(download().percentiles(q, axis: axis))
    }

    /// Running sums or products along `axis` (the "numpy" kernel, on the host).
    public func cumulative(_ operation: ReductionOperation, axis: Int) throws -> any ArrayChunk {
        let host: NDArray = try download().cumulative(operation, axis: axis)
        return try uploaded(host)
    }

    /// The elements sorted along `axis`, NaN last (the "numpy" kernel, on the host).
    public func sorted(axis: Int) throws -> any ArrayChunk {
        try uploaded(download().sortedAlong(axis))
    }

    /// The distinct elements, sorted (the "numpy" kernel, on the host).
    public func unique() throws -> any ArrayChunk {
        try uploaded(download().uniqueValues())
    }

    /// The elements at `indices` along `axis` (the "numpy" kernel, on the host).
    public func take(_ indices: [Int], axis: Int) throws -> any ArrayChunk {
        try uploaded(download().taking(indices, axis: axis))
    }

    /// The elements where `mask` is true, row-major, as a 1-d chunk (the "numpy" kernel, on the host).
    public func compress(_ mask: any ArrayChunk) throws -> any ArrayChunk {
        try uploaded(download().compressed(by: mask.toNDArray()))
    }

    /// A host result on this array's device.
    private func uploaded(_ result: any ArrayChunk) throws -> CuArray {
        try CuArray(result.toNDArray(), on: device)
    }
}
