import Backends

/// The helpers every Tessera kernel module starts with, and the C type of each dtype.
///
/// Arithmetic follows the "numpy" backend's tile evaluator, so both backends give the same
/// numbers: a floating-point node computes in `double` and, when it is `float32`, is rounded to
/// `float` after each operation (the same result as computing in `float` for `+ - * / sqrt`);
/// boolean and integer nodes compute in 64-bit registers wrapped to their width after each
/// operation (NumPy's fixed-width wrap-around); `uint64` values travel as their bit pattern.
/// Modules are compiled with `--fmad=false`, so no multiply-add is contracted into an FMA that
/// the CPU would not do either.
enum CUDAPrelude {
    /// The helper functions, shared by every module.
    static let text = """
    // ---- Tessera prelude -------------------------------------------------------------------
    typedef long long i64;
    typedef unsigned long long u64;
    // An n-d index map (at most 8 axes): extents, and the element strides they step through.
    struct TesseraIndex { i64 ndim; i64 extent[8]; i64 stride[8]; };
    // Offset of the flat row-major position `flat` of the extents, through the strides: one
    // 64-bit division per axis but the outermost (none for the common merged 1-d map).
    __device__ __forceinline__ i64 t_offset(const TesseraIndex& m, i64 flat) {
        i64 offset = 0;
        for (int axis = (int)m.ndim - 1; axis > 0; --axis) {
            const i64 e = m.extent[axis], q = flat / e;
            offset += (flat - q * e) * m.stride[axis];
            flat = q;
        }
        return m.ndim > 0 ? offset + flat * m.stride[0] : 0;
    }
    // Int64(truncatingIfNeeded: Double): NaN is 0, out-of-range values saturate.
    __device__ __forceinline__ i64 t_f2i(double v) {
        if (v != v) return 0;
        if (v >= 9223372036854775807.0) return 0x7fffffffffffffffLL;
        if (v <= -9223372036854775808.0) return (i64)0x8000000000000000ULL;
        return (i64)v;
    }
    // A double to uint64 (as its bit pattern), as the CPU converts.
    __device__ __forceinline__ i64 t_f2u(double v) {
        if (v >= 9223372036854775808.0) return v < 18446744073709551616.0 ? (i64)(u64)v : (i64)0x8000000000000000ULL;
        return t_f2i(v);
    }
    __device__ __forceinline__ double t_r32(double v) { return (double)__double2float_rn(v); }
    __device__ __forceinline__ double t_nan() { return __longlong_as_double(0x7ff8000000000000LL); }
    // Swift's min and max with NaN propagating, as the CPU computes them.
    __device__ __forceinline__ double t_min(double a, double b) { return (a != a || b != b) ? t_nan() : (b < a ? b : a); }
    __device__ __forceinline__ double t_max(double a, double b) { return (a != a || b != b) ? t_nan() : (b >= a ? b : a); }
    __device__ __forceinline__ i64 t_add(i64 a, i64 b) { return (i64)((u64)a + (u64)b); }
    __device__ __forceinline__ i64 t_sub(i64 a, i64 b) { return (i64)((u64)a - (u64)b); }
    __device__ __forceinline__ i64 t_mul(i64 a, i64 b) { return (i64)((u64)a * (u64)b); }
    // Python's a // b and a % b on signed integers (0 for a zero divisor, as NumPy gives).
    __device__ __forceinline__ i64 t_ifloordiv(i64 a, i64 b) {
        if (b == 0) return 0;
        if (b == -1) return t_sub(0, a);
        const i64 q = a / b;
        return ((a % b) != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    }
    __device__ __forceinline__ i64 t_iremainder(i64 a, i64 b) {
        if (b == 0 || b == -1) return 0;
        const i64 r = a % b;
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    }
    __device__ __forceinline__ i64 t_udiv(i64 a, i64 b) { return b == 0 ? 0 : (i64)((u64)a / (u64)b); }
    __device__ __forceinline__ i64 t_uremainder(i64 a, i64 b) { return b == 0 ? 0 : (i64)((u64)a % (u64)b); }
    // NumPy's floor_divide and remainder of doubles (npy_divmod): the remainder takes the divisor's sign.
    __device__ __forceinline__ double t_floordiv(double a, double b) {
        if (b == 0.0) return a / b;
        double mod = fmod(a, b);
        double div = (a - mod) / b;
        if (mod != 0.0 && ((b < 0.0) != (mod < 0.0))) { mod += b; div -= 1.0; }
        if (div != 0.0) {
            double floored = floor(div);
            if (div - floored > 0.5) floored += 1.0;
            return floored;
        }
        return copysign(0.0, a / b);
    }
    __device__ __forceinline__ double t_remainder(double a, double b) {
        if (b == 0.0) return fmod(a, b);
        const double mod = fmod(a, b);
        if (mod != 0.0) return ((b < 0.0) != (mod < 0.0)) ? mod + b : mod;
        return copysign(0.0, b);
    }
    // Integer power with wrap-around; negative exponents give 0 (1 or +-1 for bases 1 and -1).
    __device__ __forceinline__ i64 t_ipow(i64 base, i64 e) {
        if (e < 0) return base == 1 ? 1 : (base == -1 ? ((e & 1) == 0 ? 1 : -1) : 0);
        i64 result = 1;
        while (e > 0) {
            if (e & 1) result = t_mul(result, base);
            base = t_mul(base, base);
            e >>= 1;
        }
        return result;
    }
    // ----------------------------------------------------------------------------------------

    """

    /// The C type elements of `dtype` are stored as (booleans as one byte, 0 or 1).
    static func cType(_ dtype: DType) -> String {
        switch dtype {
        case .bool: "unsigned char"
        case .int8: "signed char"
        case .int16: "short"
        case .int32: "int"
        case .int64: "long long"
        case .uint8: "unsigned char"
        case .uint16: "unsigned short"
        case .uint32: "unsigned int"
        case .uint64: "unsigned long long"
        case .float32: "float"
        case .float64: "double"
        }
    }

    /// An integer register value `value` wrapped to `dtype`'s width, as C text.
    static func wrap(_ value: String, to dtype: DType) -> String {
        switch dtype {
        case .bool: "(i64)(\(value) != 0)"
        case .int8: "(i64)(signed char)(\(value))"
        case .int16: "(i64)(short)(\(value))"
        case .int32: "(i64)(int)(\(value))"
        case .uint8: "(i64)(unsigned char)(\(value))"
        case .uint16: "(i64)(unsigned short)(\(value))"
        case .uint32: "(i64)(unsigned int)(\(value))"
        case .int64, .uint64, .float32, .float64: "(\(value))"
        }
    }

    /// NVRTC options every module is compiled with.
    static let options = ["--fmad=false", "-default-device"]

    /// A double as exact C text (through its bit pattern), with its value in a comment.
    static func literal(_ value: Double) -> String {
        "__longlong_as_double((i64)0x\(String(value.bitPattern, radix: 16))ULL)"
    }
}
