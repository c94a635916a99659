#!/usr/bin/env bash
# Tessera's Parquet reading against pyarrow's, in one session, alternating so that both see the
# same machine load: the anchors' df_read_parquet and df_read_parquet_zstd workloads (8 files of
# ../shared/bench/anchors/make_data.py's table; columns id, key, a, b read and summed).
#
#   scripts/bench_parquet.sh [rounds]      # default 3 rounds of 5 timed runs per engine
#
# Prints one JSON line per (round, engine, workload); benchmarks/parquet.md has the table.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
data=${BENCH_DATA:-/tmp/tessera-bench-data}
if [ ! -d "$data/parquet_snappy" ]; then python3 ../shared/bench/anchors/make_data.py --out "$data"; fi
swift build -c release --product tessera-bench >/dev/null
for round in $(seq 1 "$rounds"); do
  BENCH_DATA="$data" .build/release/tessera-bench df_read_parquet --reps=5 2>/dev/null | sed 's/"notes".*/"round": '"$round"'}/'
  python3 ../shared/bench/anchors/workloads.py --data "$data" --only '^df_read_parquet' --engines '^pyarrow' --reps 5 --min-time 0 2>/dev/null \
    | grep '"name"' | python3 -c 'import json,sys
for line in sys.stdin:
    d=json.loads(line); print(json.dumps({k: d[k] for k in ("name","engine","median_s","min_s","max_s","runs")} | {"rate": round(320e6/d["median_s"]/1e6,1), "round": '"$round"'}))'
done
