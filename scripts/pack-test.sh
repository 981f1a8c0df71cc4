#!/usr/bin/env bash
# Installs the package as a user would and checks it works (issue 7):
#   1. builds dist/ (tsc + the ESM wrapper) and the prebuilt binaries (scripts/prebuild.sh),
#      lints the package (publint --strict) and packs it (npm pack);
#   2. in an empty temp folder, installs the tarball as a user would: the npm registry reachable
#      (through the caller's npm cache, empty on a fresh machine), scripts disabled, a PATH
#      holding only node/npm/npx/sh (no compiler, no make, no cmake), no build/ folder anywhere;
#      measures the install (packages besides this one, their bytes: scripts/install-weight.js);
#   3. from here on with no network (no network namespace at all when `unshare -n` is allowed,
#      always an unreachable proxy and npm's offline mode): require + fit a small ESN, import (ESM) with the same names as require,
#      `npx ran --help`, a short `npx ran stream ... --json`, and the types consumer
#      (test/package) compiled by the project's tsc against the installed .d.ts files;
#   4. runs the jest suite against the prebuilt binary alone, in a copy of the repository
#      without build/ or build-gyp/ (PACK_TEST_SUITE=native (default): the binding tests, jest
#      project `binding` of jest.config.js; all: every test; none: skip).
# Prints each check; exits non-zero on the first failure.
# Env: KEEP_TMP=1 keeps the temp folder; SKIP_PREBUILD=1 packs the existing prebuilds/;
#      KEEP_PREBUILDS=1 keeps prebuilds/ when this script created it (it is removed otherwise).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

