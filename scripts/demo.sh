#!/usr/bin/env bash
# Runs the demo: the release widget on the demo site, served by the reference server
# (`sitechat-server demo`: a fresh SQLite file, a demo agent, a built-in SMTP sink) on
# 127.0.0.1. Prints the visitor URL, the agent inbox URL and the demo agent's login, so
# one person can chat with themselves across two browser windows.
# Installs whatever is missing first (see scripts/ensure-tools.sh).
#
#   SITECHAT_PORT=8080   the port to listen on
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
port="${SITECHAT_PORT:-8080}"

e2e/ensure-dist.sh                      # the release widget + demo page in dist/ (skipped when fresh)
# A debug build: the tests share it, and a demo needs no more speed than that.
cargo build -q -p sitechat-server

# The built demo page plays both sides in the page (its config element says
# data-transport="memory"). Served by the reference server it talks to the server instead;
# the in-page version stays available at /playground/.
site=target/demo-site
rm -rf "$site"
cp -r dist "$site"
mkdir -p "$site/playground"
cp dist/index.html "$site/playground/index.html"
sed -i 's/ data-transport="memory"//' "$site/index.html"

echo
echo "Without a server: the in-page playground (agent panel on the page) is at http://127.0.0.1:$port/playground/"
echo "Add #hs-chat-open to any page URL to open the chat by itself."
echo
exec target/debug/sitechat-server demo --addr "127.0.0.1:$port" --static-dir "$site"
