#!/usr/bin/env bash
# The Matrix transport's tests against a real Synapse.
#
#   e2e/matrix/run.sh            install Synapse if missing, build dist/ if stale, run the tests
#   e2e/matrix/run.sh --no-build test whatever dist/ holds
#
# Synapse (`matrix-synapse` from PyPI, wheels only) goes into a virtualenv in
# SITECHAT_SYNAPSE_VENV (default ~/.cache/sitechat/synapse-venv). When it cannot be
# installed the tests are SKIPPED with a loud message and the script exits 0; anything
# else that fails, fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=auto
if [ "${1:-}" = --no-build ]; then build=no; shift; fi
say() { printf '\033[1m[matrix]\033[0m %s\n' "$*" >&2; }

if ! python=$(e2e/matrix/ensure-synapse.sh); then
  printf '\n\033[1;41m SKIPPED \033[0m \033[1mthe Matrix tests did not run: matrix-synapse could not be installed from PyPI.\033[0m\n\n' >&2
  exit 0
fi
export SITECHAT_SYNAPSE_PYTHON="$python"
say "Synapse $("$SITECHAT_SYNAPSE_PYTHON" -c 'import synapse; print(synapse.__version__)')"

if [ "$build" = auto ]; then e2e/ensure-dist.sh; else e2e/ensure-dist.sh --check; fi
if [ $# -eq 0 ]; then set -- e2e/matrix/*.test.mjs; fi
timeout --kill-after=10 "${SITECHAT_MATRIX_TIMEOUT:-300}" \
  node --test --test-concurrency=1 --test-timeout=120000 --test-reporter=tap "$@"
