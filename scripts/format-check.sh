#!/usr/bin/env bash
# Checks formatting without changing any file (`npm run format:check`):
#   - Prettier (.prettierrc.json) for the TypeScript of lib/, test/ and bench/;
#   - clang-format (.clang-format) for native/, not native/vendor/.
# To format instead: `npx prettier --write lib test bench` and
# `clang-format -i $(find native -path native/vendor -prune -o -name '*.h' -print -o -name '*.cpp' -print)`.
# clang-format comes from the system (Debian: apt-get install -y clang-format), or $CLANG_FORMAT.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

status=0
npx --no-install prettier --check 'lib/**/*.ts' 'test/**/*.ts' 'bench/**/*.ts' || status=1

cf="${CLANG_FORMAT:-$(command -v clang-format || true)}"
if [[ -z "$cf" ]]; then
  echo "format-check: clang-format not found (apt-get install -y clang-format, or set CLANG_FORMAT)" >&2
  exit 1
fi
mapfile -t sources < <(find native -path native/vendor -prune -o \( -name '*.h' -o -name '*.cpp' \) -print | sort)
if "$cf" --dry-run --Werror --style=file "${sources[@]}" 2>/tmp/format-check.$$; then
  echo "format-check: clang-format: ${#sources[@]} files of native/ formatted"
else
  echo "format-check: clang-format would change $(grep -c 'error:' /tmp/format-check.$$ || true) places in native/ (first ones below)" >&2
  head -20 /tmp/format-check.$$ >&2
  status=1
fi
rm -f /tmp/format-check.$$
exit "$status"
