#!/usr/bin/env bash
# Schemathesis (PyPI) over the whole OpenAPI document with every check, against the debug
# build, on SQLite and then PostgreSQL, each request authenticated with the token of a fresh
# login (tests/schemathesis_auth.py) of an account holding every permission (granted with the
# manage CLI, as an operator makes the first administrator), so the admin operations are
# fuzzed past their permission check; settings and the reasons for each exception in
# tests/schemathesis.toml. Fails when any failure is found.
# Needs PostgreSQL :5432 (scripts/services-up.sh postgres). Rate limiting is off in the
# server under test: the fuzzer would otherwise spend most requests on 429s. An iOS and an
# Android app are configured, so the passkey documents (/.well-known/apple-app-site-association,
# assetlinks.json) answer 200 bodies to check against their schemas, not only 404s. The fuzzer
# has no authenticator: it cannot register a passkey nor sign in with one (see the toml).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-tools.sh
cargo build --quiet --bin accounts-api --bin manage
BIN=${CARGO_TARGET_DIR:-target}/debug/accounts-api
MANAGE=${CARGO_TARGET_DIR:-target}/debug/manage
PRINT=$(printf 'AB:%.0s' $(seq 31))AB
WORK=$(mktemp -d); PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

fuzz() { # name port database-url
  local name=$1 port=$2 url=$3 base="http://127.0.0.1:$2"
  METRICS_ADDR=off APP_PORT=$port DATABASE_URL=$url RATE_LIMIT_ENABLED=false RUST_LOG=warn PASSWORD_HASH_COST=4 \
    WEBAUTHN_APPLE_APP_IDS=ABCDE12345.dev.accounts-api.fuzz WEBAUTHN_ANDROID_APPS="dev.accounts_api.fuzz=$PRINT" \
    JWT_PRIVATE_KEY_PATH="$WORK/none.pem" JWT_PUBLIC_KEY_PATH="$WORK/none-pub.pem" \
    "$BIN" >"$WORK/$name.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -sf "$base/api/v1/health" >/dev/null && break; sleep 0.1; done
  curl -sf "$base/api/v1/users" -H 'content-type: application/json' \
    -d '{"username":"fuzzer","email":"fuzzer@example.com","password":"fuzzer-password"}' >/dev/null
  for permission in users:read users:write sessions:revoke audit:read clients:write; do
    DATABASE_URL=$url APP_ENV=test "$MANAGE" users grant fuzzer "$permission" >/dev/null
  done
  echo "== schemathesis on $name"
  local status=0
  PYTHONPATH=tests SCHEMATHESIS_HOOKS=schemathesis_auth FUZZ_BASE_URL=$base \
    FUZZ_USERNAME=fuzzer FUZZ_PASSWORD=fuzzer-password \
    "$VENV/bin/schemathesis" --config-file tests/schemathesis.toml --no-color run "$base/openapi.json" \
    --checks all || status=$?
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  return "$status"
}

status=0
fuzz sqlite 18301 "sqlite://$WORK/fuzz.db?mode=rwc" || status=1
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS accounts_fuzz WITH (FORCE)" \
  -c "CREATE DATABASE accounts_fuzz"
fuzz postgres 18302 "postgres://postgres@127.0.0.1:5432/accounts_fuzz" || status=1
exit "$status"
