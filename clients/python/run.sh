#!/usr/bin/env bash
# Python client smoke test: builds and starts the server (temporary SQLite, rate limits off),
# generates a client from its /openapi.json with openapi-python-client (pinned, in its own venv,
# installed on first use), and runs smoke.py through it: register, log in, read, no passkey yet
# (listPasskeys) and a passkey sign-in's options (startPasskeyAuthentication), turn on TOTP
# (getMfa, enrollTotp, confirmTotp), log in in two steps with a recovery code (the passkey
# options of its mfa_token: 409 no-passkeys), delete with a code, and the token is refused. The
# generated code is used as generated, never edited. Then verify_tokens.py, as an independent
# resource server, verifies an access token with PyJWT from the JWKS for each JWT_ALGORITHM
# (RS256, ES256, EdDSA; the server restarted with a throw-away key of each kind).
#   GENERATED_DIR=clients/python/generated  keep the client there (git-ignored) instead of a temp dir
#   STRICT=                                 (empty) tolerate generator warnings; by default any fails
#   APP_PORT=18321                          the server's port
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
START=$SECONDS

# 0.28.0 to 0.29.1 emit `| Unset` without importing it for a required body with two media
# types (upstream issue 1451), which breaks POST /token/access (JSON or form): stay on 0.27.1.
GENERATOR=openapi-python-client==0.27.1
# What the generated package imports at run time (its pyproject's dependencies).
RUNTIME=(httpx==0.28.1 attrs==26.1.0 python-dateutil==2.9.0.post0)
# The independent verifier of verify_tokens.py: PyJWT with its crypto backend.
VERIFIER=(PyJWT==2.10.1 cryptography==46.0.3)
VENV=${SERVICES_DIR:-$HOME/.cache/accounts-api-services}/venv-client
PINS="$GENERATOR ${RUNTIME[*]} ${VERIFIER[*]}"
if [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$PINS" ]; then
  echo "python client: installing $PINS into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$GENERATOR" "${RUNTIME[@]}" "${VERIFIER[@]}"
  echo "$PINS" >"$VENV/.pins"
fi

PORT=${APP_PORT:-18321}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "python client: FAIL ($*)"; exit 1; }

if curl -s -o /dev/null "$BASE/"; then fail "port $PORT is already taken; set APP_PORT"; fi
cargo build --quiet --bin accounts-api
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/accounts-api
[ "${BIN:0:1}" = / ] || BIN=$ROOT/$BIN
# Take this build's binary now: another checkout sharing CARGO_TARGET_DIR may rebuild it.
ln "$BIN" "$WORK/accounts-api" 2>/dev/null || cp "$BIN" "$WORK/accounts-api"
BIN=$WORK/accounts-api
# Run from the temp dir: no .env of the checkout is read, and the JWT keys are throw-away
# (a fresh pair of the kind JWT_ALGORITHM names, made at start).
start_server() { # [VAR=value...]: (re)starts the server with these settings on a fresh database
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -f "$WORK"/app.db*
  (cd "$WORK" && env METRICS_ADDR=off APP_PORT=$PORT DATABASE_URL="sqlite://$WORK/app.db?mode=rwc" \
    RATE_LIMIT_ENABLED=false RUST_LOG=warn PASSWORD_HASH_COST=4 "$@" "$BIN") >"$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$BASE/api/v1/health" && return 0
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.log"; fail "the server exited"; }
    sleep 0.1
  done
  cat "$WORK/server.log"; fail "no health after 10 s"
}
start_server

OUT=${GENERATED_DIR:-$WORK/client}
[ "${OUT:0:1}" = / ] || OUT=$ROOT/$OUT
mkdir -p "$OUT"
rm -rf "$OUT/accounts_api_client"
# ruff (a dependency of the generator) formats the output: the venv's bin on PATH.
status=0 strict=${STRICT-1}
PATH="$VENV/bin:$PATH" openapi-python-client generate --url "$BASE/openapi.json" \
  --config clients/python/config.yml --meta none --output-path "$OUT/accounts_api_client" \
  ${strict:+--fail-on-warning} >"$WORK/generate.log" 2>&1 || status=$?
warnings=$(grep -cE '^(WARNING|Unable to process)' "$WORK/generate.log" || true)
if [ "$status" -ne 0 ] || [ "$warnings" -gt 0 ]; then
  echo "== openapi-python-client: $warnings warning(s)"
  grep -v '^$' "$WORK/generate.log" | grep -v '^If you believe this was a mistake' || true
fi
[ "$status" -eq 0 ] || fail "openapi-python-client exited $status"

echo "== smoke flow against $BASE"
status=0
PYTHONPATH=$OUT "$VENV/bin/python" clients/python/smoke.py "$BASE" || status=$?
if [ "$status" -ne 0 ]; then
  echo "-- server log"; tail -n 30 "$WORK/server.log"
  fail "smoke flow; $warnings generator warning(s)"
fi
echo "== PyJWT verifies each kind of access token from the JWKS"
for algorithm in RS256 ES256 EdDSA; do
  [ "$algorithm" = RS256 ] || start_server JWT_ALGORITHM=$algorithm
  "$VENV/bin/python" clients/python/verify_tokens.py "$BASE" "$algorithm" ||
    { echo "-- server log"; tail -n 30 "$WORK/server.log"; fail "PyJWT, $algorithm"; }
done
echo "python client: PASS ($warnings generator warning(s), $((SECONDS - START)) s)"
