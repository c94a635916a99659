import CUDARuntime

/// The fixed kernels of the "cupy" backend, in one module compiled at first use: copies and
/// gathers (slicing, transposing, broadcasting, concatenating), fills, `arange`, merging
/// reduction moments, and the tiled matrix product used when cuBLAS is absent.
///
/// Copies are written once per element width (1, 2, 4, 8 bytes), since they move bits and do not
/// care what the bits mean.
enum CoreKernels {
    /// The element widths copies are specialised for, and the C type of each.
    static let widths: [(bytes: Int, type: String)] = [(1, "unsigned char"), (2, "unsigned short"), (4, "unsigned int"), (8, "u64")]

    /// The tile edge of the fallback matrix product.
    static let matmulTile = 16

    /// The kernels' names, in the order they appear.
    static let kernelNames: [String] = widths.flatMap { width in
        ["tessera_gather_\(width.bytes)", "tessera_fill_\(width.bytes)", "tessera_copy_rows_\(width.bytes)"]
    } + ["tessera_arange_i64", "tessera_arange_f64", "tessera_moments_combine", "tessera_matmul_f64", "tessera_matmul_f32"]

    /// The module.
    static let source: KernelSource = {
        var text = CUDAPrelude.text
        for width in widths {
            let t = width.type, b = width.bytes
            text += """
            // out[i] = in[base + offset of i through map]: slices, transposes, broadcasts.
            extern "C" __global__ void tessera_gather_\(b)(i64 n, \(t)* __restrict__ out, const \(t)* __restrict__ in, TesseraIndex map, i64 base) {
                for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x)
                    out[i] = in[base + t_offset(map, i)];
            }
            extern "C" __global__ void tessera_fill_\(b)(i64 n, \(t)* __restrict__ out, u64 pattern) {
                const \(t) value = (\(t))pattern;
                for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x) out[i] = value;
            }
            // rows x width elements of `in` into columns [offset, offset + width) of rows `pitch` long.
            extern "C" __global__ void tessera_copy_rows_\(b)(i64 rows, i64 width, \(t)* __restrict__ out, i64 pitch, i64 offset, const \(t)* __restrict__ in) {
                const i64 n = rows * width;
                for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x) {
                    const i64 r = i / width, c = i - r * width;
                    out[r * pitch + offset + c] = in[i];
                }
            }

            """
        }
        text += """
        // arange: start + (first + i) * step, in wrapping integers or in doubles (as the CPU computes it).
        extern "C" __global__ void tessera_arange_i64(i64 n, i64* __restrict__ out, i64 start, i64 step, i64 first) {
            for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x)
                out[i] = t_add(start, t_mul(first + i, step));
        }
        extern "C" __global__ void tessera_arange_f64(i64 n, double* __restrict__ out, double start, double step, i64 first) {
            for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x)
                out[i] = start + (double)(first + i) * step;
        }
        // Chan's merge of two (count, mean, M2) partials, elementwise.
        extern "C" __global__ void tessera_moments_combine(i64 n, const double* __restrict__ na, const double* __restrict__ ma,
                const double* __restrict__ sa, const double* __restrict__ nb, const double* __restrict__ mb,
                const double* __restrict__ sb, double* __restrict__ n_out, double* __restrict__ m_out, double* __restrict__ s_out) {
            for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x) {
                double count = na[i], mean = ma[i], m2 = sa[i];
                const double oc = nb[i], om = mb[i], os = sb[i];
                if (oc > 0.0) {
                    if (count > 0.0) {
                        const double total = count + oc, delta = om - mean;
                        mean = mean + delta * oc / total;
                        m2 = m2 + (os + delta * delta * count * oc / total);
                        count = total;
                    } else {
                        count = oc; mean = om; m2 = os;
                    }
                }
                n_out[i] = count; m_out[i] = mean; s_out[i] = m2;
            }
        }
        // c = a . b for row-major m x k and k x n matrices: 16 x 16 tiles through shared memory,
        // accumulated in double.
        template <typename T>
        __device__ __forceinline__ void matmul_tiled(i64 m, i64 n, i64 k, const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ c) {
            __shared__ double ta[\(matmulTile)][\(matmulTile + 1)];
            __shared__ double tb[\(matmulTile)][\(matmulTile + 1)];
            const i64 row = (i64)blockIdx.y * \(matmulTile) + threadIdx.y;
            const i64 col = (i64)blockIdx.x * \(matmulTile) + threadIdx.x;
            double sum = 0.0;
            for (i64 p0 = 0; p0 < k; p0 += \(matmulTile)) {
                const i64 pa = p0 + threadIdx.x, pb = p0 + threadIdx.y;
                ta[threadIdx.y][threadIdx.x] = (row < m && pa < k) ? (double)a[row * k + pa] : 0.0;
                tb[threadIdx.y][threadIdx.x] = (pb < k && col < n) ? (double)b[pb * n + col] : 0.0;
                __syncthreads();
                for (int q = 0; q < \(matmulTile); ++q) sum += ta[threadIdx.y][q] * tb[q][threadIdx.x];
                __syncthreads();
            }
            if (row < m && col < n) c[row * n + col] = (T)sum;
        }
        extern "C" __global__ void tessera_matmul_f64(i64 m, i64 n, i64 k, const double* __restrict__ a, const double* __restrict__ b, double* __restrict__ c) {
            matmul_tiled<double>(m, n, k, a, b, c);
        }
        extern "C" __global__ void tessera_matmul_f32(i64 m, i64 n, i64 k, const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
            matmul_tiled<float>(m, n, k, a, b, c);
        }

        """
        return KernelSource(name: "tessera_core", text: text, kernels: kernelNames, options: CUDAPrelude.options)
    }()
}
