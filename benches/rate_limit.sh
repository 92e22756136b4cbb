#!/usr/bin/env bash
# Throughput of GET /api/v1/users with the rate limiter off, on with Redis, and on in
# memory, in one run: three release servers side by side on PostgreSQL, wrk alternating
# between them for ROUNDS rounds; prints each round, the medians and the ratios to "off".
# Needs: wrk (apt-get install wrk), PostgreSQL :5432, Redis :6379 (scripts/services-up.sh).
# Knobs: ROUNDS (5), DURATION, CONNECTIONS (benches/common.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
scripts/services-up.sh postgres redis >/dev/null
cargo build --release --quiet --bin accounts-api
BIN=${CARGO_TARGET_DIR:-target}/release/accounts-api
source benches/common.sh
fresh_database accounts_bench
# Limits high enough never to refuse: the limiter does its full work on every request.
HIGH=(RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s)
serve 18181 "$BIN" RATE_LIMIT_ENABLED=false
serve 18182 "$BIN" REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="bench$$:" "${HIGH[@]}"
serve 18183 "$BIN" "${HIGH[@]}"
TOKEN=$(bench_login 18181)

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
