#!/usr/bin/env bash
# Where the API process spends its CPU on the authenticated read: the setup of
# benches/authenticated_read.sh (limiter on in Redis, PostgreSQL, wrk -t2 -c64), with
# `perf record -e cpu-clock` on the server alone for PROFILE_SECONDS; prints the top TOP symbols
# (share of the server's samples) and the same grouped by library or crate.
# Usage: benches/profile_read.sh BINARY   (a release build)
# Needs: perf (apt-get install linux-perf), wrk, PostgreSQL :5432, Redis :6379.
# Knobs: PROFILE_SECONDS (10), TOP (25).
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?binary}; PERIOD=${PROFILE_SECONDS:-10}; TOP=${TOP:-25}
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
scripts/services-up.sh postgres redis >/dev/null
source benches/common.sh
fresh_database bench_profile
serve 18700 "$BINARY" REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="profile$$:" \
  RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s
TOKEN=$(bench_login 18700)
wrk -t2 -c64 -d$((PERIOD + 4))s -H "Authorization: Bearer $TOKEN" \
  http://127.0.0.1:18700/api/v1/users >"$WORK/wrk.txt" &
load=$!
sleep 2
perf record -q -e cpu-clock -p "${PIDS[-1]}" -o "$WORK/perf.data" -- sleep "$PERIOD" 2>/dev/null
wait "$load"
awk '/Requests\/sec/ {print "req/s during the profile:", $2}' "$WORK/wrk.txt"
perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null |
  grep '%' >"$WORK/report.txt"
echo "top symbols (share of the server's samples):"
head -n "$TOP" "$WORK/report.txt" | awk '{$2 = ""; print}' | cut -c1-140
echo "grouped:"
python3 - "$WORK/report.txt" "$(basename "$BINARY")" <<'PY'
import collections, re, sys
groups, binary = collections.Counter(), sys.argv[2]
for line in open(sys.argv[1]):
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*)", line)
    if not m:
        continue
    share, dso, kind, symbol = float(m[1]), m[2], m[3], m[4].lstrip("<")
    if kind == "k":
        group = "kernel"
    elif dso != binary:
        group = dso
    elif re.match(r"ring_core|__bn|.*bn_", symbol):
        group = "ring (RSA)"
    elif re.match(r"num_bigint|rsa::", symbol):
        group = "rsa + num-bigint-dig (RSA)"
    elif re.match(r"_?mi_|mi_", symbol):
        group = "mimalloc"
    else:
        group = re.split(r"::|<| ", symbol)[0]
    groups[group] += share
for group, share in groups.most_common(12):
    print(f"{share:6.2f}%  {group}")
PY
