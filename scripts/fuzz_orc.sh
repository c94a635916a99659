#!/usr/bin/env bash
# Builds the ORC fuzz target (Fuzz/ORCFuzz) with libFuzzer and AddressSanitizer and runs
# it for a bounded time on the committed seed corpus (Fuzz/corpus/orc).
#
#   scripts/fuzz_orc.sh [seconds]        # default 60
#
# New inputs libFuzzer finds go to .build/fuzz-orc/corpus (not committed); a crash leaves its input in
# .build/fuzz-orc/crash-* and the script exits non-zero. Needs a Swift toolchain whose swiftc accepts
# -sanitize=fuzzer on this platform (Linux toolchains from swift.org do).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=.build/fuzz-orc
mkdir -p "$out/corpus" "$out/modules"

# Backends: a separate module, as FileFormats imports it; AddressSanitizer, no coverage.
swiftc -O -sanitize=address -parse-as-library -package-name Tessera -module-name Backends -emit-module -emit-module-path "$out/modules/Backends.swiftmodule" \
  -emit-library -static -o "$out/libBackends.a" $(find Sources/Backends -name '*.swift' | sort)

# FileFormats and the target in one module, instrumented for libFuzzer.
swiftc -O -sanitize=fuzzer,address -parse-as-library -package-name Tessera -module-name FileFormats -I "$out/modules" -I Sources/CHDF5 \
  $(find Sources/FileFormats -name '*.swift' | sort) Fuzz/ORCFuzz/ORCFuzz.swift \
  "$out/libBackends.a" -o "$out/orc-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)

"$out/orc-fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
  -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" Fuzz/corpus/orc
