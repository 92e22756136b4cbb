#!/usr/bin/env bash
# What a passkey sign-in (options, then the passkey grant) costs the server against a
# password sign-in at the default bcrypt cost: server CPU per sign-in (read from /proc),
# sign-ins per second per core, and the median latency, on one release server on PostgreSQL,
# sequentially from one client (benches/passkey_sign_in.py, its own software authenticator).
# Usage: benches/passkey_sign_in.sh BINARY. Knobs: COST (bcrypt cost, 12), COUNT sign-ins of
# each kind (60). Needs: PostgreSQL :5432 (scripts/services-up.sh), Python's cryptography.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?release binary of accounts-api}
scripts/services-up.sh postgres >/dev/null
python3 -c "import cryptography" 2>/dev/null || pip install --quiet cryptography
DURATION=1s source benches/common.sh
fresh_database accounts_passkey_bench
ORIGIN=https://bench.example.com
serve 18194 "$BINARY" RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s \
  PASSWORD_HASH_COST="${COST:-12}" PASSWORD_MIN_SCORE=0 WEBAUTHN_ORIGINS="$ORIGIN"
python3 benches/passkey_sign_in.py http://127.0.0.1:18194 "${PIDS[-1]}" "$ORIGIN" "${COUNT:-60}"
