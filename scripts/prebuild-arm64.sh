#!/usr/bin/env bash
# Cross-compiles the Linux arm64 (glibc) prebuilt binary on an x64 machine, from CMakeLists.txt
# with cmake-js and Debian's aarch64 cross compiler, into
#   <prebuilds>/linux-arm64/recurrent-attention.napi.glibc.node
# (the name node-gyp-build and lib/native/loader.ts pick on arm64; see scripts/prebuild.sh).
# It cannot be loaded here: scripts/arm64-test.sh runs it under qemu-user with an arm64 Node.
#
# One build, -march=armv8-a: every 64-bit Arm CPU (Raspberry Pi 3+, Graviton 1+, Ampere,
# Apple silicon Linux VMs) runs it, and Eigen's float32/float64 kernels already use NEON with
# fused multiply-adds there, which armv8-a guarantees. Later levels add nothing those kernels use
# (armv8.2-a brings half-precision and dot-product instructions; SVE needs a fixed vector
# length for Eigen 3.4), so a faster twin like x64's cpu/x86-64-v3 would be the same code.
#
# Usage: scripts/prebuild-arm64.sh            Env: PREBUILDS=DIR   (default: ./prebuilds)
#                                                   KEEP_TMP=1, NO_STRIP=1 as in prebuild.sh
# Needs: apt-get install g++-aarch64-linux-gnu (Debian/Ubuntu), npm ci done (cmake-js).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cross=aarch64-linux-gnu
command -v "$cross-g++" >/dev/null || {
  echo "prebuild-arm64: $cross-g++ not found; install it with: apt-get install g++-aarch64-linux-gnu" >&2; exit 1; }
[[ -d node_modules/cmake-js ]] || { echo "prebuild-arm64: run npm ci first (node_modules/cmake-js missing)" >&2; exit 1; }

arch=armv8-a
target="${PREBUILDS:-$root/prebuilds}/linux-arm64/recurrent-attention.napi.glibc.node"
out="$(mktemp -d "${TMPDIR:-/tmp}/ran-prebuild-arm64.XXXXXX")"
trap '[[ "${KEEP_TMP:-}" == 1 ]] || rm -rf "$out"' EXIT

echo "prebuild-arm64: -march=$arch with $("$cross-g++" --version | head -1) in $out"
start=$SECONDS
# CMAKE_SYSTEM_NAME makes CMake cross-compile (no try-run of target binaries); the Node-API
# headers are architecture-independent ("binary": {"napi_versions": [9]}: nothing downloaded).
node node_modules/cmake-js/bin/cmake-js compile \
  --directory "$root" --out "$out" --config Release \
  --CDCMAKE_BUILD_TYPE=Release --CDRAN_ARCH="$arch" --CDRAN_STATIC_RUNTIME=ON \
  --CDCMAKE_SYSTEM_NAME=Linux --CDCMAKE_SYSTEM_PROCESSOR=aarch64 \
  --CDCMAKE_CXX_COMPILER="$cross-g++" --log-level warn
built="$out/Release/recurrent_attention.node"
[[ -f "$built" ]] || { echo "prebuild-arm64: $built not produced" >&2; exit 1; }
readelf -h "$built" | grep -q 'Machine:.*AArch64' || { echo "prebuild-arm64: $built is not an AArch64 file" >&2; exit 1; }

mkdir -p "$(dirname "$target")"
cp "$built" "$target"
[[ "${NO_STRIP:-}" == 1 ]] || "$cross-strip" --strip-unneeded "$target"
bash "$root/scripts/check-abi.sh" "$target"
echo "prebuild-arm64: $target ($(stat -c %s "$target") bytes) in $((SECONDS - start)) s"
