#!/usr/bin/env bash
# Throughput of the authenticated request (GET /api/v1/users: JWT check, account-exists
# check, per-IP-and-user limit in memory, account read on PostgreSQL) for two builds side
# by side, wrk alternating between them for ROUNDS rounds; prints each round, the medians
# and the ratio new/old. For refactors that must not cost anything.
# Usage: benches/compare_builds.sh OLD_BINARY NEW_BINARY   (release builds of accounts-api)
# Needs: wrk, PostgreSQL :5432 (scripts/services-up.sh). Knobs: ROUNDS (7), DURATION (8s),
# CONNECTIONS (32).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?old binary}; NEW=${2:?new binary}
ROUNDS=${ROUNDS:-7} DURATION=${DURATION:-8s} CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
scripts/services-up.sh postgres >/dev/null
DB=accounts_compare
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
WORK=$(mktemp -d); PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

serve() { # port binary
  env APP_PORT="$1" DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" RUST_LOG=warn \
    JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
    JWT_ACCESS_TOKEN_TTL_SECONDS=3600 PASSWORD_HASH_COST=4 \
    RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s "$2" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/api/v1/health" >/dev/null && return; sleep 0.1; done
  echo "server on :$1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
serve 18191 "$OLD"
serve 18192 "$NEW"
curl -sf http://127.0.0.1:18191/api/v1/users -H 'content-type: application/json' \
  -d '{"username":"bench","email":"bench@example.com","password":"benchmark-password"}' >/dev/null
TOKEN=$(curl -sf http://127.0.0.1:18191/api/v1/token/access -d 'username=bench&password=benchmark-password' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

rps() { # port
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$1/api/v1/users" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

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
