#!/usr/bin/env bash
# Sanitizer job: builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer
# (CMake option RAN_SANITIZE, -O1) into build-asan/ — never build/ — and runs the native test
# suite (the binding tests, jest project `binding` of jest.config.js, plus any extra jest paths
# given as arguments) with that binary.
#   - Node is not built with ASan, so the ASan runtime is preloaded (LD_PRELOAD).
#   - LeakSanitizer is on; test/reliability/lsan.supp suppresses only leaks whose allocation
#     stack (the nearest malloc_context_size frames) lies in Node, V8, libuv, OpenSSL or ICU.
#   - UBSan and ASan halt on the first error; any finding fails the job.
# The binary is chosen with RECURRENT_ATTENTION_BINARY when lib/native/loader.ts supports it,
# else through a temporary copy of the package whose build/Release holds the ASan binary.
# Environment: RAN_SANITIZE_SKIP_BUILD=1 reuses build-asan/; RAN_SANITIZE_JOBS (default nproc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
t0=$(date +%s)

nodedir="$(node -p "require('path').resolve(process.execPath, '..', '..')")"
export npm_config_nodedir="${npm_config_nodedir:-$nodedir}"

if [[ "${RAN_SANITIZE_SKIP_BUILD:-}" != 1 || ! -f build-asan/Release/recurrent_attention.node ]]; then
  node node_modules/cmake-js/bin/cmake-js compile --out build-asan --CDRAN_SANITIZE=ON \
    --CDCMAKE_BUILD_TYPE=Release --parallel "${RAN_SANITIZE_JOBS:-$(nproc)}"
fi
t1=$(date +%s)
binary="$root/build-asan/Release/recurrent_attention.node"
if [[ "$(ldd "$binary")" != *libasan* ]]; then
  echo "sanitize.sh: $binary is not an ASan build" >&2
  exit 1
fi

asan="$(${CXX:-c++} -print-file-name=libasan.so)"
[[ -f "$asan" ]] || { echo "sanitize.sh: libasan.so not found ($asan)" >&2; exit 1; }

preload="$asan${LD_PRELOAD:+:$LD_PRELOAD}"  # set for node only, not for this shell's tools
# malloc_context_size=3 bounds the allocation stacks that suppressions are matched against
# (a suppression matches ANY frame of the stack): operator new + the two nearest callers. A
# leak made by the addon then shows only addon frames and is reported (checked by hand with a
# deliberate `new int[1000]` in buildInfo(): reported; with 6 frames V8's callers were in
# reach and it was suppressed). Deeper stacks for debugging: RAN_ASAN_EXTRA=malloc_context_size=30
# (leak suppressions are then unreliable).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=86:malloc_context_size=3:detect_odr_violation=0:allocator_may_return_null=1${RAN_ASAN_EXTRA:+:$RAN_ASAN_EXTRA}"
export LSAN_OPTIONS="suppressions=$root/test/reliability/lsan.supp:print_suppressions=0:exitcode=87"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=88"
export RAN_SANITIZED=1

work="$root"
if grep -q RECURRENT_ATTENTION_BINARY lib/native/loader.ts; then
  export RECURRENT_ATTENTION_BINARY="$binary"
else
  work="$(mktemp -d /tmp/ran-sanitize.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  cp -r lib test jest.config.js tsconfig.json package.json "$work/"
  ln -s "$root/node_modules" "$work/node_modules"
  mkdir -p "$work/build/Release"
  cp "$binary" "$work/build/Release/"
fi

cd "$work"
mapfile -t tests < <(node node_modules/jest/bin/jest.js --selectProjects binding --listTests 2>/dev/null | grep "\.test\.ts$")
[[ ${#tests[@]} -gt 0 ]] || { echo "sanitize.sh: jest lists no binding tests" >&2; exit 1; }
tests+=("$@")
status=0
# One process (--runInBand) so that each leak check covers the whole run; jest directly, not via npm.
LD_PRELOAD="$preload" node node_modules/jest/bin/jest.js --runInBand --ci "${tests[@]}" || status=$?
t2=$(date +%s)
echo "sanitize.sh: build $((t1 - t0)) s, tests $((t2 - t1)) s, exit status $status"
exit "$status"
