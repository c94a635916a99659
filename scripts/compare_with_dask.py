"""Runs Tessera's benchmark executable and the reference suite (Dask, NumPy) on the same workloads in
one session, and writes benchmarks/results-<date>.jsonl and benchmarks/RESULTS-<date>.md.

    python3 -m pip install "dask[array,dataframe]" numpy pandas pyarrow polars duckdb threadpoolctl  # the reference suite imports all
    swift build -c release --product tessera-bench
    python3 scripts/compare_with_dask.py [--only REGEX] [--reps N]

Workloads are interleaved (reference, then Tessera, per workload) because the machine is shared
and noisy; compare ratios from one run, not absolute times across runs.
"""
import argparse
import datetime
import json
import pathlib
import re
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench" / "anchors" / "workloads.py"
BENCH = ROOT / ".build" / "release" / "tessera-bench"
ARRAY_WORKLOADS = ["arr_ones_sum", "arr_random_mean_std", "arr_elementwise_chain", "arr_graph_overhead",
                   "arr_rechunk_sum", "arr_transpose_add_sum", "arr_matmul", "arr_arange_reshape_sum_axis",
                   "arr_big_random_sum"]
# Dataframe workloads: every reference engine runs (Dask, pandas, PyArrow, Polars, DuckDB); the data
# comes from ../shared/bench/anchors/make_data.py ($BENCH_DATA, default <tmp>/tessera-bench-data).
FILE_WORKLOADS = ["df_from_dict_groupby", "df_filter_assign", "df_read_csv", "df_read_json",
                  "df_read_parquet", "df_read_parquet_zstd", "df_read_orc", "df_read_hdf"]
# Workloads whose reference engines are run by a script of this repository (the shared suite has none).
LOCAL_REFERENCES = {"df_read_orc": ROOT / "scripts" / "orc_bench.py", "df_read_hdf": ROOT / "scripts" / "hdf5_bench.py"}
PEERS = ("polars", "polars_lazy", "duckdb")


def run_reference(name, reps, engines=None):
    if name in LOCAL_REFERENCES:
        out = subprocess.run([sys.executable, str(LOCAL_REFERENCES[name]), "--reps", str(reps), "--engines", engines or "."],
                             capture_output=True, text=True)
        return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if not SHARED.exists() or name == "arr_big_random_sum":
        return []
    engines = engines or ("." if name in FILE_WORKLOADS else "^(dask|numpy)")
    out = subprocess.run([sys.executable, str(SHARED), "--only", f"^{name}$", "--engines", engines,
                          "--reps", str(reps)], capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{") and '"_meta"' not in line]


def run_tessera(name, reps):
    out = subprocess.run([str(BENCH), f"--reps={reps}", name], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=".")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--title", default="Array benchmarks")
    parser.add_argument("--stem", default="RESULTS", help="write benchmarks/<stem>-<date>.md and <stem lowercased>-<date>.jsonl")
    parser.add_argument("--engines", default=None, help="regex of the reference engines to run (default: all for file workloads, "
                        "dask and numpy otherwise)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat reference-then-Tessera this many times per workload; "
                        "the table gives medians over rounds, and ratios taken within each round")
    args = parser.parse_args()
    date = datetime.date.today().isoformat()
    rows = []
    for name in ARRAY_WORKLOADS + FILE_WORKLOADS:
        if not re.search(args.only, name):
            continue
        for round_number in range(args.rounds):
            for row in run_reference(name, args.reps, args.engines) + run_tessera(name, args.reps):
                row["round"] = round_number
                rows.append(row)
    out_dir = ROOT / "benchmarks"
    out_dir.mkdir(exist_ok=True)
    # Appends, so partial runs (--only) add to the day's record instead of replacing it.
    with open(out_dir / f"{args.stem.lower()}-{date}.jsonl", "a") as raw:
        raw.write("".join(json.dumps(r) + "\n" for r in rows))
    if args.rounds > 1:
        rows = summarize_rounds(rows)
    dask = {r["name"]: r["median_s"] for r in rows if r["engine"] == "dask"}
    peer = {}
    for r in rows:
        if r["engine"] in PEERS:
            peer[r["name"]] = min(peer.get(r["name"], float("inf")), r["median_s"])
    command = "swift build -c release --product tessera-bench && python3 scripts/compare_with_dask.py"
    for flag, value, default in (("--only", args.only, "."), ("--reps", args.reps, 5), ("--title", args.title, "Array benchmarks"),
                                 ("--stem", args.stem, "RESULTS"), ("--engines", args.engines, None), ("--rounds", args.rounds, 1)):
        if value != default:
            command += f" {flag} '{value}'" if isinstance(value, str) else f" {flag} {value}"
    lines = [f"# {args.title}, {date}", "", f"Command: `{command}`",
             "", "| workload | engine | median s | min s | rate | vs dask | vs fastest of Polars/DuckDB | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['median_s'] / dask[r['name']]:.2f}x" if r["name"] in dask else "—"
        to_peer = f"{r['median_s'] / peer[r['name']]:.2f}x" if r["name"] in peer else "—"
        if "ratio_dask" in r:
            # Several rounds: the median of the ratios taken within each round.
            ratio = f"{r['ratio_dask']:.2f}x"
            to_peer = f"{r['ratio_peer']:.2f}x" if r.get("ratio_peer") is not None else "—"
        rate = f"{r.get('rate', 0):.2f} {r.get('rate_unit', '')}"
        engine = r["engine"] + (f" (rounds: {', '.join(f'{t:.3f}' for t in r['rounds_median_s'])})" if "rounds_median_s" in r else "")
        lines.append(f"| {r['name']} | {engine} | {r['median_s']:.4f} | {r['min_s']:.4f} | {rate} | {ratio} | {to_peer} | "
                     f"{r.get('peak_rss_mb', '—')} |")
    with open(out_dir / f"{args.stem}-{date}.md", "a") as table:
        table.write("\n".join(lines) + "\n\n")
    print("\n".join(lines))


def summarize_rounds(rows):
    """One row per (workload, engine): medians over rounds of median_s and min_s, and the medians of
    the ratios to Dask and to the fastest peer taken within each round (so that the machine's load,
    which drifts between rounds, cancels)."""
    by_key = {}
    for r in rows:
        by_key.setdefault((r["name"], r["engine"]), []).append(r)
    summary = []
    for (name, engine), group in by_key.items():
        ratios_dask, ratios_peer = [], []
        for r in group:
            same_round = [x for x in rows if x["name"] == name and x["round"] == r["round"]]
            dask = [x["median_s"] for x in same_round if x["engine"] == "dask"]
            peers = [x["median_s"] for x in same_round if x["engine"] in PEERS]
            if dask:
                ratios_dask.append(r["median_s"] / dask[0])
            if peers:
                ratios_peer.append(r["median_s"] / min(peers))
        row = dict(group[0])
        row["median_s"] = statistics.median(x["median_s"] for x in group)
        row["min_s"] = min(x["min_s"] for x in group)
        row["rounds_median_s"] = [round(x["median_s"], 4) for x in group]
        work = row.get("rate") and group[0]["median_s"] * group[0]["rate"]
        if work and row.get("rate_unit") not in ("us/chunk", "us/task"):
            row["rate"] = work / row["median_s"]
        row["ratio_dask"] = statistics.median(ratios_dask) if ratios_dask else float("nan")
        row["ratio_peer"] = statistics.median(ratios_peer) if ratios_peer else None
        summary.append(row)
    return summary


if __name__ == "__main__":
    main()
