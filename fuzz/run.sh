#!/usr/bin/env bash
# Runs every cargo-fuzz target for N seconds each (default 25), one after the other.
#
#   fuzz/run.sh            # CI smoke run: 5 targets × 25 s, about 3 minutes with the build
#   fuzz/run.sh 3600       # a long run: one hour per target
#   fuzz/run.sh 600 linkify hash   # only some targets
#
# Each target starts from the committed seeds (fuzz/seeds/<target>) plus what earlier
# runs kept (fuzz/corpus/<target>, not committed) and uses the JSON dictionary. A crash
# stops the run; libFuzzer prints the input and cargo-fuzz saves it under
# fuzz/artifacts/<target>/ — turn it into a regression test in core/ and fix the cause.
# The last line is a summary: "fuzz: N targets, S s each, R runs, 0 crashes".
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${1:-25}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(protocol_visitor protocol_agent config linkify hash)
fi

if ! command -v cargo-fuzz >/dev/null; then
  echo "cargo-fuzz is missing: run scripts/ensure-tools.sh (or cargo install cargo-fuzz --locked)"; exit 1
fi

# One build for every target (cargo-fuzz's default: release with debug assertions, ASan).
build_log=$(mktemp)
printf '\033[1m[fuzz]\033[0m building the targets (nightly)\n'
if ! cargo +nightly fuzz build >"$build_log" 2>&1; then
  tail -n 40 "$build_log"; echo "fuzz: the targets do not build"; rm -f "$build_log"; exit 1
fi
rm -f "$build_log"
total_runs=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log=$(mktemp)
  dict=()
  case "$t" in protocol_*|config) dict=(-dict=json.dict) ;; esac
  printf '\033[1m[fuzz]\033[0m %s for %s s\n' "$t" "$seconds"
  if ! cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
      -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=1024 \
      -print_final_stats=1 "${dict[@]}" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $t FAILED (input saved under fuzz/artifacts/$t/)"
    rm -f "$log"; exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1/p' "$log" | tail -n1)
  cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW).*cov:' "$log" | tail -n1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
  echo "  $t: ${runs:-0} runs, coverage ${cov:-?} edges, corpus $(ls "corpus/$t" | wc -l) inputs, no crash"
  total_runs=$((total_runs + ${runs:-0}))
  rm -f "$log"
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, ${total_runs} runs, 0 crashes"
