import Backends
import CUDARuntime

/// Generates the hash-table kernels of a groupby or a join for one list of key column kinds: the
/// key comparison of two rows is written out column by column, so a table probe compares exactly
/// the key types it has.
///
/// Keys compare as pandas groups and joins them: a missing value (null, or NaN in a float column)
/// equals another missing value and nothing else; `-0.0` equals `0.0`; strings compare byte for
/// byte. Each key column is passed as its buffers (`values, validity` or `offsets, bytes,
/// validity`), once per side.
package struct KeyKernelGenerator: Sendable, Hashable {
    /// How one key column is stored.
    package enum Kind: Sendable, Hashable {
        /// Fixed-width values of this C type; `isFloat` for `float`/`double` (NaN is missing).
        case fixed(type: String, isFloat: Bool)
        /// `int64` offsets and UTF-8 bytes.
        case strings
    }

    /// The key columns' kinds, in order.
    package let kinds: [Kind]

    /// The generator for these key kinds.
    package init(_ kinds: [Kind]) { self.kinds = kinds }

    /// The kind of a key column of `dtype` (its storage dtype; `nil` for strings).
    package static func kind(storage dtype: DType?) -> Kind {
        guard let dtype else { return .strings }
        let type: String
        switch dtype {
        case .bool, .uint8: type = "u8"
        case .int8: type = "signed char"
        case .int16: type = "short"
        case .uint16: type = "unsigned short"
        case .int32: type = "int"
        case .uint32: type = "unsigned int"
        case .int64: type = "i64"
        case .uint64: type = "u64"
        case .float32: type = "float"
        case .float64: type = "double"
        }
        return .fixed(type: type, isFloat: dtype.isFloatingPoint)
    }

    /// The parameter declarations of one side's key buffers (`prefix` `a` or `b`).
    private func parameters(_ prefix: String) -> [String] {
        kinds.enumerated().flatMap { index, kind -> [String] in
            switch kind {
            case let .fixed(type, _): ["const \(type)* \(prefix)v\(index)", "const u64* \(prefix)w\(index)"]
            case .strings: ["const i64* \(prefix)o\(index)", "const u8* \(prefix)b\(index)", "const u64* \(prefix)w\(index)"]
            }
        }
    }

    /// The argument names of one side's key buffers.
    private func arguments(_ prefix: String) -> String {
        parameters(prefix).map { $0.split(separator: " ").last.map(String.init) ?? "" }.joined(separator: ", ")
    }

    /// `cudf_keys_equal(r, s, a..., b...)`: row `r` of side a has the keys of row `s` of side b.
    private var equality: String {
        var body = ""
        for (index, kind) in kinds.enumerated() {
            switch kind {
            case let .fixed(_, isFloat):
                let missingA = isFloat ? "(!cudf_valid(aw\(index), r) || av\(index)[r] != av\(index)[r])" : "!cudf_valid(aw\(index), r)"
                let missingB = isFloat ? "(!cudf_valid(bw\(index), s) || bv\(index)[s] != bv\(index)[s])" : "!cudf_valid(bw\(index), s)"
                body += """
                    {
                        const bool ma = \(missingA), mb = \(missingB);
                        if (ma != mb) return false;
                        if (!ma && !(av\(index)[r] == bv\(index)[s])) return false;
                    }

                """
            case .strings:
                body += """
                    {
                        const bool ma = !cudf_valid(aw\(index), r), mb = !cudf_valid(bw\(index), s);
                        if (ma != mb) return false;
                        if (!ma && !cudf_bytes_equal(ab\(index) + ao\(index)[r], ao\(index)[r + 1] - ao\(index)[r],
                                                     bb\(index) + bo\(index)[s], bo\(index)[s + 1] - bo\(index)[s])) return false;
                    }

                """
            }
        }
        let declared = (["i64 r", "i64 s"] + parameters("a") + parameters("b")).joined(separator: ", ")
        return "__device__ bool cudf_keys_equal(\(declared)) {\n\(body)    return true;\n}\n"
    }

    /// The kernels' names.
    package static let kernelNames = ["cudf_group_insert", "cudf_join_count", "cudf_join_write"]

    /// The module: group insertion, and a join's probe (count, then write the matching pairs).
    package var source: KernelSource {
        let a = parameters("a").joined(separator: ", "), b = parameters("b").joined(separator: ", ")
        let argsA = arguments("a"), argsB = arguments("b")
        let text = FrameKernels.prelude + equality + """
        // Each row finds the slot of its key (taking a free one for a new key): slotOfRow[i], -1 if skipped.
        extern "C" __global__ void cudf_group_insert(i64 n, const u64* hashes, const u8* skip, u64* table, u64 mask, i64* slotOfRow,
                                                     \(a)) {
            CUDF_LOOP(i, n) {
                if (skip && skip[i]) { slotOfRow[i] = -1; continue; }
                const u64 h = hashes[i];
                u64 s = cudf_slot(h, mask);
                for (;;) {
                    const u64 seen = atomicCAS(&table[s], CUDF_EMPTY, (u64)i);
                    if (seen == CUDF_EMPTY) break;
                    if (hashes[seen] == h && cudf_keys_equal((i64)seen, i, \(argsA), \(argsA))) break;
                    s = (s + 1) & mask;
                }
                slotOfRow[i] = (i64)s;
            }
        }
        // The number of right rows matching each left row (1 for an unmatched row of a left join).
        extern "C" __global__ void cudf_join_count(i64 n, const u64* lh, const u64* rh, const u64* table, u64 mask, i64* counts,
                                                   u8 keepUnmatched, \(a), \(b)) {
            CUDF_LOOP(i, n) {
                i64 c = 0;
                u64 s = cudf_slot(lh[i], mask);
                for (;;) {
                    const u64 r = table[s];
                    if (r == CUDF_EMPTY) break;
                    if (rh[r] == lh[i] && cudf_keys_equal(i, (i64)r, \(argsA), \(argsB))) ++c;
                    s = (s + 1) & mask;
                }
                counts[i] = (c == 0 && keepUnmatched) ? 1 : c;
            }
        }
        // The (left, right) row pairs from each left row's offset, its matches in right row order (-1: no match).
        extern "C" __global__ void cudf_join_write(i64 n, const u64* lh, const u64* rh, const u64* table, u64 mask, const i64* offsets,
                                                   i64* outLeft, i64* outRight, u8 keepUnmatched, \(a), \(b)) {
            CUDF_LOOP(i, n) {
                const i64 o = offsets[i];
                i64 c = 0;
                u64 s = cudf_slot(lh[i], mask);
                for (;;) {
                    const u64 r = table[s];
                    if (r == CUDF_EMPTY) break;
                    if (rh[r] == lh[i] && cudf_keys_equal(i, (i64)r, \(argsA), \(argsB))) {
                        // Insertion keeps the matches sorted by right row.
                        i64 k = c;
                        while (k > 0 && outRight[o + k - 1] > (i64)r) { outRight[o + k] = outRight[o + k - 1]; --k; }
                        outRight[o + k] = (i64)r;
                        outLeft[o + c] = i;
                        ++c;
                    }
                    s = (s + 1) & mask;
                }
                if (c == 0 && keepUnmatched) { outLeft[o] = i; outRight[o] = -1; }
            }
        }

        """
        return KernelSource(name: "tessera_cudf_keys", text: text, kernels: Self.kernelNames, options: ["--fmad=false", "-default-device"])
    }
}
