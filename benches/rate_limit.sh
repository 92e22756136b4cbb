#!/usr/bin/env bash
# Throughput of GET /api/v1/users with the rate limiter off, on with Redis, and on in
# memory, in one run: three release servers side by side on PostgreSQL, wrk alternating
# between them for ROUNDS rounds; prints each round, the medians and the ratios to "off".
# Needs: wrk (apt-get install wrk), PostgreSQL :5432, Redis :6379 (scripts/services-up.sh).
# Knobs: ROUNDS (5), DURATION (8s), CONNECTIONS (32).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-8s} CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
scripts/services-up.sh postgres redis >/dev/null
cargo build --release --quiet --bin accounts-api
BIN=${CARGO_TARGET_DIR:-target}/release/accounts-api
DB=accounts_bench
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
WORK=$(mktemp -d); PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

serve() { # port, extra env...
  local port=$1; shift
  env APP_PORT="$port" DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" RUST_LOG=warn \
    JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
    JWT_ACCESS_TOKEN_TTL_SECONDS=3600 PASSWORD_HASH_COST=4 "$@" "$BIN" >"$WORK/$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && return; sleep 0.1; done
  echo "server on :$port did not start" >&2; cat "$WORK/$port.log" >&2; exit 1
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
serve 18181 RATE_LIMIT_ENABLED=false
# Limits high enough never to refuse: the limiter does its full work on every request.
serve 18182 REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="bench$$:" \
  RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s
serve 18183 RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s

curl -sf http://127.0.0.1:18181/api/v1/users -H 'content-type: application/json' \
  -d '{"username":"bench","email":"bench@example.com","password":"benchmark-password"}' >/dev/null
TOKEN=$(curl -sf http://127.0.0.1:18181/api/v1/token/access -d 'username=bench&password=benchmark-password' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

rps() { # port
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$1/api/v1/users" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for port in 18181 18182 18183; do rps $port >/dev/null; done # warm-up
OFF=(); REDIS=(); MEMORY=()
for round in $(seq 1 "$ROUNDS"); do
  OFF+=("$(rps 18181)"); REDIS+=("$(rps 18182)"); MEMORY+=("$(rps 18183)")
  echo "round $round: off ${OFF[-1]}, redis ${REDIS[-1]}, memory ${MEMORY[-1]} req/s"
done
off=$(printf '%s\n' "${OFF[@]}" | median)
redis=$(printf '%s\n' "${REDIS[@]}" | median)
memory=$(printf '%s\n' "${MEMORY[@]}" | median)
echo "median req/s: off $off, redis $redis, memory $memory"
echo "ratio to off: redis $(python3 -c "print(f'{$redis/$off:.3f}')"), memory $(python3 -c "print(f'{$memory/$off:.3f}')")"
