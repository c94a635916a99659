#!/usr/bin/env bash
# The distributed checks (docs/distributed.md): tessera-mpi-check under mpirun at 1, 2 and 4 ranks
# over shared memory and over loopback TCP, once under MPICH, and the three failure cases, each run
# bounded by `timeout`. With `bench`, the scaling benchmark at 1, 2 and 4 ranks instead.
#
#   scripts/run_mpi_checks.sh [checks|bench] [path/to/tessera-mpi-check]
#
# Needs Open MPI's mpirun (Debian: openmpi-bin); MPICH's mpiexec.mpich is used when present.
set -uo pipefail
cd "$(dirname "$0")/.."

mode="${1:-checks}"
binary="${2:-}"
if [ -z "$binary" ]; then
    swift build -c release --product tessera-mpi-check >/dev/null || exit 1
    binary="$(swift build -c release --show-bin-path)/tessera-mpi-check"
fi
if ! command -v mpirun >/dev/null; then
    echo "skipped: no mpirun (apt-get install openmpi-bin)"
    exit 0
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Two cores shared by up to four ranks: one worker thread per rank.
export TESSERA_NUM_WORKERS=1
ompi=(mpirun --allow-run-as-root --oversubscribe)
tcp=(--mca btl self,tcp --mca btl_tcp_if_include lo)
status=0

# run NAME EXPECT COMMAND...: EXPECT is "ok" (exit 0 and RESULT OK) or "error:N" (non-zero exit and N ranks printing an error).
run() {
    local name="$1" expect="$2"
    shift 2
    local log="/tmp/tessera-mpi-$name.log" start end code
    start=$(date +%s%N)
    timeout 180 "$@" >"$log" 2>&1
    code=$?
    end=$(date +%s%N)
    local seconds
    seconds="$(( (end - start) / 1000000000 )).$(( (end - start) / 100000000 % 10 ))"
    if [ "$expect" = ok ]; then
        if [ $code -eq 0 ] && grep -q "RESULT OK" "$log"; then
            echo "PASS $name (${seconds} s)"
        else
            echo "FAIL $name (exit $code, ${seconds} s)"; tail -n 30 "$log"; status=1
        fi
    else
        local want="${expect#error:}" got
        got=$(grep -o "^rank [0-9]*: error:" "$log" | sort -u | wc -l)
        if [ $code -ne 0 ] && [ $code -ne 124 ] && [ "$got" -ge "$want" ]; then
            echo "PASS $name: exit $code, $got ranks reported: $(grep -m1 'error:' "$log") (${seconds} s)"
        else
            echo "FAIL $name (exit $code, $got of $want ranks reported an error, ${seconds} s)"; tail -n 30 "$log"; status=1
        fi
    fi
}

if [ "$mode" = bench ]; then
    # One line per workload and rank count: rank 0's wall time, compute and communication seconds
    # summed over ranks, bytes sent by all ranks, and the least the result needs moved.
    size="${3:-16000}"
    printf '%-16s %5s %8s %10s %8s %14s %14s\n' workload ranks wall_s compute_s comm_s bytes_moved minimum_bytes
    for ranks in 1 2 4; do
        log="/tmp/tessera-mpi-bench-$ranks.log"
        timeout 600 "${ompi[@]}" -np "$ranks" "$binary" bench "$size" >"$log" 2>&1 || { tail -n 20 "$log"; status=1; }
        awk '/ bench / {
                for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                w = $4; rank0 = ($1 " " $2 == "rank 0:")
                if (rank0) { wall[w] = v["wall"]; minimum[w] = v["minimum"]; ranks[w] = v["ranks"]; order[++n] = w }
                compute[w] += v["compute"]; comm[w] += v["comm"]; sent[w] += v["sent"]
             }
             END { for (i = 1; i <= n; i++) { w = order[i]
                   printf "%-16s %5s %8.3f %10.3f %8.3f %14d %14d\n", w, ranks[w], wall[w], compute[w], comm[w], sent[w], minimum[w] } }' "$log"
    done
    exit $status
fi

for ranks in 1 2 4; do
    run "shm-$ranks" ok "${ompi[@]}" -np "$ranks" "$binary" checks
    run "tcp-$ranks" ok "${ompi[@]}" "${tcp[@]}" -np "$ranks" "$binary" checks
done
# Messages split into 64 KiB pieces: the path messages over 2 GiB take, on small data.
run "split-messages-2" ok env TESSERA_MPI__MAX_MESSAGE=65536 "${ompi[@]}" -np 2 "$binary" checks
if command -v mpiexec.mpich >/dev/null; then
    run "mpich-2" ok mpiexec.mpich -n 2 "$binary" checks
else
    echo "skipped: MPICH (apt-get install mpich)"
fi
export TESSERA_MPI__TIMEOUT=5
run "fail-task-3" error:3 "${ompi[@]}" -np 3 "$binary" fail-task
run "exit-early-3" error:2 "${ompi[@]}" -np 3 "$binary" exit-early
run "mismatch-3" error:3 "${ompi[@]}" -np 3 "$binary" mismatch
if command -v mpiexec.mpich >/dev/null; then
    run "mpich-fail-task-2" error:2 mpiexec.mpich -n 2 "$binary" fail-task
fi
exit $status
