#!/usr/bin/env bash
# Whether a login storm starves everything else: GET /api/v1/users (wrk -t1 -c8, limiter off,
# PostgreSQL, one release server) alone and while STORM clients log in in a loop at bcrypt
# cost 12, once per setting in SETTINGS, each "PASSWORD_HASH_CONCURRENCY/PASSWORD_HASH_QUEUE"
# ("default": neither set; "unbounded" runs BASELINE, if given, with no bound: every login on
# tokio's blocking pool at once, as before the gate). ROUNDS rounds on one server, each a
# round of reads alone then one during a storm (after a pause for the last storm's hashes to
# end), so that the two kinds share the server's history (its tables grow with each storm's
# sessions). Prints each round, then the median p50/p99 of the reads alone and during the
# storms, the logins served and refused (503) per second, and the median p99 during over
# the median p99 alone.
# Usage: benches/login_storm.sh BINARY [BASELINE]   (release builds of accounts-api)
# Needs: wrk, PostgreSQL :5432. Knobs: DURATION (10s), STORM (100), ROUNDS (5), SETTINGS.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?binary}; BASELINE=${2:-}; STORM=${STORM:-100}; DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-5}
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
  : >"$WORK/rounds-$port"
  for round in $(seq 1 "$ROUNDS"); do
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
    echo "  round $round: alone p50 $alone_p50 p99 $alone_p99 ($alone_rps req/s);" \
      "storm p50 $storm_p50 p99 $storm_p99 ($storm_rps req/s); logins $logins/s, refused $refused"
    echo "$(ms "$alone_p50") $(ms "$alone_p99") $(ms "$storm_p50") $(ms "$storm_p99") $logins $refused" \
      >>"$WORK/rounds-$port"
    sleep 3 # the hashes already running when the storm's clients left
  done
  col() { awk -v c="$1" '{print $c}' "$WORK/rounds-$port" | median; }
  alone_p99=$(col 2) storm_p99=$(col 4)
  ratio=$(python3 -c "print(f'{$storm_p99 / $alone_p99:.2f}')")
  echo "hash concurrency/queue $setting, medians of $ROUNDS rounds: alone p50 $(col 1) ms" \
    "p99 $alone_p99 ms; storm p50 $(col 3) ms p99 $storm_p99 ms; p99 ratio $ratio;" \
    "storm logins $(col 5)/s, refused (503) $(col 6)"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
done
