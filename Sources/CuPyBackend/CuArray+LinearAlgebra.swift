import Backends
import CUDARuntime
import NumPyBackend

extension CuArray {
    /// `np.tensordot(a, b, axes)`: the contracted axes are moved together (gather kernels) and the
    /// product is one matrix multiplication.
    public func tensordot(_ a: any ArrayChunk, _ b: any ArrayChunk, axes: ([Int], [Int])) throws -> any ArrayChunk {
        let x = try onDevice(a)
        let y = try onDevice(b)
        let axesA = try axes.0.map { try NDArray.normalizeAxes([$0], ndim: x.ndim)[0] }
        let axesB = try axes.1.map { try NDArray.normalizeAxes([$0], ndim: y.ndim)[0] }
        guard axesA.count == axesB.count, zip(axesA, axesB).allSatisfy({ x.shape[$0] == y.shape[$1] }) else {
            throw ShapeError.incompatible(operation: "tensordot", shapes: [x.shape, y.shape])
        }
        let freeA = x.shape.indices.filter { !axesA.contains($0) }
        let freeB = y.shape.indices.filter { !axesB.contains($0) }
        let summed = axesA.map { x.shape[$0] }.reduce(1, *)
        let left = try x.transposed(freeA + axesA).reshaped([freeA.map { x.shape[$0] }.reduce(1, *), summed])
        let right = try y.transposed(axesB + freeB).reshaped([summed, freeB.map { y.shape[$0] }.reduce(1, *)])
        return try CuArray.matmul(onDevice(left), onDevice(right))
            .reshaped(freeA.map { x.shape[$0] } + freeB.map { y.shape[$0] })
    }

    /// The matrix product of two 2-d arrays: cuBLAS (`dgemm`/`sgemm`) when it is installed,
    /// Tessera's tiled kernel otherwise. Integers and booleans are multiplied in float64 and
    /// converted back, as the "numpy" backend does; float32 stays float32.
    package static func matmul(_ a: CuArray, _ b: CuArray) throws -> CuArray {
        guard a.ndim == 2, b.ndim == 2, a.shape[1] == b.shape[0] else {
            throw ShapeError.incompatible(operation: "matmul", shapes: [a.shape, b.shape])
        }
        let device = a.device
        let resultType = DType.promote(a.dtype, b.dtype)
        let computeType: DType = resultType == .float32 ? .float32 : .float64
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        let product = try device.perform { stream in
            let x = try a.converted(to: computeType, stream: stream)
            let y = try b.converted(to: computeType, stream: stream)
            let c = try CuArray.uninitialized(shape: [m, n], dtype: computeType, on: device)
            guard m > 0, n > 0 else { return c }
            if k == 0 {
                try device.fill(c.buffer, byte: 0, stream: stream)
            } else if let blas = device.blas {
                try blas.gemm(m: m, n: n, k: k, a: x.pointer, b: y.pointer, c: c.pointer,
                              doublePrecision: computeType == .float64, stream: stream)
            } else {
                let tile = CoreKernels.matmulTile
                var arguments = KernelArguments()
                arguments.append(Int64(m))
                arguments.append(Int64(n))
                arguments.append(Int64(k))
                arguments.append(x.pointer)
                arguments.append(y.pointer)
                arguments.append(c.pointer)
                let configuration = try LaunchConfiguration(grid: ((n + tile - 1) / tile, (m + tile - 1) / tile, 1),
                                                            block: (tile, tile, 1))
                try device.launch(computeType == .float64 ? "tessera_matmul_f64" : "tessera_matmul_f32", in: CoreKernels.source,
                                  configuration: configuration, arguments: arguments, stream: stream)
            }
            return c
        }
        guard let converted = try product.astype(resultType) as? CuArray else { return product }
        return converted
    }

    /// The `q`-th percentiles of all elements, with linear interpolation.
    ///
    /// The elements are copied to the host and sorted there (the "numpy" kernel), then the few
    /// results are copied back: a percentile reads each element once, so the copy is the whole
    /// cost either way, and it keeps NaN ordering and interpolation identical to the CPU's.
    public func percentile(_ q: [Double]) throws -> any ArrayChunk {
        try CuArray(download().percentiles(q), on: device)
    }
}
