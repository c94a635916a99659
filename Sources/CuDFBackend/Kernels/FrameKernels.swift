import CUDARuntime

/// The fixed CUDA C kernels of the "cudf" backend: validity bitmaps, stream compaction, scans,
/// gathers, string gathers, hashing, partition splits and groupby accumulators.
///
/// No kernel uses shared memory or block barriers: work that must keep row order (compaction,
/// scans, scatters by partition) is cut into *tiles* of consecutive rows, one tile per thread, so
/// each thread walks its rows in order and a scan over the tiles' counts gives every thread its
/// output position. Atomics appear only in the groupby accumulators (sums of floating-point values
/// therefore add up in an order that varies, equal to the CPU's to rounding).
package enum FrameKernels {
    /// Rows per tile of the order-keeping kernels.
    package static let tile = 256

    /// Helpers shared by the fixed and the generated modules.
    package static let prelude = """
    // ---- Tessera cudf prelude ---------------------------------------------------------------
    typedef long long i64;
    typedef unsigned long long u64;
    typedef unsigned char u8;
    #define CUDF_LOOP(i, n) for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)gridDim.x * blockDim.x)
    // Row i of a validity bitmap; a null bitmap means every row is valid.
    __device__ __forceinline__ bool cudf_valid(const u64* w, i64 i) { return w == 0 || ((w[i >> 6] >> (i & 63)) & 1ULL) != 0; }
    // SplitMix64's finalizer of v + the golden ratio (HashMixer.mix).
    __device__ __forceinline__ u64 cudf_mix(u64 v) {
        u64 z = v + 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    __device__ __forceinline__ u64 cudf_combine(u64 row, u64 value) { return cudf_mix((row * 0x9E3779B97F4A7C15ULL) ^ value); }
    #define CUDF_NULL_HASH 0x5555555555555555ULL
    #define CUDF_SEED 0x243F6A8885A308D3ULL
    #define CUDF_EMPTY 0xFFFFFFFFFFFFFFFFULL
    // HashMixer.bytes: the length, then little-endian words (the last zero-padded), then mix.
    __device__ __forceinline__ u64 cudf_hash_bytes(const u8* p, i64 count) {
        u64 h = CUDF_SEED ^ ((u64)count * 0x9FB21C651E98DF25ULL);
        i64 i = 0;
        while (i < count) {
            u64 word = 0;
            for (int k = 0; k < 8 && i + k < count; ++k) word |= (u64)p[i + k] << (8 * k);
            h = (h ^ word) * 0x9FB21C651E98DF25ULL;
            h = (h << 29) | (h >> 35);
            i += 8;
        }
        return cudf_mix(h);
    }
    // Byte ranges equal.
    __device__ __forceinline__ bool cudf_bytes_equal(const u8* a, i64 na, const u8* b, i64 nb) {
        if (na != nb) return false;
        for (i64 k = 0; k < na; ++k) if (a[k] != b[k]) return false;
        return true;
    }
    // The table slot a row hash starts probing at.
    __device__ __forceinline__ u64 cudf_slot(u64 h, u64 mask) { return (h ^ (h >> 29)) & mask; }
    // ------------------------------------------------------------------------------------------

    """

    /// The fixed-width element types: name suffix and C type.
    static let widths: [(bytes: Int, type: String)] = [(1, "u8"), (2, "unsigned short"), (4, "unsigned int"), (8, "u64")]

    /// The integer element types hashed as 64-bit integers: suffix and C type.
    static let integers: [(name: String, type: String)] = [
        ("i8", "signed char"), ("u8", "u8"), ("i16", "short"), ("u16", "unsigned short"), ("i32", "int"), ("u32", "unsigned int"),
        ("i64", "i64"), ("u64", "u64"),
    ]

    /// The kernel names of ``source``.
    package static let kernelNames: [String] = {
        var names = ["cudf_words_and", "cudf_unpack_validity", "cudf_pack_validity", "cudf_is_null", "cudf_is_null_f32",
                     "cudf_is_null_f64", "cudf_mask_flags", "cudf_or_flags", "cudf_tile_count", "cudf_tile_compact", "cudf_tile_sums",
                     "cudf_tile_scan", "cudf_iota", "cudf_take_validity", "cudf_take_lengths", "cudf_take_bytes", "cudf_add_i64",
                     "cudf_string_equal", "cudf_hash_init", "cudf_hash_f32", "cudf_hash_f64", "cudf_hash_strings", "cudf_string_hashes", "cudf_hash_codes",
                     "cudf_partition_of", "cudf_tile_histogram", "cudf_tile_scatter", "cudf_table_clear", "cudf_join_build",
                     "cudf_slot_flags", "cudf_leaders", "cudf_group_of_row", "cudf_fill_i64", "cudf_fill_f64", "cudf_agg_size",
                     "cudf_agg_count", "cudf_agg_sum_i64", "cudf_agg_sum_f64", "cudf_agg_min_i64", "cudf_agg_max_i64",
                     "cudf_agg_min_u64", "cudf_agg_max_u64", "cudf_agg_min_f64", "cudf_agg_max_f64", "cudf_agg_m2",
                     "cudf_codes_equal", "cudf_string_order", "cudf_string_match", "cudf_string_length", "cudf_take_by_code_1", "cudf_take_by_code_8", "cudf_string_compare",
                     "cudf_any_non_ascii", "cudf_ascii_case", "cudf_fill_lengths", "cudf_fill_bytes", "cudf_merge_m2", "cudf_keep_chosen", "cudf_keep_single", "cudf_clear_at",
                     "cudf_coalesce_index"]
        names += widths.map { "cudf_take_\($0.bytes)" }
        names += integers.map { "cudf_hash_\($0.name)" }
        return names
    }()

    /// The module.
    package static let source: KernelSource = {
        var text = prelude + """
        extern "C" __global__ void cudf_words_and(i64 n, u64* out, const u64* a, const u64* b) {
            CUDF_LOOP(i, n) out[i] = (a ? a[i] : ~0ULL) & (b ? b[i] : ~0ULL);
        }
        // One byte per row from a bitmap, starting at row `start` of the bitmap.
        extern "C" __global__ void cudf_unpack_validity(i64 n, u8* out, const u64* w, i64 start) {
            CUDF_LOOP(i, n) out[i] = cudf_valid(w, start + i) ? 1 : 0;
        }
        // A bitmap from one byte per row (one thread per word).
        extern "C" __global__ void cudf_pack_validity(i64 n, u64* out, const u8* flags) {
            const i64 words = (n + 63) / 64;
            CUDF_LOOP(j, words) {
                u64 word = 0;
                for (i64 k = 0; k < 64 && j * 64 + k < n; ++k) if (flags[j * 64 + k]) word |= 1ULL << k;
                out[j] = word;
            }
        }
        extern "C" __global__ void cudf_is_null(i64 n, u8* out, const u64* w) { CUDF_LOOP(i, n) out[i] = cudf_valid(w, i) ? 0 : 1; }
        extern "C" __global__ void cudf_is_null_f32(i64 n, u8* out, const float* v, const u64* w) {
            CUDF_LOOP(i, n) out[i] = (!cudf_valid(w, i) || v[i] != v[i]) ? 1 : 0;
        }
        extern "C" __global__ void cudf_is_null_f64(i64 n, u8* out, const double* v, const u64* w) {
            CUDF_LOOP(i, n) out[i] = (!cudf_valid(w, i) || v[i] != v[i]) ? 1 : 0;
        }
        // flags[i] = value on the null rows of w.
        extern "C" __global__ void cudf_mask_flags(i64 n, u8* flags, const u64* w, u8 value) {
            CUDF_LOOP(i, n) if (!cudf_valid(w, i)) flags[i] = value;
        }
        extern "C" __global__ void cudf_or_flags(i64 n, u8* out, const u8* a) { CUDF_LOOP(i, n) out[i] = (out[i] | a[i]) ? 1 : 0; }
        // Stream compaction: the true flags of each tile, then their row numbers in order.
        extern "C" __global__ void cudf_tile_count(i64 n, const u8* flags, i64* counts, i64 tile) {
            const i64 tiles = (n + tile - 1) / tile;
            CUDF_LOOP(t, tiles) {
                i64 c = 0;
                const i64 end = (t + 1) * tile < n ? (t + 1) * tile : n;
                for (i64 r = t * tile; r < end; ++r) c += flags[r] != 0;
                counts[t] = c;
            }
        }
        extern "C" __global__ void cudf_tile_compact(i64 n, const u8* flags, const i64* offsets, i64* out, i64 tile) {
            const i64 tiles = (n + tile - 1) / tile;
            CUDF_LOOP(t, tiles) {
                i64 o = offsets[t];
                const i64 end = (t + 1) * tile < n ? (t + 1) * tile : n;
                for (i64 r = t * tile; r < end; ++r) if (flags[r]) out[o++] = r;
            }
        }
        // Exclusive scan of int64 values: tile sums, then each tile from its offset.
        extern "C" __global__ void cudf_tile_sums(i64 n, const i64* in, i64* sums, i64 tile) {
            const i64 tiles = (n + tile - 1) / tile;
            CUDF_LOOP(t, tiles) {
                i64 s = 0;
                const i64 end = (t + 1) * tile < n ? (t + 1) * tile : n;
                for (i64 r = t * tile; r < end; ++r) s += in[r];
                sums[t] = s;
            }
        }
        extern "C" __global__ void cudf_tile_scan(i64 n, const i64* in, i64* out, const i64* offsets, i64 tile) {
            const i64 tiles = (n + tile - 1) / tile;
            CUDF_LOOP(t, tiles) {
                i64 s = offsets[t];
                const i64 end = (t + 1) * tile < n ? (t + 1) * tile : n;
                for (i64 r = t * tile; r < end; ++r) { const i64 v = in[r]; out[r] = s; s += v; }
            }
        }
        extern "C" __global__ void cudf_iota(i64 n, i64* out, i64 start) { CUDF_LOOP(i, n) out[i] = start + i; }
        extern "C" __global__ void cudf_add_i64(i64 n, i64* out, const i64* in, i64 delta) { CUDF_LOOP(i, n) out[i] = in[i] + delta; }
        extern "C" __global__ void cudf_fill_i64(i64 n, i64* out, i64 value) { CUDF_LOOP(i, n) out[i] = value; }
        extern "C" __global__ void cudf_fill_f64(i64 n, double* out, double value) { CUDF_LOOP(i, n) out[i] = value; }
        // Gathers: out[i] = in[idx[i]], a null row (zero) where idx[i] < 0.
        extern "C" __global__ void cudf_take_validity(i64 n, u64* out, const u64* w, const i64* idx) {
            const i64 words = (n + 63) / 64;
            CUDF_LOOP(j, words) {
                u64 word = 0;
                for (i64 k = 0; k < 64 && j * 64 + k < n; ++k) {
                    const i64 r = idx[j * 64 + k];
                    if (r >= 0 && cudf_valid(w, r)) word |= 1ULL << k;
                }
                out[j] = word;
            }
        }
        extern "C" __global__ void cudf_take_lengths(i64 n, i64* lengths, const i64* offsets, const i64* idx) {
            CUDF_LOOP(i, n) { const i64 r = idx[i]; lengths[i] = r >= 0 ? offsets[r + 1] - offsets[r] : 0; }
        }
        extern "C" __global__ void cudf_take_bytes(i64 n, u8* out, const i64* outOffsets, const u8* in, const i64* inOffsets,
                                                   const i64* idx) {
            CUDF_LOOP(i, n) {
                const i64 r = idx[i];
                if (r < 0) continue;
                const i64 start = inOffsets[r], length = inOffsets[r + 1] - start, o = outOffsets[i];
                for (i64 k = 0; k < length; ++k) out[o + k] = in[start + k];
            }
        }
        // out[i] = 1 when string i equals the text (`equal` 1) or differs from it (`equal` 0); nulls give `nullValue`.
        extern "C" __global__ void cudf_string_equal(i64 n, u8* out, const i64* offsets, const u8* bytes, const u64* w,
                                                     const u8* text, i64 length, u8 equal, u8 nullValue) {
            CUDF_LOOP(i, n) {
                if (!cudf_valid(w, i)) { out[i] = nullValue; continue; }
                const bool same = cudf_bytes_equal(bytes + offsets[i], offsets[i + 1] - offsets[i], text, length);
                out[i] = (same == (equal != 0)) ? 1 : 0;
            }
        }
        // String ordering against a text, bytewise (code-point order): op 0 <, 1 <=, 2 >, 3 >=; nulls false.
        extern "C" __global__ void cudf_string_order(i64 n, u8* out, const i64* offsets, const u8* bytes, const u64* w,
                                                     const u8* text, i64 length, int op) {
            CUDF_LOOP(i, n) {
                if (!cudf_valid(w, i)) { out[i] = 0; continue; }
                const u8* a = bytes + offsets[i];
                const i64 na = offsets[i + 1] - offsets[i];
                int order = 0;
                for (i64 k = 0; k < na && k < length; ++k) {
                    if (a[k] != text[k]) { order = a[k] < text[k] ? -1 : 1; break; }
                }
                if (order == 0) order = na < length ? -1 : (na > length ? 1 : 0);
                out[i] = (op == 0 ? order < 0 : op == 1 ? order <= 0 : op == 2 ? order > 0 : order >= 0) ? 1 : 0;
            }
        }
        // .str.contains (mode 0), .startswith (1), .endswith (2) of a text; the column's bitmap keeps nulls.
        extern "C" __global__ void cudf_string_match(i64 n, u8* out, const i64* offsets, const u8* bytes, const u8* text, i64 length,
                                                     int mode) {
            CUDF_LOOP(i, n) {
                const u8* a = bytes + offsets[i];
                const i64 na = offsets[i + 1] - offsets[i];
                bool found = false;
                if (mode == 1) {
                    found = na >= length && cudf_bytes_equal(a, length, text, length);
                } else if (mode == 2) {
                    found = na >= length && cudf_bytes_equal(a + na - length, length, text, length);
                } else {
                    for (i64 start = 0; start + length <= na && !found; ++start) found = cudf_bytes_equal(a + start, length, text, length);
                }
                out[i] = found ? 1 : 0;
            }
        }
        // .str.len: Unicode scalars (UTF-8 bytes that are not continuation bytes).
        extern "C" __global__ void cudf_string_length(i64 n, i64* out, const i64* offsets, const u8* bytes) {
            CUDF_LOOP(i, n) {
                i64 c = 0;
                for (i64 k = offsets[i]; k < offsets[i + 1]; ++k) c += (bytes[k] & 0xC0) != 0x80;
                out[i] = c;
            }
        }
        // Two string columns compared row by row, bytewise: op 0 <, 1 <=, 2 >, 3 >=, 4 ==, 5 !=; a null
        // on either side gives false (true for !=).
        extern "C" __global__ void cudf_string_compare(i64 n, u8* out, const i64* ao, const u8* ab, const u64* aw, const i64* bo,
                                                       const u8* bb, const u64* bw, int op) {
            CUDF_LOOP(i, n) {
                if (!cudf_valid(aw, i) || !cudf_valid(bw, i)) { out[i] = op == 5 ? 1 : 0; continue; }
                const u8* a = ab + ao[i];
                const u8* b = bb + bo[i];
                const i64 na = ao[i + 1] - ao[i], nb = bo[i + 1] - bo[i];
                int order = 0;
                for (i64 k = 0; k < na && k < nb; ++k) {
                    if (a[k] != b[k]) { order = a[k] < b[k] ? -1 : 1; break; }
                }
                if (order == 0) order = na < nb ? -1 : (na > nb ? 1 : 0);
                const bool r = op == 0 ? order < 0 : op == 1 ? order <= 0 : op == 2 ? order > 0 : op == 3 ? order >= 0
                    : op == 4 ? order == 0 : order != 0;
                out[i] = r ? 1 : 0;
            }
        }
        // Whether any byte is not ASCII (flag[0] becomes 1), and ASCII case mapping byte by byte.
        extern "C" __global__ void cudf_any_non_ascii(i64 n, u64* flag, const u8* bytes) {
            CUDF_LOOP(i, n) if (bytes[i] >= 0x80) atomicMax(&flag[0], 1ULL);
        }
        extern "C" __global__ void cudf_ascii_case(i64 n, u8* out, const u8* in, u8 upper) {
            CUDF_LOOP(i, n) {
                const u8 c = in[i];
                out[i] = upper ? ((c >= 'a' && c <= 'z') ? (u8)(c - 32) : c) : ((c >= 'A' && c <= 'Z') ? (u8)(c + 32) : c);
            }
        }
        // fillna of strings: each row's length with the text in its null rows, then the bytes.
        extern "C" __global__ void cudf_fill_lengths(i64 n, i64* lengths, const i64* offsets, const u64* w, i64 textLength) {
            CUDF_LOOP(i, n) lengths[i] = cudf_valid(w, i) ? offsets[i + 1] - offsets[i] : textLength;
        }
        extern "C" __global__ void cudf_fill_bytes(i64 n, u8* out, const i64* outOffsets, const u8* in, const i64* offsets, const u64* w,
                                                   const u8* text, i64 textLength) {
            CUDF_LOOP(i, n) {
                const i64 o = outOffsets[i];
                if (cudf_valid(w, i)) {
                    for (i64 k = offsets[i]; k < offsets[i + 1]; ++k) out[o + k - offsets[i]] = in[k];
                } else {
                    for (i64 k = 0; k < textLength; ++k) out[o + k] = text[k];
                }
            }
        }
        // A per-category value for each row (categoricals: a string function or comparison evaluated
        // once per category); a code outside the categories gives 0.
        extern "C" __global__ void cudf_take_by_code_1(i64 n, u8* out, const u8* perCategory, const int* codes, i64 categories) {
            CUDF_LOOP(i, n) { const int c = codes[i]; out[i] = c >= 0 && c < categories ? perCategory[c] : 0; }
        }
        extern "C" __global__ void cudf_take_by_code_8(i64 n, u64* out, const u64* perCategory, const int* codes, i64 categories) {
            CUDF_LOOP(i, n) { const int c = codes[i]; out[i] = c >= 0 && c < categories ? perCategory[c] : 0ULL; }
        }
        // The same for dictionary codes against one code (-1 when the text is no category).
        extern "C" __global__ void cudf_codes_equal(i64 n, u8* out, const int* codes, const u64* w, int code, u8 equal, u8 nullValue) {
            CUDF_LOOP(i, n) {
                if (!cudf_valid(w, i)) { out[i] = nullValue; continue; }
                out[i] = ((codes[i] == code) == (equal != 0)) ? 1 : 0;
            }
        }
        // Row hashes (DataFrame.hashRows): start at the seed, fold in each column's value hash.
        extern "C" __global__ void cudf_hash_init(i64 n, u64* h) { CUDF_LOOP(i, n) h[i] = CUDF_SEED; }
        extern "C" __global__ void cudf_hash_f32(i64 n, u64* h, const float* v, const u64* w) {
            CUDF_LOOP(i, n) {
                const double d = (double)v[i];
                const u64 bits = (u64)__double_as_longlong(d);
                const bool null = !cudf_valid(w, i) || d != d;
                h[i] = cudf_combine(h[i], null ? CUDF_NULL_HASH : cudf_mix(d == 0 ? 0ULL : bits));
            }
        }
        extern "C" __global__ void cudf_hash_f64(i64 n, u64* h, const double* v, const u64* w) {
            CUDF_LOOP(i, n) {
                const double d = v[i];
                const u64 bits = (u64)__double_as_longlong(d);
                const bool null = !cudf_valid(w, i) || d != d;
                h[i] = cudf_combine(h[i], null ? CUDF_NULL_HASH : cudf_mix(d == 0 ? 0ULL : bits));
            }
        }
        extern "C" __global__ void cudf_hash_strings(i64 n, u64* h, const i64* offsets, const u8* bytes, const u64* w) {
            CUDF_LOOP(i, n) {
                const u64 value = cudf_valid(w, i) ? cudf_hash_bytes(bytes + offsets[i], offsets[i + 1] - offsets[i]) : CUDF_NULL_HASH;
                h[i] = cudf_combine(h[i], value);
            }
        }
        extern "C" __global__ void cudf_string_hashes(i64 n, u64* out, const i64* offsets, const u8* bytes) {
            CUDF_LOOP(i, n) out[i] = cudf_hash_bytes(bytes + offsets[i], offsets[i + 1] - offsets[i]);
        }
        // Categories hash as their text: the hash of each category comes computed.
        extern "C" __global__ void cudf_hash_codes(i64 n, u64* h, const int* codes, const u64* categoryHashes, i64 categories,
                                                   const u64* w) {
            CUDF_LOOP(i, n) {
                const int c = codes[i];
                const bool valid = cudf_valid(w, i) && c >= 0 && c < categories;
                h[i] = cudf_combine(h[i], valid ? categoryHashes[c] : CUDF_NULL_HASH);
            }
        }
        // The digit (p / divisor) % base of the partition p = high word of hash * modulus.
        extern "C" __global__ void cudf_partition_of(i64 n, int* out, const u64* h, u64 modulus, i64 divisor, i64 base) {
            CUDF_LOOP(i, n) out[i] = (int)(((i64)__umul64hi(h[i], modulus) / divisor) % base);
        }
        // A counting sort by partition keeping row order: counts[p * tiles + t], scanned, then each tile scatters.
        extern "C" __global__ void cudf_tile_histogram(i64 n, const int* part, i64* counts, i64 parts, i64 tile) {
            const i64 tiles = (n + tile - 1) / tile;
            CUDF_LOOP(t, tiles) {
                for (i64 p = 0; p < parts; ++p) counts[p * tiles + t] = 0;
                const i64 end = (t + 1) * tile < n ? (t + 1) * tile : n;
                for (i64 r = t * tile; r < end; ++r) counts[(i64)part[r] * tiles + t] += 1;
            }
        }
        extern "C" __global__ void cudf_tile_scatter(i64 n, const int* part, i64* offsets, i64* out, i64 tile) {
            const i64 tiles = (n + tile - 1) / tile;
            CUDF_LOOP(t, tiles) {
                const i64 end = (t + 1) * tile < n ? (t + 1) * tile : n;
                for (i64 r = t * tile; r < end; ++r) {
                    i64* slot = &offsets[(i64)part[r] * tiles + t];
                    out[*slot] = r;
                    *slot += 1;
                }
            }
        }
        // Hash tables: slots hold row numbers, CUDF_EMPTY when free.
        extern "C" __global__ void cudf_table_clear(i64 n, u64* table) { CUDF_LOOP(i, n) table[i] = CUDF_EMPTY; }
        // A join's build side: every row takes a free slot of its own (equal keys lie on one probe path).
        extern "C" __global__ void cudf_join_build(i64 n, const u64* hashes, const u8* skip, u64* table, u64 mask) {
            CUDF_LOOP(i, n) {
                if (skip && skip[i]) continue;
                u64 s = cudf_slot(hashes[i], mask);
                while (atomicCAS(&table[s], CUDF_EMPTY, (u64)i) != CUDF_EMPTY) s = (s + 1) & mask;
            }
        }
        extern "C" __global__ void cudf_slot_flags(i64 n, i64* out, const u64* table) { CUDF_LOOP(i, n) out[i] = table[i] != CUDF_EMPTY; }
        // The first row of each group (slot order), and each row's group (-1 for skipped rows).
        extern "C" __global__ void cudf_leaders(i64 n, i64* leaders, const u64* table, const i64* groupOfSlot) {
            CUDF_LOOP(s, n) if (table[s] != CUDF_EMPTY) leaders[groupOfSlot[s]] = (i64)table[s];
        }
        extern "C" __global__ void cudf_group_of_row(i64 n, i64* out, const i64* slotOfRow, const i64* groupOfSlot) {
            CUDF_LOOP(i, n) { const i64 s = slotOfRow[i]; out[i] = s >= 0 ? groupOfSlot[s] : -1; }
        }
        // Groupby accumulators over rows with a group (>= 0); a value counts when valid and not NaN.
        extern "C" __global__ void cudf_agg_size(i64 n, const i64* group, u64* size) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0) atomicAdd(&size[g], 1ULL); }
        }
        extern "C" __global__ void cudf_agg_count(i64 n, const i64* group, const u8* isNull, u64* count) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0 && !isNull[i]) atomicAdd(&count[g], 1ULL); }
        }
        extern "C" __global__ void cudf_agg_sum_i64(i64 n, const i64* group, const u8* isNull, const i64* v, u64* sum) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0 && !isNull[i]) atomicAdd(&sum[g], (u64)v[i]); }
        }
        extern "C" __global__ void cudf_agg_sum_f64(i64 n, const i64* group, const u8* isNull, const double* v, double* sum) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0 && !isNull[i]) atomicAdd(&sum[g], v[i]); }
        }
        extern "C" __global__ void cudf_agg_min_i64(i64 n, const i64* group, const u8* isNull, const i64* v, long long* out) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0 && !isNull[i]) atomicMin(&out[g], (long long)v[i]); }
        }
        extern "C" __global__ void cudf_agg_max_i64(i64 n, const i64* group, const u8* isNull, const i64* v, long long* out) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0 && !isNull[i]) atomicMax(&out[g], (long long)v[i]); }
        }
        extern "C" __global__ void cudf_agg_min_u64(i64 n, const i64* group, const u8* isNull, const u64* v, u64* out) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0 && !isNull[i]) atomicMin(&out[g], v[i]); }
        }
        extern "C" __global__ void cudf_agg_max_u64(i64 n, const i64* group, const u8* isNull, const u64* v, u64* out) {
            CUDF_LOOP(i, n) { const i64 g = group[i]; if (g >= 0 && !isNull[i]) atomicMax(&out[g], v[i]); }
        }
        // Doubles through compare-and-swap on their bits (NaN never reaches here: it is null).
        extern "C" __global__ void cudf_agg_min_f64(i64 n, const i64* group, const u8* isNull, const double* v, double* out) {
            CUDF_LOOP(i, n) {
                const i64 g = group[i];
                if (g < 0 || isNull[i]) continue;
                u64* a = (u64*)&out[g];
                u64 old = *a;
                for (;;) {
                    const double current = __longlong_as_double((i64)old);
                    if (!(v[i] < current)) break;
                    const u64 bits = (u64)__double_as_longlong(v[i]);
                    const u64 seen = atomicCAS(a, old, bits);
                    if (seen == old) break;
                    old = seen;
                }
            }
        }
        extern "C" __global__ void cudf_agg_max_f64(i64 n, const i64* group, const u8* isNull, const double* v, double* out) {
            CUDF_LOOP(i, n) {
                const i64 g = group[i];
                if (g < 0 || isNull[i]) continue;
                u64* a = (u64*)&out[g];
                u64 old = *a;
                for (;;) {
                    const double current = __longlong_as_double((i64)old);
                    if (!(v[i] > current)) break;
                    const u64 bits = (u64)__double_as_longlong(v[i]);
                    const u64 seen = atomicCAS(a, old, bits);
                    if (seen == old) break;
                    old = seen;
                }
            }
        }
        // Squared deviations from each group's mean (sum / count), for var and std.
        extern "C" __global__ void cudf_agg_m2(i64 n, const i64* group, const u8* isNull, const double* v, const double* sum,
                                               const u64* count, double* m2) {
            CUDF_LOOP(i, n) {
                const i64 g = group[i];
                if (g < 0 || isNull[i]) continue;
                const double d = v[i] - sum[g] / (double)count[g];
                atomicAdd(&m2[g], d * d);
            }
        }

        // Outer joins: clear the flag of every build row that matched; right and outer joins: a row
        // number into [left; right] stacked (the right row's when there is no left one).
        extern "C" __global__ void cudf_clear_at(i64 n, u8* flags, const i64* rows) { CUDF_LOOP(i, n) if (rows[i] >= 0) flags[rows[i]] = 0; }
        extern "C" __global__ void cudf_coalesce_index(i64 n, i64* out, const i64* left, const i64* right, i64 leftCount) {
            CUDF_LOOP(i, n) out[i] = left[i] >= 0 ? left[i] : leftCount + right[i];
        }
        // drop_duplicates: keep the row its group chose (first or last row), or rows alone in their group.
        extern "C" __global__ void cudf_keep_chosen(i64 n, u8* out, const i64* group, const i64* chosen) {
            CUDF_LOOP(i, n) out[i] = chosen[group[i]] == i ? 1 : 0;
        }
        extern "C" __global__ void cudf_keep_single(i64 n, u8* out, const i64* group, const u64* size) {
            CUDF_LOOP(i, n) out[i] = size[group[i]] == 1ULL ? 1 : 0;
        }
        // Partial variance states merged (Chan et al.): each partial's m2 plus its count times the
        // squared distance of its mean from the combined mean (totalSum / totalCount).
        extern "C" __global__ void cudf_merge_m2(i64 n, const i64* group, const i64* count, const double* sum, const double* m2,
                                                 const double* totalSum, const u64* totalCount, double* out) {
            CUDF_LOOP(i, n) {
                const i64 g = group[i];
                if (g < 0 || count[i] <= 0) continue;
                const double d = sum[i] / (double)count[i] - totalSum[g] / (double)totalCount[g];
                atomicAdd(&out[g], m2[i] + (double)count[i] * d * d);
            }
        }

        """
        for width in widths {
            text += """
            extern "C" __global__ void cudf_take_\(width.bytes)(i64 n, \(width.type)* out, const \(width.type)* in, const i64* idx) {
                CUDF_LOOP(i, n) { const i64 r = idx[i]; out[i] = r >= 0 ? in[r] : (\(width.type))0; }
            }

            """
        }
        for integer in integers {
            text += """
            extern "C" __global__ void cudf_hash_\(integer.name)(i64 n, u64* h, const \(integer.type)* v, const u64* w) {
                CUDF_LOOP(i, n) h[i] = cudf_combine(h[i], cudf_valid(w, i) ? cudf_mix((u64)(i64)v[i]) : CUDF_NULL_HASH);
            }

            """
        }
        return KernelSource(name: "tessera_cudf_frame", text: text, kernels: kernelNames, options: ["--fmad=false", "-default-device"])
    }()
}
