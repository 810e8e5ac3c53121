#!/usr/bin/env bash
# The performance benchmark of issue 6: sitechat against the react-chat-widget peer, in
# one run, in Debian's headless Chromium on 127.0.0.1 (see docs/performance.md).
#
#   bench/run.sh                 build what is stale, then measure (5 runs)
#   bench/run.sh --runs 9        more runs (the median, min and max are printed)
#   bench/run.sh --no-build      measure whatever bench/dist/ holds
#   bench/run.sh --build         rebuild the widget first, stale or not
#   bench/run.sh --json FILE     where the raw figures go (default bench/results/latest.json)
#
# It installs what it needs (the build tools via scripts/ensure-tools.sh; the bench's npm
# packages from bench/package-lock.json; the Rocket.Chat Livechat package, for its size
# only), builds the production widget (bench/widget.html: the loader, the JS glue and the
# wasm, without the demo page's agent panel) and the peer's bundle, then prints the tables.
# Exits 1 when a budget is missed, 2 on a usage error, 3 when a measurement failed.
set -euo pipefail
cd "$(dirname "$0")/.."

build=auto
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=no; shift ;;
    --build) build=yes; shift ;;
    --runs|--json) [ $# -ge 2 ] || { echo "bench/run.sh: $1 needs a value" >&2; exit 2; }; args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# The Livechat package: only its build/ is measured, so it is fetched as the package
# file alone (its own dependencies are not needed) and checked against this digest.
LIVECHAT=@rocket.chat/livechat@1.13.3
LIVECHAT_INTEGRITY=sha512-gEX3V2Cr+7Nr+j4CFwBBX7R/1mZxWvnmpbz/jc+gJOa7zKJOdyv4waLc5RegmoubxpNlzbpbMiNkwg5GQuhyWA==

if [ "$build" != no ]; then
  scripts/ensure-tools.sh
fi
if [ ! -d bench/node_modules/react-chat-widget ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  say "installing the bench's npm packages (react-chat-widget, react, react-dom, esbuild)"
  (cd bench && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
if [ ! -f bench/.cache/livechat/package/build/index.html ]; then
  say "fetching $LIVECHAT (for its size)"
  rm -rf bench/.cache/livechat && mkdir -p bench/.cache/livechat
  tarball=$(cd bench/.cache && npm pack "$LIVECHAT" --silent 2>/dev/null | tail -n1)
  actual="sha512-$(openssl dgst -sha512 -binary "bench/.cache/$tarball" | base64 -w0)"
  if [ "$actual" != "$LIVECHAT_INTEGRITY" ]; then
    say "bench/.cache/$tarball is not the $LIVECHAT we measured (integrity $actual)"; exit 3
  fi
  tar xzf "bench/.cache/$tarball" -C bench/.cache/livechat
fi

# The widget: rebuilt when any of its sources is newer than the last build.
sources=(src core/src core/Cargo.toml styles loader Cargo.toml Cargo.lock Trunk.toml bench/widget.html)
stamp=bench/dist/sitechat/index.html
case "$build" in
  yes) rebuild=yes ;;
  no) rebuild=no; [ -f "$stamp" ] || { say "$stamp is missing (drop --no-build)"; exit 2; } ;;
  auto)
    rebuild=no
    if [ ! -f "$stamp" ] || [ -n "$(find "${sources[@]}" -newer "$stamp" -print -quit 2>/dev/null)" ]; then rebuild=yes; fi ;;
esac
if [ "$rebuild" = yes ]; then
  say "building the release widget (trunk build --release bench/widget.html)"
  started=$SECONDS
  trunk build --release --offline=true --dist bench/dist/sitechat bench/widget.html >&2
  say "built bench/dist/sitechat in $((SECONDS - started)) s"
fi
if [ "$build" != no ] || [ ! -f bench/dist/peer/peer.js ]; then
  node bench/peer/build.mjs
fi

exec node bench/bench.mjs "${args[@]}"
