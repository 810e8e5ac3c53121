#!/usr/bin/env bash
# Writes the plugin as WordPress's "Upload Plugin" expects it: a zip whose one top folder,
# sitechat/, holds sitechat.php, uninstall.php and readme.txt.
#
#   integrations/wordpress/build-zip.sh [OUT.zip]   default: ./sitechat-<version>.zip
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^ \* Version: *//p' "$here/sitechat.php" | head -n1)
out=${1:-$PWD/sitechat-$version.zip}
case "$out" in /*) ;; *) out=$PWD/$out ;; esac
command -v zip >/dev/null || { echo "build-zip.sh: needs zip (apt-get install zip)" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/sitechat"
cp "$here/sitechat.php" "$here/uninstall.php" "$here/readme.txt" "$here/README.md" "$stage/sitechat/"
rm -f "$out"
(cd "$stage" && zip -qr -X "$out" sitechat)
echo "$out"
