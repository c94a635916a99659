import Testing
@testable import NumPyBackend
import Backends

@Suite("Matrix product kernels")
struct GemmTests {
    /// The naive product, for reference.
    private func naive(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    @Test("Tessera's kernel equals the naive product on edge sizes and every transpose",
          arguments: [(1, 1, 1), (7, 5, 3), (6, 4, 256), (13, 9, 257), (97, 45, 300), (0, 3, 2), (3, 0, 2), (4, 4, 0)])
    func swiftKernel(_ size: (Int, Int, Int)) {
        let (m, n, k) = size
        let a = (0..<(m * k)).map { Double(($0 * 7) % 11) - 5 }
        let b = (0..<(k * n)).map { Double(($0 * 3) % 13) - 6 }
        for transA in [false, true] {
            for transB in [false, true] {
                var c = [Double](repeating: .nan, count: m * n)
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            guard let x = pa.baseAddress ?? UnsafePointer(pc.baseAddress),
                                  let y = pb.baseAddress ?? UnsafePointer(pc.baseAddress), let z = pc.baseAddress else { return }
                            Gemm.multiply(m: m, n: n, k: k, a: x, lda: transA ? m : k, transA: transA, b: y,
                                          ldb: transB ? k : n, transB: transB, beta: 0, c: z, ldc: n)
                        }
                    }
                }
                #expect(c == naive(a, b, m: m, n: n, k: k, transA: transA, transB: transB), "\(size) \(transA) \(transB)")
            }
        }
    }

    @Test("NDArray products agree with and without a BLAS, for every float and integer type")
    func productsByDType() throws {
        for dtype in [DType.float64, .float32, .int32, .int64, .uint8, .bool] {
            let a = try NDArray((0..<35).map { Double(($0 * 5) % 9) }, shape: [5, 7]).converted(to: dtype)
            let b = try NDArray((0..<21).map { Double(($0 * 2) % 5) }, shape: [7, 3]).converted(to: dtype)
            let reference = naive(a.toArray(Double.self), b.toArray(Double.self), m: 5, n: 3, k: 7, transA: false, transB: false)
            for setting in ["swift", "auto"] {
                let product = try Config.set(["array.blas": .string(setting)]) { try NDArray.matrixProduct(a, b) }
                #expect(product.dtype == dtype)
                let expected = dtype == .bool ? reference.map { $0 != 0 ? 1 : 0 }
                    : dtype == .uint8 ? reference.map { Double(UInt8(truncatingIfNeeded: Int($0))) } : reference
                #expect(product.toArray(Double.self) == expected, "\(dtype) \(setting)")
            }
        }
    }
}
