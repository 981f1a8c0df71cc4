#!/usr/bin/env bash
# Checks what a prebuilt binary asks of the machine that loads it, from its ELF headers (GNU
# readelf reads any architecture's ELF, so this works for the cross-built arm64 file too):
#   - no libstdc++.so.6 among its libraries and no GLIBCXX_* / CXXABI_* symbol version
#     (libstdc++ is linked in: CMake RAN_STATIC_RUNTIME), so that GCC 11-era distributions
#     (RHEL 9, Amazon Linux 2023: GLIBCXX ≤ 3.4.29) load it;
#   - the newest GLIBC_* version it needs is at most MAX_GLIBC (default 2.34: RHEL 9, Amazon
#     Linux 2023, Ubuntu 22.04 and Debian 12 have at least that).
# Prints one line with the libraries and the newest versions; exits 1 on a violation.
# Usage: scripts/check-abi.sh FILE.node [...]
set -euo pipefail

max_glibc="${MAX_GLIBC:-2.34}"
status=0
for file in "$@"; do
  needed="$(readelf -d --wide "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
  versions="$(readelf -V --wide "$file" | grep -o 'Name: [A-Z_]*[0-9][0-9.]*' | cut -d' ' -f2 | sort -uV)"
  glibc="$(grep '^GLIBC_' <<<"$versions" | tail -1 || true)"
  cxx="$(grep -E '^(GLIBCXX|CXXABI)_' <<<"$versions" | tr '\n' ' ' | sed 's/ $//' || true)"
  problems=()
  [[ " $needed" != *" libstdc++.so"* ]] || problems+=("links libstdc++.so dynamically")
  [[ -z "$cxx" ]] || problems+=("needs libstdc++ symbol versions $cxx")
  if [[ -n "$glibc" && "$(printf '%s\n' "GLIBC_$max_glibc" "$glibc" | sort -V | tail -1)" != "GLIBC_$max_glibc" ]]; then
    problems+=("needs $glibc, newer than GLIBC_$max_glibc")
  fi
  echo "check-abi: $file: libraries ${needed% }; newest ${glibc:-no GLIBC version}; ${cxx:-no GLIBCXX/CXXABI version}"
  if [[ ${#problems[@]} -gt 0 ]]; then
    (IFS=';'; echo "check-abi: FAIL $file: ${problems[*]}" >&2)
    status=1
  fi
done
exit $status
