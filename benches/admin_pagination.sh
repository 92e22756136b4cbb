#!/usr/bin/env bash
# Keyset pagination does not slow down with depth: GET /api/v1/admin/users?limit=100, page 1
# against page 500 (the page after the first 49,900 accounts) on ACCOUNTS accounts, one
# release server on PostgreSQL, limiter on in memory with limits too high to refuse. wrk
# with 1 thread and 4 connections, ROUNDS alternating rounds of DURATION; prints each round,
# the median req/s and p50 latency of each page, their ratio, and both page queries' plans
# (EXPLAIN ANALYZE: an index scan on ix_users_created_at_id from the cursor, no sort).
# Usage: benches/admin_pagination.sh   (builds the release binary in its own target dir)
# Needs: wrk, psql, PostgreSQL :5432. Knobs: ROUNDS (5), DURATION (10s), ACCOUNTS (100000),
# CARGO_TARGET_DIR (~/.cache/accounts-api/target-release).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}; DURATION=${DURATION:-10s}; ACCOUNTS=${ACCOUNTS:-100000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/accounts-api/target-release}
cargo build --release --quiet --bin accounts-api
BINARY=$CARGO_TARGET_DIR/release/accounts-api
scripts/services-up.sh postgres >/dev/null
source benches/common.sh
DB=accounts_pagination
fresh_database $DB
serve 18211 "$BINARY" RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s
sql() { psql -qAt -h 127.0.0.1 -U postgres -d $DB -v ON_ERROR_STOP=1 "$@"; }

# The accounts, in one statement: one a second (distinct created_at), ids in no particular
# order (the tie-break never decides), a fake hash (nothing logs them in).
sql -c "INSERT INTO users (id, username, email, password_hash, email_verified, created_at, updated_at)
        SELECT gen_random_uuid(), 'user' || i, 'user' || i || '@example.com', 'not-a-bcrypt-hash',
               i % 2 = 0, t, t
        FROM generate_series(1, $ACCOUNTS) AS i,
             LATERAL (SELECT timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second') AS s(t)" \
    -c "ANALYZE users"
TOKEN=$(bench_login 18211) # registers `bench` (created now: after every seeded account)
sql -c "INSERT INTO user_permissions (user_id, permission, granted_at)
        SELECT id, 'users:read', now() FROM users WHERE username = 'bench'"

# The cursor after the first 49,900 accounts, encoded as http::Cursor does:
# base64url without padding of "<nanoseconds since the epoch>.<id as 32 hex digits>".
IFS='|' read -r NANOS HEX AT ID <<<"$(sql -c "
  SELECT (extract(epoch FROM created_at) * 1000000000)::bigint, replace(id::text, '-', ''),
         created_at, id
  FROM users ORDER BY created_at, id OFFSET 49899 LIMIT 1")"
CURSOR=$(printf '%s.%s' "$NANOS" "$HEX" | base64 -w0 | tr '+/' '-_' | tr -d '=')
PAGE1="http://127.0.0.1:18211/api/v1/admin/users?limit=100"
PAGE500="$PAGE1&cursor=$CURSOR"
# The cursor is the one a walk would reach: page 500 starts at the 49,901st account.
FIRST=$(curl -sf -H "Authorization: Bearer $TOKEN" "$PAGE500" \
  | python3 -c "import json,sys; p=json.load(sys.stdin); print(p['items'][0]['username'], len(p['items']))")
[ "$FIRST" = "user49901 100" ] || { echo "page 500 starts at $FIRST, not user49901" >&2; exit 1; }

run() { # url: one round; prints "req/s p50-in-ms"
  wrk -t1 -c4 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$1" \
    | awk '/Requests\/sec/ {rps=$2}
           /^ +50%/ {v=$2; if (v ~ /us$/) p50=v/1000; else if (v ~ /ms$/) p50=v+0; else p50=v*1000}
           /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}
           END {printf "%s %.3f\n", rps, p50}'
}

run "$PAGE1" >/dev/null; run "$PAGE500" >/dev/null # warm-up
FIRST_PAGE=(); DEEP_PAGE=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then FIRST_PAGE+=("$(run "$PAGE1")"); DEEP_PAGE+=("$(run "$PAGE500")")
  else DEEP_PAGE+=("$(run "$PAGE500")"); FIRST_PAGE+=("$(run "$PAGE1")"); fi
  echo "round $round: page 1 ${FIRST_PAGE[-1]}, page 500 ${DEEP_PAGE[-1]} (req/s p50-ms)"
done
column() { printf '%s\n' "${@:2}" | cut -d' ' -f"$1" | median; }
rps1=$(column 1 "${FIRST_PAGE[@]}"); rps500=$(column 1 "${DEEP_PAGE[@]}")
p50_1=$(column 2 "${FIRST_PAGE[@]}"); p50_500=$(column 2 "${DEEP_PAGE[@]}")
echo "median req/s: page 1 $rps1, page 500 $rps500; ratio page 500/page 1 $(python3 -c "print(f'{$rps500/$rps1:.3f}')")"
echo "median p50: page 1 ${p50_1} ms, page 500 ${p50_500} ms"
echo "accounts: $(sql -c 'SELECT count(*) FROM users')"

# The page queries exactly as the server prepares them (sea-orm's SQL, as PostgreSQL logs it),
# executed with page 1's and page 500's values.
SELECT='SELECT "users"."id", "users"."username", "users"."email", "users"."password_hash",
  "users"."email_verified", "users"."created_at", "users"."updated_at", "users"."disabled_at"
  FROM "users"'
ORDER='ORDER BY "users"."created_at" ASC, "users"."id" ASC'
echo "--- plan, page 1"
sql -c "PREPARE first_page(bigint) AS $SELECT $ORDER LIMIT \$1" \
    -c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE first_page(101)"
echo "--- plan, page 500"
sql -c "PREPARE page(timestamptz, uuid, bigint) AS
          $SELECT WHERE (\"created_at\", \"id\") > (\$1, \$2) $ORDER LIMIT \$3" \
    -c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE page('$AT', '$ID', 101)"
