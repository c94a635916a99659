#!/usr/bin/env python3
"""Reference side of Tessera's shuffle benchmarks: the same workloads, on the same data, run by
Dask, Polars and DuckDB (and pandas for scale), next to tessera-bench.

    swift build -c release --product tessera-bench
    python3 scripts/bench_shuffle_reference.py --swift .build/release/tessera-bench --reps 3 \
        --markdown benchmarks/shuffle.md

The workloads (same names as in Benchmarks/main.swift):
  shuffle_merge_10m_1m       inner merge on an int64 key, left 10M rows, right 1M rows, both 8 partitions
  shuffle_groupby_1m_groups  groupby(key).agg(a: sum, b: mean), 10M rows, 1M groups, split_out 8
  shuffle_sort_10m           sort_values("x") of 10M rows {x, id}, 8 partitions

Data come from SplitMix64 of the row number (the Swift side computes the same values), so every
engine sees identical inputs; each builds its frame outside the timed region (Dask persists its
partitions). Every timed call materialises the full result (Dask: compute() to pandas; Polars: a
DataFrame; DuckDB: an Arrow table) and returns a digest that engines must agree on.

Engines use 2 threads (Dask's threaded scheduler with 2 workers); pandas is single-threaded.
Each (workload, engine) gets one untimed warm-up and `--reps` timed calls; the median is reported.
"""
import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

os.environ.setdefault("POLARS_MAX_THREADS", "2")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402

NWORKERS = 2
dask.config.set(scheduler="threads", num_workers=NWORKERS)
pa.set_cpu_count(NWORKERS)


