#!/usr/bin/env bash
# Builds tessera-gpu-selftest to run on a GPU machine that has no Swift toolchain: release, with
# the Swift runtime linked in (--static-swift-stdlib; it then needs only libc, libm, libstdc++ and
# libgcc_s), stripped and gzipped into .gpu/ (about 23 MB; the device tool carries at most 64 MiB).
#
#   scripts/build_gpu_selftest.sh
#   # device tool, carry [".gpu"]:
#   gzip -dc .gpu/tessera-gpu-selftest.gz > /tmp/st && chmod +x /tmp/st && /tmp/st && /tmp/st --bench
#
# See docs/gpu.md.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qxF '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
swift build -c release --static-swift-stdlib --product tessera-gpu-selftest
mkdir -p .gpu
strip -o .gpu/tessera-gpu-selftest .build/release/tessera-gpu-selftest
gzip -9f .gpu/tessera-gpu-selftest
ls -l .gpu/tessera-gpu-selftest.gz
