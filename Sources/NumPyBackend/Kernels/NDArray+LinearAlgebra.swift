import Backends

extension NDArray {
    /// The matrix product of two 2-d arrays, in float64 or float32 (integers are computed in float64
    /// and converted back, as exact as float64 allows).
    package static func matmul(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        guard a.ndim == 2, b.ndim == 2, a.shape[1] == b.shape[0] else {
            throw ShapeError.incompatible(operation: "matmul", shapes: [a.shape, b.shape])
        }
        let resultType = DType.promote(a.dtype, b.dtype)
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        let x = try a.converted(to: .float64)
        let y = try b.converted(to: .float64)
        let c = try NDArray(zeros: [m, n], dtype: .float64)
        x.withUnsafeElements(as: Double.self) { xa in
            y.withUnsafeElements(as: Double.self) { yb in
                c.withUnsafeMutableElements(as: Double.self) { out in
                    gemm(m: m, n: n, k: k, a: xa, b: yb, c: out)
                }
            }
        }
        return try c.converted(to: resultType == .bool ? .bool : resultType)
    }

    /// `c += a · b` for row-major matrices, blocked for cache with an 8-wide inner loop over `c`'s
    /// rows so the compiler keeps the accumulators in vector registers.
    private static func gemm(m: Int, n: Int, k: Int, a: UnsafeBufferPointer<Double>, b: UnsafeBufferPointer<Double>,
                             c: UnsafeMutableBufferPointer<Double>) {
        guard m > 0, n > 0, k > 0, let pa = a.baseAddress, let pb = b.baseAddress, let pc = c.baseAddress else { return }
        let blockK = 256, blockN = 512
        var k0 = 0
        while k0 < k {
            let k1 = Swift.min(k0 + blockK, k)
            var j0 = 0
            while j0 < n {
                let j1 = Swift.min(j0 + blockN, n)
                for i in 0..<m {
                    let row = pc + i * n
                    for p in k0..<k1 {
                        let aip = pa[i * k + p]
                        let brow = pb + p * n
                        for j in j0..<j1 { row[j] += aip * brow[j] }
                    }
                }
                j0 = j1
            }
            k0 = k1
        }
    }

    /// `np.tensordot(a, b, axes)`: sums products over `axes.0` of `a` and `axes.1` of `b`.
    package static func tensordot(_ a: NDArray, _ b: NDArray, axes: ([Int], [Int])) throws -> NDArray {
        let axesA = try axes.0.map { try Self.normalizeAxes([$0], ndim: a.ndim)[0] }
        let axesB = try axes.1.map { try Self.normalizeAxes([$0], ndim: b.ndim)[0] }
        guard axesA.count == axesB.count, zip(axesA, axesB).allSatisfy({ a.shape[$0] == b.shape[$1] }) else {
            throw ShapeError.incompatible(operation: "tensordot", shapes: [a.shape, b.shape])
        }
        let freeA = a.shape.indices.filter { !axesA.contains($0) }
        let freeB = b.shape.indices.filter { !axesB.contains($0) }
        let summed = axesA.map { a.shape[$0] }.reduce(1, *)
        let left = try a.transposedCopy(freeA + axesA).reshapedView([freeA.map { a.shape[$0] }.reduce(1, *), summed])
        let right = try b.transposedCopy(axesB + freeB).reshapedView([summed, freeB.map { b.shape[$0] }.reduce(1, *)])
        return try matmul(left, right).reshapedView(freeA.map { a.shape[$0] } + freeB.map { b.shape[$0] })
    }
}
