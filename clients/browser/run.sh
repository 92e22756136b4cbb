#!/usr/bin/env bash
# Browser test of the served API documents and of passkeys: builds and starts the server on
# a temporary SQLite database, then drives Swagger UI (/docs) and Redoc (/redoc) in Debian's
# headless Chromium with playwright-core (test.mjs), and registers and signs in with a
# passkey from the test's own page (passkey.html on http://localhost:$PAGE_PORT, served by
# test.mjs) with a virtual authenticator. Installs what is missing (chromium, npm ci).
# Screenshots go to $OUT (default: a fresh temporary folder); prints PASS or FAIL.
#
#   bash clients/browser/run.sh            # OUT=/some/dir PORT=18331 PAGE_PORT=18332 to choose
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PORT=${PORT:-18331}
BASE="http://127.0.0.1:$PORT"
# The passkey test page's origin: a domain (WebAuthn's RP ID is `localhost`), another origin
# than the API's, so its calls are cross-origin.
PAGE_PORT=${PAGE_PORT:-18332}
PAGE_ORIGIN="http://localhost:$PAGE_PORT"
START=$SECONDS

WORK=$(mktemp -d -t accounts-api-browser.XXXXXX)
OUT=${OUT:-$WORK/screenshots}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PID=
cleanup() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  # Keep the screenshots when they were put inside WORK.
  find "$WORK" -mindepth 1 -maxdepth 1 ! -path "$OUT" ! -path "$OUT/*" -exec rm -rf {} +
  rmdir "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*"
  exit 1
}

# What the test needs: Debian's Chromium (never a downloaded browser build) and node_modules.
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null 2>&1 || fail "node (20 or later) is not installed"
if ! (cd "$HERE" && npm ls --depth=0 >/dev/null 2>&1); then
  echo "== npm ci"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The server: debug build, throw-away database and JWT keys, no rate limits (one browser,
# many requests), cheap password hashing. Started from WORK so no .env is picked up.
# Passkeys: the test page's origin is the one WebAuthn origin (RP ID `localhost`), and CORS
# allows it; CORS also lists the server's own origin: with CORS_ORIGINS set, a request whose
# Origin is not listed is refused (400 "request-origin not allowed"), and Chromium sends
# Origin on Swagger UI's same-origin POSTs.
echo "== building the server"
(cd "$ROOT" && cargo build --quiet --bin accounts-api)
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/accounts-api
case "$BIN" in /*) ;; *) BIN=$ROOT/$BIN ;; esac
if (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  fail "port $PORT is already in use (PORT=... to choose another)"
fi
if (echo >"/dev/tcp/127.0.0.1/$PAGE_PORT") 2>/dev/null; then
  fail "port $PAGE_PORT is already in use (PAGE_PORT=... to choose another)"
fi
echo "== starting the server on $BASE"
(
  cd "$WORK"
  exec env APP_ENV=development APP_HOST=127.0.0.1 METRICS_ADDR=off APP_PORT="$PORT" \
    DATABASE_URL="sqlite://$WORK/app.db?mode=rwc" RATE_LIMIT_ENABLED=false RUST_LOG=warn \
    PASSWORD_HASH_COST=4 \
    WEBAUTHN_ORIGINS="$PAGE_ORIGIN" CORS_ORIGINS="$PAGE_ORIGIN,$BASE" \
    JWT_PRIVATE_KEY_PATH="$WORK/none.pem" JWT_PUBLIC_KEY_PATH="$WORK/none-pub.pem" \
    "$BIN"
) >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
  curl -sf "$BASE/api/v1/health" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.log"; fail "the server exited while starting"; }
  sleep 0.1
done
if ! curl -sf "$BASE/api/v1/health" >/dev/null; then
  cat "$WORK/server.log"
  fail "the server did not answer /api/v1/health in 60 s"
fi

echo "== browser test (screenshots in $OUT)"
status=0
BASE_URL="$BASE" OUT="$OUT" PAGE_PORT="$PAGE_PORT" CHROMIUM="$(command -v chromium)" \
  node "$HERE/test.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== server log"
  cat "$WORK/server.log"
  fail "browser test failed after $((SECONDS - START)) s (screenshots in $OUT)"
fi
echo "PASS: browser test in $((SECONDS - START)) s (screenshots in $OUT)"
