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
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench" / "anchors" / "workloads.py"
BENCH = ROOT / ".build" / "release" / "tessera-bench"
ARRAY_WORKLOADS = ["arr_ones_sum", "arr_random_mean_std", "arr_elementwise_chain", "arr_graph_overhead",
                   "arr_rechunk_sum", "arr_transpose_add_sum", "arr_matmul", "arr_arange_reshape_sum_axis",
                   "arr_big_random_sum"]


def run_reference(name, reps):
    if not SHARED.exists() or name == "arr_big_random_sum":
        return []
    out = subprocess.run([sys.executable, str(SHARED), "--only", f"^{name}$", "--engines", "^(dask|numpy)",
                          "--reps", str(reps)], capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{") and '"_meta"' not in line]


def run_tessera(name, reps):
    out = subprocess.run([str(BENCH), f"--reps={reps}", name], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=".")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    date = datetime.date.today().isoformat()
    rows = []
    for name in ARRAY_WORKLOADS:
        if not re.search(args.only, name):
            continue
        rows += run_reference(name, args.reps)
        rows += run_tessera(name, args.reps)
    out_dir = ROOT / "benchmarks"
    out_dir.mkdir(exist_ok=True)
    # Appends, so partial runs (--only) add to the day's record instead of replacing it.
    with open(out_dir / f"results-{date}.jsonl", "a") as raw:
        raw.write("".join(json.dumps(r) + "\n" for r in rows))
    dask = {r["name"]: r["median_s"] for r in rows if r["engine"] == "dask"}
    lines = [f"# Array benchmarks, {date}", "",
             "Command: `swift build -c release --product tessera-bench && python3 scripts/compare_with_dask.py`",
             "", "| workload | engine | median s | min s | rate | vs dask | peak RSS MB |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['median_s'] / dask[r['name']]:.2f}x" if r["name"] in dask else "—"
        rate = f"{r.get('rate', 0):.2f} {r.get('rate_unit', '')}"
        lines.append(f"| {r['name']} | {r['engine']} | {r['median_s']:.4f} | {r['min_s']:.4f} | {rate} | {ratio} | "
                     f"{r.get('peak_rss_mb', '—')} |")
    with open(out_dir / f"RESULTS-{date}.md", "a") as table:
        table.write("\n".join(lines) + "\n\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
