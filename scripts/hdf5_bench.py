#!/usr/bin/env python3
"""The df_read_hdf benchmark's data and its reference engines (pandas.read_hdf, Dask's read_hdf), in
the shape of ../shared/bench's df_read_parquet workload: the same 10M-row table (columns id, key,
a, b; the string column s left out, since a "fixed" store would pickle it), written with
pandas.to_hdf in the "table" format (zlib level 1), and the sums of the four columns.

    python3 scripts/hdf5_bench.py --make-data        # once: $BENCH_DATA/hdf5/frame.h5 from parquet_snappy
    python3 scripts/hdf5_bench.py --reps 5           # one JSON line per engine (as workloads.py prints them)

scripts/compare_with_dask.py runs this for df_read_hdf, then Tessera's `tessera-bench df_read_hdf`, in one session.
"""
import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import warnings

warnings.simplefilter("ignore")
NUM = ["id", "key", "a", "b"]
NUMERIC_BYTES = 320e6  # the numeric columns in memory (8 bytes x 4 columns x 10M rows)


def data_dir(args):
    return args.data or os.environ.get("BENCH_DATA") or os.path.join(tempfile.gettempdir(), "tessera-bench-data")


def make_data(base):
    import pandas as pd
    import pyarrow.parquet as pq
    source = os.path.join(base, "parquet_snappy")
    if not os.path.isdir(source):
        sys.exit(f"{source} is missing: run python3 ../shared/bench/anchors/make_data.py first")
    frame = pq.read_table(source, columns=NUM).to_pandas()
    os.makedirs(os.path.join(base, "hdf5"), exist_ok=True)
    target = os.path.join(base, "hdf5", "frame.h5")
    frame.to_hdf(target, key="df", format="table", complevel=1, complib="zlib", mode="w")
    print(f"hdf5 table: {os.path.getsize(target) / 1e6:.0f} MB in {target}")


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
    path = os.path.join(base, "hdf5", "frame.h5")
    disk = os.path.getsize(path)

    def pandas_fn():
        import pandas as pd
        frame = pd.read_hdf(path, key="df", columns=NUM)
        return float(frame[NUM].sum().sum())

    def dask_fn():
        import dask.dataframe as dd
        return float(dd.read_hdf(path, key="df", columns=NUM, chunksize=1_000_000)[NUM].sum().compute().sum())

    for engine, fn, threads, note in (
            ("pandas", pandas_fn, 1, "pd.read_hdf(key='df', columns=NUM) + sum"),
            ("dask", dask_fn, 2, "dd.read_hdf(key='df', columns=NUM, chunksize=1e6)[NUM].sum()")):
        if not re.search(args.engines, engine):
            continue
        times, check = measure(fn, args.reps)
        median = statistics.median(times)
        print(json.dumps({"name": "df_read_hdf", "engine": engine, "median_s": round(median, 5), "min_s": round(min(times), 5),
                          "max_s": round(max(times), 5), "runs": len(times), "times_s": [round(t, 5) for t in times],
                          "rate": NUMERIC_BYTES / median / 1e6, "rate_unit": "MB/s", "bytes": disk, "threads": threads, "check": check,
                          "notes": f"10M rows, table format, zlib 1, {disk / 1e6:.0f} MB on disk; {note}"}))


if __name__ == "__main__":
    main()
