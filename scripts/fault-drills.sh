#!/usr/bin/env bash
# Issue 26's fault drills. One API (APP_ENV=production) and one worker on private PostgreSQL,
# Redis, broker (tansu) and MailDev (scripts/private-services.sh: free ports, never the
# machine's shared services), under steady mixed load (scripts/mixed_load.py: sign-ups,
# logins, refreshes, authenticated reads at RATE per second, 10 s client timeout). Each
# dependency in turn is stopped for OUTAGE seconds and started again
# (scripts/fault_drills.py); per dependency it checks:
#   - clients saw only the documented behaviour while it was down: the database, 503 with
#     Retry-After; Redis, served (fail open) or 503 for a check in flight; the broker and
#     SMTP, served; never another 5xx, a connection error or no answer within the timeout;
#   - readiness (GET /api/v1/health/ready) 503 while down (200 throughout for SMTP, which it
#     does not probe), 200 after;
#   - recovery, timed from the dependency answering again until readiness is 200, requests
#     succeed again and every event committed before then is published and mailed: under
#     TARGET seconds, with the API and the worker never restarted;
# and at the end, the load stopped and the pipeline drained (bounded wait), every committed
# sign-up (201) is in the database and has each of its two e-mails exactly once in MailDev,
# and every outbox event exactly one message with its Message-ID. Prints a table; exit 1 on
# any failure (with the tail of every log). About 2 minutes once built.
# Usage: scripts/fault-drills.sh [BIN_DIR]   (default: $CARGO_TARGET_DIR/debug, built when
# a binary is missing). Knobs: RATE (20), OUTAGE (8), TARGET (5), DRILLS ("postgres redis
# kafka smtp").
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/accounts-api/target}
BIN_DIR=${1:-$CARGO_TARGET_DIR/debug}
RATE=${RATE:-20} OUTAGE=${OUTAGE:-8} TARGET=${TARGET:-5} DRILLS=${DRILLS:-postgres redis kafka smtp}
STARTED=$SECONDS
# shellcheck source=scripts/private-services.sh
source scripts/private-services.sh
ps_tools

# shellcheck source=scripts/binaries.sh
source scripts/binaries.sh
need_binaries fault-drills "$BIN_DIR"

WORK=$(mktemp -d -t fault-drills.XXXXXX)
PIDS=()
cleanup() {
  local status=$? pid log
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  ps_stop_all
  if ((status != 0)); then
    for log in "$WORK"/*.log "$WORK"/services/*.log "$WORK"/services/pg/postgres.log; do
      [ -e "$log" ] || continue
      echo "---- tail of $log" >&2
      tail -n 30 "$log" >&2
    done
    echo "fault-drills: logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$WORK/bin"
# This run's binaries, by hard link (a copy when that fails): a build sharing the target
# directory may replace them meanwhile.
for bin in accounts-api worker migrate; do
  ln "$BIN_DIR/$bin" "$WORK/bin/$bin" 2>/dev/null || cp "$BIN_DIR/$bin" "$WORK/bin/$bin"
done

ps_init "$WORK/services"
for service in postgres redis kafka smtp; do ps_start "$service"; done
PSQL=(psql -qtAX -h 127.0.0.1 -p "$PS_PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE accounts" >/dev/null
API_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"

# Production settings (the strict start-up checks, JSON logs), limits on in Redis but too
# high to refuse this load, bcrypt at its lowest cost so hashing does not set the pace.
# They run in $WORK, so no .env of the checkout's is read.
TAG=fd$$ DOMAIN=fd$$.drills.test
export APP_ENV=production APP_PORT="$API_PORT" JWT_ISSUER="http://127.0.0.1:$API_PORT" \
  DATABASE_URL="postgres://postgres@127.0.0.1:$PS_PG_PORT/accounts" \
  JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
  MFA_ENCRYPTION_KEY="k1:$(openssl rand -base64 32)" \
  REDIS_URL="redis://127.0.0.1:$PS_REDIS_PORT" RATE_LIMIT_FAIL_CLOSED=false \
  RATE_LIMIT_PER_IP=1000000/60s RATE_LIMIT_PER_USER=1000000/60s \
  KAFKA_BROKERS="127.0.0.1:$PS_KAFKA_PORT" KAFKA_TOPIC=drills KAFKA_CONSUMER_GROUP=drills-workers \
  SMTP_HOST=127.0.0.1 SMTP_PORT="$PS_SMTP_PORT" \
  PASSWORD_HASH_COST=4 METRICS_ADDR=off RUST_LOG=info,sqlx=warn
start_api_and_worker fault-drills "$WORK/bin" "$WORK" "$API_PORT"
echo "fault-drills: API :$API_PORT (pid $API_PID), worker pid $WORKER_PID; private PostgreSQL :$PS_PG_PORT," \
  "Redis :$PS_REDIS_PORT, tansu :$PS_KAFKA_PORT (SQLite), MailDev :$PS_SMTP_PORT/:$PS_WEB_PORT"

python3 - "$WORK/config.json" <<EOF
import json, sys
json.dump({
    "api": "http://127.0.0.1:$API_PORT/api/v1", "ready": "http://127.0.0.1:$API_PORT/api/v1/health/ready",
    "maildev": "http://127.0.0.1:$PS_WEB_PORT/api/email",
    "psql": "${PSQL[*]} -d accounts".split(), "ctl": ["$PWD/scripts/private-services.sh", "ctl"],
    "drills": "$DRILLS".split(), "rate": float("$RATE"), "outage": float("$OUTAGE"),
    "target": float("$TARGET"), "tag": "$TAG", "domain": "$DOMAIN", "timeout": 10.0,
    "baseline": 4.0, "settle": 3.0, "deadline": 60.0, "drain_deadline": 180.0, "max_seconds": 900.0,
}, open(sys.argv[1], "w"))
EOF
status=0
python3 scripts/fault_drills.py "$WORK/config.json" | tee "$WORK/report.txt" || status=1
for pid in "$API_PID" "$WORKER_PID"; do
  kill -0 "$pid" 2>/dev/null || { echo "FAIL process $pid (API or worker) died during the drills" >&2; status=1; }
done
echo "fault-drills: $((SECONDS - STARTED)) s in all"
exit "$status"
