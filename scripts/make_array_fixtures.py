"""Writes NumPy's answers for Tessera's array tests, so the tests themselves need no Python:

* Tests/TesseraTests/Fixtures/numpy-arrays.json       creation functions and the first operations
* Tests/TesseraTests/Fixtures/numpy-operations.json   the operation set: dtypes and promotion, broadcasting,
                                                      elementwise functions, reductions, shape, linear algebra
* Tests/TesseraTests/Fixtures/npy/*.npy               files written by np.save, for the .npy reader

Run from the repository root: python3 scripts/make_array_fixtures.py (needs numpy).
Each case names the Tessera call it checks (the Swift tests rebuild the same inputs and run the
call of the same name); values are flattened in row-major order, non-finite floats as strings.
"""
import json
import pathlib
import warnings

import numpy as np

warnings.simplefilter("ignore")
FIXTURES = pathlib.Path("Tests/TesseraTests/Fixtures")


def encode(v, kind):
    if kind == "f":
        v = float(v)
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    if kind == "b":
        return int(bool(v))
    return int(v)


def case(name, array):
    array = np.asarray(array)
    return {"name": name, "shape": list(array.shape), "dtype": str(array.dtype),
            "values": [encode(v, array.dtype.kind) for v in array.ravel()]}


# ---------------------------------------------------------------- numpy-arrays.json (kept as it was)
cases = [
    case("ones_3x4_float64", np.ones((3, 4))),
    case("zeros_5_int64", np.zeros(5, dtype=np.int64)),
    case("full_3x4_7.5", np.full((3, 4), 7.5)),
    case("arange_0_10_1", np.arange(0, 10, 1)),
    case("arange_10_0_-3", np.arange(10, 0, -3)),
    case("arange_0.5_3.0_0.25", np.arange(0.5, 3.0, 0.25)),
    case("arange_0_1_0.1", np.arange(0.0, 1.0, 0.1)),
    case("arange_5_5_1", np.arange(5, 5, 1)),
]
x = np.arange(24, dtype=np.float64).reshape(4, 6)
cases += [
    case("x_plus1_times_x_minus_x_div2", (x + 1) * x - x / 2),
    case("x_sum", x.sum()),
    case("x_sum_axis0", x.sum(axis=0)),
    case("x_sum_axis1", x.sum(axis=1)),
    case("x_mean_axis0", x.mean(axis=0)),
    case("x_std", x.std()),
    case("x_var_ddof1_axis1", x.var(axis=1, ddof=1)),
    case("x_min_axis1", x.min(axis=1)),
    case("x_max", x.max()),
    case("x_prod_axis0", x[:, :3].prod(axis=0)),
    case("x_T", x.T),
    case("x_slice_1_3_2_5", x[1:3, 2:5]),
    case("x_matmul_xT", x @ x.T),
    case("concat_x_x_axis0", np.concatenate([x, x], axis=0)),
    case("concat_x_x_axis1", np.concatenate([x, x], axis=1)),
    case("int32_x_plus_1", (np.arange(6, dtype=np.int32) + 1)),
    case("int_sum", np.arange(1, 101).sum()),
]
(FIXTURES / "numpy-arrays.json").write_text(json.dumps({"numpy": np.__version__, "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to numpy-arrays.json")

# ---------------------------------------------------------------- numpy-operations.json
# The inputs; Tests/TesseraTests/OperationFixtureInputs.swift builds the same arrays.
x = np.arange(24, dtype=np.float64).reshape(4, 6)
xn = x - 10.0
xn[1, 3] = np.nan
xn[2, 0] = np.nan
b3 = np.arange(60, dtype=np.float64).reshape(3, 4, 5) / 7.0
i = np.arange(24, dtype=np.int64).reshape(4, 6) - 11
s = np.arange(36, dtype=np.float64).reshape(6, 6) / 3.0
v = np.arange(6, dtype=np.float64)
c = np.arange(4, dtype=np.float64).reshape(4, 1)
w = (np.arange(24, dtype=np.float64).reshape(4, 6) * 7.3) % 5.0 - 2.0   # unsorted values, some repeats

ops = {}


def add(name, value):
    ops[name] = value


# Broadcasting.
add("bcast_x_plus_v", x + v)
add("bcast_x_times_c", x * c)
add("bcast_c_plus_v", c + v)
add("bcast_b3_minus_mean1", b3 - b3.mean(axis=1, keepdims=True))
add("bcast_x_where_row", np.where(x > 10, x, v))
add("bcast_scalar_array", np.array(2.0) * x)

# Elementwise functions.
add("ew_abs", np.abs(xn))
add("ew_sign", np.sign(xn))
add("ew_sqrt", np.sqrt(x))
add("ew_exp", np.exp(xn / 10))
add("ew_log", np.log(x + 1))
add("ew_log1p", np.log1p(x / 10))
add("ew_sin", np.sin(xn))
add("ew_cos", np.cos(xn))
add("ew_tanh", np.tanh(xn / 5))
add("ew_floor", np.floor(w))
add("ew_ceil", np.ceil(w))
add("ew_round", np.round(w * 2) / 2)
add("ew_rint_halves", np.rint(np.arange(-3, 3.5, 0.5)))
add("ew_isnan", np.isnan(xn))
add("ew_isfinite", np.isfinite(xn / (x - 5)))
add("ew_isinf", np.isinf(xn / (x - 5)))
add("ew_power_half", x ** 0.5)
add("ew_power_arrays", (x / 10) ** (s[:4, :6] / 4))
add("ew_int_power", i ** 2)
add("ew_int_floordiv", i // 4)
add("ew_int_mod", i % 4)
add("ew_int_floordiv_neg", i // -3)
add("ew_int_mod_neg", i % -3)
add("ew_float_floordiv", w // 0.75)
add("ew_float_mod", w % 0.75)
add("ew_gt", x > 10)
add("ew_le_nan", xn <= 5)
add("ew_ne_row", x != v)
add("ew_and", (x > 5) & (x < 15))
add("ew_or", (x < 5) | (x > 15))
add("ew_xor", (x > 5) ^ (x > 15))
add("ew_not", ~(x > 5))
add("ew_where_scalar", np.where(xn > 0, xn, -1.0))
add("ew_clip", np.clip(xn, 0, 10))
add("ew_clip_int", np.clip(i, -3, 3))
add("ew_minimum_nan", np.minimum(xn, 5))
add("ew_maximum_nan", np.maximum(xn, 5))
add("ew_fmax_nan", np.fmax(xn, np.full_like(xn, 5)))
add("ew_astype_int8", (i * 20).astype(np.int8))
add("ew_astype_uint8", (x * 13).astype(np.uint8))
add("ew_astype_int32_trunc", (w * 3).astype(np.int32))
add("ew_astype_bool", w.astype(bool))
add("ew_astype_float32", (x / 3).astype(np.float32))
add("ew_float32_chain", ((x / 3).astype(np.float32) + np.float32(1.5)) * np.float32(0.1))
add("ew_int32_plus_int", (i.astype(np.int32) + 1))
add("ew_int8_times_float", (i.astype(np.int8) * 1.5))
add("ew_uint8_plus_true", ((x % 7).astype(np.uint8) + True))
add("ew_bool_plus_bool", (x > 5) + (x > 10))
add("ew_bool_times_int", (x > 5) * 3)
add("transpose_add", s + s.T)
add("transpose_chain_sum0", (s.T * 2 + s).sum(axis=0))
add("transpose_slice", s.T[1:4])
add("transpose3", np.transpose(b3, (2, 0, 1)) + 1)

# Reductions.
for axes in [None, 0, 1, 2, (0, 1), (0, 2), (1, 2)]:
    tag = "all" if axes is None else "_".join(map(str, np.atleast_1d(axes)))
    add(f"red_sum_{tag}", b3.sum(axis=axes))
    add(f"red_sum_keep_{tag}", b3.sum(axis=axes, keepdims=True))
    add(f"red_mean_{tag}", b3.mean(axis=axes))
    add(f"red_std_{tag}", b3.std(axis=axes))
    add(f"red_var1_{tag}", b3.var(axis=axes, ddof=1))
    add(f"red_min_{tag}", b3.min(axis=axes))
    add(f"red_max_{tag}", b3.max(axis=axes))
    add(f"red_prod_{tag}", (b3 / 8 + 0.5).prod(axis=axes))
    add(f"red_any_{tag}", (np.round(b3 * 7) % 11 == 0).any(axis=axes))
    add(f"red_all_{tag}", (np.round(b3 * 7) % 11 != 0).all(axis=axes))
for axis in [None, 0, 1, 2]:
    tag = "all" if axis is None else str(axis)
    add(f"red_argmin_{tag}", np.argmin(np.sin(b3 * 3), axis=axis))
    add(f"red_argmax_{tag}", np.argmax(np.sin(b3 * 3), axis=axis))
for axis in [None, 0, 1]:
    tag = "all" if axis is None else str(axis)
    add(f"nan_sum_{tag}", np.nansum(xn, axis=axis))
    add(f"nan_prod_{tag}", np.nanprod(xn / 10 + 1.5, axis=axis))
    add(f"nan_mean_{tag}", np.nanmean(xn, axis=axis))
    add(f"nan_min_{tag}", np.nanmin(xn, axis=axis))
    add(f"nan_max_{tag}", np.nanmax(xn, axis=axis))
    add(f"nan_std_{tag}", np.nanstd(xn, axis=axis))
    add(f"nan_var1_{tag}", np.nanvar(xn, axis=axis, ddof=1))
    add(f"nan_count_{tag}", np.count_nonzero(~np.isnan(xn), axis=axis))
    add(f"nan_plain_sum_{tag}", np.sum(xn, axis=axis))
    add(f"nan_argmin_{tag}", np.argmin(xn, axis=axis))
    add(f"nan_argmax_{tag}", np.argmax(xn, axis=axis))
    add(f"int_sum_{tag}", i.sum(axis=axis))
    add(f"int_prod_{tag}", (i % 5 + 1).prod(axis=axis))
    add(f"int_min_{tag}", i.min(axis=axis))
    add(f"int_max_{tag}", i.max(axis=axis))
    add(f"int_mean_{tag}", i.mean(axis=axis))
    add(f"int_std_{tag}", i.std(axis=axis))
    add(f"int_argmax_{tag}", np.argmax(i % 7, axis=axis))
add("nan_allnan_min", np.nanmin(np.where(x > -1, np.nan, 0.0)[:, :2], axis=0))
add("nan_allnan_mean", np.nanmean(np.where(x > -1, np.nan, 0.0)[:, :2], axis=0))
add("red_bool_sum", (x > 7).sum())
add("red_uint8_sum", (x % 200).astype(np.uint8).sum(axis=0))
add("red_float32_mean", (x / 3).astype(np.float32).mean(axis=1))
add("red_float32_sum", (x / 3).astype(np.float32).sum())
add("red_int32_max", i.astype(np.int32).max(axis=1))
add("red_var_ddof_big", x[:1].var(axis=1, ddof=6))

# Cumulative.
add("cum_sum_0", x.cumsum(axis=0))
add("cum_sum_1", x.cumsum(axis=1))
add("cum_sum_all", x.cumsum())
add("cum_sum_b3_1", b3.cumsum(axis=1))
add("cum_prod_int_1", (i % 3 + 1).cumprod(axis=1))
add("cum_prod_0", (x / 20 + 0.5).cumprod(axis=0))
add("cum_nansum_1", np.nancumsum(xn, axis=1))
add("cum_int8_sum", i.astype(np.int8).cumsum(axis=0))
add("cum_bool_sum", (x > 10).cumsum(axis=1))

# Ordering, percentiles, unique.
add("sort_1", np.sort(xn, axis=1))
add("sort_0", np.sort(w, axis=0))
add("sort_int", np.sort(i % 7 - 3, axis=1))
add("pct_all", np.percentile(w, [0, 10, 25, 50, 90, 100]))
add("pct_0", np.percentile(w, [25, 75], axis=0))
add("pct_1", np.percentile(w, [50, 33.3], axis=1))
add("pct_int", np.percentile(i, [0, 37.5, 100]))
add("pct_nan", np.percentile(xn, [50], axis=1))
add("quantile_1", np.quantile(w, [0.1, 0.9], axis=1))
add("unique_int", np.unique(i % 7))
add("unique_float", np.unique(np.round(w)))
add("unique_nan", np.unique(np.where(x % 5 == 0, np.nan, x % 3)))

# Shape.
add("reshape_6_4", x.reshape(6, 4))
add("reshape_2_3_4", x.reshape(2, 3, 4))
add("reshape_24", x.reshape(24))
add("reshape_m1_8", x.reshape(-1, 8))
add("reshape_b3_12_5", b3.reshape(12, 5))
add("reshape_b3_3_20", b3.reshape(3, 20))
add("reshape_b3_60", b3.reshape(60))
add("reshape_b3_1_60_1", b3.reshape(1, 60, 1))
add("reshape_arange", np.arange(60.0).reshape(5, 12))
add("squeeze", b3[:, :1, :].squeeze(axis=1))
add("expand_0", np.expand_dims(x, 0))
add("expand_m1", np.expand_dims(x, -1))
add("stack_0", np.stack([x, x * 2], axis=0))
add("stack_1", np.stack([x, x * 2], axis=1))
add("stack_2", np.stack([x, x * 2], axis=2))
add("idx_int", x[1])
add("idx_neg", x[-1])
add("idx_col", x[:, 2])
add("idx_range_step", x[1:3, ::2])
add("idx_reverse", x[::-1])
add("idx_reverse_step", x[::-2, 1::3])
add("idx_ellipsis", b3[..., 1])
add("idx_newaxis", x[:, None, :])
add("idx_mixed3", b3[1, ..., 2:4])
add("idx_newaxis_int", b3[:, None, 1])
add("idx_tail", x[-3:])
add("idx_head", x[:2])
add("idx_fancy_rows", x[[3, 0, 2, 0]])
add("idx_fancy_cols", x[:, [5, 1, 1]])
add("idx_fancy_sorted", x[[0, 1, 3]])
add("idx_mask_rows", x[[True, False, True, True]])
add("idx_mask_cols", x[:, [False, True, True, False, False, True]])
add("idx_boolean_full", x[x % 3 == 0])
add("idx_empty", x[2:2])
add("take_1", np.take(x, [4, -1, 0], axis=1))

# Linear algebra.
add("la_matmul", x @ x.T)
add("la_matmul_T_left", x.T @ x)
add("la_matmul_vec", x @ v)
add("la_matmul_vec_left", c.ravel() @ x)
add("la_matmul_batched", b3 @ b3.transpose(0, 2, 1))
add("la_matmul_batch_2d", b3 @ b3[0].T)
add("la_matmul_int", i @ (i.T % 3))
add("la_matmul_bool", (x > 10) @ (x.T > 5))
add("la_matmul_f32", (x / 3).astype(np.float32) @ (x.T / 5).astype(np.float32))
add("la_dot_vec", np.dot(v, v))
add("la_dot_2d", np.dot(x, s))
add("la_tensordot_01", np.tensordot(x, x, axes=([0], [0])))
add("la_tensordot_b3", np.tensordot(b3, b3, axes=([1, 2], [1, 2])))
add("la_tensordot_int2", np.tensordot(b3, b3.transpose(1, 2, 0), axes=2))
add("es_matmul", np.einsum("ij,jk->ik", x, s))
add("es_transpose", np.einsum("ij->ji", x))
add("es_diag", np.einsum("ii->i", s))
add("es_trace", np.einsum("ii", s))
add("es_sum", np.einsum("ij->", x))
add("es_rowsum", np.einsum("ij->i", x))
add("es_hadamard", np.einsum("ij,ij->ij", x, x))
add("es_inner", np.einsum("ij,ij->", x, x))
add("es_outer", np.einsum("i,j->ij", v, c.ravel()))
add("es_batched", np.einsum("bij,bjk->bik", b3, b3.transpose(0, 2, 1)))
add("es_perm3", np.einsum("ijk->kji", b3))
add("es_matvec", np.einsum("ij,j->i", x, v))
add("es_implicit", np.einsum("ij,jk", x, s))
add("es_three", np.einsum("ij,jk,kl->il", x, s, s))

# Promotion of every dtype pair, and NEP 50 scalars.
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]
base_a = np.arange(6) % 3
base_b = (np.arange(6) + 1) % 4
for da in DTYPES:
    A = base_a.astype(da)
    for db in DTYPES:
        B = base_b.astype(db)
        add(f"promote_add_{da}_{db}", A + B)
        add(f"promote_mul_{da}_{db}", A * B)
        add(f"promote_div_{da}_{db}", A / B)
        add(f"promote_lt_{da}_{db}", A < B)
    add(f"scalar_int_{da}", A + 1)
    add(f"scalar_float_{da}", A + 1.5)
    add(f"scalar_bool_{da}", A * True)

cases = [case(name, value) for name, value in ops.items()]
(FIXTURES / "numpy-operations.json").write_text(json.dumps({"numpy": np.__version__, "cases": cases}) + "\n")
print(f"wrote {len(cases)} cases to numpy-operations.json")

# ---------------------------------------------------------------- npy files
npy = FIXTURES / "npy"
npy.mkdir(exist_ok=True)
np.save(npy / "f8_2x3.npy", np.arange(6, dtype=np.float64).reshape(2, 3) / 4)
np.save(npy / "f4_5.npy", np.arange(5, dtype=np.float32) - 2.5)
np.save(npy / "i8_3x4x2.npy", np.arange(24, dtype=np.int64).reshape(3, 4, 2) - 7)
np.save(npy / "i1_4.npy", np.array([-128, -1, 0, 127], dtype=np.int8))
np.save(npy / "u2_3.npy", np.array([0, 1, 65535], dtype=np.uint16))
np.save(npy / "u8_2.npy", np.array([0, 2 ** 63 + 5], dtype=np.uint64))
np.save(npy / "b1_2x2.npy", np.array([[True, False], [False, True]]))
np.save(npy / "scalar_f8.npy", np.array(3.25))
np.save(npy / "empty_0x3.npy", np.zeros((0, 3)))
np.save(npy / "fortran_3x4.npy", np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4)))
np.save(npy / "bigendian_i4_3.npy", np.array([1, -2, 300], dtype=">i4"))
np.save(npy / "bigendian_f8_2x2.npy", np.array([[1.5, -2.0], [1e300, 0.0]], dtype=">f8"))
np.save(npy / "chunks_7x5.npy", np.arange(35, dtype=np.float64).reshape(7, 5))
np.save(npy / "object.npy", np.array(["a", 1], dtype=object), allow_pickle=True)
np.save(npy / "complex.npy", np.array([1 + 2j]))
print("wrote .npy fixtures to", npy)
