#!/usr/bin/env bash
# Fetches NVRTC (the CUDA run-time compiler) from PyPI, pinned to the version the GPU backend's
# checks use, so kernel sources can be compiled to PTX and CUBIN on a machine with no GPU.
#
#   scripts/fetch_nvrtc.sh [DEST]        (DEST defaults to .build/nvrtc)
#
# On success the last line printed is the path of libnvrtc.so.13; the tests find it there by
# themselves (or through TESSERA_CUDA__LIBNVRTC). A failed download is reported and the script
# still exits 0: the NVRTC tests then skip, saying why. Nothing is installed system-wide.
set -uo pipefail
cd "$(dirname "$0")/.."
VERSION="13.0.88"
DEST="${1:-.build/nvrtc}"
LIB="$DEST/nvidia/cu13/lib/libnvrtc.so.13"

if [ -f "$LIB" ]; then
    echo "NVRTC $VERSION already present"
    echo "$LIB"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "NVRTC not fetched: python3 is not installed; the NVRTC tests will skip."
    exit 0
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "fetching nvidia-cuda-nvrtc==$VERSION from PyPI (about 90 MB)"
if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_27_x86_64 \
        --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --python-version 3.11 \
        -d "$WORK" "nvidia-cuda-nvrtc==$VERSION" >"$WORK/pip.log" 2>&1; then
    echo "NVRTC not fetched: pip download failed; the NVRTC tests will skip. pip said:"
    tail -n 5 "$WORK/pip.log"
    exit 0
fi
mkdir -p "$DEST"
if ! python3 - "$WORK" "$DEST" <<'PY'
import glob, sys, zipfile
work, dest = sys.argv[1], sys.argv[2]
wheels = glob.glob(work + "/*.whl")
if not wheels:
    sys.exit("no wheel was downloaded")
with zipfile.ZipFile(wheels[0]) as wheel:
    for name in wheel.namelist():
        # The .alt variants (a second build of the same libraries) are not needed.
        if name.startswith("nvidia/") and ("/lib/" in name or "/include/" in name) and ".alt." not in name:
            wheel.extract(name, dest)
PY
then
    echo "NVRTC not fetched: the wheel could not be unpacked; the NVRTC tests will skip."
    exit 0
fi
if [ ! -f "$LIB" ]; then
    echo "NVRTC not fetched: the wheel has no nvidia/cu13/lib/libnvrtc.so.13; the NVRTC tests will skip."
    exit 0
fi
echo "NVRTC $VERSION unpacked"
echo "$LIB"
