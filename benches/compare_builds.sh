#!/usr/bin/env bash
# Throughput of the authenticated request (GET /api/v1/users: JWT check, session-and-account
# read, per-IP-and-user limit in memory, on PostgreSQL) for two builds side
# by side, wrk alternating between them for ROUNDS rounds; prints each round, the medians
# and the ratio new/old. For refactors that must not cost anything.
# Usage: benches/compare_builds.sh OLD_BINARY NEW_BINARY   (release builds of accounts-api)
# Needs: wrk, PostgreSQL :5432 (scripts/services-up.sh). Knobs: ROUNDS (7), DURATION,
# CONNECTIONS (benches/common.sh); REQUEST=login compares the password grant instead (bcrypt
# at cost 4, so the login's database work shows; every login opens a session).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?old binary}; NEW=${2:?new binary}; ROUNDS=${ROUNDS:-7}
scripts/services-up.sh postgres >/dev/null
source benches/common.sh
fresh_database accounts_compare
HIGH=(RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s)
# The old build first: a build migrates the shared database up to its own schema.
serve 18191 "$OLD" "${HIGH[@]}"
serve 18192 "$NEW" "${HIGH[@]}"
OLD_TOKEN=$(bench_login 18191); NEW_TOKEN=$(bench_login 18192)

if [ "${REQUEST:-read}" = login ]; then
  rps() { # port: password grants/s for one round
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s benches/login.lua "http://127.0.0.1:$1/api/v1/token/access" \
      | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}'
  }
fi
rps 18191 "$OLD_TOKEN" >/dev/null; rps 18192 "$NEW_TOKEN" >/dev/null # warm-up
OLD_RPS=(); NEW_RPS=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then OLD_RPS+=("$(rps 18191 "$OLD_TOKEN")"); NEW_RPS+=("$(rps 18192 "$NEW_TOKEN")")
  else NEW_RPS+=("$(rps 18192 "$NEW_TOKEN")"); OLD_RPS+=("$(rps 18191 "$OLD_TOKEN")"); fi
  echo "round $round: old ${OLD_RPS[-1]}, new ${NEW_RPS[-1]} req/s"
done
old=$(printf '%s\n' "${OLD_RPS[@]}" | median)
new=$(printf '%s\n' "${NEW_RPS[@]}" | median)
echo "median req/s: old $old, new $new; ratio new/old $(python3 -c "print(f'{$new/$old:.3f}')")"
