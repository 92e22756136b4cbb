#!/usr/bin/env bash
# The TypeScript client flow, end to end: installs the pinned npm packages (npm ci), starts
# MailDev (scripts/services-up.sh smtp) and the server (debug build, throw-away SQLite database,
# mails to MailDev, rate limiting off) on 127.0.0.1:${FLOW_PORT:-18311}, generates the client's
# types from the server's /openapi.json, type-checks the flow with `tsc --strict --noEmit`, runs
# it, and stops the server on exit. Exits non-zero on any failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$HERE"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/accounts-api/target}
PORT=${FLOW_PORT:-18311}
BASE="http://127.0.0.1:$PORT"
CONFIRM_PAGE="http://localhost:3000/confirm-email"
RESET_PAGE="http://localhost:3000/reset-password"
# The apps the passkey documents name (/.well-known/apple-app-site-association and
# assetlinks.json answer 404 without them): two of each, one Android app with two signing
# certificates, fingerprints in lower case (the server answers them upper-cased).
PRINT_A=$(printf 'a1:%.0s' $(seq 31))a1
PRINT_B=$(printf '0F:%.0s' $(seq 31))0F
APPLE_APP_IDS="ABCDE12345.dev.accounts-api.flow,FGHIJ67890.dev.accounts-api.flow-beta"
ANDROID_APPS="dev.accounts_api.flow=$PRINT_A;$PRINT_B,dev.accounts_api.flow.beta=$PRINT_B"
STARTED=$(date +%s)
BIN="$HERE/node_modules/.bin"

WORK=$(mktemp -d); PID=
cleanup() {
  local status=$?
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ] && [ -s "$WORK/server.log" ]; then
    echo "--- the server's log (last 30 lines)" >&2; tail -n 30 "$WORK/server.log" >&2
  fi
  rm -rf "$WORK"
  echo "run.sh: $([ "$status" -eq 0 ] && echo PASS || echo FAIL) in $(($(date +%s) - STARTED)) s"
  exit "$status"
}
trap cleanup EXIT

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if up "$PORT"; then
  echo "run.sh: port $PORT is already taken; set FLOW_PORT to a free one" >&2; exit 1
fi

echo "== MailDev"
"$ROOT/scripts/services-up.sh" smtp

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "== cargo build"
(cd "$ROOT" && cargo build --quiet --bin accounts-api --bin manage)
# Take this build's binaries now: another checkout sharing CARGO_TARGET_DIR may rebuild them.
for bin in accounts-api manage; do
  ln "$CARGO_TARGET_DIR/debug/$bin" "$WORK/$bin" 2>/dev/null || cp "$CARGO_TARGET_DIR/debug/$bin" "$WORK/$bin"
done

echo "== server on $BASE"
# A clean environment and a working directory outside the repo, so neither the caller's
# variables nor a developer's .env (REDIS_URL, KAFKA_BROKERS, ...) change the server under test.
# The JWT key files do not exist: the server makes a throw-away pair.
(cd "$WORK" && exec env -i PATH="$PATH" HOME="$HOME" \
  APP_HOST=127.0.0.1 METRICS_ADDR=off APP_PORT="$PORT" DATABASE_URL="sqlite://$WORK/app.db?mode=rwc" \
  SMTP_HOST=127.0.0.1 SMTP_PORT=1025 SMTP_TLS=none EMAIL_VERIFICATION_URL="$CONFIRM_PAGE" \
  PASSWORD_RESET_URL="$RESET_PAGE" \
  WEBAUTHN_APPLE_APP_IDS="$APPLE_APP_IDS" WEBAUTHN_ANDROID_APPS="$ANDROID_APPS" \
  RATE_LIMIT_ENABLED=false RUST_LOG=warn LOG_FORMAT=json PASSWORD_HASH_COST=4 \
  JWT_PRIVATE_KEY_PATH="$WORK/no-key.pem" JWT_PUBLIC_KEY_PATH="$WORK/no-key.pub.pem" \
  "$WORK/accounts-api") >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 150); do
  curl -sf "$BASE/api/v1/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "run.sh: the server exited" >&2; exit 1; }
  sleep 0.2
done
curl -sf "$BASE/api/v1/health" >/dev/null || { echo "run.sh: no health within 30 s" >&2; exit 1; }

echo "== openapi-typescript"
# The document is kept beside the types: the flow checks its operationIds against it.
rm -rf src/generated dist && mkdir -p src/generated
curl -sf "$BASE/openapi.json" -o src/generated/openapi.json
"$BIN/openapi-typescript" src/generated/openapi.json -o src/generated/schema.d.ts

echo "== no any, no casts"
# Outside comments: no `any`, no `as T` / `<T>x` assertions, no non-null `!.`, no ts-ignore.
if grep -nE '^[^/*]*(\bany\b|\)\s+as\s|\w\s+as\s+[A-Za-z{[(]|!\.|@ts-ignore|@ts-nocheck)' src/*.ts src/steps/*.ts; then
  echo "run.sh: the flow must use the generated types only (no any, no casts)" >&2; exit 1
fi

echo "== tsc --strict --noEmit"
"$BIN/tsc" --strict --noEmit -p tsconfig.json

echo "== flow"
"$BIN/tsc" -p tsconfig.json --noCheck
API_BASE_URL="$BASE" OPENAPI_DOCUMENT=src/generated/openapi.json CONFIRM_PAGE="$CONFIRM_PAGE" \
  PASSWORD_RESET_PAGE="$RESET_PAGE" MAILDEV_API_URL=http://127.0.0.1:1080/api/email \
  MANAGE_BIN="$WORK/manage" MANAGE_DATABASE_URL="sqlite://$WORK/app.db?mode=rwc" \
  WEBAUTHN_APPLE_APP_IDS="$APPLE_APP_IDS" WEBAUTHN_ANDROID_APPS="$ANDROID_APPS" \
  node dist/flow.js
