import Foundation

/// A stand-in for cuBLAS built with the system C compiler: the five entry points Tessera uses,
/// with a plain column-major GEMM on host memory, so that the row-major mapping of
/// `CUBLAS.gemm` can be checked on the emulator (whose device pointers are host pointers). As in
/// cuBLAS, `C` is not read when `beta` is 0 (it may be uninitialised memory holding NaN).
package enum StubBLAS {
    /// The library's path, built on first use; nil without a C compiler.
    package static let path: String? = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-stub-cublas-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let library = folder.appendingPathComponent("libcublas-stub.so").path
        let source = """
        typedef struct ctx *cublasHandle_t;
        static struct ctx { int unused; } *the_handle;
        int cublasCreate_v2(cublasHandle_t *h) { *h = (cublasHandle_t)&the_handle; return 0; }
        int cublasDestroy_v2(cublasHandle_t h) { (void)h; return 0; }
        int cublasSetStream_v2(cublasHandle_t h, void *s) { (void)h; (void)s; return 0; }
        #define GEMM(NAME, T) \\
        int NAME(cublasHandle_t h, int ta, int tb, int m, int n, int k, const T *alpha, const T *a, int lda, const T *b, int ldb, \\
                 const T *beta, T *c, int ldc) { \\
            (void)h; if (ta != 0 || tb != 0) return 7; \\
            for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) { \\
                T sum = 0; for (int p = 0; p < k; p++) sum += a[i + p * lda] * b[p + j * ldb]; \\
                c[i + j * ldc] = *beta == 0 ? *alpha * sum : *alpha * sum + *beta * c[i + j * ldc]; } \\
            return 0; }
        GEMM(cublasDgemm_v2, double)
        GEMM(cublasSgemm_v2, float)
        """
        let file = folder.appendingPathComponent("cublas-stub.c")
        guard (try? source.write(to: file, atomically: true, encoding: .utf8)) != nil else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-O1", "-shared", "-fPIC", "-o", library, file.path]
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? library : nil
    }()
}
