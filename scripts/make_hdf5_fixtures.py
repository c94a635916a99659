#!/usr/bin/env python3
"""Writes the HDF5 fixtures of Tests/FileFormatsTests/Fixtures/hdf5: files pandas.to_hdf writes
(formats "fixed" and "table", nested and several keys, zlib, nulls, time zones) and, for each case,
a JSON file with what pandas.read_hdf reads back, in the cell format the Swift tests compare with
(ParquetFixtureTests.fixtureCell): numbers as text, "nan" for NaN, booleans "true"/"false",
timestamps as their int64 count since the epoch, null as null. Cases that Tessera must reject
carry the error text instead.

Needs pandas and tables (PyTables): pip install pandas tables.
Run: python3 scripts/make_hdf5_fixtures.py
"""
import json
import os
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "FileFormatsTests", "Fixtures", "hdf5")


def type_name(series):
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return f"datetime64[{dtype.unit}, {dtype.tz}]"
    if str(dtype).startswith("datetime64"):
        return str(dtype)
    if dtype == object or str(dtype).startswith("str") or str(dtype) == "string":
        return "string"
    return str(dtype)


def cells(series):
    out = []
    kind = type_name(series)
    for value in series.tolist() if not kind.startswith("datetime") else series.array:
        if kind.startswith("datetime"):
            out.append(None if pd.isna(value) else str(value.value if hasattr(value, "value") else int(value)))
        elif kind == "string":
            out.append(None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value))
        elif kind == "bool":
            out.append("true" if value else "false")
        elif kind.startswith("float"):
            out.append("nan" if np.isnan(value) else repr(float(value)))
        else:
            out.append(str(int(value)))
    return out


def expected(frame, keep_index):
    if keep_index:
        frame = frame.reset_index()
    return [{"name": str(name), "type": type_name(frame[name]), "values": cells(frame[name])} for name in frame.columns]


def write_case(name, path, key, keep_index, **extra):
    frame = pd.read_hdf(os.path.join(OUT, path), key=key)
    record = {"path": path, "key": key, "rows": len(frame), "columns": expected(frame, keep_index)}
    record.update(extra)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(record, f, indent=0, sort_keys=True)


def error_case(name, path, key, error):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump({"path": path, "key": key, "error": error}, f, indent=0, sort_keys=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    rng = np.random.default_rng(7)
    n = 23
    stamps = pd.Series(pd.date_range("2021-03-27 22:00", periods=n, freq="37min").astype("datetime64[ns]"))
    stamps[[3, 11]] = pd.NaT
    numeric = pd.DataFrame({
        "f64": np.where(np.arange(n) % 5 == 2, np.nan, rng.standard_normal(n)),
        "f32": rng.standard_normal(n).astype(np.float32),
        "i64": rng.integers(-(2 ** 62), 2 ** 62, n),
        "i32": rng.integers(-1000, 1000, n).astype(np.int32),
        "i8": rng.integers(-128, 127, n).astype(np.int8),
        "u16": rng.integers(0, 65535, n).astype(np.uint16),
        "u64": rng.integers(0, 2 ** 63, n).astype(np.uint64) * 2 + 1,
        "flag": rng.integers(0, 2, n).astype(bool),
        "when": stamps,
    })
    # fixed: numeric and datetime blocks, default index; several keys, one nested; zlib.
    numeric.to_hdf(os.path.join(OUT, "fixed.h5"), key="numeric", format="fixed", mode="w")
    numeric[["f64", "i32"]].to_hdf(os.path.join(OUT, "fixed.h5"), key="deep/er/frame", format="fixed",
                                  complevel=6, complib="zlib")
    write_case("fixed_numeric", "fixed.h5", "numeric", False)
    write_case("fixed_nested_key", "fixed.h5", "deep/er/frame", False)
    # fixed with a named index and a time zone.
    zoned = pd.DataFrame({
        "paris": stamps.dt.tz_localize("Europe/Paris", nonexistent="shift_forward", ambiguous="NaT"),
        "x": np.arange(n, dtype=np.float64) / 4,
    }, index=pd.Index(np.arange(n) * 10 + 5, name="id"))
    zoned.to_hdf(os.path.join(OUT, "fixed_zoned.h5"), key="zoned", format="fixed", mode="w")
    write_case("fixed_named_index_tz", "fixed_zoned.h5", "zoned", True)
    # table: every value block kind, a data column, strings with missing values, zlib.
    table = numeric.copy()
    table["s"] = [None if i % 4 == 1 else "é" * (i % 3) + f"v{i}" for i in range(n)]
    table["label"] = [f"L{i % 3}" for i in range(n)]
    table["zoned"] = zoned["paris"].reset_index(drop=True)
    table.to_hdf(os.path.join(OUT, "table.h5"), key="grp/tab", format="table", data_columns=["i32", "label"],
                 complevel=5, complib="zlib", mode="w")
    write_case("table_blocks", "table.h5", "grp/tab", False)
    # table: many rows (row-range partitions), a named datetime index.
    big = pd.DataFrame({"v": np.arange(2500, dtype=np.float64) * 0.5, "k": np.arange(2500) % 7},
                       index=pd.Index(pd.date_range("2020-01-01", periods=2500, freq="h").astype("datetime64[ns]"),
                                      name="t"))
    big.to_hdf(os.path.join(OUT, "table_big.h5"), key="big", format="table", mode="w")
    write_case("table_big_datetime_index", "table_big.h5", "big", True)
    # Rejected: object (pickled) strings in the fixed format; Blosc without the plugin.
    pd.DataFrame({"s": ["a", "b"], "x": [1.0, 2.0]}).to_hdf(os.path.join(OUT, "fixed_object.h5"), key="obj",
                                                             format="fixed", mode="w", complevel=9, complib="zlib")
    error_case("error_fixed_object", "fixed_object.h5", "obj", "pickled Python objects")
    pd.DataFrame({"x": rng.standard_normal(3000)}).to_hdf(os.path.join(OUT, "table_blosc.h5"), key="b", format="table",
                                                 complevel=5, complib="blosc:lz4", mode="w")
    # Blosc needs the filter plugin (Debian hdf5-filter-plugin-blosc-serial): read where it is
    # installed, rejected naming the filter where it is not.
    write_case("table_blosc", "table_blosc.h5", "b", False, needs_filter=32001, error_without_filter="Blosc")
    # Rejected: a truncated file, garbage, a missing key, a series.
    with open(os.path.join(OUT, "table.h5"), "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "truncated.h5"), "wb") as f:
        f.write(data[: len(data) // 3])
    error_case("error_truncated", "truncated.h5", "grp/tab", "HDF5")
    with open(os.path.join(OUT, "garbage.h5"), "wb") as f:
        f.write(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 8)
    error_case("error_garbage", "garbage.h5", "x", "not a readable HDF5 file")
    error_case("error_missing_key", "fixed.h5", "nope", "no key '/nope'")
    pd.Series([1.0, 2.0]).to_hdf(os.path.join(OUT, "series.h5"), key="s", format="fixed", mode="w")
    error_case("error_series", "series.h5", "s", "only frames")


if __name__ == "__main__":
    main()
