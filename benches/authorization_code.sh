#!/usr/bin/env bash
# What an authorization-code sign-in through the hosted page costs the server against a
# password-grant sign-in at the same bcrypt cost: server CPU per sign-in (read from /proc),
# sign-ins per second per core, and the median latency, on one release server on PostgreSQL,
# sequentially from one client that posts the sign-in form (benches/authorization_code.py).
# Usage: benches/authorization_code.sh RELEASE_DIR (holding accounts-api and manage). Knobs:
# COST (bcrypt cost, 12), COUNT sign-ins of each kind (60). Needs: PostgreSQL :5432.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?the release directory holding accounts-api and manage}
scripts/services-up.sh postgres >/dev/null
DURATION=1s source benches/common.sh
fresh_database accounts_code_bench
serve 18195 "$DIR/accounts-api" RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s \
  PASSWORD_HASH_COST="${COST:-12}" PASSWORD_MIN_SCORE=0
CLIENT_ID=$(DATABASE_URL="postgres://postgres@127.0.0.1:5432/$BENCH_DB" APP_ENV=test "$DIR/manage" clients create \
  --name bench --type public --redirect-uri http://127.0.0.1/callback --first-party | awk '/^client_id:/ { print $2 }')
python3 benches/authorization_code.py 18195 "${PIDS[-1]}" "$CLIENT_ID" "${COUNT:-60}"
