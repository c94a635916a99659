import Foundation
import Testing
import Tessera
import TesseraTestSupport

/// Every case of Fixtures/numpy-operations.json, computed by Tessera from inputs cut three ways
/// (whole, uneven blocks, one element per block): results equal NumPy's, and chunking changes
/// nothing beyond floating-point reassociation.
@Suite("ChunkedArray operations against NumPy")
struct ChunkedArrayFixtureTests {
    /// The Tessera call for a fixture case, by name.
    static func compute(_ name: String, _ e: FixtureInputs) throws -> ChunkedArray? {
        if let family = try family(name, e) { return family }
        guard let make = cases[name] else { return nil }
        return try make(e)
    }

    typealias Make = @Sendable (FixtureInputs) throws -> ChunkedArray

    static let dtypes: [DType] = [.bool, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64]

    /// Cases named by a pattern: reductions over axis sets, promotion of dtype pairs.
    static func family(_ name: String, _ e: FixtureInputs) throws -> ChunkedArray? {
        let parts = name.split(separator: "_").map(String.init)
        func axes(_ tag: String) -> [Int]? { tag == "all" ? nil : tag.split(separator: "_").compactMap { Int($0) } }
        func axis(_ tag: String) -> Int? { tag == "all" ? nil : Int(tag) }
        if parts[0] == "red", parts.count >= 3, ["sum", "mean", "std", "var1", "min", "max", "prod", "any", "all", "argmin", "argmax"].contains(parts[1]) || parts[1] == "sum" {
            let keep = parts[2] == "keep"
            let tag = parts.dropFirst(keep ? 3 : 2).joined(separator: "_")
            let b3 = try e.b3
            let rounded = try (b3 * 7).round()
            switch parts[1] {
            case "sum": return try b3.reduce(.sum, axes: axes(tag), keepdims: keep)
            case "mean": return try b3.reduce(.mean, axes: axes(tag))
            case "std": return try b3.reduce(.std, axes: axes(tag))
            case "var1": return try b3.reduce(.variance, axes: axes(tag), ddof: 1)
            case "min": return try b3.reduce(.min, axes: axes(tag))
            case "max": return try b3.reduce(.max, axes: axes(tag))
            case "prod": return try (b3 / 8 + 0.5).reduce(.prod, axes: axes(tag))
            case "any": return try (rounded % 11 .== 0).reduce(.any, axes: axes(tag))
            case "all": return try (rounded % 11 .!= 0).reduce(.all, axes: axes(tag))
            case "argmin": return try (b3 * 3).sin().argmin(axis: axis(tag))
            case "argmax": return try (b3 * 3).sin().argmax(axis: axis(tag))
            default: return nil
            }
        }
        if (parts[0] == "nan" || parts[0] == "int"), parts.count == 3, parts[2] == "all" || Int(parts[2]) != nil {
            let a = axis(parts[2])
            let xn = try e.xn, i = try e.i
            switch (parts[0], parts[1]) {
            case ("nan", "sum"): return try xn.nansum(axis: a)
            case ("nan", "prod"): return try (xn / 10 + 1.5).nanprod(axis: a)
            case ("nan", "mean"): return try xn.nanmean(axis: a)
            case ("nan", "min"): return try xn.nanmin(axis: a)
            case ("nan", "max"): return try xn.nanmax(axis: a)
            case ("nan", "std"): return try xn.nanstd(axis: a)
            case ("nan", "var1"): return try xn.nanvar(axis: a, ddof: 1)
            case ("nan", "count"): return try xn.countNonNaN(axis: a)
            case ("nan", "argmin"): return try xn.argmin(axis: a)
            case ("nan", "argmax"): return try xn.argmax(axis: a)
            case ("int", "sum"): return try i.sum(axis: a)
            case ("int", "prod"): return try (i % 5 + 1).prod(axis: a)
            case ("int", "min"): return try i.min(axis: a)
            case ("int", "max"): return try i.max(axis: a)
            case ("int", "mean"): return try i.mean(axis: a)
            case ("int", "std"): return try i.std(axis: a)
            case ("int", "argmax"): return try (i % 7).argmax(axis: a)
            default: return nil
            }
        }
        if parts.count == 4, parts[0] == "nan", parts[1] == "plain", parts[2] == "sum" {
            return try e.xn.sum(axis: axis(parts[3]))
        }
        if parts[0] == "promote", parts.count == 4, let da = DType(numpyName: parts[2]), let db = DType(numpyName: parts[3]) {
            let base = try e.chunked(NDArray((0..<6).map { Int64($0 % 3) }, shape: [6]))
            let other = try e.chunked(NDArray((0..<6).map { Int64(($0 + 1) % 4) }, shape: [6]))
            let a = try base.astype(da), b = try other.astype(db)
            switch parts[1] {
            case "add": return try a + b
            case "mul": return try a * b
            case "div": return try a / b
            case "lt": return try a .< b
            default: return nil
            }
        }
        if parts[0] == "scalar", parts.count == 3, let d = DType(numpyName: parts[2]) {
            let a = try e.chunked(NDArray((0..<6).map { Int64($0 % 3) }, shape: [6])).astype(d)
            switch parts[1] {
            case "int": return try a + 1
            case "float": return try a + 1.5
            case "bool": return try a.combinedForTests(withBool: true)
            default: return nil
            }
        }
        return nil
    }

