"""Writes Tests/TesseraTests/Fixtures/shuffle/shuffle-cases.json: pandas' answers for Tessera's
shuffle-based operations (merge, sortValues, dropDuplicates, groupby with splitOut, nunique and
valueCounts at scale), checked by Tests/TesseraTests/ChunkedDataFrameShuffleFixtureTests.swift.

Run from the repository root: python3 scripts/make_shuffle_fixtures.py (needs pandas >= 2, numpy).

Frames are stored as columns (a type name and JSON values, null for a missing value); integer
columns with nulls use pandas' nullable Int64, so their nulls stay nulls (NaN keys behave alike in
merge: pandas matches missing with missing). Expected results are pandas' frames in the same form.

Where Tessera deliberately differs from pandas the test adjusts, not this script:
- row order of merges, drop_duplicates and split groupbys is not pandas' (Dask's is not either):
  the tests compare rows as sorted multisets;
- unmatched int64 columns of a join stay int64 with nulls (pandas makes them float64 with NaN):
  the tests compare numbers by value.

The "many groups" case is generated from a formula (SplitMix64 of the row number) that the
Swift test evaluates too, so only digests of pandas' 100k-group result are stored.
"""
import json
import math
import pathlib

import numpy as np
import pandas as pd

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "TesseraTests" / "Fixtures" / "shuffle"


def kind_of(dtype):
    name = str(dtype)
    if name in ("bool", "boolean"):
        return "bool"
    if name == "category":
        return "category"
    if name in ("str", "string", "object") or name.startswith("string"):
        return "string"
    lowered = name.lower()
    if lowered in ("int64", "int32", "float64"):
        return lowered
    raise ValueError(f"no fixture type for dtype {name}")


def cell(value, kind):
    if value is None or pd.isna(value):
        return None
    if kind == "bool":
        return bool(value)
    if kind.startswith("int"):
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
    return entry


def frame_json(df):
    return {"columns": [column(name, df[name]) for name in df.columns]}


rng = np.random.default_rng(11)


def ints_with_nulls(values, null_fraction):
    mask = rng.random(len(values)) < null_fraction
    return pd.array([None if m else int(v) for v, m in zip(values, mask)], dtype="Int64")


def strings_with_nulls(choices, n, null_fraction):
    values = rng.choice(choices, n)
    mask = rng.random(n) < null_fraction
    return pd.array([None if m else str(v) for v, m in zip(values, mask)], dtype="str")


def floats_with_nans(n, nan_fraction):
    values = np.round(rng.normal(size=n), 2)
    values[rng.random(n) < nan_fraction] = np.nan
    return values


# ---------------------------------------------------------------- merge frames
nl, nr = 60, 40
left = pd.DataFrame({
    "k": ints_with_nulls(rng.integers(0, 15, nl), 0.1),
    "k2": strings_with_nulls(["a", "b", "c", "d"], nl, 0.1),
    "lv": np.arange(nl, dtype=np.int64),
    "v": floats_with_nans(nl, 0.15),
    "s": strings_with_nulls(["x", "yy", "zzz"], nl, 0.2),
})
right = pd.DataFrame({
    "k": ints_with_nulls(rng.integers(5, 25, nr), 0.1),
    "k2": strings_with_nulls(["a", "b", "c", "e"], nr, 0.1),
    "rv": np.arange(100, 100 + nr, dtype=np.int64),
    "v": floats_with_nans(nr, 0.15),
    "t": strings_with_nulls(["p", "q"], nr, 0.2),
})
right_renamed = right.rename(columns={"k": "rk", "k2": "rk2"})
right_float = right.assign(k=right["k"].astype("float64"))
right_cat = right.assign(k2=pd.Categorical(right["k2"]))
left_empty = left.iloc[:0].reset_index(drop=True)

FRAMES = {"left": left, "right": right, "right_renamed": right_renamed, "right_float": right_float,
          "right_cat": right_cat, "left_empty": left_empty}


