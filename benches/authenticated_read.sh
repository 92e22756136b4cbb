#!/usr/bin/env bash
# Issue 14's main figure: GET /api/v1/users with a bearer token (limiter on in Redis, limits
# too high to refuse, PostgreSQL), wrk -t2 -c64, against the database's own ceiling
# (pgbench -S -c32 on the same server) in the same run, rounds alternating. For each build:
# req/s, p50 and p99, the share of the ceiling, CPU per request (utime+stime from /proc over
# the requests served: the server's, and PostgreSQL's and Redis's during the round) and the
# server's RSS idle and at its peak.
# Usage: benches/authenticated_read.sh BINARY [BASELINE_BINARY]   (release builds)
# Needs: wrk, pgbench, PostgreSQL :5432, Redis :6379. Knobs: ROUNDS (5), DURATION (10s).
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?binary}; BASELINE=${2:-}; ROUNDS=${ROUNDS:-5}; DURATION=${DURATION:-10s}
command -v pgbench >/dev/null || { echo "pgbench is missing: apt-get install postgresql-contrib" >&2; exit 1; }
scripts/services-up.sh postgres redis >/dev/null
source benches/common.sh
HIGH=(RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s)
REDIS=(REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="bench$$:")
TICKS=$(getconf CLK_TCK)

psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS bench_pgbench WITH (FORCE)" \
  -c "CREATE DATABASE bench_pgbench"
pgbench -i -q -s 10 -h 127.0.0.1 -U postgres bench_pgbench 2>/dev/null
ceiling() { # select-only transactions/s, 32 clients
  pgbench -S -n -c32 -j2 -T "${DURATION%s}" -h 127.0.0.1 -U postgres bench_pgbench 2>/dev/null |
    awk '/^tps/ {print $3}'
}

declare -A PORT PID TOKEN IDLE_RSS
builds=(new); PORT[new]=18501
[ -n "$BASELINE" ] && { builds=(baseline new); PORT[baseline]=18500; }
for build in "${builds[@]}"; do
  fresh_database "bench_read_$build"
  binary=$BINARY; [ "$build" = baseline ] && binary=$BASELINE
  # Metrics on, as in production (a build that predates them ignores the variable).
  serve "${PORT[$build]}" "$binary" "${REDIS[@]}" "${HIGH[@]}" METRICS_ADDR="127.0.0.1:$((PORT[$build] + 1000))"
  PID[$build]=${PIDS[-1]}
  TOKEN[$build]=$(bench_login "${PORT[$build]}")
done
sleep 2
for build in "${builds[@]}"; do
  IDLE_RSS[$build]=$(awk '/VmRSS/ {print $2}' "/proc/${PID[$build]}/status")
done

cpu_ticks() { # pids...: their utime+stime, summed (a process gone since is skipped)
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
reads() { # build: "req/s p50 p99 server-µs pg-µs redis-µs" (CPU per request) for one round
  local server pg redis
  server=$(cpu_ticks "${PID[$1]}"); pg=$(cpu_ticks $(pgrep -x postgres)); redis=$(cpu_ticks $(pgrep -x redis-server))
  wrk -t2 -c64 -d"$DURATION" --latency -H "Authorization: Bearer ${TOKEN[$1]}" \
    "http://127.0.0.1:${PORT[$1]}/api/v1/users" >"$WORK/wrk.txt"
  server=$(($(cpu_ticks "${PID[$1]}") - server)); pg=$(($(cpu_ticks $(pgrep -x postgres)) - pg))
  redis=$(($(cpu_ticks $(pgrep -x redis-server)) - redis))
  grep -q Non-2xx "$WORK/wrk.txt" && { echo "refused or failed requests:" >&2; cat "$WORK/wrk.txt" >&2; exit 1; }
  awk -v server="$server" -v pg="$pg" -v redis="$redis" -v ticks="$TICKS" '
    / requests in / {n=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    END {us = 1e6 / ticks / n; printf "%s %s %s %.0f %.0f %.0f\n", rps, p50, p99, server * us, pg * us, redis * us}' "$WORK/wrk.txt"
}
for build in "${builds[@]}"; do reads "$build" >/dev/null; done # warm-up
CEILING=(); declare -A RPS P50 P99 CPU PG REDIS_CPU
for round in $(seq 1 "$ROUNDS"); do
  order=("${builds[@]}"); (( round % 2 )) || order=($(printf '%s\n' "${builds[@]}" | tac))
  line="round $round:"
  CEILING+=("$(ceiling)"); line+=" pgbench ${CEILING[-1]} tps;"
  for build in "${order[@]}"; do
    read -r rps p50 p99 cpu pg redis < <(reads "$build")
    RPS[$build]+="$rps "; P50[$build]+="$(ms "$p50") "; P99[$build]+="$(ms "$p99") "; CPU[$build]+="$cpu "
    PG[$build]+="$pg "; REDIS_CPU[$build]+="$redis "
    line+=" $build $rps req/s p50 $p50 p99 $p99 CPU µs/req: server $cpu, PostgreSQL $pg, Redis $redis;"
  done
  echo "$line"
done

ceiling=$(printf '%s\n' "${CEILING[@]}" | median)
echo "median pgbench -S -c32 ceiling: $ceiling tps"
for build in "${builds[@]}"; do
  rps=$(printf '%s\n' ${RPS[$build]} | median); p50=$(printf '%s\n' ${P50[$build]} | median)
  p99=$(printf '%s\n' ${P99[$build]} | median); cpu=$(printf '%s\n' ${CPU[$build]} | median)
  pg=$(printf '%s\n' ${PG[$build]} | median); redis=$(printf '%s\n' ${REDIS_CPU[$build]} | median)
  peak=$(awk '/VmHWM/ {print $2}' "/proc/${PID[$build]}/status")
  echo "$build: median $rps req/s = $(python3 -c "print(f'{$rps/$ceiling:.1%}')") of the ceiling;" \
    "p50 $p50 ms, p99 $p99 ms (p99/p50 $(python3 -c "print(f'{$p99/$p50:.2f}')"));" \
    "CPU per request: server $cpu µs, PostgreSQL $pg µs, Redis $redis µs; RSS idle $((IDLE_RSS[$build] / 1024)) MB, peak $((peak / 1024)) MB"
done