checks=0
ok() { checks=$((checks + 1)); echo "pack-test: ok   $*"; }
fail() { echo "pack-test: FAIL $*" >&2; exit 1; }
step() { echo; echo "pack-test: -- $* -- (at ${SECONDS}s)"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/ran-pack-test.XXXXXX")"
# lib/native/loader.ts loads prebuilds/ before build/Release: prebuilds made here are removed again
# (unless they existed before or KEEP_PREBUILDS=1) so that later `npm test` runs keep testing
# the local build, not a leftover of this script.
had_prebuilds=0; [[ -d prebuilds ]] && had_prebuilds=1
cleanup() {
  [[ "${KEEP_TMP:-}" == 1 ]] && echo "pack-test: kept $work" || rm -rf "$work"
  [[ $had_prebuilds == 1 || "${KEEP_PREBUILDS:-}" == 1 ]] || rm -rf "$root/prebuilds"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
step "build, lint, pack"
npm run --silent build:ts
[[ -f dist/index.js && -f dist/index.mjs && -f dist/index.d.ts && -f dist/index.d.mts ]] || fail "dist/ entry points missing"
if [[ "${SKIP_PREBUILD:-}" != 1 ]]; then bash scripts/prebuild.sh; fi
prebuild="$(ls prebuilds/linux-x64/*.node 2>/dev/null | head -1)"
[[ -n "$prebuild" ]] || fail "no prebuilt binary in prebuilds/linux-x64/"
ok "prebuilt binary $prebuild"

npx --no-install publint --strict || fail "publint"
ok "publint --strict: clean"

tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
tarball="$work/$tarball"
[[ -f "$tarball" ]] || fail "npm pack produced no tarball"
listing="$(tar tzf "$tarball")"
stray="$(grep -E '^package/(build|build-gyp|dist-bench|test|bench|lib|node_modules|scripts|\.ci)/|\.map$|^package/dist/(test|bench)/' <<<"$listing" || true)"
[[ -z "$stray" ]] || fail "the tarball ships files it must not: $(head -5 <<<"$stray")"
for f in package/package.json package/LICENSE package/README.md package/dist/index.js package/dist/index.mjs \
  package/dist/index.d.ts package/dist/index.d.mts package/dist/cli/main.js package/CMakeLists.txt package/binding.gyp \
  "package/$prebuild" package/native/vendor/eigen/Eigen/Core; do
  grep -qxF "$f" <<<"$listing" || fail "the tarball lacks $f"
done
# The README's relative links (docs/*.md, images) resolve inside the package.
for link in $(grep -oE '\]\((docs/[^)#]+)' README.md | sed 's/^](//' | sort -u); do
  grep -qxF "package/$link" <<<"$listing" || fail "README links $link, which the tarball lacks"
done
if [[ "${PREBUILD_ARM64:-1}" != 0 ]]; then  # scripts/prebuild-arm64.sh (tested under qemu: scripts/arm64-test.sh)
  grep -qxF package/prebuilds/linux-arm64/recurrent-attention.napi.glibc.node <<<"$listing" || fail "the tarball lacks the linux-arm64 binary"
  ok "the tarball ships prebuilds/linux-x64/ ($(du -sb prebuilds/linux-x64 | cut -f1) bytes) and prebuilds/linux-arm64/ ($(du -sb prebuilds/linux-arm64 | cut -f1) bytes)"
fi
ok "npm pack: $(basename "$tarball") ($(stat -c %s "$tarball") bytes, $(wc -l <<<"$listing") files; no build/, tests, source maps)"

# ---------------------------------------------------------------------------------------------
step "install as a user would (registry reachable, scripts disabled, no compiler), then no network"
bin="$work/bin"
mkdir -p "$bin"
for tool in node npm npx sh; do ln -s "$(command -v "$tool")" "$bin/$tool"; done
app="$work/app"
mkdir -p "$app"
printf '{ "name": "pack-test-app", "version": "1.0.0", "private": true }\n' >"$app/package.json"

# The install reaches the registry like a user's (whatever npm cache the caller has, an empty
# one on a fresh machine: npm_config_cache is passed through). Everything after it runs with no
# network: a network namespace with nothing but a downed loopback when allowed, always an
# unreachable proxy too.
if unshare -n true 2>/dev/null; then isolate=(unshare -n); isolation="unshare -n (no network interface)"
else isolate=(); isolation="unreachable proxy only (unshare -n not permitted)"; fi
types_node="$(node -p "require('./node_modules/@types/node/package.json').version")"
user_env=(env -u NODE_PATH -u RECURRENT_ATTENTION_BINARY -u RECURRENT_ATTENTION_PREBUILD
  -u npm_config_nodedir -u NODEDIR PATH="$bin"
  npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false)
as_user_online() { (cd "$app" && "${user_env[@]}" "$@"); }
as_user() {
  (cd "$app" && "${isolate[@]}" "${user_env[@]}" npm_config_offline=true \
    npm_config_proxy=http://127.0.0.1:9 npm_config_https_proxy=http://127.0.0.1:9 "$@")
}
as_user sh -c 'for t in cc c++ gcc g++ clang make cmake python3 node-gyp; do command -v "$t" && exit 1; done; exit 0' \
  || fail "a compiler or build tool is reachable on the restricted PATH"
ok "restricted PATH ($bin: node npm npx sh): no cc c++ gcc g++ clang make cmake python3 node-gyp"

as_user_online npm install --ignore-scripts --no-package-lock --loglevel=error "$tarball" \
  || fail "npm install --ignore-scripts of the tarball"
pkg="$app/node_modules/recurrent-attention"
[[ -d "$pkg/prebuilds" && ! -e "$pkg/build" && ! -e "$app/build" ]] || fail "unexpected layout of $pkg"
ok "npm install --ignore-scripts (registry reachable, cache ${npm_config_cache:-default}): installed $(as_user node -p "require('recurrent-attention/package.json').version")"

# The weight of a default install (issue 15): the packages npm put in node_modules besides this
# one, and the bytes of everything but the package's own binaries (prebuilds/).
weight="$(node "$root/scripts/install-weight.js" "$app/node_modules" recurrent-attention)" || fail "measuring the install"
read -r n_deps dep_bytes own_bytes <<<"$weight"
max_deps="${PACK_TEST_MAX_DEPS:-5}" max_bytes="${PACK_TEST_MAX_BYTES:-5000000}"
(( n_deps <= max_deps )) || fail "the install brings $n_deps packages besides recurrent-attention (at most $max_deps): $(ls "$app/node_modules" | tr '\n' ' ')"
(( dep_bytes <= max_bytes )) || fail "the dependencies weigh $dep_bytes bytes (at most $max_bytes)"
ok "install weight: $n_deps dependencies, $dep_bytes bytes; the package itself $own_bytes bytes without prebuilds/"

# @types/node (the version the project uses) for the types consumer: a Node TS user has it.
as_user_online npm install --ignore-scripts --no-package-lock --loglevel=error "@types/node@$types_node" \
  || fail "npm install @types/node"

if [[ ${#isolate[@]} -gt 0 ]]; then
  as_user node -e "require('https').get('https://registry.npmjs.org/', () => process.exit(1)).on('error', () => process.exit(0))" \
    || fail "the network is reachable inside the isolation"
fi
ok "from here on, no network: $isolation"

# ---------------------------------------------------------------------------------------------
step "use it"
as_user node -e "
  const ran = require('recurrent-attention');
  const { Model, Random, tensor3, buildInfo } = ran;
  const info = buildInfo();
  if (info.variant !== ran.cpuVariant()) throw new Error('loaded variant ' + info.variant + ', not the prebuild for this CPU (' + ran.cpuVariant() + ')');
  const rng = new Random(7);
  const B = 4, T = 60;
  const xs = new Float32Array(B * T), ys = new Float32Array(B * T);
  for (let i = 0; i < xs.length; i++) xs[i] = rng.uniform() * 2 - 1;
  for (let b = 0; b < B; b++) for (let t = 1; t < T; t++) ys[b * T + t] = xs[b * T + t - 1];
  const model = new Model({ kind: 'esn', options: { inputDim: 1, units: 20 } });
  (async () => {
    const data = { x: tensor3(xs, [B, T, 1]), y: tensor3(ys, [B, T, 1]), washout: 10 };
    const report = await model.fit(data);
    const out = await model.predict(data.x);
    if (out.data.length !== B * T || !out.data.every(Number.isFinite)) throw new Error('non-finite predictions');
    console.log('require: fitted ESN(20) on random data, ridge ' + report.ridge + ', ' + out.data.length + ' finite predictions, binary ' + JSON.stringify(info));
  })().catch((e) => { console.error(e); process.exit(1); });
" || fail "require + fit"
ok "require('recurrent-attention') loads the prebuilt binary and fits an ESN"

as_user node --input-type=module -e "
  import { ESN, Model } from 'recurrent-attention';
  import * as esm from 'recurrent-attention';
  import { createRequire } from 'node:module';
  const cjs = createRequire(process.cwd() + '/')('recurrent-attention');
  const a = Object.keys(esm).filter((k) => k !== 'default').sort().join(), b = Object.keys(cjs).sort().join();
  if (a !== b) throw new Error('ESM and CJS export different names');
  if (esm.default !== cjs || ESN !== cjs.ESN) throw new Error('ESM does not share the CJS instance');
  const esn = new ESN({ inputDim: 1, units: 10 });
  if (typeof Model !== 'function' || !esn) throw new Error('bad ESM exports');
  console.log('import: ' + Object.keys(esm).length + ' names, same instance as require');
" || fail "ESM import"
ok "import { ESN } from 'recurrent-attention' (ESM), same names and instance as require"

help="$(as_user npx --no-install ran --help)" || fail "npx ran --help"
grep -q 'ran stream' <<<"$help" || fail "npx ran --help printed no usage"
ok "npx ran --help"

out="$(as_user npx --no-install ran stream --tasks adding_problem --models esn --trials 1 --budget 1k --json)" || fail "npx ran stream"
printf '%s\n' "$out" | node -e "
  const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.trim().startsWith('{'));
  if (lines.length !== 1) throw new Error('expected one JSON line, got ' + lines.length);
  const r = JSON.parse(lines[0]);
  if (!Number.isFinite(r.score)) throw new Error('score is not finite: ' + lines[0]);
  console.log('ran stream: ' + lines[0]);
" || fail "ran stream --json output: $out"
ok "npx ran stream --tasks adding_problem --models esn --trials 1 --budget 1k --json: one line, finite score"

out="$(as_user npx --no-install ran bench --quick --only W1 --threads 1 --no-ceiling)" || fail "npx ran bench"
printf '%s\n' "$out" | node -e "
  const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
  if (lines.length !== 1 || lines[0].workload !== 'W1' || !(lines[0].value > 0)) throw new Error('expected one W1 line');
" || fail "ran bench --json output: $out"
ok "npx ran bench --quick --only W1 --threads 1: the shipped workloads run ($(node -p "Math.round(JSON.parse(process.argv[1]).value)" "$out") steps/s)"

# vega/vega-lite are optional peer dependencies, absent from a default install: --report must say
# what to install, before any work.
r=0; err="$(as_user npx --no-install ran stream --tasks adding_problem --models esn --trials 1 --budget 1k --report "$work/r.html" 2>&1 >/dev/null)" || r=$?
[[ $r -ne 0 ]] && grep -q 'ERR_RAN_MISSING_DEPENDENCY' <<<"$err" && grep -q 'npm install vega@' <<<"$err" || fail "ran stream --report without vega: exit $r, $err"
ok "without the optional vega: ran stream --report exits $r with \"${err//$'\n'/ }\""

cp "$root"/test/package/tsconfig.json "$root"/test/package/types-consumer.* "$app/"
as_user node "$root/node_modules/typescript/bin/tsc" -p tsconfig.json || fail "types consumer"
ok "types consumer (require and import conditions) compiled by tsc $(node "$root/node_modules/typescript/bin/tsc" --version | cut -d' ' -f2) against the installed types"

# ---------------------------------------------------------------------------------------------
suite="${PACK_TEST_SUITE:-native}"
if [[ "$suite" != none ]]; then
  step "test suite against the prebuilt binary alone ($suite)"
  copy="$work/repo"
  mkdir -p "$copy"
  # Everything the tests read, without build/ and build-gyp/; node_modules shared (read-only use).
  for f in lib test dist docs prebuilds scripts package.json jest.config.js tsconfig.json tsconfig.build.json README.md; do
    [[ -e "$f" ]] && cp -R "$f" "$copy/"
  done
  ln -s "$root/node_modules" "$copy/node_modules"
  [[ ! -e "$copy/build" && ! -e "$copy/build-gyp" ]] || fail "a local build is in the copy"
  # The suite runs on the baseline build (npm test covers the local -march=native one).
  # (RAN_CPU_VARIANT, the older name, would conflict if it named another level)
  unset RAN_CPU_VARIANT
  export RAN_CPU=baseline
  (cd "$copy" && env -u RECURRENT_ATTENTION_BINARY -u RECURRENT_ATTENTION_PREBUILD node -e "
    const v = require('./dist/index.js').buildInfo().variant;
    if (v !== 'x86-64-v2') { console.error('the copy loads ' + v); process.exit(1); }") || fail "the copy does not load the prebuild"
  case "$suite" in
    native) paths=(--selectProjects binding) ;;
    all) paths=() ;;
    *) fail "PACK_TEST_SUITE must be native, all or none" ;;
  esac
  (cd "$copy" && env -u RECURRENT_ATTENTION_BINARY -u RECURRENT_ATTENTION_PREBUILD \
    node node_modules/jest/bin/jest.js --ci "${paths[@]}") || fail "jest against the prebuilt binary"
  ok "jest ${paths[*]:-(all)} passes against the prebuilt binary alone (no build/ in the copy)"
fi

echo
echo "pack-test: all $checks checks passed in ${SECONDS}s"
