#!/usr/bin/env bash
# Runs the coverage-guided fuzz targets (fuzz/, cargo-fuzz + libFuzzer on the nightly
# compiler, AddressSanitizer) for FUZZ_SECONDS each (default 20), from the committed seeds
# (fuzz/seeds/<target>) and the corpus earlier runs grew (fuzz/corpus/<target>, not
# committed). Prints one line per target: executions, executions per second, coverage
# (edges), corpus size; exits 1 on any finding, whose input libFuzzer writes to
# fuzz/artifacts/<target>/ (add it to fuzz/seeds/<target>/: `cargo test` replays it).
# Usage: scripts/fuzz.sh [TARGET...]   (default: every target). Knobs: FUZZ_SECONDS (20),
# JOBS (1: targets run one after another; 2 runs two at once).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-20} JOBS=${JOBS:-1}
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$HOME/.cache/accounts-api/fuzz-target}
rustup run nightly rustc --version >/dev/null 2>&1 ||
  { echo "fuzz: no nightly compiler (rustup toolchain nightly)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
TARGETS=("$@")
((${#TARGETS[@]})) || mapfile -t TARGETS < <(cargo +nightly fuzz list)
cargo +nightly fuzz build -O >/dev/null
LOGS=$(mktemp -d)
run() {
  local target=$1
  mkdir -p "corpus/$target"
  cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
    >"$LOGS/$target.log" 2>&1
}
status=0 pids=() names=()
for target in "${TARGETS[@]}"; do
  run "$target" & pids+=($!) names+=("$target")
  if ((${#pids[@]} >= JOBS)); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
printf '%-12s %12s %10s %8s %8s %s\n' target executions exec/s edges corpus result
for target in "${names[@]}"; do
  log="$LOGS/$target.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  edges=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  result=PASS
  if grep -q -E '^==[0-9]+==ERROR|panicked at|deadly signal|Test unit written' "$log"; then
    result="FAIL (see $log)"; status=1
  fi
  printf '%-12s %12s %10s %8s %8s %s\n' "$target" "${runs:-?}" "${speed:-?}" "${edges:-?}" \
    "${corpus:-?}" "$result"
done
((status == 0)) && rm -rf "$LOGS"
exit "$status"
