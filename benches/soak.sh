#!/usr/bin/env bash
# Issue 26's soak: MINUTES (10) of the fault drills' mixed traffic (scripts/mixed_load.py:
# sign-ups, logins, refreshes, authenticated reads, open loop at RATE per second, 10 s client
# timeout) against a release API and worker on private PostgreSQL, Redis, tansu and MailDev
# (scripts/private-services.sh). Samples the API's and the worker's RSS from /proc every
# 5 s and the row counts of the tables the pruners bound every 30 s, then prints p50/p99 and
# RSS per minute and checks: API RSS flat after WARMUP minutes (the last minute's median
# within 10% or 4 MiB of the first minute after warm-up), the pruned tables level over the
# second half, p99 of the last minute within 1.5x of the first, zero errors. Exit 1 if not.
# Retention is shortened so the pruners have work within minutes: sessions end after 60 s
# without a refresh, the pruner runs every 30 s, audit rows and sign-in devices are kept 2
# minutes (the outbox's 7 days and delivered ids' 30 days are fixed: those two grow). Access
# tokens live 2 minutes, so the verified-token cache (TTL = token lifetime, at most 10,000
# entries) is full within the warm-up: with the default 15 minutes, at ~6 new tokens a
# second, it grows by ~0.4 MiB a minute for the first 15 minutes (measured), then levels off.
# Usage: benches/soak.sh   (builds the release binaries in ~/.cache/accounts-api/target-release)
# Knobs: MINUTES (10), RATE (20), WARMUP (2).
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${MINUTES:-10} RATE=${RATE:-20} WARMUP=${WARMUP:-2}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/accounts-api/target-release}
cargo build --release --quiet --bins
BIN=$CARGO_TARGET_DIR/release
# shellcheck source=scripts/private-services.sh
source scripts/private-services.sh
WORK=$(mktemp -d -t soak.XXXXXX)
PIDS=()
cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  ps_stop_all
  if ((status != 0)); then
    grep -hv '"level":"INFO"' "$WORK"/api.log "$WORK"/worker.log | tail -n 20 >&2 || true
    echo "soak: logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ps_init "$WORK/services"
for service in postgres redis kafka smtp; do ps_start "$service"; done
PSQL=(psql -qtAX -h 127.0.0.1 -p "$PS_PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE accounts" >/dev/null
API_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
export APP_ENV=production APP_PORT="$API_PORT" JWT_ISSUER="http://127.0.0.1:$API_PORT" \
  DATABASE_URL="postgres://postgres@127.0.0.1:$PS_PG_PORT/accounts" \
  JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
  MFA_ENCRYPTION_KEY="k1:$(openssl rand -base64 32)" \
  REDIS_URL="redis://127.0.0.1:$PS_REDIS_PORT" RATE_LIMIT_PER_IP=1000000/60s RATE_LIMIT_PER_USER=1000000/60s \
  KAFKA_BROKERS="127.0.0.1:$PS_KAFKA_PORT" KAFKA_TOPIC=soak KAFKA_CONSUMER_GROUP=soak-workers \
  SMTP_HOST=127.0.0.1 SMTP_PORT="$PS_SMTP_PORT" PASSWORD_HASH_COST=4 METRICS_ADDR=off \
  RUST_LOG=info,sqlx=warn SESSION_IDLE_TIMEOUT=60s SESSION_PRUNE_INTERVAL=30s \
  AUDIT_RETENTION=2m NEW_SIGNIN_LOOKBACK=2m JWT_ACCESS_TOKEN_TTL_SECONDS=120
# shellcheck source=scripts/binaries.sh
source scripts/binaries.sh
start_api_and_worker soak "$BIN" "$WORK" "$API_PORT"
echo "soak: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migration Cargo.lock || echo '+changes'), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; API pid $API_PID, worker pid $WORKER_PID"
python3 - "$WORK/config.json" <<EOF
import json, sys
json.dump({
    "api": "http://127.0.0.1:$API_PORT/api/v1", "psql": "${PSQL[*]} -d accounts".split(),
    "api_pid": $API_PID, "worker_pid": $WORKER_PID, "minutes": int("$MINUTES"), "rate": float("$RATE"),
    "warmup_minutes": int("$WARMUP"), "tag": "soak$$", "domain": "soak$$.soak.test",
    "max_session_age": 45.0,
}, open(sys.argv[1], "w"))
EOF
python3 benches/soak.py "$WORK/config.json"
