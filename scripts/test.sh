#!/usr/bin/env bash
# Runs every sitechat test: first the style checks (rustfmt, clippy: a slip fails in
# seconds), then native core and server tests, the widget in headless Chromium
# (wasm-bindgen-test), then end-to-end tests of the release build (Playwright), then the
# WordPress plugin in a real WordPress (e2e/wordpress/run.sh), then the
# chaos test (CI variant: 200 messages, 10 server restarts), then a short fuzzing smoke run (SITECHAT_FUZZ_SECONDS per target, default 25; 0 skips it).
# Installs whatever is missing first (see scripts/ensure-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Sums "N passed" / "N failed" over every `test result:` line of a cargo log.
count() { grep -E '^test result:' "$1" | sed -E "s/.* ([0-9]+) $2.*/\1/" | awk '{s+=$1} END {print s+0}'; }

step "style: cargo fmt --check and clippy -D warnings (native and wasm)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p sitechat --all-targets --features demo -- -D warnings
long=$(find src -name '*.rs' -exec awk -v max=400 'FNR == 1 && prev { if (n > max) print prev ": " n " lines" } { prev = FILENAME; n = FNR } END { if (n > max) print prev ": " n " lines" }' {} + )
if [ -n "$long" ]; then
  echo "files under src/ must stay within 400 lines (split them by concept):"; echo "$long"; exit 1
fi
echo "ok: formatted, clippy has nothing to say, no file under src/ over 400 lines"

step "core: the pure crate stays free of browser dependencies"
forbidden=$(cargo tree -p sitechat-core -e normal --prefix none | grep -E '^(web-sys|js-sys|wasm-bindgen|yew|gloo)' || true)
if [ -n "$forbidden" ]; then
  echo "sitechat-core depends on browser crates:"; echo "$forbidden"; exit 1
fi
echo "ok: no web-sys, js-sys, wasm-bindgen, yew or gloo under sitechat-core"

step "native: cargo test (core, reference server)"
cargo test -p sitechat-core -p sitechat-server 2>&1 | tee "$logs/native.log"

step "abuse: one attacker against the real server binary (server/tests/abuse.rs)"
cargo test -p sitechat-server --test abuse -- --ignored 2>&1 | tee "$logs/abuse.log"

step "example: the Yew component example builds"
cargo build --example yew_app --target wasm32-unknown-unknown

step "browser: wasm-bindgen-test in headless Chromium"
CHROMEDRIVER="$(command -v chromedriver)" WASM_BINDGEN_TEST_TIMEOUT=180 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p sitechat 2>&1 | tee "$logs/browser.log"

step "end to end: Playwright in headless Chromium (release build)"
SITECHAT_E2E_TIMEOUT=${SITECHAT_E2E_TIMEOUT:-600} e2e/run.sh 2>&1 | tee "$logs/e2e.log"

step "wordpress: the plugin in a real WordPress 6.1 (PHP, MariaDB), with the real server"
e2e/wordpress/run.sh --no-build 2>&1 | tee "$logs/wordpress.log"

step "chaos: widget and agent through a fault-injecting proxy, server killed and restarted"
node e2e/chaos.mjs --messages "${SITECHAT_CHAOS_MESSAGES:-200}" --restarts "${SITECHAT_CHAOS_RESTARTS:-10}" 2>&1 | tee "$logs/chaos.log"

step "matrix: the Matrix transport against a real Synapse (skipped loudly if it cannot be installed)"
e2e/matrix/run.sh --no-build 2>&1 | tee "$logs/matrix.log"

fuzz_seconds=${SITECHAT_FUZZ_SECONDS:-25}
if [ "$fuzz_seconds" -gt 0 ]; then
  step "fuzz: every cargo-fuzz target for ${fuzz_seconds} s"
  fuzz/run.sh "$fuzz_seconds" 2>&1 | tee "$logs/fuzz.log"
fi

native_passed=$(count "$logs/native.log" passed); native_failed=$(count "$logs/native.log" failed)
browser_passed=$(count "$logs/browser.log" passed); browser_failed=$(count "$logs/browser.log" failed)
e2e_passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logs/e2e.log" | tail -n1); e2e_passed=${e2e_passed:-0}
e2e_failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$logs/e2e.log" | tail -n1); e2e_failed=${e2e_failed:-0}
step "summary"
echo "native tests:  $native_passed passed, $native_failed failed"
echo "browser tests: $browser_passed passed, $browser_failed failed"
echo "e2e tests:     $e2e_passed passed, $e2e_failed failed"
echo "wordpress:     $(grep '^wordpress:' "$logs/wordpress.log" | tail -n1 | sed 's/^wordpress: //')"
matrix_passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logs/matrix.log" | tail -n1)
echo "matrix tests:  ${matrix_passed:-0} passed, $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$logs/matrix.log" | tail -n1 | grep . || echo 0) failed$(grep -q SKIPPED "$logs/matrix.log" && echo ' (SKIPPED: matrix-synapse could not be installed)')"
echo "chaos:         $(grep '^chaos:' "$logs/chaos.log" | tail -n1 | sed 's/^chaos: //')"
if [ -f "$logs/fuzz.log" ]; then
  echo "fuzz smoke:    $(grep '^fuzz:' "$logs/fuzz.log" | tail -n1 | sed 's/^fuzz: //')"
else
  echo "fuzz smoke:    skipped (SITECHAT_FUZZ_SECONDS=0)"
fi
if [ "$browser_passed" -eq 0 ] || [ "$native_passed" -eq 0 ] || [ "$e2e_passed" -eq 0 ]; then
  echo "a tier ran no test: that is a failure"; exit 1
fi
echo "total: $((native_passed + browser_passed + e2e_passed)) passed, $((native_failed + browser_failed + e2e_failed)) failed"