    static let cases: [String: Make] = [
        // Broadcasting.
        "bcast_x_plus_v": { e in try e.x + e.v },
        "bcast_x_times_c": { e in try e.x * e.c },
        "bcast_c_plus_v": { e in try e.c + e.v },
        "bcast_b3_minus_mean1": { e in try e.b3 - e.b3.mean(axis: 1, keepdims: true) },
        "bcast_x_where_row": { e in try ChunkedArray.where(e.x .> 10, e.x, e.v) },
        "bcast_scalar_array": { e in try e.chunked(NDArray(scalar: 2.0)) * e.x },
        // Elementwise functions.
        "ew_abs": { e in try e.xn.abs() },
        "ew_sign": { e in try e.xn.sign() },
        "ew_sqrt": { e in try e.x.sqrt() },
        "ew_exp": { e in try (e.xn / 10).exp() },
        "ew_log": { e in try (e.x + 1).log() },
        "ew_log1p": { e in try (e.x / 10).log1p() },
        "ew_sin": { e in try e.xn.sin() },
        "ew_cos": { e in try e.xn.cos() },
        "ew_tanh": { e in try (e.xn / 5).tanh() },
        "ew_floor": { e in try e.w.floor() },
        "ew_ceil": { e in try e.w.ceil() },
        "ew_round": { e in try (e.w * 2).round() / 2 },
        "ew_rint_halves": { e in try ChunkedArray.arange(start: -3.0, stop: 3.5, step: 0.5, chunks: [5]).round() },
        "ew_isnan": { e in try e.xn.isnan() },
        "ew_isfinite": { e in try (e.xn / (e.x - 5)).isfinite() },
        "ew_isinf": { e in try (e.xn / (e.x - 5)).isinf() },
        "ew_power_half": { e in try e.x.power(0.5) },
        "ew_power_arrays": { e in try (e.x / 10).power(e.s[0..<4, 0..<6] / 4) },
        "ew_int_power": { e in try e.i.power(2) },
        "ew_int_floordiv": { e in try e.i.floorDivide(4) },
        "ew_int_mod": { e in try e.i % 4 },
        "ew_int_floordiv_neg": { e in try e.i.floorDivide(-3) },
        "ew_int_mod_neg": { e in try e.i % -3 },
        "ew_float_floordiv": { e in try e.w.floorDivide(0.75) },
        "ew_float_mod": { e in try e.w % 0.75 },
        "ew_gt": { e in try e.x .> 10 },
        "ew_le_nan": { e in try e.xn .<= 5 },
        "ew_ne_row": { e in try e.x .!= e.v },
        "ew_and": { e in try (e.x .> 5) & (e.x .< 15) },
        "ew_or": { e in try (e.x .< 5) | (e.x .> 15) },
        "ew_xor": { e in try (e.x .> 5) ^ (e.x .> 15) },
        "ew_not": { e in try ~(e.x .> 5) },
        "ew_where_scalar": { e in try ChunkedArray.where(e.xn .> 0, e.xn, -1.0) },
        "ew_clip": { e in try e.xn.clip(min: 0, max: 10) },
        "ew_clip_int": { e in try e.i.clip(min: -3, max: 3) },
        "ew_minimum_nan": { e in try e.xn.minimum(5) },
        "ew_maximum_nan": { e in try e.xn.maximum(5) },
        "ew_fmax_nan": { e in try e.xn.fmax(e.chunked(NDArray([Double](repeating: 5, count: 24), shape: [4, 6]))) },
        "ew_astype_int8": { e in try (e.i * 20).astype(.int8) },
        "ew_astype_uint8": { e in try (e.x * 13).astype(.uint8) },
        "ew_astype_int32_trunc": { e in try (e.w * 3).astype(.int32) },
        "ew_astype_bool": { e in try e.w.astype(.bool) },
        "ew_astype_float32": { e in try (e.x / 3).astype(.float32) },
        "ew_float32_chain": { e in try ((e.x / 3).astype(.float32) + 1.5) * 0.1 },
        "ew_int32_plus_int": { e in try e.i.astype(.int32) + 1 },
        "ew_int8_times_float": { e in try e.i.astype(.int8) * 1.5 },
        "ew_uint8_plus_true": { e in try (e.x % 7).astype(.uint8).combinedForTests(withBool: true, add: true) },
        "ew_bool_plus_bool": { e in try (e.x .> 5) + (e.x .> 10) },
        "ew_bool_times_int": { e in try (e.x .> 5) * 3 },
        "transpose_add": { e in try e.s + e.s.transposed() },
        "transpose_chain_sum0": { e in try (e.s.transposed() * 2 + e.s).sum(axis: 0) },
        "transpose_slice": { e in try e.s.transposed()[1..<4] },
        "transpose3": { e in try e.b3.transposed([2, 0, 1]) + 1 },
        // Reductions that are not in a family.
        "nan_allnan_min": { e in try ChunkedArray.where(e.x .> -1, Double.nan, 0)[0..<4, 0..<2].nanmin(axis: 0) },
        "nan_allnan_mean": { e in try ChunkedArray.where(e.x .> -1, Double.nan, 0)[0..<4, 0..<2].nanmean(axis: 0) },
        "red_bool_sum": { e in try (e.x .> 7).sum() },
        "red_uint8_sum": { e in try (e.x % 200).astype(.uint8).sum(axis: 0) },
        "red_float32_mean": { e in try (e.x / 3).astype(.float32).mean(axis: 1) },
        "red_float32_sum": { e in try (e.x / 3).astype(.float32).sum() },
        "red_int32_max": { e in try e.i.astype(.int32).max(axis: 1) },
        "red_var_ddof_big": { e in try e.x[0..<1].var(axis: 1, ddof: 6) },
        // Cumulative.
        "cum_sum_0": { e in try e.x.cumsum(axis: 0) },
        "cum_sum_1": { e in try e.x.cumsum(axis: 1) },
        "cum_sum_all": { e in try e.x.cumsum() },
        "cum_sum_b3_1": { e in try e.b3.cumsum(axis: 1) },
        "cum_prod_int_1": { e in try (e.i % 3 + 1).cumprod(axis: 1) },
        "cum_prod_0": { e in try (e.x / 20 + 0.5).cumprod(axis: 0) },
        "cum_nansum_1": { e in try e.xn.nancumsum(axis: 1) },
        "cum_int8_sum": { e in try e.i.astype(.int8).cumsum(axis: 0) },
        "cum_bool_sum": { e in try (e.x .> 10).cumsum(axis: 1) },
        // Ordering and percentiles.
        "sort_1": { e in try e.xn.rechunk(.uniform([-1, -1])).sorted(axis: 1) },
        "sort_0": { e in try e.w.rechunk(.uniform([-1, 1])).sorted(axis: 0) },
        "sort_int": { e in try (e.i % 7 - 3).rechunk(.uniform([1, -1])).sorted(axis: 1) },
        "pct_all": { e in try e.w.percentile([0, 10, 25, 50, 90, 100]) },
        "pct_0": { e in try e.w.percentile([25, 75], axis: 0) },
        "pct_1": { e in try e.w.percentile([50, 33.3], axis: 1) },
        "pct_int": { e in try e.i.percentile([0, 37.5, 100]) },
        "pct_nan": { e in try e.xn.percentile([50], axis: 1) },
        "quantile_1": { e in try e.w.quantile([0.1, 0.9], axis: 1) },
        "unique_int": { e in try e.chunked(e.i % 7 |> { try $0.unique() }) },
        "unique_float": { e in try e.chunked(e.w.round() |> { try $0.unique() }) },
        "unique_nan": { e in try e.chunked(ChunkedArray.where(e.x % 5 .== 0, Double.nan, 0) + (e.x % 3) |> { try $0.unique() }) },
        // Shape.
        "reshape_6_4": { e in try e.x.reshaped([6, 4]) },
        "reshape_2_3_4": { e in try e.x.reshaped(2, 3, 4) },
        "reshape_24": { e in try e.x.reshaped([24]) },
        "reshape_m1_8": { e in try e.x.reshaped([-1, 8]) },
        "reshape_b3_12_5": { e in try e.b3.reshaped([12, 5]) },
        "reshape_b3_3_20": { e in try e.b3.reshaped([3, 20]) },
        "reshape_b3_60": { e in try e.b3.flattened() },
        "reshape_b3_1_60_1": { e in try e.b3.reshaped([1, 60, 1]) },
        "reshape_arange": { e in try ChunkedArray.arange(start: 0.0, stop: 60.0, step: 1.0, chunks: [7]).reshaped([5, 12]) },
        "squeeze": { e in try e.b3[0..<3, 0..<1].squeezed(axes: [1]) },
        "expand_0": { e in try e.x.expandDims(axis: 0) },
        "expand_m1": { e in try e.x.expandDims(axis: -1) },
        "stack_0": { e in try ChunkedArray.stack([e.x, e.x * 2], axis: 0) },
        "stack_1": { e in try ChunkedArray.stack([e.x, e.x * 2], axis: 1) },
        "stack_2": { e in try ChunkedArray.stack([e.x, e.x * 2], axis: 2) },
        "idx_int": { e in try e.x[1] },
        "idx_neg": { e in try e.x[-1] },
        "idx_col": { e in try e.x[ArrayIndex.all, 2] },
        "idx_range_step": { e in try e.x[1..<3, ArrayIndex.slice(step: 2)] },
        "idx_reverse": { e in try e.x[ArrayIndex.slice(step: -1)] },
        "idx_reverse_step": { e in try e.x[ArrayIndex.slice(step: -2), ArrayIndex.slice(1, step: 3)] },
        "idx_ellipsis": { e in try e.b3[ArrayIndex.ellipsis, 1] },
        "idx_newaxis": { e in try e.x[ArrayIndex.all, ArrayIndex.newAxis, ArrayIndex.all] },
        "idx_mixed3": { e in try e.b3[1, ArrayIndex.ellipsis, 2..<4] },
        "idx_newaxis_int": { e in try e.b3[ArrayIndex.all, ArrayIndex.newAxis, 1] },
        "idx_tail": { e in try e.x[(-3)...] },
        "idx_head": { e in try e.x[..<2] },
        "idx_fancy_rows": { e in try e.x[[3, 0, 2, 0]] },
        "idx_fancy_cols": { e in try e.x[ArrayIndex.all, [5, 1, 1]] },
        "idx_fancy_sorted": { e in try e.x[[0, 1, 3]] },
        "idx_mask_rows": { e in try e.x[[true, false, true, true]] },
        "idx_mask_cols": { e in try e.x[ArrayIndex.all, [false, true, true, false, false, true]] },
        "idx_boolean_full": { e in try e.x.compress(where: (e.x % 3 .== 0).toHost()) },
        "idx_empty": { e in try e.x[2..<2] },
        "take_1": { e in try e.x.take([4, -1, 0], axis: 1) },
        // Linear algebra.
        "la_matmul": { e in try e.x.matmul(e.x.transposed()) },
        "la_matmul_T_left": { e in try e.x.transposed().matmul(e.x) },
        "la_matmul_vec": { e in try e.x.matmul(e.v) },
        "la_matmul_vec_left": { e in try e.c.flattened().matmul(e.x) },
        "la_matmul_batched": { e in try e.b3.matmul(e.b3.transposed([0, 2, 1])) },
        "la_matmul_batch_2d": { e in try e.b3.matmul(e.b3[0].transposed()) },
        "la_matmul_int": { e in try e.i.matmul(e.i.transposed() % 3) },
        "la_matmul_bool": { e in try (e.x .> 10).matmul(e.x.transposed() .> 5) },
        "la_matmul_f32": { e in try (e.x / 3).astype(.float32).matmul((e.x.transposed() / 5).astype(.float32)) },
        "la_dot_vec": { e in try e.v.dot(e.v) },
        "la_dot_2d": { e in try e.x.dot(e.s) },
        "la_tensordot_01": { e in try e.x.tensordot(e.x, axes: ([0], [0])) },
        "la_tensordot_b3": { e in try e.b3.tensordot(e.b3, axes: ([1, 2], [1, 2])) },
        "la_tensordot_int2": { e in try e.b3.tensordot(e.b3.transposed([1, 2, 0]), axes: 2) },
        "es_matmul": { e in try ChunkedArray.einsum("ij,jk->ik", e.x, e.s) },
        "es_transpose": { e in try ChunkedArray.einsum("ij->ji", e.x) },
        "es_diag": { e in try ChunkedArray.einsum("ii->i", e.s) },
        "es_trace": { e in try ChunkedArray.einsum("ii", e.s) },
        "es_sum": { e in try ChunkedArray.einsum("ij->", e.x) },
        "es_rowsum": { e in try ChunkedArray.einsum("ij->i", e.x) },
        "es_hadamard": { e in try ChunkedArray.einsum("ij,ij->ij", e.x, e.x) },
        "es_inner": { e in try ChunkedArray.einsum("ij,ij->", e.x, e.x) },
        "es_outer": { e in try ChunkedArray.einsum("i,j->ij", e.v, e.c.flattened()) },
        "es_batched": { e in try ChunkedArray.einsum("bij,bjk->bik", e.b3, e.b3.transposed([0, 2, 1])) },
        "es_perm3": { e in try ChunkedArray.einsum("ijk->kji", e.b3) },
        "es_matvec": { e in try ChunkedArray.einsum("ij,j->i", e.x, e.v) },
        "es_implicit": { e in try ChunkedArray.einsum("ij,jk", e.x, e.s) },
        "es_three": { e in try ChunkedArray.einsum("ij,jk,kl->il", e.x, e.s, e.s) },
    ]

