#!/usr/bin/env bash
# Builds the prebuilt binaries shipped in prebuilds/<platform>-<arch>/ from CMakeLists.txt with
# cmake-js (cmake-js has no prebuild command of its own), one build per CPU variant, each in a
# scratch build directory (cmake-js --out) so ./build (the local source build) is untouched.
#
# Usage: scripts/prebuild.sh [variant ...]     default: every variant in VARIANTS below, then
#        the linux-arm64 binary (scripts/prebuild-arm64.sh, cross-compiled)
# Env:   KEEP_TMP=1  keep the scratch build directories
#        NO_STRIP=1  keep the symbols (prebuilds are stripped like prebuildify does)
#        PREBUILD_ARM64=0  skip linux-arm64 (it needs apt-get install g++-aarch64-linux-gnu)
#
# libstdc++ is linked in (RAN_STATIC_RUNTIME) and scripts/check-abi.sh fails the build when a
# binary needs a GLIBCXX/CXXABI version or a glibc newer than 2.34 (RHEL 9, Amazon Linux 2023).
#
# File names follow node-gyp-build 4.8 (node_modules/node-gyp-build/node-gyp-build.js): it picks
# prebuilds/<process.platform>-<process.arch>/*.node, reads the dot-separated tags of the name
# (`napi`, `glibc`/`musl`, `node`, `abi<N>`, ...; other words such as the package name are
# ignored) and takes the most specific match. `napi` marks an ABI-stable Node-API build and
# `glibc` keeps the file from being picked on musl (Alpine), where it cannot load.
#
# CPU variants: node-gyp-build 4.8 cannot choose by CPU features, so only the baseline sits
# directly in prebuilds/<platform>-<arch>/; the AVX2+FMA (x86-64-v3) and AVX-512 (x86-64-v4)
# builds sit in cpu/<level>/ under it, and lib/native/loader.ts loads the best one the CPU runs
# (from /proc/cpuinfo; RAN_CPU=baseline|v3|v4 forces one), falling back to the baseline.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# variant name -> "<value of -march (cmake -DRAN_ARCH)> <file under prebuilds/<platform>-<arch>/>"
declare -A VARIANTS=(
  [baseline]="x86-64-v2 recurrent-attention.napi.glibc.node"
  [v3]="x86-64-v3 cpu/x86-64-v3/recurrent-attention.napi.glibc.node"
  [v4]="x86-64-v4 cpu/x86-64-v4/recurrent-attention.napi.glibc.node"
)
ORDER=(baseline v3 v4)

platform="$(node -p 'process.platform + "-" + process.arch')"
[[ "$platform" == linux-x64 ]] || { echo "prebuild: only linux-x64 variants are defined (this is $platform)" >&2; exit 1; }
[[ -d node_modules/cmake-js ]] || { echo "prebuild: run npm ci first (node_modules/cmake-js missing)" >&2; exit 1; }

if [[ $# -gt 0 ]]; then wanted=("$@"); else wanted=("${ORDER[@]}"); fi
for v in "${wanted[@]}"; do
  [[ -n "${VARIANTS[$v]:-}" ]] || { echo "prebuild: unknown variant '$v' (known: ${ORDER[*]})" >&2; exit 2; }
done

dest_dir="$root/prebuilds/$platform"
mkdir -p "$dest_dir"
scratch=()
cleanup() { [[ "${KEEP_TMP:-}" == 1 ]] || rm -rf "${scratch[@]}"; }
trap cleanup EXIT

for v in "${wanted[@]}"; do
  read -r arch file <<<"${VARIANTS[$v]}"
  out="$(mktemp -d "${TMPDIR:-/tmp}/ran-prebuild-$v.XXXXXX")"
  scratch+=("$out")
  echo "prebuild: $v (-march=$arch) in $out"
  # "binary": {"napi_versions": [9]} in package.json makes cmake-js use the local Node-API
  # headers; it downloads nothing.
  node node_modules/cmake-js/bin/cmake-js compile \
    --directory "$root" --out "$out" --config Release \
    --CDCMAKE_BUILD_TYPE=Release --CDRAN_ARCH="$arch" --CDRAN_STATIC_RUNTIME=ON --log-level warn
  built="$out/Release/recurrent_attention.node"
  [[ -f "$built" ]] || { echo "prebuild: $built not produced" >&2; exit 1; }

  target="$dest_dir/$file"
  mkdir -p "$(dirname "$target")"
  cp "$built" "$target"
  [[ "${NO_STRIP:-}" == 1 ]] || strip --strip-unneeded "$target"

  # It must load and report the variant it was built for.
  got="$(node -e "process.stdout.write(require(process.argv[1]).buildInfo().variant)" "$target")"
  [[ "$got" == "$arch" ]] || { echo "prebuild: $target reports variant '$got', expected '$arch'" >&2; exit 1; }
  bash "$root/scripts/check-abi.sh" "$target"
  echo "prebuild: $target ($(stat -c %s "$target") bytes)"
done

# The baseline must be what node-gyp-build picks for this package when no local build exists:
# resolve from a copy that has only package.json and prebuilds/ (no build/).
probe="$(mktemp -d "${TMPDIR:-/tmp}/ran-prebuild-probe.XXXXXX")"
scratch+=("$probe")
cp package.json "$probe/"
cp -R prebuilds "$probe/prebuilds"
picked="$(node -e "
  const load = require('node-gyp-build');
  const dir = process.argv[1];
  const file = load.resolve(dir);
  const info = load(dir).buildInfo();
  process.stdout.write(require('path').relative(dir, file) + ' variant=' + info.variant + ' simd=' + info.simd);
" "$probe")"
echo "prebuild: node-gyp-build picks $picked"
read -r base_arch base_file <<<"${VARIANTS[baseline]}"
[[ "$picked" == "prebuilds/$platform/$base_file variant=$base_arch "* ]] || {
  echo "prebuild: node-gyp-build did not pick the baseline prebuilds/$platform/$base_file" >&2; exit 1; }

if [[ $# -eq 0 && "${PREBUILD_ARM64:-1}" != 0 ]]; then bash "$root/scripts/prebuild-arm64.sh"; fi
