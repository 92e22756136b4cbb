#!/usr/bin/env bash
# Throughput of the authenticated request (GET /api/v1/users: JWT check, account-exists
# check, per-IP-and-user limit in memory, account read on PostgreSQL) for two builds side
# by side, wrk alternating between them for ROUNDS rounds; prints each round, the medians
# and the ratio new/old. For refactors that must not cost anything.
# Usage: benches/compare_builds.sh OLD_BINARY NEW_BINARY   (release builds of accounts-api)
# Needs: wrk, PostgreSQL :5432 (scripts/services-up.sh). Knobs: ROUNDS (7), DURATION,
# CONNECTIONS (benches/common.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?old binary}; NEW=${2:?new binary}; ROUNDS=${ROUNDS:-7}
scripts/services-up.sh postgres >/dev/null
source benches/common.sh
fresh_database accounts_compare
HIGH=(RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s)
serve 18191 "$OLD" "${HIGH[@]}"
serve 18192 "$NEW" "${HIGH[@]}"
TOKEN=$(bench_token 18191)

for port in 18191 18192; do rps $port >/dev/null; done # warm-up
OLD_RPS=(); NEW_RPS=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then OLD_RPS+=("$(rps 18191)"); NEW_RPS+=("$(rps 18192)")
  else NEW_RPS+=("$(rps 18192)"); OLD_RPS+=("$(rps 18191)"); fi
  echo "round $round: old ${OLD_RPS[-1]}, new ${NEW_RPS[-1]} req/s"
done
old=$(printf '%s\n' "${OLD_RPS[@]}" | median)
new=$(printf '%s\n' "${NEW_RPS[@]}" | median)
echo "median req/s: old $old, new $new; ratio new/old $(python3 -c "print(f'{$new/$old:.3f}')")"
