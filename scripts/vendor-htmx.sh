#!/usr/bin/env bash
# Fetch htmx from the npm registry at the pinned version into static/vendor/ and
# check it against the SRI hash recorded in portal/settings.py. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^ *HTMX_VERSION = "\(.*\)"/\1/p' portal/settings.py)
sri=$(sed -n 's/^ *HTMX_SRI = "\(.*\)"/\1/p' portal/settings.py)
target="static/vendor/htmx-${version}.min.js"

check() {
    local got
    got=$(python3 -c 'import base64, hashlib, sys; print("sha384-" + base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' "$1")
    [ "$got" = "$sri" ] || { echo "htmx SRI mismatch for $1: got $got, expected $sri" >&2; return 1; }
}

if [ -f "$target" ] && check "$target"; then
    exit 0
fi
mkdir -p static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# npm verifies the tarball against the registry's recorded integrity while packing.
(cd "$tmp" && npm pack --silent "htmx.org@${version}" >/dev/null)
tar -xzf "$tmp"/htmx.org-"${version}".tgz -C "$tmp" package/dist/htmx.min.js
check "$tmp/package/dist/htmx.min.js"
cp "$tmp/package/dist/htmx.min.js" "$target"
echo "htmx ${version} installed at ${target}"
