#!/usr/bin/env bash
# The WordPress tier: the plugin in integrations/wordpress/ inside a real WordPress
# (Debian's `wordpress` package, 6.1, on PHP's built-in server and a MariaDB of its own),
# with the real sitechat-server, driven by Playwright in Debian's headless Chromium.
#
#   e2e/wordpress/run.sh              install what is missing, build what is stale, test
#   e2e/wordpress/run.sh --no-build   test with whatever dist/ and target/debug hold
#   e2e/wordpress/run.sh --screenshots DIR   also write the docs' screenshots to DIR
#
# Installs, only where missing and only from Debian's packages: wordpress,
# wordpress-theme-twentytwentyone, php-cli, php-mysql, mariadb-server-core,
# mariadb-client, zip. When one cannot be installed (no root, no package), the tier is
# SKIPPED with a loud banner and exits 0; every other failure exits non-zero. Starts and
# stops MariaDB, PHP and the chat server itself (see wp-harness.mjs); nothing listens
# anywhere but 127.0.0.1 and a Unix socket in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=auto
shots=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=no; shift ;;
    --screenshots) shots=${2:?--screenshots needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "e2e/wordpress/run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[wordpress]\033[0m %s\n' "$*" >&2; }
skip() {
  printf '\n\033[1;33m%s\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
  printf '!!! WORDPRESS TIER SKIPPED: %s\n' "$*"
  printf '!!! The plugin was NOT tested in a real WordPress.\n'
  printf '%s\033[0m\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
  echo "wordpress: skipped ($*)"
  exit 0
}

# What the tier needs, as "check|package" pairs.
needs=(
  "test -f /usr/share/wordpress/wp-settings.php|wordpress"
  "test -f /usr/share/wordpress/wp-content/themes/twentytwentyone/style.css|wordpress-theme-twentytwentyone"
  "command -v php|php-cli"
  "php -r 'exit(extension_loaded(\"mysqli\") ? 0 : 1);'|php-mysql"
  "command -v mariadbd && command -v mariadb-install-db|mariadb-server-core"
  "command -v mariadb|mariadb-client"
  "command -v zip|zip"
)
missing=()
for pair in "${needs[@]}"; do
  sh -c "${pair%%|*}" >/dev/null 2>&1 || missing+=("${pair##*|}")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || skip "missing ${missing[*]} and not root to apt-get install them"
  say "installing ${missing[*]} (Debian packages)"
  # Installing the packages must not start their services (Apache comes with the
  # wordpress package; this tier serves WordPress with PHP's own server): the Debian way
  # is a policy-rc.d that says no, kept only for the install.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  ok=1
  apt-get update -qq || ok=
  [ -n "$ok" ] && { apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || ok=; }
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  [ -n "$ok" ] || skip "apt-get could not install ${missing[*]}"
  for pair in "${needs[@]}"; do
    sh -c "${pair%%|*}" >/dev/null 2>&1 || skip "${pair##*|} is still missing after apt-get install"
  done
fi

# The release widget (shared with the e2e tier) and the reference server's debug build.
if [ "$build" = auto ]; then
  e2e/ensure-dist.sh
  say "building sitechat-server"
  cargo build -q -p sitechat-server
else
  e2e/ensure-dist.sh --check
fi

export SITECHAT_WP_SCREENSHOTS=${shots:+$(mkdir -p "$shots" && cd "$shots" && pwd)}
[ -n "$SITECHAT_WP_SCREENSHOTS" ] || unset SITECHAT_WP_SCREENSHOTS
out=$(mktemp)
# The harness lists the process groups it starts (MariaDB, PHP and its workers): if the
# run is killed by its timeout, they are stopped here.
export SITECHAT_WP_PIDFILE=$(mktemp)
cleanup() {
  while read -r pgid; do
    # only groups still running our servers (a finished run left none)
    if ps -o comm= -g "$pgid" 2>/dev/null | grep -qE "^(php|mariadbd)"; then kill -TERM -- "-$pgid" 2>/dev/null || true; fi
  done < "$SITECHAT_WP_PIDFILE"
  rm -f "$out" "$SITECHAT_WP_PIDFILE"
}
trap cleanup EXIT
status=0
timeout --kill-after=10 "${SITECHAT_WP_TIMEOUT:-300}" \
  node --test --test-concurrency=1 --test-timeout=120000 --test-reporter=tap e2e/wordpress/*.test.mjs \
  | tee "$out" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  say "the run passed its global timeout of ${SITECHAT_WP_TIMEOUT:-300} s and was stopped"
fi
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n1)
echo "wordpress: ${passed:-0} passed, ${failed:-0} failed"
[ "${passed:-0}" -gt 0 ] || { say "no test ran: that is a failure"; [ "$status" -ne 0 ] || status=1; }
exit "$status"
