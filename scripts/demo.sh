#!/usr/bin/env bash
# Builds the release widget and serves the demo site on 127.0.0.1.
# Installs whatever is missing first (see scripts/ensure-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
port="${SITECHAT_PORT:-8080}"
echo
echo "sitechat demo: http://127.0.0.1:$port/   (auto-open: http://127.0.0.1:$port/#hs-chat-open)"
echo
exec trunk serve --release --offline --address 127.0.0.1 --port "$port" --no-autoreload
