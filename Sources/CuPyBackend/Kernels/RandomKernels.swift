import CUDARuntime
import NumPyBackend

/// The random-number kernels: the "numpy" backend's counter-based streams (Philox4x32-10, the
/// counter scheme and transforms of docs/random-streams.md) on the GPU, one thread per element.
///
/// Uniforms and integers are bit-identical with the CPU's; normals are bit-identical on the
/// ziggurat's fast path (about 98.5 % of them) and within a few ulps where `exp` or `log1p`
/// decides (CUDA's and glibc's differ in the last bits). Each element's position in the whole
/// array is computed from its block's offset, so results do not depend on the chunking.
enum RandomKernels {
    /// The kernels' names.
    static let kernelNames = ["tessera_random_uniform_f64", "tessera_random_uniform_f32", "tessera_random_normal_f64",
                              "tessera_random_normal_f32", "tessera_random_integers"]

    /// The module.
    static let source: KernelSource = {
        func table(_ name: String, _ values: [UInt64]) -> String {
            var text = "__device__ const u64 \(name)[256] = {\n"
            for row in stride(from: 0, to: values.count, by: 4) {
                text += "    " + values[row..<min(row + 4, values.count)].map { "0x\(String($0, radix: 16))ULL" }
                    .joined(separator: ", ") + ",\n"
            }
            return text + "};\n"
        }
        var text = CUDAPrelude.text
        text += "// Ziggurat tables (docs/random-streams.md), copied bit for bit from the CPU's.\n"
        text += table("tessera_zk", ZigguratConstants.k)
        text += table("tessera_zw", ZigguratConstants.w.map(\.bitPattern))
        text += table("tessera_zf", ZigguratConstants.f.map(\.bitPattern))
        text += """
        __device__ __forceinline__ double t_zw(int i) { return __longlong_as_double((i64)tessera_zw[i]); }
        __device__ __forceinline__ double t_zf(int i) { return __longlong_as_double((i64)tessera_zf[i]); }
        // Philox4x32-10 (Random123), key (k0, k1), counter (c0, c1, c2, c3) in place.
        __device__ __forceinline__ void t_philox(unsigned& c0, unsigned& c1, unsigned& c2, unsigned& c3, unsigned k0, unsigned k1) {
            #pragma unroll
            for (int r = 0; r < 10; ++r) {
                if (r > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
                const u64 p0 = (u64)0xD2511F53u * c0, p1 = (u64)0xCD9E8D57u * c2;
                const unsigned n0 = (unsigned)(p1 >> 32) ^ c1 ^ k0, n1 = (unsigned)p1;
                const unsigned n2 = (unsigned)(p0 >> 32) ^ c3 ^ k1, n3 = (unsigned)p0;
                c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            }
        }
        // The 64-bit word of element i at attempt a.
        __device__ __forceinline__ u64 t_word(u64 seed, u64 stream, u64 i, unsigned a) {
            const u64 j = (i >> 1) & 0xFFFFFFFFFFFFULL;
            unsigned c0 = (unsigned)stream, c1 = (unsigned)j, c2 = (unsigned)(stream >> 32);
            unsigned c3 = (unsigned)(j >> 32) | (a << 16);
            t_philox(c0, c1, c2, c3, (unsigned)seed, (unsigned)(seed >> 32));
            return (i & 1) == 0 ? (((u64)c0 << 32) | c1) : (((u64)c2 << 32) | c3);
        }
        __device__ __forceinline__ double t_uniform(u64 v) { return (double)(v >> 11) * 0x1p-53; }
        // The standard normal of element i: 256-layer ziggurat, Marsaglia's tail.
        __device__ double t_normal(u64 seed, u64 stream, u64 i) {
            unsigned a = 0;
            u64 v = t_word(seed, stream, i, 0);
            for (;;) {
                const int idx = (int)(v & 0xFF);
                const bool negative = ((v >> 8) & 1) != 0;
                const u64 m = (v >> 9) & 0xFFFFFFFFFFFFFULL;
                const double x = (double)m * t_zw(idx);
                if (m < tessera_zk[idx]) return negative ? -x : x;
                if (idx == 0) {
                    for (;;) {
                        a += 1;
                        const double u1 = t_uniform(t_word(seed, stream, i, a));
                        a += 1;
                        const double u2 = t_uniform(t_word(seed, stream, i, a));
                        const double xx = -\(CUDAPrelude.literal(ZigguratConstants.inverseR)) * log1p(-u1);
                        const double yy = -log1p(-u2);
                        if (yy + yy > xx * xx) {
                            const double t = \(CUDAPrelude.literal(ZigguratConstants.r)) + xx;
                            return negative ? -t : t;
                        }
                    }
                }
                a += 1;
                const double u = t_uniform(t_word(seed, stream, i, a));
                if ((t_zf(idx - 1) - t_zf(idx)) * u + t_zf(idx) < exp(-0.5 * x * x)) return negative ? -x : x;
                a += 1;
                v = t_word(seed, stream, i, a);
            }
        }
        // Element t of a block is element base + offset(t) of the stream (its flat position in the array).
        extern "C" __global__ void tessera_random_uniform_f64(i64 n, double* __restrict__ out, TesseraIndex map, i64 base, u64 seed,
                u64 stream, double scale, double low, int affine) {
            for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)blockDim.x * gridDim.x) {
                const double u = t_uniform(t_word(seed, stream, (u64)(base + t_offset(map, t)), 0));
                out[t] = affine ? u * scale + low : u;
            }
        }
        extern "C" __global__ void tessera_random_uniform_f32(i64 n, float* __restrict__ out, TesseraIndex map, i64 base, u64 seed,
                u64 stream, float scale, float low, int affine) {
            for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)blockDim.x * gridDim.x) {
                const u64 v = t_word(seed, stream, (u64)(base + t_offset(map, t)), 0);
                const float u = (float)(v >> 40) * 0x1p-24f;
                out[t] = affine ? __fadd_rn(__fmul_rn(u, scale), low) : u;
            }
        }
        extern "C" __global__ void tessera_random_normal_f64(i64 n, double* __restrict__ out, TesseraIndex map, i64 base, u64 seed,
                u64 stream, double scale, double loc, int affine) {
            for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)blockDim.x * gridDim.x) {
                const double x = t_normal(seed, stream, (u64)(base + t_offset(map, t)));
                out[t] = affine ? x * scale + loc : x;
            }
        }
        extern "C" __global__ void tessera_random_normal_f32(i64 n, float* __restrict__ out, TesseraIndex map, i64 base, u64 seed,
                u64 stream, float scale, float loc, int affine) {
            for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)blockDim.x * gridDim.x) {
                const float x = __double2float_rn(t_normal(seed, stream, (u64)(base + t_offset(map, t))));
                out[t] = affine ? __fadd_rn(__fmul_rn(x, scale), loc) : x;
            }
        }
        // Integers on [low, low + span) by Lemire's multiply-and-reject (span 0 means 2^64).
        extern "C" __global__ void tessera_random_integers(i64 n, i64* __restrict__ out, TesseraIndex map, i64 base, u64 seed,
                u64 stream, i64 low, u64 span, u64 threshold) {
            for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < n; t += (i64)blockDim.x * gridDim.x) {
                const u64 i = (u64)(base + t_offset(map, t));
                if (span == 0) { out[t] = t_add(low, (i64)t_word(seed, stream, i, 0)); continue; }
                for (unsigned a = 0;; ++a) {
                    const u64 v = t_word(seed, stream, i, a);
                    if (v * span >= threshold) { out[t] = t_add(low, (i64)__umul64hi(v, span)); break; }
                }
            }
        }

        """
        return KernelSource(name: "tessera_random", text: text, kernels: kernelNames, options: CUDAPrelude.options)
    }()
}
