#!/usr/bin/env bash
# Issue 28's figures per core, in one run on one release build: the authenticated read
# (GET /api/v1/users, wrk -t2 -c64) against `pgbench -S -c32` on the same server; the refresh
# grant with RS256 and with ES256 (REFRESH_THREADS sessions refreshing in a loop); password
# logins at bcrypt cost 12 (the default) and at KC_COST, the cost whose hash time matches
# Keycloak's default hashing (see BENCHMARKS.md for how it was chosen). Production-like: the
# limiter on in Redis with limits too high to refuse, metrics on, PostgreSQL over TCP.
# Each round reads the CPU time (utime + stime from /proc) of the API process, of every
# PostgreSQL process and of Redis, and prints for each workload: req/s, requests per API
# CPU-second ("per API core"), per CPU-second of API + PostgreSQL + Redis ("per core, database
# included"), and each process's CPU per request. Medians over ROUNDS, rounds alternating.
# Usage: benches/per_core.sh BINARY   (a release build of accounts-api)
# Needs: wrk, pgbench, openssl, PostgreSQL :5432, Redis :6379.
# Knobs: ROUNDS (3), DURATION (10s), KC_COST (9), REFRESH_THREADS (16).
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?binary}; ROUNDS=${ROUNDS:-3}; KC_COST=${KC_COST:-9}; THREADS=${REFRESH_THREADS:-16}
DURATION=${DURATION:-10s}
command -v pgbench >/dev/null || { echo "pgbench is missing: apt-get install postgresql-contrib" >&2; exit 1; }
scripts/services-up.sh postgres redis >/dev/null
source benches/common.sh
TICKS=$(getconf CLK_TCK)
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS bench_pgbench WITH (FORCE)" \
  -c "CREATE DATABASE bench_pgbench"
pgbench -i -q -s 10 -h 127.0.0.1 -U postgres bench_pgbench 2>/dev/null
fresh_database accounts_per_core
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/es.pem" 2>/dev/null
openssl pkey -in "$WORK/es.pem" -pubout -out "$WORK/es-pub.pem"
common=(REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="percore$$:"
  RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s)
RS=18601 ES=18602
serve $RS "$BINARY" "${common[@]}" PASSWORD_HASH_COST=12 METRICS_ADDR=127.0.0.1:19601
RS_PID=${PIDS[-1]}
serve $ES "$BINARY" "${common[@]}" PASSWORD_HASH_COST="$KC_COST" METRICS_ADDR=127.0.0.1:19602 \
  JWT_ALGORITHM=ES256 JWT_PRIVATE_KEY_PATH="$WORK/es.pem" JWT_PUBLIC_KEY_PATH="$WORK/es-pub.pem"
ES_PID=${PIDS[-1]}
TOKEN=$(bench_login $RS) # "bench", hashed at cost 12 by the RS256 server
curl -sf -o /dev/null "http://127.0.0.1:$ES/api/v1/users" -H 'content-type: application/json' \
  -d '{"username":"benchkc","email":"benchkc@example.com","password":"benchmark-password"}'

ticks() { # pids...: their utime+stime, summed
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
sample() { echo "$(ticks "$1") $(ticks $(pgrep -x postgres)) $(ticks $(pgrep -x redis-server))"; }

# workload: runs it once; prints "req/s per-API-CPU-s per-all-CPU-s api-us pg-us redis-us"
run() {
  local pid=$RS_PID port=$RS wrk_args=(-d"$DURATION") before after
  case $1 in
    read) wrk_args+=(-t2 -c64 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$RS/api/v1/users") ;;
    refresh-*)
      [ "$1" = refresh-es256 ] && { pid=$ES_PID port=$ES; }
      export REFRESH_TOKENS; REFRESH_TOKENS=$(for _ in $(seq 1 "$THREADS"); do
        bench_login "$port" refresh_token; done | tr '\n' ' ')
      wrk_args+=(-t"$THREADS" -c"$THREADS" -s benches/refresh.lua "http://127.0.0.1:$port/api/v1/token/access") ;;
    login-12) export LOGIN_USERNAME=bench
      wrk_args+=(-t2 -c4 -s benches/login.lua "http://127.0.0.1:$RS/api/v1/token/access") ;;
    login-kc) export LOGIN_USERNAME=benchkc; pid=$ES_PID
      wrk_args+=(-t2 -c4 -s benches/login.lua "http://127.0.0.1:$ES/api/v1/token/access") ;;
  esac
  before=$(sample "$pid")
  wrk "${wrk_args[@]}" >"$WORK/wrk"
  after=$(sample "$pid")
  grep -q Non-2xx "$WORK/wrk" && { echo "non-2xx answers in $1:" >&2; cat "$WORK/wrk" >&2; exit 1; }
  awk -v ticks="$TICKS" -v before="$before" -v after="$after" '
    /requests in/ {n = $1} /^Requests\/sec/ {rps = $2}
    END {
      split(before, b, " "); split(after, a, " ")
      api = (a[1] - b[1]) / ticks; pg = (a[2] - b[2]) / ticks; redis = (a[3] - b[3]) / ticks
      printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", rps, n / api, n / (api + pg + redis),
        api * 1e6 / n, pg * 1e6 / n, redis * 1e6 / n
    }' "$WORK/wrk"
}
ceiling() { pgbench -S -n -c32 -j2 -T "${DURATION%s}" -h 127.0.0.1 -U postgres bench_pgbench 2>/dev/null | awk '/^tps/ {printf "%.0f\n", $3}'; }

WORKLOADS=(read refresh-rs256 refresh-es256 login-12 login-kc)
run read >/dev/null # warm-up
declare -A RESULTS=(); CEILINGS=()
for round in $(seq 1 "$ROUNDS"); do
  order=(pgbench "${WORKLOADS[@]}"); (( round % 2 )) || order=($(printf '%s\n' "${order[@]}" | tac))
  for workload in "${order[@]}"; do
    if [ "$workload" = pgbench ]; then
      CEILINGS+=("$(ceiling)"); echo "round $round: pgbench -S ${CEILINGS[-1]} tps"; continue
    fi
    result=$(run "$workload"); RESULTS[$workload]+="$result"$'\n'
    echo "round $round: $workload $result"
  done
done
column() { printf '%s' "${RESULTS[$1]}" | cut -d' ' -f"$2" | median; }
ceiling=$(printf '%s\n' "${CEILINGS[@]}" | median)
read_rps=$(column read 1)
echo "medians over $ROUNDS rounds; pgbench -S -c32: $ceiling tps"
printf '%-14s %8s %12s %16s %26s %10s\n' workload req/s per-API-CPU-s per-CPU-s-with-db "CPU us/req API/PG/Redis" "vs read"
for workload in "${WORKLOADS[@]}"; do
  rps=$(column "$workload" 1)
  printf '%-14s %8s %12s %16s %26s %10s\n' "$workload" "$rps" "$(column "$workload" 2)" \
    "$(column "$workload" 3)" "$(column "$workload" 4)/$(column "$workload" 5)/$(column "$workload" 6)" \
    "$(python3 -c "print(f'{$rps/$read_rps:.3f}')")"
done
echo "read / pgbench -S: $(python3 -c "print(f'{$read_rps/$ceiling:.3f}')")"
