#!/usr/bin/env bash
# The Matrix benchmark (docs/performance.md, "Matrix"): throughput and delivery latency
# visitor → agent through sitechat-server and through Synapse, same load, one run.
#
#   bench/matrix/run.sh [--visitors 20] [--messages 40] [--interval-ms 250]
#
# Installs Synapse into its virtualenv (e2e/matrix/ensure-synapse.sh) and builds the
# release sitechat-server if needed. Not part of scripts/test.sh: a measurement.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
python=$(e2e/matrix/ensure-synapse.sh) || { echo "bench/matrix: matrix-synapse could not be installed" >&2; exit 3; }
export SITECHAT_SYNAPSE_PYTHON="$python"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error >&2
cargo build -q --release -p sitechat-server
export SITECHAT_SERVER_BIN="$PWD/target/release/sitechat-server"
[ -f dist/index.html ] || e2e/ensure-dist.sh
exec node bench/matrix/bench.mjs "$@"
