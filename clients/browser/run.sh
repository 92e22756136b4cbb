#!/usr/bin/env bash
# Browser test of the served API documents, of passkeys and of the OpenID Provider: builds
# and starts the server on a temporary SQLite database, then drives Swagger UI (/docs) and
# Redoc (/redoc) in Debian's headless Chromium with playwright-core (test.mjs), and registers
# and signs in with a passkey from the test's own page (passkey.html on
# http://localhost:$PAGE_PORT, served by test.mjs) with a virtual authenticator. Once that
# passed, oidc.mjs drives the hosted sign-in pages as a relying party with openid-client
# (the issuer http://localhost:$PORT; clients registered with the manage CLI). Last,
# emails.mjs triggers the account e-mails through the API, reads them from MailDev (which
# must be running: scripts/services-up.sh smtp; the server mails to it), opens each in
# Chromium and follows its links to the test's confirmation and reset pages. Installs what
# is missing (chromium, npm ci). Screenshots go to $OUT (default: a fresh temporary folder);
# prints PASS (all three passed) or FAIL.
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
# The OpenID Provider's issuer: the server's default with JWT_ISSUER unset.
ISSUER="http://localhost:$PORT"
# MailDev (on 127.0.0.1): the server sends every e-mail to its SMTP port; emails.mjs reads
# its REST API.
MAILDEV_SMTP_PORT=${MAILDEV_SMTP_PORT:-1025}
MAILDEV_URL=${MAILDEV_URL:-http://127.0.0.1:1080}
# What the e-mails link to: the e-mail test's pages (confirm.html, reset.html; `?api=` tells
# them the API's base URL, the server appends `&token=`) and stand-ins for the product's home
# and session list, all served by emails.mjs on the test page's origin.
API_PARAM="api=http%3A%2F%2F127.0.0.1%3A$PORT"
CONFIRM_PAGE="$PAGE_ORIGIN/confirm?$API_PARAM"
RESET_PAGE="$PAGE_ORIGIN/reset?$API_PARAM"
PRODUCT_URL="$PAGE_ORIGIN/home"
SESSIONS_PAGE="$PAGE_ORIGIN/sessions"
PRODUCT_NAME="Browser Test"
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
# MailDev is a service of the test run (CI starts it first, with the others): never skipped.
if ! (echo >"/dev/tcp/127.0.0.1/$MAILDEV_SMTP_PORT") 2>/dev/null ||
  ! curl -sf -m 10 "$MAILDEV_URL/api/email?limit=1" >/dev/null 2>&1; then
  fail "MailDev is not reachable (SMTP 127.0.0.1:$MAILDEV_SMTP_PORT, API $MAILDEV_URL/api/email);" \
    "the e-mail test needs it: start it with scripts/services-up.sh smtp"
fi
if ! (cd "$HERE" && npm ls --depth=0 >/dev/null 2>&1); then
  echo "== npm ci"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The server: debug build, throw-away database and JWT keys, no rate limits (one browser,
# many requests), cheap password hashing. Started from WORK so no .env is picked up.
# Passkeys: the test page's origin and the hosted pages' (the issuer, http://localhost:$PORT:
# JWT_ISSUER unset) are the WebAuthn origins (RP ID `localhost`). CORS lists the test page
# only, as an operator lists the SPAs: the server's own origins are never listed, since
# same-origin requests (Swagger UI's, the hosted pages' forms and passkey call) are no CORS
# requests and must work without them. E-mails go to MailDev, linking to the e-mail test's
# pages on the test page's origin.
echo "== building the server and the manage CLI"
(cd "$ROOT" && cargo build --quiet --bin accounts-api --bin manage)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
# This build's binaries, taken now: another checkout sharing CARGO_TARGET_DIR may rebuild them.
for bin in accounts-api manage; do
  ln "$TARGET/debug/$bin" "$WORK/$bin" 2>/dev/null || cp "$TARGET/debug/$bin" "$WORK/$bin"
done
BIN=$WORK/accounts-api
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
    WEBAUTHN_ORIGINS="$PAGE_ORIGIN,$ISSUER" CORS_ORIGINS="$PAGE_ORIGIN" \
    JWT_PRIVATE_KEY_PATH="$WORK/none.pem" JWT_PUBLIC_KEY_PATH="$WORK/none-pub.pem" \
    SMTP_HOST=127.0.0.1 SMTP_PORT="$MAILDEV_SMTP_PORT" SMTP_TLS=none \
    EMAIL_PRODUCT_NAME="$PRODUCT_NAME" EMAIL_PRODUCT_URL="$PRODUCT_URL" \
    EMAIL_VERIFICATION_URL="$CONFIRM_PAGE" PASSWORD_RESET_URL="$RESET_PAGE" \
    NEW_SIGNIN_SESSIONS_URL="$SESSIONS_PAGE" \
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

echo "== OpenID Provider test against $ISSUER (screenshots in $OUT)"
ISSUER="$ISSUER" OUT="$OUT" PAGE_PORT="$PAGE_PORT" CHROMIUM="$(command -v chromium)" \
  MANAGE_BIN="$WORK/manage" MANAGE_DATABASE_URL="sqlite://$WORK/app.db?mode=rwc" \
  node "$HERE/oidc.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== server log"
  cat "$WORK/server.log"
  fail "OpenID Provider test failed after $((SECONDS - START)) s (screenshots in $OUT)"
fi

echo "== e-mail test through MailDev $MAILDEV_URL (screenshots in $OUT)"
BASE_URL="$BASE" OUT="$OUT" PAGE_PORT="$PAGE_PORT" CHROMIUM="$(command -v chromium)" \
  MAILDEV_URL="$MAILDEV_URL" EMAIL_PRODUCT_NAME="$PRODUCT_NAME" EMAIL_PRODUCT_URL="$PRODUCT_URL" \
  EMAIL_VERIFICATION_URL="$CONFIRM_PAGE" PASSWORD_RESET_URL="$RESET_PAGE" \
  NEW_SIGNIN_SESSIONS_URL="$SESSIONS_PAGE" \
  node "$HERE/emails.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== server log"
  cat "$WORK/server.log"
  fail "e-mail test failed after $((SECONDS - START)) s (screenshots in $OUT)"
fi
echo "PASS: browser test, OpenID Provider test and e-mail test in $((SECONDS - START)) s (screenshots in $OUT)"
