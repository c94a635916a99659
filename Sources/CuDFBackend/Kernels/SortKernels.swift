import CUDARuntime

/// The kernels of the device sort: order-preserving 64-bit keys, radix digits, and the range
/// partitioning of a distributed sort.
///
/// A key column becomes one unsigned integer per row whose unsigned order is the column's order
/// (signed integers with the sign bit flipped, floats by their bits with negative values
/// complemented and `-0.0` as `0.0`, descending keys complemented) and a null flag (null, or NaN);
/// a least-significant-digit radix sort by 8-bit digits, each pass a stable counting sort
/// (``FrameOps/partitionOrder(_:count:parts:tile:)``), then orders the rows.
package enum SortKernels {
    /// The key encoders: name suffix, C type, bytes, and how the C value becomes ordered bits.
    static let encoders: [(name: String, type: String, bytes: Int, signed: Bool)] = [
        ("i8", "signed char", 1, true), ("u8", "u8", 1, false), ("i16", "short", 2, true), ("u16", "unsigned short", 2, false),
        ("i32", "int", 4, true), ("u32", "unsigned int", 4, false), ("i64", "i64", 8, true), ("u64", "u64", 8, false),
    ]

    /// The kernel names.
    package static let kernelNames: [String] = encoders.map { "cudf_sort_key_\($0.name)" }
        + ["cudf_sort_key_f32", "cudf_sort_key_f64", "cudf_sort_digit", "cudf_sort_class", "cudf_range_partition", "cudf_gather_stride",
           "cudf_sort_key_rank", "cudf_max_length", "cudf_sort_string_digit"]

    /// The module.
    package static let source: KernelSource = {
        var text = FrameKernels.prelude + """
        // The (class, key) of row i of one key column, compared with a boundary's, from the most significant key.
        __device__ __forceinline__ int cudf_compare_keys(i64 k, const u64* const* keys, const u8* const* classes, i64 i,
                                                         const u64* const* bkeys, const u8* const* bclasses, i64 b) {
            for (i64 c = 0; c < k; ++c) {
                const u8 x = classes[c][i], y = bclasses[c][b];
                if (x != y) return x < y ? -1 : 1;
                const u64 p = keys[c][i], q = bkeys[c][b];
                if (p != q) return p < q ? -1 : 1;
            }
            return 0;
        }
        // Floats: NaN and null rows are null; -0.0 orders as 0.0.
        extern "C" __global__ void cudf_sort_key_f32(i64 n, u64* out, u8* isNull, const float* v, const u64* w, u8 descending) {
            CUDF_LOOP(i, n) {
                const float x = v[i] == 0.0f ? 0.0f : v[i];
                const unsigned int bits = (unsigned int)__float_as_int(x);
                const unsigned int ordered = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
                const bool null = !cudf_valid(w, i) || v[i] != v[i];
                isNull[i] = null ? 1 : 0;
                out[i] = null ? 0ULL : (descending ? (u64)(~ordered) : (u64)ordered);
            }
        }
        extern "C" __global__ void cudf_sort_key_f64(i64 n, u64* out, u8* isNull, const double* v, const u64* w, u8 descending) {
            CUDF_LOOP(i, n) {
                const double x = v[i] == 0.0 ? 0.0 : v[i];
                const u64 bits = (u64)__double_as_longlong(x);
                const u64 ordered = (bits & 0x8000000000000000ULL) ? ~bits : (bits | 0x8000000000000000ULL);
                const bool null = !cudf_valid(w, i) || v[i] != v[i];
                isNull[i] = null ? 1 : 0;
                out[i] = null ? 0ULL : (descending ? ~ordered : ordered);
            }
        }
        // One radix digit of each row's key, rows taken in the current order.
        extern "C" __global__ void cudf_sort_digit(i64 n, int* out, const u64* keys, const i64* order, int shift) {
            CUDF_LOOP(i, n) out[i] = (int)((keys[order[i]] >> shift) & 255ULL);
        }
        // 0 or 1 by the null flag, rows taken in the current order: nulls first or last.
        extern "C" __global__ void cudf_sort_class(i64 n, int* out, const u8* isNull, const i64* order, u8 nullsFirst) {
            CUDF_LOOP(i, n) out[i] = (isNull[order[i]] != 0) == (nullsFirst != 0) ? 0 : 1;
        }
        // The number of boundary rows each row is not before (a binary search over sorted boundaries).
        extern "C" __global__ void cudf_range_partition(i64 n, int* out, i64 k, const u64* const* keys, const u8* const* classes,
                                                        const u64* const* bkeys, const u8* const* bclasses, i64 boundaries) {
            CUDF_LOOP(i, n) {
                i64 low = 0, high = boundaries;
                while (low < high) {
                    const i64 middle = (low + high) / 2;
                    if (cudf_compare_keys(k, keys, classes, i, bkeys, bclasses, middle) >= 0) low = middle + 1; else high = middle;
                }
                out[i] = (int)low;
            }
        }
        // Categoricals sort by their text: each code's rank among the sorted categories.
        extern "C" __global__ void cudf_sort_key_rank(i64 n, u64* out, u8* isNull, const int* codes, const int* rank, i64 categories,
                                                      const u64* w, u8 descending) {
            CUDF_LOOP(i, n) {
                const int c = codes[i];
                const bool null = !cudf_valid(w, i) || c < 0 || c >= categories;
                isNull[i] = null ? 1 : 0;
                const u64 ordered = null ? 0ULL : (u64)(unsigned int)rank[c];
                out[i] = null ? 0ULL : (descending ? (~ordered & 0xFFFFFFFFULL) : ordered);
            }
        }
        // The longest string's byte count (an atomic maximum into out[0], zeroed first).
        extern "C" __global__ void cudf_max_length(i64 n, u64* out, const i64* offsets) {
            CUDF_LOOP(i, n) atomicMax(&out[0], (u64)(offsets[i + 1] - offsets[i]));
        }
        // Strings sort by bytes (code-point order): the byte at `position` plus one, 0 past the end
        // (a prefix first); descending reverses the 257 digits.
        extern "C" __global__ void cudf_sort_string_digit(i64 n, int* out, const i64* offsets, const u8* bytes, const i64* order,
                                                          i64 position, u8 descending) {
            CUDF_LOOP(i, n) {
                const i64 r = order[i], start = offsets[r], length = offsets[r + 1] - start;
                const int d = position < length ? (int)bytes[start + position] + 1 : 0;
                out[i] = descending ? 256 - d : d;
            }
        }
        // out[p] = in[p * stride]: where each partition starts in a tile-major scan.
        extern "C" __global__ void cudf_gather_stride(i64 n, i64* out, const i64* in, i64 stride) { CUDF_LOOP(p, n) out[p] = in[p * stride]; }

        """
        for encoder in encoders {
            let bits = encoder.bytes * 8
            let mask = encoder.bytes == 8 ? "0xFFFFFFFFFFFFFFFFULL" : "((1ULL << \(bits)) - 1ULL)"
            let ordered = encoder.signed ? "(((u64)(i64)v[i]) ^ (1ULL << \(bits - 1))) & \(mask)" : "((u64)v[i]) & \(mask)"
            text += """
            extern "C" __global__ void cudf_sort_key_\(encoder.name)(i64 n, u64* out, u8* isNull, const \(encoder.type)* v, const u64* w,
                                                                     u8 descending) {
                CUDF_LOOP(i, n) {
                    const u64 ordered = \(ordered);
                    const bool null = !cudf_valid(w, i);
                    isNull[i] = null ? 1 : 0;
                    out[i] = null ? 0ULL : (descending ? (~ordered & \(mask)) : ordered);
                }
            }

            """
        }
        return KernelSource(name: "tessera_cudf_sort", text: text, kernels: kernelNames, options: ["--fmad=false", "-default-device"])
    }()
}
