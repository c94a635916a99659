"""Writes Tests/PandasBackendTests/Fixtures/groupby/*.json: pandas' answers for Tessera's groupby,
value_counts and describe kernels (PandasBackend/Kernels/GroupBy*.swift, DataFrame+Describe.swift).

Run from the repository root: python3 scripts/make_groupby_fixtures.py (needs pandas >= 2 and pyarrow).

Each file holds the input frames (columns with a type name and JSON values, null for a missing
value) and cases: the operation, its arguments, and pandas' result in the same column form.
Timestamps are integer nanoseconds since the epoch, dates integer days, categoricals their
category strings (the column also lists its categories in order).

Where Tessera deliberately differs from pandas the expected answer is adjusted here, and the
adjustment is named:
- value_counts: pandas orders tied counts by first appearance; Tessera by value (ascending,
  nulls last), which does not depend on how rows are split into partitions. Ties are re-sorted.
- Result types are not compared by the fixture tests (Tessera sums narrow integers as int64 where
  pandas keeps the narrow type); the Swift tests check Tessera's type rules separately.
"""
import datetime
import json
import math
import pathlib

import numpy as np
import pandas as pd

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "PandasBackendTests" / "Fixtures" / "groupby"
EPOCH = datetime.date(1970, 1, 1)


def kind_of(dtype):
    name = str(dtype)
    if name.endswith("[pyarrow]") and not name.startswith("date32"):
        name = {"double": "float64", "float": "float32", "halffloat": "float16"}.get(name[:-9], name[:-9])
    if name in ("bool", "boolean"):
        return "bool"
    if name == "category":
        return "category"
    if name.startswith("datetime64[ns") or name.startswith("timestamp[ns"):
        return "timestamp[ns]"
    if name.startswith("date32"):
        return "date"
    if name in ("str", "string", "object") or name.startswith("string"):
        return "string"
    lowered = name.lower()
    if lowered in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"):
        return lowered
    raise ValueError(f"no fixture type for dtype {name}")


def cell(value, kind):
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    if kind == "timestamp[ns]":
        return int(pd.Timestamp(value).value)
    if kind == "date":
        return (value - EPOCH).days
    if kind == "bool":
        return bool(value)
    if kind.startswith("int") or kind.startswith("uint"):
        return int(value)
    if kind.startswith("float"):
        value = float(value)
        return None if math.isnan(value) else value
    return str(value)


def column(name, series):
    kind = kind_of(series.dtype)
    entry = {"name": name, "type": kind, "values": [cell(v, kind) for v in series.tolist()]}
    if kind == "category":
        entry["categories"] = [str(c) for c in series.cat.categories]
        entry["values"] = [None if pd.isna(v) else str(v) for v in series.tolist()]
    return entry


def frame_json(df):
    return {"columns": [column(name, df[name]) for name in df.columns]}


def timestamps(values):
    return pd.Series(pd.to_datetime(values, format="ISO8601")).astype("datetime64[ns]").array


def dates(values):
    return pd.array([None if v is None else datetime.date.fromisoformat(v) for v in values], dtype="date32[pyarrow]")


# A small frame with nulls in every dtype.
mixed = pd.DataFrame({
    "k_int": pd.array([1, 2, None, 1, 2, 3, None, 1, 3, 2, 1, 3], dtype="Int64"),
    "k_str": pd.array(["b", "a", "b", None, "c", "a", "b", "a", None, "c", "b", "a"], dtype="str"),
    "k_cat": pd.Categorical(["y", "x", None, "y", "z", "x", "y", None, "z", "x", "y", "x"], categories=["z", "x", "y", "w"]),
    "k_float": [0.5, -0.0, np.nan, 0.5, 0.0, 2.5, np.nan, -1.5, 2.5, 0.0, 0.5, -1.5],
    "k_bool": pd.array([True, False, None, True, False, True, None, False, True, False, True, True], dtype="boolean"),
    "k_date": dates(["2024-01-02", "2023-12-31", None, "2024-01-02", "2023-12-31", "1969-07-20",
                     "2024-01-02", None, "1969-07-20", "2023-12-31", "2024-01-02", "1969-07-20"]),
    "k_ts": timestamps(["2021-03-04 05:06:07", "2020-01-01", None, "2021-03-04 05:06:07", "2020-01-01",
                            "1960-05-05 12:00:00.000000001", None, "2020-01-01", "1960-05-05 12:00:00.000000001",
                            "2021-03-04 05:06:07", "2020-01-01", "2021-03-04 05:06:07"]),
    "k_u8": np.array([3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2], dtype=np.uint8),
    "v_i64": pd.array([10, None, 30, -40, 50, None, 70, 80, -90, 100, None, 120], dtype="Int64"),
    "v_i32": np.array([1, -2, 3, 4, -5, 6, 7, 8, 9, -10, 11, 12], dtype=np.int32),
    "v_u16": np.array([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 65535], dtype=np.uint16),
    "v_f64": [1.5, np.nan, 2.25, -3.0, np.nan, 4.75, 5.5, np.nan, 0.125, 1e10, -2.5, np.nan],
    "v_f32": np.array([0.5, 1.25, np.nan, 2.0, -1.0, np.nan, 3.5, 0.25, 8.0, np.nan, 1.0, -0.75], dtype=np.float32),
    "v_bool": pd.array([True, None, False, True, True, False, None, True, False, False, True, None], dtype="boolean"),
    "v_str": pd.array(["pear", None, "apple", "fig", "apple", "kiwi", None, "Zebra", "fig", "éclair", "banana", None], dtype="str"),
    "v_ts": timestamps(["2001-01-01", None, "1999-12-31 23:59:59", "2010-10-10", None, "2005-05-05",
                            "2001-01-01", "1970-01-01", "2020-02-29", None, "1969-12-31 23:59:59.5", "2002-02-02"]),
    "v_date": dates(["2001-01-01", "1999-12-31", None, "2010-10-10", "1970-01-01", None, "2005-05-05",
                     "1969-12-31", "2020-02-29", "2001-01-01", None, "2002-02-02"]),
    "v_cat": pd.Categorical(["q", "p", "q", None, "r", "p", "q", "r", None, "p", "q", "r"], categories=["r", "q", "p"]),
})

