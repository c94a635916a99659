"""Writes Tests/TesseraTests/Fixtures/numpy-arrays.json: NumPy's answers for Tessera's array tests.

Run from the repository root: python3 scripts/make_array_fixtures.py (needs numpy).
Each case names the Tessera call it checks; values are flattened in row-major order.
"""
import json
import pathlib

import numpy as np


def case(name, array):
    array = np.asarray(array)
    return {"name": name, "shape": list(array.shape), "dtype": str(array.dtype),
            "values": [float(v) if array.dtype.kind == "f" else int(v) for v in array.ravel()]}


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

out = pathlib.Path("Tests/TesseraTests/Fixtures/numpy-arrays.json")
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(json.dumps({"numpy": np.__version__, "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {out}")
