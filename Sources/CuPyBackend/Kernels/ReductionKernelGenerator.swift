import Backends
import CUDARuntime

/// CUDA C for reducing a fused elementwise expression, in the same pass that evaluates it.
///
/// One module per (expression, reduction) holds four kernels that share the expression's code
/// and an accumulator (`Acc`) with the "numpy" backend's semantics:
///
/// | kernel | use |
/// | --- | --- |
/// | `tessera_reduce_all_partial` | every axis reduced: grid-stride, one accumulator per block |
/// | `tessera_reduce_all_final` | one block merges the per-block accumulators into the result |
/// | `tessera_reduce_axes_block` | some axes reduced, the last among them or few outputs: one block per output element |
/// | `tessera_reduce_axes_thread` | some axes reduced, the last kept and many outputs, or short reductions: one thread per output (coalesced) |
///
/// Accumulators: doubles for floating-point values, wrapping 64-bit integers otherwise (unsigned
/// comparisons for `uint64`), a count of non-NaN values for `count`, and (count, mean, M2) merged
/// with Chan's formula for `mean`, `var` and `std`. Blocks reduce with warp shuffles, then one
/// shared slot per warp. Results are deterministic (no atomics), but the summation order differs
/// from the CPU's, so floating-point sums agree to rounding, not bit for bit.
struct ReductionKernelGenerator {
    /// The accumulator of a reduction.
    enum Accumulator: Sendable, Hashable {
        case double, signed, unsigned, count, moments
    }

    /// The threads per block of the block-wide kernels.
    static let threadsPerBlock = 256

    let operation: ReductionOperation
    let accumulator: Accumulator
    let element: ElementwiseKernelGenerator

    /// The generator for reducing `expression` over `inputs` with `operation`.
    init(_ expression: ElementwiseExpression, inputs: [ElementwiseKernelGenerator.Input], operation: ReductionOperation) {
        self.operation = operation
        element = ElementwiseKernelGenerator(expression, inputs: inputs)
        accumulator = Self.accumulator(for: operation, dtype: expression.dtype)
    }

    /// The accumulator `operation` uses for values of `dtype`.
    static func accumulator(for operation: ReductionOperation, dtype: DType) -> Accumulator {
        switch operation {
        case .mean, .variance, .std: return .moments
        case .count: return .count
        default:
            switch dtype.kind {
            case .floatingPoint: return .double
            case .unsignedInteger: return .unsigned
            case .boolean, .signedInteger: return .signed
            }
        }
    }

    /// The dtype of the partial's values (each of the three arrays for moments).
    static func partialType(for operation: ReductionOperation, dtype: DType) -> DType {
        if operation == .any || operation == .all { return .bool }
        switch accumulator(for: operation, dtype: dtype) {
        case .double, .moments: return .float64
        case .signed, .count: return .int64
        case .unsigned: return .uint64
        }
    }

    /// The dtype partials are stored in.
    var partialType: DType { Self.partialType(for: operation, dtype: element.expression.dtype) }

    /// The number of output arrays (3 for moments).
    var outputCount: Int { accumulator == .moments ? 3 : 1 }

    // MARK: - Source