# Wider key ranges (the hash-table paths) and more rows.
rng = np.random.default_rng(7)
n = 400
big_ints = rng.choice(np.array([-(10 ** 15), -7, 0, 3, 10 ** 12, 2 ** 62, -(2 ** 62), 999_999_999_999], dtype=np.int64), n)
wide = pd.DataFrame({
    "k_wide": big_ints,
    "k_str": pd.array(rng.choice(["alpha", "beta", "gamma", "", "a much longer key string over sixteen bytes", "δέλτα"], n), dtype="str"),
    "k_float": rng.choice(np.array([1e300, -1e-300, 3.14, -2.0, 0.0, 1e15]), n),
    "v_f64": rng.normal(size=n),
    "v_i64": rng.integers(-(10 ** 12), 10 ** 12, n),
    "v_str": pd.array(rng.choice(["x", "yy", "zzz", "w"], n), dtype="str"),
})
wide.loc[rng.choice(n, 30, replace=False), "v_f64"] = np.nan

FRAMES = {"mixed": mixed, "wide": wide}


def groupby_case(name, frame, keys, specs, dropna=True):
    df = FRAMES[frame]
    named = {out: (col, agg) for col, agg, out in specs}
    result = df.groupby(keys, dropna=dropna, sort=True, observed=True).agg(**named).reset_index()
    return {"name": name, "op": "groupby", "frame": frame, "keys": keys, "dropna": dropna,
            "specs": [list(s) for s in specs], "expected": frame_json(result)}


def whole_frame_case(name, frame, specs, rows=None):
    """Reductions with no keys: one row, computed with pandas' Series reductions."""
    df = FRAMES[frame] if rows is None else FRAMES[frame].iloc[rows]
    columns = []
    for col, agg, out in specs:
        series = df[col]
        if agg == "size":
            value = len(series)
        elif agg in ("first", "last"):
            valid = series.dropna()
            value = None if len(valid) == 0 else valid.iloc[0 if agg == "first" else -1]
        elif agg == "sum":
            value = series.sum()
        else:
            value = getattr(series, agg)()
        kind = "int64" if agg in ("count", "size", "nunique") else kind_of(series.dtype)
        if agg in ("mean", "std", "var"):
            kind = "float64"
        if agg == "sum" and kind == "bool":
            kind = "int64"
        columns.append({"name": out, "type": kind, "values": [cell(value, kind)]})
    return {"name": name, "op": "groupby", "frame": frame, "keys": [], "dropna": True,
            "rows": rows, "specs": [list(s) for s in specs], "expected": {"columns": columns}}


def value_counts_case(name, frame, col, dropna=True):
    counts = FRAMES[frame][col].value_counts(dropna=dropna).reset_index()
    # Tessera breaks ties by value (ascending, nulls last) instead of first appearance.
    counts["_null"] = counts[col].isna()
    counts = counts.sort_values(["count", "_null", col], ascending=[False, True, True], kind="stable", na_position="last")
    counts = counts.drop(columns="_null").reset_index(drop=True)
    return {"name": name, "op": "value_counts", "frame": frame, "column": col, "dropna": dropna,
            "expected": frame_json(counts)}


def describe_case(name, frame, columns):
    df = FRAMES[frame][columns]
    described = df.describe()
    result = pd.DataFrame({"statistic": pd.array(list(described.index), dtype="str")})
    for col in described.columns:
        result[col] = described[col].astype("float64").to_numpy()
    return {"name": name, "op": "describe", "frame": frame, "columns": columns, "expected": frame_json(result)}


NUMERIC_AGGS = ["count", "size", "sum", "mean", "min", "max", "std", "var", "first", "last", "nunique"]


def all_of(col, aggs):
    return [(col, agg, f"{col}_{agg}") for agg in aggs]


