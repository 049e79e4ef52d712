#!/usr/bin/env bash
# A fuzzing campaign: builds the cargo-fuzz targets and runs each one for SECONDS (default 60),
# printing the executions each ran; with --minimize, shrinks each corpus afterwards (what is
# committed in corpus/ is minimized). A run that finds a fault stops the campaign with the
# failing input in artifacts/<target>/ (add it to corpus/<target>/ once fixed, as regression-*).
#
#   bash fuzz/campaign.sh [--minimize] [SECONDS] [TARGET...]
#   bash fuzz/campaign.sh --build-only     # the targets built as a campaign runs them, no run
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); runs on stable Rust with
# `--sanitizer none`. `-O`: dependencies build as releases do, our crates keep their debug
# assertions and overflow checks (see Cargo.toml here).
set -euo pipefail
cd "$(dirname "$0")"
minimize=0
if [ "${1:-}" = "--build-only" ]; then exec cargo fuzz build -O -s none; fi
if [ "${1:-}" = "--minimize" ]; then minimize=1; shift; fi
seconds="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(text_record json_record tei_volume query oai_arguments events_file)
cargo fuzz build -O -s none
mkdir -p target/logs
total=0
for target in "${targets[@]}"; do
  started=$(date +%s)
  log="target/logs/$target.log"
  cargo fuzz run -O -s none "$target" -- -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  total=$((total + ${runs:-0}))
  echo "$target: ${runs:-0} executions in $(( $(date +%s) - started )) s, corpus $(ls "corpus/$target" | wc -l) inputs"
  if [ "$minimize" = 1 ]; then
    cargo fuzz cmin -O -s none "$target" >"target/logs/$target-cmin.log" 2>&1
    echo "$target: corpus minimized to $(ls "corpus/$target" | wc -l) inputs"
  fi
done
echo "all targets: $total executions"
