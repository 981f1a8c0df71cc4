#!/usr/bin/env bash
# Builds the addon with node-gyp from binding.gyp (the second build file; CMakeLists.txt is the
# primary one) and puts it in build-gyp/Release/recurrent_attention.node.
#
# node-gyp and cmake-js both build into ./build, so node-gyp runs in a scratch copy of the
# sources (binding.gyp, package.json, native/, a symlink to node_modules) and only the .node file
# comes back. Uses the local Node headers (--nodedir), never downloads them.
#
# Usage: scripts/build-gyp.sh [-- <gyp args>]     e.g. scripts/build-gyp.sh -- -Dran_arch=native
# Env:   NODEDIR    Node headers prefix (default: `npm config get nodedir`, else Node's own prefix)
#        KEEP_TMP=1 keep the scratch directory (printed) for inspection
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

gyp_args=()
if [[ "${1:-}" == "--" ]]; then shift; gyp_args=("$@"); elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [-- <gyp args>]" >&2; exit 2
fi

[[ -d node_modules/node-addon-api ]] || { echo "build-gyp: run npm ci first (node_modules/node-addon-api missing)" >&2; exit 1; }

# binding.gyp must list the same sources as CMake builds.
node scripts/check-gyp.js "$root"

# node-gyp: the devDependency, else the copy bundled with npm.
if [[ -x node_modules/.bin/node-gyp ]]; then
  node_gyp=(node "$root/node_modules/node-gyp/bin/node-gyp.js")
else
  bundled="$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  [[ -f "$bundled" ]] || { echo "build-gyp: node-gyp not found (npm install --save-dev node-gyp)" >&2; exit 1; }
  node_gyp=(node "$bundled")
fi

# Local headers: never let node-gyp download a tarball.
nodedir="${NODEDIR:-$(npm config get nodedir 2>/dev/null || true)}"
if [[ -z "$nodedir" || "$nodedir" == "undefined" || "$nodedir" == "null" ]]; then
  nodedir="$(node -p "require('path').resolve(process.execPath, '..', '..')")"
fi
if [[ ! -f "$nodedir/include/node/node_api.h" || ! -f "$nodedir/include/node/common.gypi" ]]; then
  echo "build-gyp: no Node headers under $nodedir/include/node (set NODEDIR)" >&2; exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ran-gyp.XXXXXX")"
if [[ "${KEEP_TMP:-}" == 1 ]]; then echo "build-gyp: scratch dir $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

cp binding.gyp package.json "$tmp/"
cp -R native "$tmp/native"
ln -s "$root/node_modules" "$tmp/node_modules"

jobs="$(nproc 2>/dev/null || echo 2)"
(
  cd "$tmp"
  # Offline and header-local: nodedir given, no dist-url fallback needed.
  "${node_gyp[@]}" rebuild --nodedir="$nodedir" --jobs="$jobs" --loglevel=warn ${gyp_args[@]+"${gyp_args[@]}"}
)

out="$root/build-gyp/Release"
mkdir -p "$out"
cp "$tmp/build/Release/recurrent_attention.node" "$out/recurrent_attention.node"
echo "build-gyp: $out/recurrent_attention.node"