    @Test("Every fixture case equals NumPy's, whatever the chunking", arguments: FixtureInputs.Plan.allCases)
    func fixtures(_ plan: FixtureInputs.Plan) throws {
        // Uneven blocks run matrix products on Tessera's own kernel even where a BLAS is installed.
        try Config.set(["array.blas": plan == .uneven ? "swift" : "auto"]) { try check(plan) }
    }

    private func check(_ plan: FixtureInputs.Plan) throws {
        let inputs = FixtureInputs(plan: plan)
        #expect(OperationFixtures.all.count > 700, "fixtures missing")
        var failures: [String] = []
        for fixture in OperationFixtures.all {
            do {
                guard let array = try Self.compute(fixture.name, inputs) else {
                    failures.append("\(fixture.name): no Tessera call for this case")
                    continue
                }
                if array.shape != fixture.shape {
                    failures.append("\(fixture.name): shape \(array.shape), NumPy \(fixture.shape)")
                    continue
                }
                if array.dtype != OperationFixtures.expectedDType(fixture.dtype) {
                    failures.append("\(fixture.name): dtype \(array.dtype), NumPy \(fixture.dtype)")
                }
                let host = try array.toHost()
                if host.dtype != array.dtype || host.shape != array.shape {
                    failures.append("\(fixture.name): computed \(host.dtype) \(host.shape), declared \(array.dtype) \(array.shape)")
                }
                let got = host.toArray(Double.self)
                let tolerance = array.dtype == .float32 || fixture.dtype == "float16" ? 2e-6 : 1e-10
                if !allClose(got, fixture.values, rtol: tolerance, atol: tolerance) {
                    failures.append("\(fixture.name): \(got.prefix(8)) vs NumPy \(fixture.values.prefix(8))")
                }
            } catch {
                failures.append("\(fixture.name): threw \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) cases differ:\n\(failures.joined(separator: "\n"))")
    }
}

infix operator |>: AdditionPrecedence

/// Applies `f` to a chunked array's result (a test helper for operations that compute).
func |> (array: ChunkedArray, f: (ChunkedArray) throws -> NDArray) throws -> NDArray { try f(array) }

extension ChunkedArray {
    /// `self * true` or `self + true` (a Python bool scalar), which Swift has no literal operator for.
    func combinedForTests(withBool value: Bool, add: Bool = false) throws -> ChunkedArray {
        let scalar = try ChunkedArray.fromArray(NDArray(scalar: value), chunks: .uniform([]))
        // A 0-d boolean array is a weak scalar for NumPy too when combined with an array.
        return add ? try self + scalar.astype(dtype == .bool ? .bool : dtype)
                   : try self * scalar.astype(dtype == .bool ? .bool : dtype)
    }
}
