#!/usr/bin/env bash
# What the signing algorithm costs (issue 28): one release server per JWT_ALGORITHM (RS256,
# ES256, EdDSA) on one PostgreSQL database, limiter on in memory with limits too high to
# refuse. Rounds alternate between the servers and between the refresh grant (one
# transaction + a signature) and the authenticated read (GET /api/v1/users: the token
# verified once and cached, one query), wrk with THREADS threads of one connection each.
# Besides requests/s, each round reads the API process's CPU time (utime + stime from
# /proc), so "per core" is requests per CPU-second of the API: what one core buys.
# Prints every round, the medians and the ratios against the same server's read.
# Usage: benches/signing.sh BINARY   (a release build of accounts-api)
# Needs: wrk, openssl, PostgreSQL :5432. Knobs: ROUNDS (5), DURATION (8s), THREADS (8).
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?binary}; ROUNDS=${ROUNDS:-5}; THREADS=${THREADS:-8}
scripts/services-up.sh postgres >/dev/null
source benches/common.sh
fresh_database accounts_signing
TICKS=$(getconf CLK_TCK)
declare -A PORT=([RS256]=18211 [ES256]=18212 [EdDSA]=18213) PID=()
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/es.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$WORK/ed.pem" 2>/dev/null
for kind in es ed; do openssl pkey -in "$WORK/$kind.pem" -pubout -out "$WORK/$kind-pub.pem"; done
limits=(RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s)
serve "${PORT[RS256]}" "$BINARY" "${limits[@]}"
PID[RS256]=${PIDS[-1]}
serve "${PORT[ES256]}" "$BINARY" "${limits[@]}" JWT_ALGORITHM=ES256 \
  JWT_PRIVATE_KEY_PATH="$WORK/es.pem" JWT_PUBLIC_KEY_PATH="$WORK/es-pub.pem"
PID[ES256]=${PIDS[-1]}
serve "${PORT[EdDSA]}" "$BINARY" "${limits[@]}" JWT_ALGORITHM=EdDSA \
  JWT_PRIVATE_KEY_PATH="$WORK/ed.pem" JWT_PUBLIC_KEY_PATH="$WORK/ed-pub.pem"
PID[EdDSA]=${PIDS[-1]}

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # clock ticks the process used so far

run() { # algorithm kind: one round; prints "req/s requests-per-CPU-second"
  local port=${PORT[$1]} pid=${PID[$1]} before after
  local args=(-t"$THREADS" -c"$THREADS" -d"$DURATION")
  if [ "$2" = refresh ]; then
    # Fresh sessions, one per thread (a refresh cut off at the end must not be replayed).
    local tokens; tokens=$(for _ in $(seq 1 "$THREADS"); do bench_login "$port" refresh_token; done | tr '\n' ' ')
    before=$(cpu "$pid")
    REFRESH_TOKENS=$tokens wrk "${args[@]}" -s benches/refresh.lua "http://127.0.0.1:$port/api/v1/token/access" >"$WORK/wrk"
  else
    local token; token=$(bench_login "$port")
    before=$(cpu "$pid")
    wrk "${args[@]}" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/users" >"$WORK/wrk"
  fi
  after=$(cpu "$pid")
  grep -q Non-2xx "$WORK/wrk" && { echo "non-2xx answers on $1 $2:" >&2; cat "$WORK/wrk" >&2; }
  awk -v ticks="$TICKS" -v used=$((after - before)) '/^Requests\/sec/ {rps = $2}
    /requests in/ {n = $1} END {printf "%.0f %.0f\n", rps, n / (used / ticks)}' "$WORK/wrk"
}

for algorithm in RS256 ES256 EdDSA; do run "$algorithm" refresh >/dev/null; run "$algorithm" read >/dev/null; done
declare -A RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  for algorithm in RS256 ES256 EdDSA; do
    for kind in $( ((round % 2)) && echo refresh read || echo read refresh); do
      result=$(run "$algorithm" "$kind")
      RESULTS[$algorithm.$kind]+="$result"$'\n'
      echo "round $round: $algorithm $kind $result (req/s, requests per API CPU-second)"
    done
  done
done
echo "medians (req/s, requests per API CPU-second; ratio = refresh / read of the same server):"
for algorithm in RS256 ES256 EdDSA; do
  refresh=$(printf '%s' "${RESULTS[$algorithm.refresh]}" | cut -d' ' -f1 | median)
  refresh_cpu=$(printf '%s' "${RESULTS[$algorithm.refresh]}" | cut -d' ' -f2 | median)
  read=$(printf '%s' "${RESULTS[$algorithm.read]}" | cut -d' ' -f1 | median)
  read_cpu=$(printf '%s' "${RESULTS[$algorithm.read]}" | cut -d' ' -f2 | median)
  echo "$algorithm: refresh $refresh req/s ($refresh_cpu per CPU-s), read $read req/s ($read_cpu per CPU-s);" \
    "ratio $(python3 -c "print(f'{$refresh/$read:.3f}')")"
done
