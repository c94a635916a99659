import Backends
import CCUDA

/// cuBLAS, loaded with `dlopen` when it is installed: matrix products in float32 and float64.
///
/// Optional: without it the GPU backend multiplies matrices with its own tiled kernel.
public final class CUBLAS: @unchecked Sendable {
    // @unchecked: immutable C function pointers and the library handle.

    /// Where the library was loaded from.
    public let libraryPath: String
    private let library: DynamicLibrary
    private let create: ccuda_cublasCreate
    private let destroy: ccuda_cublasDestroy
    private let setStream: ccuda_cublasSetStream
    private let dgemm: ccuda_cublasDgemm
    private let sgemm: ccuda_cublasSgemm

    /// Loads the first of `candidates` that opens and exports the entry points, or returns nil.
    package init?(candidates: [String]) {
        for candidate in candidates {
            guard let library = try? DynamicLibrary(path: candidate),
                  let create = library.function("cublasCreate_v2", as: ccuda_cublasCreate.self),
                  let destroy = library.function("cublasDestroy_v2", as: ccuda_cublasDestroy.self),
                  let setStream = library.function("cublasSetStream_v2", as: ccuda_cublasSetStream.self),
                  let dgemm = library.function("cublasDgemm_v2", as: ccuda_cublasDgemm.self),
                  let sgemm = library.function("cublasSgemm_v2", as: ccuda_cublasSgemm.self) else { continue }
            self.library = library
            libraryPath = library.path
            self.create = create
            self.destroy = destroy
            self.setStream = setStream
            self.dgemm = dgemm
            self.sgemm = sgemm
            return
        }
        return nil
    }

    private static func check(_ status: cublasStatus_t, _ call: String) throws(CUDAError) {
        guard status != 0 else { return }
        let name = switch status {
        case 1: "CUBLAS_STATUS_NOT_INITIALIZED"
        case 3: "CUBLAS_STATUS_ALLOC_FAILED"
        case 7: "CUBLAS_STATUS_INVALID_VALUE"
        case 8: "CUBLAS_STATUS_ARCH_MISMATCH"
        case 11: "CUBLAS_STATUS_MAPPING_ERROR"
        case 13: "CUBLAS_STATUS_EXECUTION_FAILED"
        case 14: "CUBLAS_STATUS_INTERNAL_ERROR"
        case 15: "CUBLAS_STATUS_NOT_SUPPORTED"
        default: "CUBLAS_STATUS_\(status)"
        }
        throw CUDAError(code: status == 3 ? .outOfMemory : .cublas, call: call, status: status, name: name,
                        message: "cuBLAS reported \(name)")
    }

    /// The handle bound to `stream`, made on first use.
    private func handle(for stream: CUDAStream) throws(CUDAError) -> cublasHandle_t {
        if let handle = stream.blasHandle { return handle }
        var handle: cublasHandle_t?
        try Self.check(create(&handle), "cublasCreate_v2")
        guard let handle else { throw CUDAError(code: .cublas, call: "cublasCreate_v2", message: "cuBLAS returned no handle") }
        try Self.check(setStream(handle, stream.handle), "cublasSetStream_v2")
        stream.blasHandle = handle
        return handle
    }

    /// `c = a · b` for row-major `m × k` and `k × n` matrices of `Double`, on `stream`.
    ///
    /// cuBLAS is column-major, so this computes `cᵀ = bᵀ · aᵀ`, which has the same memory layout.
    public func gemm(m: Int, n: Int, k: Int, a: CUdeviceptr, b: CUdeviceptr, c: CUdeviceptr, doublePrecision: Bool,
                     stream: CUDAStream) throws(CUDAError) {
        guard let m32 = Int32(exactly: m), let n32 = Int32(exactly: n), let k32 = Int32(exactly: k) else {
            throw CUDAError(code: .invalidArgument, call: "cublasGemm", message: "matrix sizes \(m)×\(k)·\(k)×\(n) exceed 2^31")
        }
        let handle = try handle(for: stream)
        let op = Int32(CCUDA_CUBLAS_OP_N)
        let lda = max(n32, 1), ldb = max(k32, 1), ldc = max(n32, 1)
        if doublePrecision {
            var alpha = 1.0, beta = 0.0
            try Self.check(dgemm(handle, op, op, n32, m32, k32, &alpha, UnsafePointer(bitPattern: UInt(b)), lda,
                                 UnsafePointer(bitPattern: UInt(a)), ldb, &beta, UnsafeMutablePointer(bitPattern: UInt(c)), ldc),
                           "cublasDgemm_v2")
        } else {
            var alpha: Float = 1, beta: Float = 0
            try Self.check(sgemm(handle, op, op, n32, m32, k32, &alpha, UnsafePointer(bitPattern: UInt(b)), lda,
                                 UnsafePointer(bitPattern: UInt(a)), ldb, &beta, UnsafeMutablePointer(bitPattern: UInt(c)), ldc),
                           "cublasSgemm_v2")
        }
    }
}
