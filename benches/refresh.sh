#!/usr/bin/env bash
# What a refresh costs: the refresh-token grant (claim the token, read its session, touch the
# session, store the next token, sign a JWT: one transaction) against the authenticated read
# (GET /api/v1/users: JWT check plus one session-and-account query), on one release server on
# PostgreSQL, limiter on in memory with limits too high to refuse. wrk with THREADS threads of
# one connection each (one session per thread for the refreshes), alternating rounds; prints
# each round, the medians, their ratio and the latencies.
# Usage: benches/refresh.sh BINARY   (a release build of accounts-api)
# Needs: wrk, PostgreSQL :5432. Knobs: ROUNDS (7), DURATION, THREADS (8).
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?binary}; ROUNDS=${ROUNDS:-7}; THREADS=${THREADS:-8}
scripts/services-up.sh postgres >/dev/null
source benches/common.sh
fresh_database accounts_refresh
serve 18201 "$BINARY" RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s
TOKEN=$(bench_login 18201)

run() { # kind: one round; prints "req/s p50-latency"
  local args=(-t"$THREADS" -c"$THREADS" -d"$DURATION" --latency)
  if [ "$1" = refresh ]; then
    # Fresh sessions, one per thread: the last refresh of a run may be cut off in flight, and
    # replaying its token in the next run (after the grace window) would rightly end the session.
    REFRESH_TOKENS=$(for _ in $(seq 1 "$THREADS"); do bench_login 18201 refresh_token; done | tr '\n' ' ') \
      wrk "${args[@]}" -s benches/refresh.lua "http://127.0.0.1:18201/api/v1/token/access"
  else
    wrk "${args[@]}" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18201/api/v1/users"
  fi | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}
            END {print rps, p50}'
}

run refresh >/dev/null; run read >/dev/null # warm-up
REFRESH=(); READ=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then REFRESH+=("$(run refresh)"); READ+=("$(run read)")
  else READ+=("$(run read)"); REFRESH+=("$(run refresh)"); fi
  echo "round $round: refresh ${REFRESH[-1]}, read ${READ[-1]} (req/s p50)"
done
refresh=$(printf '%s\n' "${REFRESH[@]}" | cut -d' ' -f1 | median)
read=$(printf '%s\n' "${READ[@]}" | cut -d' ' -f1 | median)
echo "median req/s: refresh $refresh, read $read; ratio refresh/read $(python3 -c "print(f'{$refresh/$read:.3f}')")"
psql -qAt -h 127.0.0.1 -U postgres -d accounts_refresh \
  -c "SELECT 'sessions ' || count(*) FROM sessions" -c "SELECT 'refresh tokens ' || count(*) FROM refresh_tokens" \
  -c "SELECT 'revoked sessions ' || count(*) FROM sessions WHERE revoked_at IS NOT NULL"