def merge_case(name, lframe, rframe, how, on=None, left_on=None, right_on=None, suffixes=("_x", "_y")):
    l, r = FRAMES[lframe], FRAMES[rframe]
    if on is not None:
        result = l.merge(r, on=on, how=how, suffixes=suffixes)
        left_keys, right_keys = on, on
    else:
        result = l.merge(r, left_on=left_on, right_on=right_on, how=how, suffixes=suffixes)
        left_keys, right_keys = left_on, right_on
    return {"name": name, "op": "merge", "frame": lframe, "right": rframe, "how": how, "leftOn": left_keys,
            "rightOn": right_keys, "suffixes": list(suffixes), "expected": frame_json(result.reset_index(drop=True))}


# ---------------------------------------------------------------- sort frame
ns = 300
sortf = pd.DataFrame({
    "a": ints_with_nulls(rng.integers(0, 10, ns), 0.1),
    "b": np.round(rng.choice([-1.5, -0.0, 0.0, 0.5, 2.0, np.nan], ns), 1),
    "c": strings_with_nulls(["pear", "apple", "Zebra", "éclair", "fig"], ns, 0.1),
    "id": np.arange(ns, dtype=np.int64),
})
FRAMES["sortf"] = sortf


def sort_case(name, by, ascending, na_position="last"):
    result = sortf.sort_values(by, ascending=ascending, kind="stable", na_position=na_position).reset_index(drop=True)
    # pandas' multi-column sort is a lexsort, stable too: ties must keep row order.
    keys = [tuple(row) for row in result[by].astype(object).where(result[by].notna(), None).itertuples(index=False)]
    ids = result["id"].tolist()
    for i in range(1, len(ids)):
        if keys[i] == keys[i - 1]:
            assert ids[i] > ids[i - 1], f"{name}: pandas' sort is not stable"
    return {"name": name, "op": "sort", "frame": "sortf", "by": by,
            "ascending": ascending if isinstance(ascending, list) else [ascending] * len(by),
            "naPosition": na_position, "expected": frame_json(result)}


# ---------------------------------------------------------------- duplicates frame
nd = 200
dups = pd.DataFrame({
    "a": ints_with_nulls(rng.integers(0, 6, nd), 0.1),
    "b": strings_with_nulls(["u", "v", "w"], nd, 0.1),
    "c": rng.choice([0.5, 1.5, np.nan], nd),
    "id": np.arange(nd, dtype=np.int64),
})
FRAMES["dups"] = dups
FRAMES["dups_noid"] = dups.drop(columns="id")


def dedupe_case(name, frame, subset, keep):
    result = FRAMES[frame].drop_duplicates(subset=subset, keep=keep).reset_index(drop=True)
    return {"name": name, "op": "drop_duplicates", "frame": frame, "subset": subset,
            "keep": "none" if keep is False else keep, "expected": frame_json(result)}


def groupby_case(name, frame, keys, specs, dropna=True):
    named = {out: (col, agg) for col, agg, out in specs}
    result = FRAMES[frame].groupby(keys, dropna=dropna, sort=True).agg(**named).reset_index()
    return {"name": name, "op": "groupby", "frame": frame, "keys": keys, "dropna": dropna,
            "specs": [list(s) for s in specs], "expected": frame_json(result)}


def value_counts_case(name, frame, col):
    counts = FRAMES[frame][col].value_counts().reset_index()
    counts = counts.sort_values(["count", col], ascending=[False, True], kind="stable").reset_index(drop=True)
    return {"name": name, "op": "value_counts", "frame": frame, "column": col, "expected": frame_json(counts)}


def nunique_case(name, frame, col):
    value = int(FRAMES[frame][col].nunique())
    return {"name": name, "op": "nunique", "frame": frame, "column": col,
            "expected": {"columns": [{"name": col, "type": "int64", "values": [value]}]}}


cases = []
for how in ["inner", "left", "right", "outer"]:
    cases += [
        merge_case(f"merge_{how}_int_key", "left", "right", how, on=["k"]),
        merge_case(f"merge_{how}_two_keys", "left", "right", how, on=["k", "k2"]),
        merge_case(f"merge_{how}_string_key", "left", "right", how, on=["k2"]),
        merge_case(f"merge_{how}_left_on_right_on", "left", "right_renamed", how, left_on=["k", "k2"], right_on=["rk", "rk2"]),
        merge_case(f"merge_{how}_int_with_float_key", "left", "right_float", how, on=["k"]),
        merge_case(f"merge_{how}_string_with_categorical_key", "left", "right_cat", how, on=["k2"]),
        merge_case(f"merge_{how}_empty_left", "left_empty", "right", how, on=["k"]),
    ]
