#!/usr/bin/env bash
# Takes the README's screenshots of the demo with the chat open: desktop 1280×800 and
# phone 375×740 (2×), English and French, into docs/screenshots/ (desktop-en.png,
# desktop-fr.png, mobile-en.png, mobile-fr.png, and demo-open.png = desktop-en.png).
# Builds the release demo first when dist/ is missing or older than the sources.
#
#   scripts/screenshots.sh [output directory]
set -euo pipefail
cd "$(dirname "$0")/.."
e2e/ensure-dist.sh
# Emoji in the greeting need a colour emoji font, which a visitor's system has and a
# server image may not.
if ! fc-list 2>/dev/null | grep -qi 'emoji'; then
  apt-get install -y -q fonts-noto-color-emoji >/dev/null || echo "screenshots: no emoji font could be installed; emoji will show as boxes" >&2
fi
exec timeout --kill-after=10 "${SITECHAT_E2E_TIMEOUT:-120}" node e2e/screenshots.mjs "$@"
