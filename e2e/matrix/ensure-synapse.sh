#!/usr/bin/env bash
# Makes sure matrix-synapse (PyPI, wheels only) is installed in a virtualenv and prints
# that virtualenv's python. SITECHAT_SYNAPSE_VENV picks the virtualenv (default
# ~/.cache/sitechat/synapse-venv). Exits 3 when it cannot be installed.
set -euo pipefail
venv=${SITECHAT_SYNAPSE_VENV:-$HOME/.cache/sitechat/synapse-venv}
say() { printf '\033[1m[matrix]\033[0m %s\n' "$*" >&2; }
if ! "$venv/bin/python" -c 'import synapse' 2>/dev/null; then
  say "installing matrix-synapse into $venv (wheels only)"
  started=$SECONDS
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --only-binary=:all: matrix-synapse; } >&2; then
    exit 3
  fi
  say "installed in $((SECONDS - started)) s"
fi
echo "$venv/bin/python"