    /// The module.
    func source() -> KernelSource {
        let value = element.root
        let out = CUDAPrelude.cType(partialType)
        let outputs = accumulator == .moments
            ? "double* __restrict__ out_n, double* __restrict__ out_mean, double* __restrict__ out_m2"
            : "\(out)* __restrict__ out"
        let outputArgs = accumulator == .moments ? "out_n, out_mean, out_m2" : "out"
        let inputParameters = element.parameterDeclarations.joined(separator: ", ")
        let inputs = inputParameters.isEmpty ? "" : ", " + inputParameters
        var text = CUDAPrelude.text
        text += "// reduction \(operation.rawValue) of \(element.expression.dtype) values -> \(partialType)\n"
        text += accumulatorText(valueIsFloat: value.isFloat)
        text += """
        __device__ __forceinline__ Acc block_reduce(Acc v) {
            __shared__ Acc warp_values[32];
            const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
            for (int offset = 16; offset > 0; offset >>= 1) v = acc_merge(v, acc_shfl_down(v, offset));
            if (lane == 0) warp_values[warp] = v;
            __syncthreads();
            const int warps = (blockDim.x + 31) >> 5;
            v = lane < warps ? warp_values[lane] : acc_identity();
            if (warp == 0) {
                for (int offset = 16; offset > 0; offset >>= 1) v = acc_merge(v, acc_shfl_down(v, offset));
            }
            __syncthreads();
            return v;
        }

        """
        text += "__device__ __forceinline__ Acc element_value(i64 i\(inputs)) {\n"
        for line in element.hoisted + element.lines { text += "    \(line)\n" }
        text += "    return acc_add(acc_identity(), \(value.name));\n}\n"
        let arguments = (element.parameterDeclarations.map { String($0.split(separator: " ").last ?? "") })
        let inputArgs = arguments.isEmpty ? "" : ", " + arguments.joined(separator: ", ")
        // Stage 1 of a full reduction: one accumulator per block.
        text += """
        extern "C" __global__ void tessera_reduce_all_partial(i64 n, Acc* __restrict__ partials\(inputs)) {
            Acc acc = acc_identity();
            for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x)
                acc = acc_merge(acc, element_value(i\(inputArgs)));
            acc = block_reduce(acc);
            if (threadIdx.x == 0) partials[blockIdx.x] = acc;
        }
        extern "C" __global__ void tessera_reduce_all_final(i64 m, const Acc* __restrict__ partials, \(outputs)) {
            Acc acc = acc_identity();
            for (i64 j = threadIdx.x; j < m; j += blockDim.x) acc = acc_merge(acc, partials[j]);
            acc = block_reduce(acc);
            if (threadIdx.x == 0) acc_store(acc, \(outputArgs), 0);
        }
        extern "C" __global__ void tessera_reduce_axes_block(i64 outputs, TesseraIndex kept, TesseraIndex reduced, i64 r, \(outputs)\(inputs)) {
            for (i64 o = blockIdx.x; o < outputs; o += gridDim.x) {
                const i64 base = t_offset(kept, o);
                Acc acc = acc_identity();
                for (i64 k = threadIdx.x; k < r; k += blockDim.x)
                    acc = acc_merge(acc, element_value(base + t_offset(reduced, k)\(inputArgs)));
                acc = block_reduce(acc);
                if (threadIdx.x == 0) acc_store(acc, \(outputArgs), o);
            }
        }
        extern "C" __global__ void tessera_reduce_axes_thread(i64 outputs, TesseraIndex kept, TesseraIndex reduced, i64 r, \(outputs)\(inputs)) {
            for (i64 o = (i64)blockIdx.x * blockDim.x + threadIdx.x; o < outputs; o += (i64)blockDim.x * gridDim.x) {
                const i64 base = t_offset(kept, o);
                Acc acc = acc_identity();
                for (i64 k = 0; k < r; ++k) acc = acc_merge(acc, element_value(base + t_offset(reduced, k)\(inputArgs)));
                acc_store(acc, \(outputArgs), o);
            }
        }

        """
        return KernelSource(name: "reduce_\(operation.rawValue)", text: text,
                            kernels: ["tessera_reduce_all_partial", "tessera_reduce_all_final", "tessera_reduce_axes_block",
                                      "tessera_reduce_axes_thread"],
                            options: CUDAPrelude.options)
    }

    /// The bytes of one `Acc` (for the per-block partial buffer).
    var accumulatorSize: Int { accumulator == .moments ? 24 : 8 }

