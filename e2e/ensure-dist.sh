#!/usr/bin/env bash
# Makes sure dist/ holds a release build of the demo that is not older than its sources.
#
#   e2e/ensure-dist.sh          build when dist/ is missing or stale
#   e2e/ensure-dist.sh --force  always build
#   e2e/ensure-dist.sh --check  never build; fail if dist/ is missing
#
# Also installs the npm tools (playwright-core, binaryen's wasm-opt) when they are missing.
# Shared by e2e/run.sh and scripts/screenshots.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-auto}
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
say() { printf '\033[1m[e2e]\033[0m %s\n' "$*" >&2; }

if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the npm tools (playwright-core, binaryen)"
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
if [ ! -x "${SITECHAT_CHROMIUM:-/usr/bin/chromium}" ]; then
  say "no Chromium at ${SITECHAT_CHROMIUM:-/usr/bin/chromium}: run scripts/ensure-tools.sh"; exit 1
fi

# What the built demo is made of; any of it newer than dist/index.html means a rebuild.
sources=(src core/src core/Cargo.toml styles loader index.html Cargo.toml Cargo.lock Trunk.toml)
build=no
case "$mode" in
  --force) build=yes ;;
  --check) [ -f dist/index.html ] || { say "dist/index.html is missing (build it, or drop --no-build)"; exit 1; } ;;
  auto)
    if [ ! -f dist/index.html ]; then
      build=yes; say "dist/ is missing: building it"
    else
      newer=$(find "${sources[@]}" -newer dist/index.html -print -quit 2>/dev/null || true)
      if [ -n "$newer" ]; then build=yes; say "dist/ is older than $newer: rebuilding it"; fi
    fi ;;
  *) say "ensure-dist.sh: unknown mode $mode"; exit 2 ;;
esac
if [ "$build" = yes ]; then
  command -v trunk >/dev/null || { say "trunk is missing: run scripts/ensure-tools.sh"; exit 1; }
  started=$SECONDS
  trunk build --release --offline >&2
  say "built dist/ in $((SECONDS - started)) s"
fi
