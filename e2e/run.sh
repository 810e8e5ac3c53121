#!/usr/bin/env bash
# Runs the end-to-end tests: the built demo in Debian's headless Chromium.
#
#   e2e/run.sh                 build dist/ if it is missing or older than the sources, then test
#   e2e/run.sh --no-build      test whatever dist/ holds
#   e2e/run.sh --build         rebuild dist/ first, stale or not
#   e2e/run.sh e2e/demo.test.mjs   only these test files (after the options)
#
# The whole run is bounded by SITECHAT_E2E_TIMEOUT seconds (default 600) and each test by
# 60 s. Exits non-zero when a test fails or the run times out; the output ends with node's
# own TAP summary (`# pass N`, `# fail N`, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

build=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=no; shift ;;
    --build) build=yes; shift ;;  # always rebuild
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "e2e/run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done

say() { printf '\033[1m[e2e]\033[0m %s\n' "$*" >&2; }

case "$build" in
  auto) e2e/ensure-dist.sh ;;
  yes) e2e/ensure-dist.sh --force ;;
  no) e2e/ensure-dist.sh --check ;;
esac

# The reference server for e2e/server*.test.mjs (a debug build: quick, and the native
# tier has usually built it already).
if [ "$build" != no ]; then
  say "building sitechat-server"
  cargo build -q -p sitechat-server
fi

if [ $# -eq 0 ]; then set -- e2e/*.test.mjs; fi
status=0
timeout --kill-after=10 "${SITECHAT_E2E_TIMEOUT:-600}" \
  node --test --test-concurrency=1 --test-timeout=60000 --test-reporter=tap "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  say "the run passed its global timeout of ${SITECHAT_E2E_TIMEOUT:-600} s and was stopped"
fi
exit "$status"