    /// `Acc` and its functions: identity, adding a value, merging, shuffling, storing.
    private func accumulatorText(valueIsFloat: Bool) -> String {
        let valueType = valueIsFloat ? "double" : "i64"
        let asDouble = valueIsFloat ? "v" : (element.expression.dtype == .uint64 ? "(double)(u64)v" : "(double)v")
        switch accumulator {
        case .moments:
            return """
            struct Acc { double n, mean, m2; };
            __device__ __forceinline__ Acc acc_identity() { Acc a; a.n = 0.0; a.mean = 0.0; a.m2 = 0.0; return a; }
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v) {
                const double x = \(asDouble);
                a.n = a.n + 1.0;
                const double delta = x - a.mean;
                a.mean = a.mean + delta / a.n;
                a.m2 = a.m2 + delta * (x - a.mean);
                return a;
            }
            __device__ __forceinline__ Acc acc_merge(Acc a, Acc b) {
                if (b.n == 0.0) return a;
                if (a.n == 0.0) return b;
                const double n = a.n + b.n, delta = b.mean - a.mean;
                Acc r;
                r.mean = a.mean + delta * b.n / n;
                r.m2 = a.m2 + (b.m2 + delta * delta * a.n * b.n / n);
                r.n = n;
                return r;
            }
            __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) {
                Acc r;
                r.n = __shfl_down_sync(0xffffffffu, a.n, offset);
                r.mean = __shfl_down_sync(0xffffffffu, a.mean, offset);
                r.m2 = __shfl_down_sync(0xffffffffu, a.m2, offset);
                return r;
            }
            __device__ __forceinline__ void acc_store(Acc a, double* out_n, double* out_mean, double* out_m2, i64 o) {
                out_n[o] = a.n;
                out_mean[o] = a.n > 0.0 ? a.mean : t_nan();
                out_m2[o] = a.m2;
            }

            """
        case .count:
            return """
            struct Acc { i64 v; };
            __device__ __forceinline__ Acc acc_identity() { Acc a; a.v = 0; return a; }
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v) { a.v += \(valueIsFloat ? "(v != v ? 0 : 1)" : "1"); return a; }
            __device__ __forceinline__ Acc acc_merge(Acc a, Acc b) { a.v += b.v; return a; }
            __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) { a.v = __shfl_down_sync(0xffffffffu, a.v, offset); return a; }
            __device__ __forceinline__ void acc_store(Acc a, long long* out, i64 o) { out[o] = a.v; }

            """
        case .double:
            let identity = switch operation {
            case .prod, .all: "1.0"
            case .min: "__longlong_as_double(0x7ff0000000000000LL)"
            case .max: "__longlong_as_double((i64)0xfff0000000000000ULL)"
            default: "0.0"
            }
            let merge = switch operation {
            case .prod: "a.v * b.v"
            case .min: "t_min(a.v, b.v)"
            case .max: "t_max(a.v, b.v)"
            case .any: "((a.v != 0.0 || b.v != 0.0) ? 1.0 : 0.0)"
            case .all: "((a.v != 0.0 && b.v != 0.0) ? 1.0 : 0.0)"
            default: "a.v + b.v"
            }
            let store = partialType == .bool ? "(unsigned char)(a.v != 0.0)" : "a.v"
            return """
            struct Acc { double v; };
            __device__ __forceinline__ Acc acc_identity() { Acc a; a.v = \(identity); return a; }
            __device__ __forceinline__ Acc acc_merge(Acc a, Acc b) { Acc r; r.v = \(merge); return r; }
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v) { Acc b; b.v = \(asDouble); return acc_merge(a, b); }
            __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) { a.v = __shfl_down_sync(0xffffffffu, a.v, offset); return a; }
            __device__ __forceinline__ void acc_store(Acc a, \(CUDAPrelude.cType(partialType))* out, i64 o) { out[o] = \(store); }

            """
        case .signed, .unsigned:
            let unsigned = accumulator == .unsigned
            let identity = switch operation {
            case .prod, .all: "1"
            case .min: unsigned ? "-1" : "0x7fffffffffffffffLL"
            case .max: unsigned ? "0" : "(i64)0x8000000000000000ULL"
            default: "0"
            }
            let merge = switch operation {
            case .prod: "t_mul(a.v, b.v)"
            case .min: unsigned ? "((u64)a.v <= (u64)b.v ? a.v : b.v)" : "(b.v < a.v ? b.v : a.v)"
            case .max: unsigned ? "((u64)a.v >= (u64)b.v ? a.v : b.v)" : "(b.v >= a.v ? b.v : a.v)"
            case .any: "(i64)(a.v != 0 || b.v != 0)"
            case .all: "(i64)(a.v != 0 && b.v != 0)"
            default: "t_add(a.v, b.v)"
            }
            let value = valueIsFloat ? "t_f2i(v)" : "v"
            let store = partialType == .bool ? "(unsigned char)(a.v != 0)" : "(\(CUDAPrelude.cType(partialType)))a.v"
            return """
            struct Acc { i64 v; };
            __device__ __forceinline__ Acc acc_identity() { Acc a; a.v = \(identity); return a; }
            __device__ __forceinline__ Acc acc_merge(Acc a, Acc b) { Acc r; r.v = \(merge); return r; }
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v) { Acc b; b.v = \(value); return acc_merge(a, b); }
            __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) { a.v = __shfl_down_sync(0xffffffffu, a.v, offset); return a; }
            __device__ __forceinline__ void acc_store(Acc a, \(CUDAPrelude.cType(partialType))* out, i64 o) { out[o] = \(store); }

            """
        }
    }
}