def splitmix(i):
    with np.errstate(over="ignore"):
        z = i + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def unit_floats(n, salt):
    i = np.arange(n, dtype=np.uint64) ^ np.uint64(salt)
    return (splitmix(i) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def mixed_keys(n, modulus):
    return (splitmix(np.arange(n, dtype=np.uint64)) % np.uint64(modulus)).astype(np.int64)


def digest(x):
    return float(f"{float(x):.9g}")


def duck():
    con = duckdb.connect()
    con.execute(f"SET threads={NWORKERS}")
    return con


WORKLOADS = []


def workload(name):
    def deco(fn):
        WORKLOADS.append((name, fn))
        return fn
    return deco


@workload("shuffle_merge_10m_1m")
def merge_workload():
    left = pd.DataFrame({"key": mixed_keys(10_000_000, 1_000_000), "a": unit_floats(10_000_000, 0x1111)})
    right = pd.DataFrame({"key": (np.arange(1_000_000, dtype=np.int64) * 7919 + 13) % 1_000_000,
                          "b": unit_floats(1_000_000, 0x2222)})
    dl = dd.from_pandas(left, npartitions=8).persist()
    dr = dd.from_pandas(right, npartitions=8).persist()

    def dask_fn():
        r = dl.merge(dr, on="key", how="inner").compute()
        return digest(len(r) + r["b"].sum())

    def pandas_fn():
        r = left.merge(right, on="key", how="inner")
        return digest(len(r) + r["b"].sum())

    pll, plr = pl.from_pandas(left), pl.from_pandas(right)

    def polars_fn():
        r = pll.join(plr, on="key", how="inner")
        return digest(r.height + r["b"].sum())

    con = duck()
    con.register("l", pa.Table.from_pandas(left))
    con.register("r", pa.Table.from_pandas(right))

    def duck_fn():
        t = con.sql("SELECT l.key, l.a, r.b FROM l JOIN r ON l.key = r.key").to_arrow_table()
        return digest(t.num_rows + pc.sum(t["b"]).as_py())

    yield "dask", dask_fn, "both sides persisted, 8 partitions each (hash join, tasks shuffle)"
    yield "pandas", pandas_fn, "single-threaded"
    yield "polars", polars_fn, ""
    yield "duckdb", duck_fn, "result fetched as Arrow"


@workload("shuffle_groupby_1m_groups")
def groupby_workload():
    frame = pd.DataFrame({"key": mixed_keys(10_000_000, 1_000_000), "a": unit_floats(10_000_000, 0x3333),
                          "b": unit_floats(10_000_000, 0x4444)})
    ddf = dd.from_pandas(frame, npartitions=8).persist()

    def dask_fn():
        r = ddf.groupby("key").agg({"a": "sum", "b": "mean"}, split_out=8).compute()
        return digest(len(r) + r["a"].sum())

    def pandas_fn():
        r = frame.groupby("key").agg({"a": "sum", "b": "mean"})
        return digest(len(r) + r["a"].sum())

    plf = pl.from_pandas(frame)

    def polars_fn():
        r = plf.group_by("key").agg(pl.col("a").sum(), pl.col("b").mean())
        return digest(r.height + r["a"].sum())

    con = duck()
    con.register("t", pa.Table.from_pandas(frame))

    def duck_fn():
        t = con.sql("SELECT key, sum(a) AS a, avg(b) AS b FROM t GROUP BY key").to_arrow_table()
        return digest(t.num_rows + pc.sum(t["a"]).as_py())

    yield "dask", dask_fn, "persisted, 8 partitions, split_out=8"
    yield "pandas", pandas_fn, "single-threaded"
    yield "polars", polars_fn, ""
    yield "duckdb", duck_fn, "result fetched as Arrow"


@workload("shuffle_sort_10m")
def sort_workload():
    frame = pd.DataFrame({"x": unit_floats(10_000_000, 0x5555), "id": np.arange(10_000_000, dtype=np.int64)})
    ddf = dd.from_pandas(frame, npartitions=8).persist()
    n = len(frame)

    def check(x):
        return digest(x[0] + x[n // 2] + x[n - 1])

    def dask_fn():
        r = ddf.sort_values("x").compute()
        return check(r["x"].to_numpy())

    def pandas_fn():
        return check(frame.sort_values("x")["x"].to_numpy())

    plf = pl.from_pandas(frame)

    def polars_fn():
        return check(plf.sort("x")["x"].to_numpy())

    con = duck()
    con.register("t", pa.Table.from_pandas(frame))

    def duck_fn():
        t = con.sql("SELECT x, id FROM t ORDER BY x").to_arrow_table()
        return check(t["x"].to_numpy())

    yield "dask", dask_fn, "persisted, 8 partitions"
    yield "pandas", pandas_fn, "single-threaded"
    yield "polars", polars_fn, ""
    yield "duckdb", duck_fn, "result fetched as Arrow"


def measure(fn, reps):
    gc.collect()
    check = fn()  # warm-up
    times, cpu = [], []
    for _ in range(reps):
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        check = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return times, cpu, check


def run_swift(binary, name, reps):
    out = subprocess.run([binary, name, f"--reps={reps}"], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record["name"] == name:
                return record
    raise RuntimeError(f"tessera-bench printed no result for {name}")


def markdown(results, command):
    """Two tables: wall-clock medians with the ratios the issue targets, and CPU seconds (all threads)."""
    engines = ["swift", "dask", "polars", "duckdb", "pandas"]
    header = "| workload | Tessera | Dask | Polars | DuckDB | pandas | Dask / Tessera | Tessera / fastest of Polars, DuckDB |"
    lines = ["Wall-clock seconds (median):", "", header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    cpu_lines = ["CPU seconds (median, all threads of the process):", "", "| workload | " + " | ".join(
        ["Tessera", "Dask", "Polars", "DuckDB", "pandas"]) + " |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, _ in WORKLOADS:
        row = {r["engine"]: r for r in results if r["name"] == name}
        if not row:
            continue
        wall = {k: v["median_s"] for k, v in row.items()}
        swift = wall.get("swift")
        peers = [v for k, v in wall.items() if k in ("polars", "duckdb")]
        fastest = min(peers) if peers else None

        def cell(values, engine):
            return f"{values[engine]:.3f}" if engine in values else "–"
        dask_ratio = f"{wall['dask'] / swift:.2f}×" if swift and "dask" in wall else "–"
        peer_ratio = f"{swift / fastest:.2f}×" if swift and fastest else "–"
        lines.append(f"| {name} | " + " | ".join(cell(wall, e) for e in engines) + f" | {dask_ratio} | {peer_ratio} |")
        cpu = {k: v["cpu_s"] for k, v in row.items() if "cpu_s" in v}
        cpu_lines.append(f"| {name} | " + " | ".join(cell(cpu, e) for e in engines) + " |")
    return "\n".join(lines + [""] + cpu_lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--swift", help="path to tessera-bench, to run its side of each workload too")
    parser.add_argument("--markdown", help="write the ratio table to this file")
    args = parser.parse_args()
    meta = {"name": "_meta", "python": sys.version.split()[0], "dask": dask.__version__, "pandas": pd.__version__,
            "polars": pl.__version__, "duckdb": duckdb.__version__, "numpy": np.__version__, "cpus": os.cpu_count()}
    print(json.dumps(meta), flush=True)
    results = []
    for name, fn in WORKLOADS:
        if args.only and args.only not in name:
            continue
        if args.swift:
            record = run_swift(args.swift, name, args.reps)
            results.append(record)
            print(json.dumps(record), flush=True)
        for engine, call, notes in fn():
            times, cpu, check = measure(call, args.reps)
            record = {"name": name, "engine": engine, "median_s": statistics.median(times), "cpu_s": statistics.median(cpu),
                      "min_s": min(times),
                      "max_s": max(times), "runs": len(times), "check": check, "threads": 1 if engine == "pandas" else NWORKERS,
                      "notes": notes}
            results.append(record)
            print(json.dumps(record), flush=True)
    if args.markdown:
        command = " ".join(sys.argv)
        with open(args.markdown, "w") as f:
            f.write(markdown(results, command) + "\n")
    print(markdown(results, ""))


if __name__ == "__main__":
    main()
