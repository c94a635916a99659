#!/usr/bin/env python3
"""The df_read_orc benchmark's data and its reference engines (pyarrow.orc, Dask's read_orc), in the
shape of ../shared/bench's df_read_parquet workload: the same 10M-row table (columns id, key, a, b, s),
as 8 snappy ORC files, and the sums of the numeric columns id, key, a, b.

    python3 scripts/orc_bench.py --make-data        # once: $BENCH_DATA/orc_snappy/part-0..7.orc from parquet_snappy
    python3 scripts/orc_bench.py --reps 5           # one JSON line per engine (as workloads.py prints them)

scripts/compare_with_dask.py runs this for df_read_orc, then Tessera's `tessera-bench df_read_orc`, in one session.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import pyarrow.compute as pc
import pyarrow.orc as po
import pyarrow.parquet as pq

NUM = ["id", "key", "a", "b"]
NUMERIC_BYTES = 320e6  # the numeric columns in memory (8 bytes x 4 columns x 10M rows)


def data_dir(args):
    return args.data or os.environ.get("BENCH_DATA") or os.path.join(tempfile.gettempdir(), "tessera-bench-data")


def make_data(base):
    source = os.path.join(base, "parquet_snappy")
    if not os.path.isdir(source):
        sys.exit(f"{source} is missing: run python3 ../shared/bench/anchors/make_data.py first")
    target = os.path.join(base, "orc_snappy")
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(source)):
        if name.endswith(".parquet"):
            table = pq.read_table(os.path.join(source, name))
            po.write_table(table, os.path.join(target, name.replace(".parquet", ".orc")), compression="snappy")
    size = sum(os.path.getsize(os.path.join(target, f)) for f in os.listdir(target))
    print(f"orc snappy: {size / 1e6:.0f} MB in {target}")


def measure(fn, reps):
    fn()  # warm-up (page cache, imports)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        check = fn()
        times.append(time.perf_counter() - start)
    return times, check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--make-data", action="store_true")
    parser.add_argument("--data", default=None)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--engines", default=".")
    args = parser.parse_args()
    base = data_dir(args)
    if args.make_data:
        make_data(base)
        return
    directory = os.path.join(base, "orc_snappy")
    files = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".orc"))
    disk = sum(os.path.getsize(f) for f in files)

    def pyarrow_fn():
        tables = [po.read_table(f, columns=NUM) for f in files]
        return sum(sum(pc.sum(t[c]).as_py() for c in NUM) for t in tables)

    def pyarrow_threads_fn():
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(2) as pool:  # read_table releases the GIL: two files at a time
            tables = list(pool.map(lambda f: po.read_table(f, columns=NUM), files))
        return sum(sum(pc.sum(t[c]).as_py() for c in NUM) for t in tables)

    def dask_fn():
        import dask.dataframe as dd
        return float(dd.read_orc(directory, columns=NUM)[NUM].sum().compute().sum())

    import re
    for engine, fn, threads, note in (
            ("pyarrow", pyarrow_fn, 1, "pyarrow.orc.read_table(columns=NUM) per file (ORC's reader is single-threaded) + pc.sum"),
            ("pyarrow_threads", pyarrow_threads_fn, 2, "pyarrow.orc.read_table(columns=NUM), two files at a time on 2 threads + pc.sum"),
            ("dask", dask_fn, 2, "dd.read_orc(columns=NUM)[NUM].sum()")):
        if not re.search(args.engines, engine):
            continue
        times, check = measure(fn, args.reps)
        median = statistics.median(times)
        print(json.dumps({"name": "df_read_orc", "engine": engine, "median_s": round(median, 5), "min_s": round(min(times), 5),
                          "max_s": round(max(times), 5), "runs": len(times), "times_s": [round(t, 5) for t in times],
                          "rate": NUMERIC_BYTES / median / 1e6, "rate_unit": "MB/s", "bytes": disk, "threads": threads, "check": check,
                          "notes": f"8 files snappy, {disk / 1e6:.0f} MB on disk; {note}"}))


if __name__ == "__main__":
    main()
