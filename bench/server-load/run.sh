#!/usr/bin/env bash
# The reference server's load benchmark (issue 13; figures in docs/performance.md):
# starts the real sitechat-server (release build) on 127.0.0.1, opens idle visitor
# sockets in steps up to the largest number this machine holds, then sends a sustained
# message rate through to a signed-in agent. Prints RSS per idle socket, the largest N
# held, and p50/p99 delivery latency. A benchmark, not a test: it fails only when the
# server cannot be started or measured.
#
#   bench/server-load/run.sh                      defaults (steps to 8000 sockets, 200 msg/s for 10 s)
#   bench/server-load/run.sh --max-sockets 4000 --rate 200 --seconds 10 --senders 20
set -euo pipefail
cd "$(dirname "$0")/../.."
exec cargo bench -p sitechat-server --bench server-load -- "$@"