cases.append(merge_case("merge_inner_custom_suffixes", "left", "right", "inner", on=["k"], suffixes=("_l", "_r")))

cases += [
    sort_case("sort_int_ascending", ["a"], True),
    sort_case("sort_int_descending", ["a"], False),
    sort_case("sort_int_nulls_first", ["a"], True, "first"),
    sort_case("sort_int_then_float_descending", ["a", "b"], [True, False]),
    sort_case("sort_string_descending_then_int", ["c", "a"], [False, True]),
    sort_case("sort_float_nulls_first_descending", ["b"], False, "first"),
    sort_case("sort_string_ascending", ["c"], True),
    sort_case("sort_three_keys", ["b", "c", "a"], [True, True, False]),
]

for keep in ["first", "last", False]:
    cases.append(dedupe_case(f"dedupe_a_{keep}", "dups", ["a"], keep))
    cases.append(dedupe_case(f"dedupe_ab_{keep}", "dups", ["a", "b"], keep))
cases.append(dedupe_case("dedupe_all_columns", "dups_noid", None, "first"))
cases.append(dedupe_case("dedupe_float_with_nan", "dups", ["c"], "first"))

cases += [
    groupby_case("groupby_int_key", "left", ["k"], [("v", "sum", "v_sum"), ("v", "mean", "v_mean"), ("v", "count", "v_count"),
                                                     ("lv", "min", "lv_min"), ("lv", "max", "lv_max"), ("s", "first", "s_first"),
                                                     ("s", "last", "s_last"), ("s", "nunique", "s_nunique"),
                                                     ("v", "std", "v_std"), ("lv", "size", "size")]),
    groupby_case("groupby_two_keys_with_null_groups", "left", ["k", "k2"], [("v", "sum", "v_sum"), ("lv", "count", "lv_count")],
                 dropna=False),
    groupby_case("groupby_string_key", "left", ["k2"], [("v", "mean", "v_mean"), ("lv", "sum", "lv_sum")]),
    value_counts_case("value_counts_a", "dups", "a"),
    value_counts_case("value_counts_b", "dups", "b"),
    nunique_case("nunique_a", "dups", "a"),
    nunique_case("nunique_c", "dups", "c"),
]


# ---------------------------------------------------------------- many groups (digests)
def mix(z):
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def many_groups_frame(rows, groups):
    i = np.arange(rows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        key = (mix(i) % np.uint64(groups)).astype(np.int64)
        x = (mix(i ^ np.uint64(0x5555)) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
        y = (mix(i + np.uint64(7)) % np.uint64(1000)).astype(np.int64)
    return pd.DataFrame({"key": key, "x": x, "y": y})


many = many_groups_frame(300_000, 100_000)
aggregated = many.groupby("key").agg(x_sum=("x", "sum"), x_mean=("x", "mean"), x_max=("x", "max"),
                                     y_sum=("y", "sum"), y_count=("y", "count"), y_min=("y", "min")).reset_index()
weights = (aggregated["key"].to_numpy() % 97 + 1).astype(np.float64)
digest = {
    "groups": int(len(aggregated)),
    "weightedSums": {col: float(np.sum(aggregated[col].to_numpy(dtype=np.float64) * weights))
                     for col in ["x_sum", "x_mean", "x_max", "y_sum", "y_count", "y_min"]},
    "head": frame_json(aggregated.head(5)),
    "tail": frame_json(aggregated.tail(5).reset_index(drop=True)),
}
cases.append({"name": "groupby_100k_groups", "op": "many_groups", "rows": 300_000, "groups": 100_000, "digest": digest,
              "expected": {"columns": []}})

OUT.mkdir(parents=True, exist_ok=True)
document = {"pandas": pd.__version__, "frames": {name: frame_json(df) for name, df in FRAMES.items()}, "cases": cases}
(OUT / "shuffle-cases.json").write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")
print(f"wrote {len(cases)} cases to {OUT / 'shuffle-cases.json'}")