cases = [
    groupby_case("int_key_all_numeric_aggs", "mixed", ["k_int"],
                 all_of("v_i64", NUMERIC_AGGS) + all_of("v_f64", NUMERIC_AGGS) + all_of("v_i32", NUMERIC_AGGS)
                 + all_of("v_u16", ["sum", "mean", "min", "max"])
                 + all_of("v_f32", ["sum", "mean", "var", "min", "first"])
                 + all_of("v_bool", ["count", "sum", "mean", "min", "max", "first", "last", "nunique"])),
    groupby_case("string_key_non_numeric_aggs", "mixed", ["k_str"],
                 all_of("v_str", ["count", "size", "min", "max", "first", "last", "nunique"])
                 + all_of("v_ts", ["count", "min", "max", "first", "last", "nunique"])
                 + all_of("v_date", ["count", "min", "max", "first", "last"])
                 + all_of("v_cat", ["count", "first", "last", "nunique"])
                 + all_of("v_f32", ["sum", "mean", "std"])),
    groupby_case("two_keys", "mixed", ["k_str", "k_int"],
                 all_of("v_i64", ["sum", "count", "mean"]) + all_of("v_str", ["first", "nunique"])),
    groupby_case("three_keys", "mixed", ["k_bool", "k_u8", "k_str"], all_of("v_f64", ["sum", "max", "size"])),
    groupby_case("categorical_key_category_order", "mixed", ["k_cat"], all_of("v_i64", ["sum", "count"]) + all_of("v_str", ["max"])),
    groupby_case("float_key_negative_zero", "mixed", ["k_float"], all_of("v_i32", ["sum", "count", "first"])),
    groupby_case("bool_key", "mixed", ["k_bool"], all_of("v_f64", ["mean", "var"])),
    groupby_case("date_key", "mixed", ["k_date"], all_of("v_i64", ["sum", "min"])),
    groupby_case("timestamp_key", "mixed", ["k_ts"], all_of("v_f64", ["sum", "last"])),
    groupby_case("uint8_key", "mixed", ["k_u8"], all_of("v_u16", ["sum", "max"]) + all_of("v_str", ["nunique"])),
    groupby_case("int_key_dropna_false", "mixed", ["k_int"], all_of("v_f64", ["sum", "count", "size"]) + all_of("v_str", ["nunique"]), dropna=False),
    groupby_case("two_keys_dropna_false", "mixed", ["k_str", "k_int"], all_of("v_i32", ["sum", "size"]), dropna=False),
    groupby_case("string_key_dropna_false", "mixed", ["k_str"], all_of("v_i32", ["sum"]), dropna=False),
    groupby_case("wide_int_key", "wide", ["k_wide"], all_of("v_f64", ["sum", "mean", "std", "count", "min", "max"]) + all_of("v_i64", ["sum", "var", "nunique"])),
    groupby_case("wide_string_key", "wide", ["k_str"], all_of("v_f64", ["sum", "first", "last"]) + all_of("v_str", ["nunique", "min"])),
    groupby_case("wide_float_and_int_keys", "wide", ["k_float", "k_wide"], all_of("v_i64", ["sum", "count"])),
    whole_frame_case("whole_frame", "mixed",
                     all_of("v_i64", NUMERIC_AGGS) + all_of("v_f64", ["sum", "mean", "std", "min", "max", "count"])
                     + all_of("v_str", ["count", "min", "max", "first", "last", "nunique"])
                     + all_of("v_bool", ["sum", "mean"]) + all_of("v_ts", ["min", "max"])),
    whole_frame_case("whole_frame_empty", "mixed",
                     all_of("v_i64", ["sum", "count", "size", "mean", "min", "first", "nunique", "std"])
                     + all_of("v_f64", ["sum", "mean", "max"]) + all_of("v_str", ["count", "min", "last"]),
                     rows=[]),
    whole_frame_case("whole_frame_all_null", "mixed",
                     all_of("v_f64", ["sum", "count", "mean", "min", "first", "var"]), rows=[1, 4, 7, 11]),
    value_counts_case("value_counts_string", "mixed", "k_str"),
    value_counts_case("value_counts_int_dropna_false", "mixed", "k_int", dropna=False),
    value_counts_case("value_counts_float", "mixed", "v_f64"),
    value_counts_case("value_counts_wide", "wide", "k_wide"),
    describe_case("describe_numeric", "mixed", ["v_i64", "v_f64", "v_i32", "v_u16", "v_f32", "v_str", "v_bool"]),
    describe_case("describe_wide", "wide", ["v_f64", "v_i64"]),
]

OUT.mkdir(parents=True, exist_ok=True)
document = {
    "generator": "scripts/make_groupby_fixtures.py",
    "pandas": pd.__version__,
    "frames": {name: frame_json(df) for name, df in FRAMES.items()},
    "cases": cases,
}
(OUT / "groupby-cases.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {len(cases)} cases to {OUT / 'groupby-cases.json'}")
