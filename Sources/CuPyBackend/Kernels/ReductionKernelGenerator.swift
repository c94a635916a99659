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
/// comparisons for `uint64`), a count of non-NaN values for `count`, (count, mean, M2) merged
/// with Chan's formula for `mean`, `var` and `std`, and the best value with its position for
/// `argmin` and `argmax` (NaN wins, ties go to the first position, as in NumPy). The `nan` forms
/// leave NaN values out of the same accumulators (`nanmin`/`nanmax` start from NaN and merge with
/// `fmin`/`fmax`, so a result is NaN only where every value is). Blocks reduce with warp shuffles, then one
/// shared slot per warp. Results are deterministic (no atomics), but the summation order differs
/// from the CPU's, so floating-point sums agree to rounding, not bit for bit.
struct ReductionKernelGenerator {
    /// The accumulator of a reduction.
    enum Accumulator: Sendable, Hashable {
        case double, signed, unsigned, count, moments
        /// The best value (a double, or a signed or unsigned 64-bit integer) and its position.
        case positional(ValueKind)
    }

    /// How the values of a positional accumulator are held and compared.
    enum ValueKind: Sendable, Hashable {
        case double, signed, unsigned
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
        case .mean, .variance, .std, .nanmean, .nanvar, .nanstd: return .moments
        case .count: return .count
        case .argmin, .argmax:
            switch dtype.kind {
            case .floatingPoint: return .positional(.double)
            case .unsignedInteger: return .positional(.unsigned)
            case .boolean, .signedInteger: return .positional(.signed)
            }
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
        case .double, .moments, .positional(.double): return .float64
        case .signed, .count, .positional(.signed), .positional(.unsigned): return .int64
        case .unsigned: return .uint64
        }
    }

    /// The dtype partials are stored in.
    var partialType: DType { Self.partialType(for: operation, dtype: element.expression.dtype) }

    /// The number of output arrays (3 for moments, values and positions for `argmin`/`argmax`).
    var outputCount: Int {
        switch accumulator {
        case .moments: 3
        case .positional: 2
        default: 1
        }
    }

    /// The dtype of output number `index` (positions are `int64`).
    func outputType(_ index: Int) -> DType {
        if case .positional = accumulator, index == 1 { return .int64 }
        return partialType
    }

    // MARK: - Source

    /// The module.
    func source() -> KernelSource {
        let value = element.root
        let out = CUDAPrelude.cType(partialType)
        let (outputs, outputArgs): (String, String) = switch accumulator {
        case .moments: ("double* __restrict__ out_n, double* __restrict__ out_mean, double* __restrict__ out_m2",
                        "out_n, out_mean, out_m2")
        case .positional: ("\(out)* __restrict__ out, long long* __restrict__ out_at", "out, out_at")
        default: ("\(out)* __restrict__ out", "out")
        }
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
        // `i` is the element's offset in the operands; `at` its position in the reduction (the
        // flat position when every axis is reduced, along the reduced axis otherwise).
        text += "__device__ __forceinline__ Acc element_value(i64 i, i64 at\(inputs)) {\n"
        for line in element.hoisted + element.lines { text += "    \(line)\n" }
        text += "    return acc_add(acc_identity(), \(value.name), at);\n}\n"
        let arguments = (element.parameterDeclarations.map { String($0.split(separator: " ").last ?? "") })
        let inputArgs = arguments.isEmpty ? "" : ", " + arguments.joined(separator: ", ")
        // Stage 1 of a full reduction: one accumulator per block.
        text += """
        extern "C" __global__ void tessera_reduce_all_partial(i64 n, Acc* __restrict__ partials\(inputs)) {
            Acc acc = acc_identity();
            for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x)
                acc = acc_merge(acc, element_value(i, i\(inputArgs)));
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
                    acc = acc_merge(acc, element_value(base + t_offset(reduced, k), k\(inputArgs)));
                acc = block_reduce(acc);
                if (threadIdx.x == 0) acc_store(acc, \(outputArgs), o);
            }
        }
        extern "C" __global__ void tessera_reduce_axes_thread(i64 outputs, TesseraIndex kept, TesseraIndex reduced, i64 r, \(outputs)\(inputs)) {
            for (i64 o = (i64)blockIdx.x * blockDim.x + threadIdx.x; o < outputs; o += (i64)blockDim.x * gridDim.x) {
                const i64 base = t_offset(kept, o);
                Acc acc = acc_identity();
                for (i64 k = 0; k < r; ++k) acc = acc_merge(acc, element_value(base + t_offset(reduced, k), k\(inputArgs)));
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
    var accumulatorSize: Int {
        switch accumulator {
        case .moments: 24
        case .positional: 16
        default: 8
        }
    }

    /// `Acc` and its functions: identity, adding a value, merging, shuffling, storing.
    private func accumulatorText(valueIsFloat: Bool) -> String {
        let valueType = valueIsFloat ? "double" : "i64"
        let asDouble = valueIsFloat ? "v" : (element.expression.dtype == .uint64 ? "(double)(u64)v" : "(double)v")
        switch accumulator {
        case .moments:
            return """
            struct Acc { double n, mean, m2; };
            __device__ __forceinline__ Acc acc_identity() { Acc a; a.n = 0.0; a.mean = 0.0; a.m2 = 0.0; return a; }
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v, i64) {
                const double x = \(asDouble);
                \(skipsNaN ? "if (x != x) return a;" : "")
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
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v, i64) { a.v += \(valueIsFloat ? "(v != v ? 0 : 1)" : "1"); return a; }
            __device__ __forceinline__ Acc acc_merge(Acc a, Acc b) { a.v += b.v; return a; }
            __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) { a.v = __shfl_down_sync(0xffffffffu, a.v, offset); return a; }
            __device__ __forceinline__ void acc_store(Acc a, long long* out, i64 o) { out[o] = a.v; }

            """
        case .double:
            let identity = switch operation {
            case .prod, .nanprod, .all: "1.0"
            case .min: "__longlong_as_double(0x7ff0000000000000LL)"
            case .max: "__longlong_as_double((i64)0xfff0000000000000ULL)"
            case .nanmin, .nanmax: "t_nan()"
            default: "0.0"
            }
            let merge = switch operation {
            case .prod, .nanprod: "a.v * b.v"
            case .min: "t_min(a.v, b.v)"
            case .max: "t_max(a.v, b.v)"
            case .nanmin: "fmin(a.v, b.v)"
            case .nanmax: "fmax(a.v, b.v)"
            case .any: "((a.v != 0.0 || b.v != 0.0) ? 1.0 : 0.0)"
            case .all: "((a.v != 0.0 && b.v != 0.0) ? 1.0 : 0.0)"
            default: "a.v + b.v"
            }
            let store = partialType == .bool ? "(unsigned char)(a.v != 0.0)" : "a.v"
            return """
            struct Acc { double v; };
            __device__ __forceinline__ Acc acc_identity() { Acc a; a.v = \(identity); return a; }
            __device__ __forceinline__ Acc acc_merge(Acc a, Acc b) { Acc r; r.v = \(merge); return r; }
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v, i64) {
                Acc b; b.v = \(asDouble);
                \(operation == .nansum || operation == .nanprod ? "if (b.v != b.v) return a;" : "")
                return acc_merge(a, b);
            }
            __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) { a.v = __shfl_down_sync(0xffffffffu, a.v, offset); return a; }
            __device__ __forceinline__ void acc_store(Acc a, \(CUDAPrelude.cType(partialType))* out, i64 o) { out[o] = \(store); }

            """
        case .signed, .unsigned:
            let unsigned = accumulator == .unsigned
            let identity = switch operation {
            case .prod, .nanprod, .all: "1"
            case .min, .nanmin: unsigned ? "-1" : "0x7fffffffffffffffLL"
            case .max, .nanmax: unsigned ? "0" : "(i64)0x8000000000000000ULL"
            default: "0"
            }
            let merge = switch operation {
            case .prod, .nanprod: "t_mul(a.v, b.v)"
            case .min, .nanmin: unsigned ? "((u64)a.v <= (u64)b.v ? a.v : b.v)" : "(b.v < a.v ? b.v : a.v)"
            case .max, .nanmax: unsigned ? "((u64)a.v >= (u64)b.v ? a.v : b.v)" : "(b.v >= a.v ? b.v : a.v)"
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
            __device__ __forceinline__ Acc acc_add(Acc a, \(valueType) v, i64) { Acc b; b.v = \(value); return acc_merge(a, b); }
            __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) { a.v = __shfl_down_sync(0xffffffffu, a.v, offset); return a; }
            __device__ __forceinline__ void acc_store(Acc a, \(CUDAPrelude.cType(partialType))* out, i64 o) { out[o] = \(store); }

            """
        case let .positional(kind):
            return positionalText(kind, valueIsFloat: valueIsFloat)
        }
    }

    /// The accumulator of `argmin`/`argmax`: the best value and its position, `at < 0` before the
    /// first element. A NaN beats every number (the first NaN is NumPy's answer); between equal
    /// values, or two NaNs, the smaller position wins, so the result does not depend on the
    /// order in which threads merge.
    private func positionalText(_ kind: ValueKind, valueIsFloat: Bool) -> String {
        let isMin = operation == .argmin
        let storage = kind == .double ? "double" : "i64"
        let value: String = switch (kind, valueIsFloat) {
        case (.double, true): "v"
        case (.double, false): element.expression.dtype == .uint64 ? "(double)(u64)v" : "(double)v"
        case (_, true): "t_f2i(v)"
        case (_, false): "v"
        }
        let (x, y) = kind == .unsigned ? ("(u64)b.v", "(u64)a.v") : ("b.v", "a.v")
        let strictly = isMin ? "\(x) < \(y)" : "\(x) > \(y)"
        let nanRule = kind == .double
            ? "const bool an = a.v != a.v, bn = b.v != b.v;\n    if (an || bn) return (an && bn) ? (b.at < a.at) : bn;\n    "
            : ""
        return """
        struct Acc { \(storage) v; i64 at; };
        __device__ __forceinline__ Acc acc_identity() { Acc a; a.v = 0; a.at = -1; return a; }
        __device__ __forceinline__ bool acc_better(Acc b, Acc a) {
            if (b.at < 0) return false;
            if (a.at < 0) return true;
            \(nanRule)if (\(strictly)) return true;
            return b.v == a.v && b.at < a.at;
        }
        __device__ __forceinline__ Acc acc_merge(Acc a, Acc b) { return acc_better(b, a) ? b : a; }
        __device__ __forceinline__ Acc acc_add(Acc a, \(valueIsFloat ? "double" : "i64") v, i64 at) {
            Acc b; b.v = \(value); b.at = at; return acc_merge(a, b);
        }
        __device__ __forceinline__ Acc acc_shfl_down(Acc a, int offset) {
            Acc r;
            r.v = __shfl_down_sync(0xffffffffu, a.v, offset);
            r.at = __shfl_down_sync(0xffffffffu, a.at, offset);
            return r;
        }
        __device__ __forceinline__ void acc_store(Acc a, \(CUDAPrelude.cType(partialType))* out, long long* out_at, i64 o) {
            out[o] = (\(CUDAPrelude.cType(partialType)))a.v;
            out_at[o] = a.at;
        }

        """
    }

    /// Whether NaN values are left out of the accumulator.
    private var skipsNaN: Bool { operation.skipsNaN }
}
