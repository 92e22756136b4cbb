#!/usr/bin/env bash
# Whether a login storm starves everything else: GET /api/v1/users (wrk -t1 -c8, limiter off,
# PostgreSQL, one release server) alone, then while STORM clients log in in a loop at bcrypt
# cost 12, once per setting in SETTINGS, each "PASSWORD_HASH_CONCURRENCY/PASSWORD_HASH_QUEUE"
# ("default": neither set; "unbounded" runs BASELINE, if given, with no bound: every login on
# tokio's blocking pool at once, as before the gate). Prints p50/p99 of the reads, the logins served and refused
# (503) per second, and each p99 over the p99 alone.
# Usage: benches/login_storm.sh BINARY [BASELINE]   (release builds of accounts-api)
# Needs: wrk, PostgreSQL :5432. Knobs: DURATION (10s), STORM (100), SETTINGS.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?binary}; BASELINE=${2:-}; STORM=${STORM:-100}; DURATION=${DURATION:-10s}
SETTINGS=${SETTINGS:-"${BASELINE:+unbounded }2/32 1/32 2/128"}
scripts/services-up.sh postgres >/dev/null
source benches/common.sh
fresh_database accounts_storm

reads() { # port: "p50 p99 req/s" of GET /api/v1/users for one round
  wrk -t1 -c8 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$1/api/v1/users" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print p50, p99, rps}'
}

port=18400
for setting in $SETTINGS; do
  port=$((port + 1)); binary=$BINARY
  case $setting in
    unbounded) binary=$BASELINE gate=(PASSWORD_HASH_CONCURRENCY=100000 PASSWORD_HASH_QUEUE=100000) ;;
    default) gate=() ;;
    *) gate=(PASSWORD_HASH_CONCURRENCY="${setting%/*}" PASSWORD_HASH_QUEUE="${setting#*/}") ;;
  esac
  serve "$port" "$binary" RATE_LIMIT_ENABLED=false PASSWORD_HASH_COST=12 "${gate[@]}"
  TOKEN=$(bench_login "$port")
  reads "$port" >/dev/null # warm-up
  read -r alone_p50 alone_p99 alone_rps < <(reads "$port")
  # The storm runs past the measured round on both ends.
  wrk -t2 -c"$STORM" -d$(( ${DURATION%s} + 6 ))s -s benches/login.lua \
    "http://127.0.0.1:$port/api/v1/token/access" >"$WORK/storm-$port.txt" 2>&1 &
  storm=$!
  sleep 3
  read -r storm_p50 storm_p99 storm_rps < <(reads "$port")
  wait "$storm"
  logins=$(awk '/Requests\/sec/ {print $2}' "$WORK/storm-$port.txt")
  refused=$(awk '/Non-2xx/ {print $NF}' "$WORK/storm-$port.txt"); refused=${refused:-0}
  ratio=$(python3 -c "print(f'{$(ms "$storm_p99") / $(ms "$alone_p99"):.2f}')")
  echo "hash concurrency/queue $setting: alone p50 $alone_p50 p99 $alone_p99 ($alone_rps req/s);" \
    "storm p50 $storm_p50 p99 $storm_p99 ($storm_rps req/s); p99 ratio $ratio;" \
    "storm logins $logins/s, refused (503) $refused"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
done
