#!/usr/bin/env bash
# What a two-step login (password grant, then the MFA grant with a TOTP code) costs against a
# one-step login, on one release server on PostgreSQL: sequential requests from one client,
# medians per step and the ratio (benches/two_step_login.py computes codes with its own
# RFC 6238). Usage: benches/two_step_login.sh BINARY. Knobs: COST (bcrypt cost, 4: the
# database work shows; the default 12 puts the hash in front), ROUNDS x ACCOUNTS logins of
# each kind (7 x 40). Needs: PostgreSQL :5432 (scripts/services-up.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:?release binary of accounts-api}
scripts/services-up.sh postgres >/dev/null
DURATION=1s source benches/common.sh
fresh_database accounts_two_step
serve 18193 "$BINARY" RATE_LIMIT_PER_IP=1000000000/1s RATE_LIMIT_PER_USER=1000000000/1s \
  PASSWORD_HASH_COST="${COST:-4}" PASSWORD_MIN_SCORE=0 MFA_ENCRYPTION_KEY="bench:$(openssl rand -base64 32)"
python3 benches/two_step_login.py http://127.0.0.1:18193 "${ROUNDS:-7}" "${ACCOUNTS:-40}"
