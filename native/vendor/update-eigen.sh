#!/usr/bin/env bash
# Regenerates native/vendor/eigen/ from Debian's libeigen3-dev 3.4.0 package, the only
# source this project's machines can reach (no direct download from gitlab.com).
# Usage: native/vendor/update-eigen.sh   (needs apt-get, dpkg-deb; no root needed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="3.4.0-4"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "libeigen3-dev=${version}")
dpkg-deb -x "$work"/libeigen3-dev_*.deb "$work/x"
dest="$here/eigen"
rm -rf "$dest/Eigen"
mkdir -p "$dest"
cp -r "$work/x/usr/include/eigen3/Eigen" "$dest/Eigen"
cp "$work/x/usr/share/doc/libeigen3-dev/copyright" "$dest/COPYING.debian-copyright"
cp /usr/share/common-licenses/MPL-2.0 "$dest/COPYING.MPL2"
echo "Eigen ${version%-*} from Debian libeigen3-dev ${version}" > "$dest/VERSION"
echo "vendored Eigen into $dest"
