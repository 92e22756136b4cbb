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
# Then the network faults (issue 29): the API, the worker and migrate reach every dependency
# through the fault proxy (fault-proxy/, tansu advertising the proxy's port), which puts on
# the wire to one dependency at a time 200 ms of latency each way for 10 s, a stall of 10 s
# (open connections and those opened meanwhile go silent for good) and a partition of 20 s
# (nothing crosses, new connections get no answer; held bytes delivered at the heal), each
# checked as above against scripts/net_faults.py's EXPECT (the database: 503 + Retry-After
# within REQUEST_TIMEOUT_MS), recovery timed from the heal (NET_TARGET), plus the
# connections the fault stalled that a client still holds after the settle period;
# and at the end, the load stopped and the pipeline drained (bounded wait), every committed
# sign-up (201) is in the database and has each of its two e-mails exactly once in MailDev,
# and every outbox event exactly one message with its Message-ID. Prints a table; exit 1 on
# any failure (with the tail of every log). About 2 minutes once built, plus about 7 for the
# network faults.
# Usage: scripts/fault-drills.sh [BIN_DIR]   (default: $CARGO_TARGET_DIR/debug, built when
# a binary is missing). Knobs: RATE (20), OUTAGE (8), TARGET (5), DRILLS ("postgres redis
# kafka smtp"; "" for none); NET_DRILLS ("all": the three faults on the four dependencies;
# "none"; or words such as "postgres:stall redis kafka:partition latency"), LATENCY_MS (200),
# LATENCY_SECONDS (10), STALL_SECONDS (10), PARTITION_SECONDS (20), NET_TARGET (10).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/accounts-api/target}
BIN_DIR=${1:-$CARGO_TARGET_DIR/debug}
RATE=${RATE:-20} OUTAGE=${OUTAGE:-8} TARGET=${TARGET:-5} DRILLS=${DRILLS-postgres redis kafka smtp}
NET_DRILLS=${NET_DRILLS-all} LATENCY_MS=${LATENCY_MS:-200} LATENCY_SECONDS=${LATENCY_SECONDS:-10}
STALL_SECONDS=${STALL_SECONDS:-10} PARTITION_SECONDS=${PARTITION_SECONDS:-20} NET_TARGET=${NET_TARGET:-10}
NET_PAIRS=$(cd scripts && python3 -c 'import json, sys, net_faults; print(json.dumps(net_faults.parse(sys.argv[1])))' "$NET_DRILLS")
STARTED=$SECONDS
# shellcheck source=scripts/private-services.sh
source scripts/private-services.sh
ps_tools

# shellcheck source=scripts/binaries.sh
source scripts/binaries.sh
need_binaries fault-drills "$BIN_DIR"
if [ ! -x "$BIN_DIR/fault-proxy" ]; then
  echo "fault-drills: $BIN_DIR/fault-proxy is missing; cargo build -p fault-proxy" >&2
  cargo build --quiet -p fault-proxy
fi

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
  # The proxy after the API and the worker, which talk through it until they have stopped.
  if [ -n "${FP_PID:-}" ]; then kill "$FP_PID" 2>/dev/null || true; wait "$FP_PID" 2>/dev/null || true; fi
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
for bin in accounts-api worker migrate fault-proxy; do
  ln "$BIN_DIR/$bin" "$WORK/bin/$bin" 2>/dev/null || cp "$BIN_DIR/$bin" "$WORK/bin/$bin"
done

ps_init "$WORK/services"
# The fault proxy: one listener per dependency, forwarding to it, and its control port. The
# service's settings name the proxy's ports; tansu advertises its proxy port, so that the
# clients' connections after the bootstrap go through the proxy too.
read -r FP_CONTROL FP_PG FP_REDIS FP_KAFKA FP_SMTP < <(python3 -c '
import socket
s = [socket.socket() for _ in range(5)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
export PS_KAFKA_ADVERTISED_PORT=$FP_KAFKA
for service in postgres redis kafka smtp; do ps_start "$service"; done
"$WORK/bin/fault-proxy" "127.0.0.1:$FP_CONTROL" "postgres=127.0.0.1:$FP_PG=127.0.0.1:$PS_PG_PORT" \
  "redis=127.0.0.1:$FP_REDIS=127.0.0.1:$PS_REDIS_PORT" "kafka=127.0.0.1:$FP_KAFKA=127.0.0.1:$PS_KAFKA_PORT" \
  "smtp=127.0.0.1:$FP_SMTP=127.0.0.1:$PS_SMTP_PORT" >"$WORK/fault-proxy.log" 2>&1 &
FP_PID=$!
ps_wait_port "$FP_CONTROL" fault-proxy
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
  DATABASE_URL="postgres://postgres@127.0.0.1:$FP_PG/accounts" \
  JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
  MFA_ENCRYPTION_KEY="k1:$(openssl rand -base64 32)" \
  REDIS_URL="redis://127.0.0.1:$FP_REDIS" RATE_LIMIT_FAIL_CLOSED=false \
  RATE_LIMIT_PER_IP=1000000/60s RATE_LIMIT_PER_USER=1000000/60s \
  KAFKA_BROKERS="127.0.0.1:$FP_KAFKA" KAFKA_TOPIC=drills KAFKA_CONSUMER_GROUP=drills-workers \
  SMTP_HOST=127.0.0.1 SMTP_PORT="$FP_SMTP" \
  PASSWORD_HASH_COST=4 METRICS_ADDR=off RUST_LOG=info,sqlx=warn
start_api_and_worker fault-drills "$WORK/bin" "$WORK" "$API_PORT"
echo "fault-drills: API :$API_PORT (pid $API_PID), worker pid $WORKER_PID; private PostgreSQL :$PS_PG_PORT," \
  "Redis :$PS_REDIS_PORT, tansu :$PS_KAFKA_PORT (SQLite), MailDev :$PS_SMTP_PORT/:$PS_WEB_PORT;" \
  "through the fault proxy :$FP_PG, :$FP_REDIS, :$FP_KAFKA, :$FP_SMTP (control :$FP_CONTROL)"

python3 - "$WORK/config.json" <<EOF
import json, sys
json.dump({
    "api": "http://127.0.0.1:$API_PORT/api/v1", "ready": "http://127.0.0.1:$API_PORT/api/v1/health/ready",
    "maildev": "http://127.0.0.1:$PS_WEB_PORT/api/email",
    "psql": "${PSQL[*]} -d accounts".split(), "ctl": ["$PWD/scripts/private-services.sh", "ctl"],
    "drills": "$DRILLS".split(), "rate": float("$RATE"), "outage": float("$OUTAGE"),
    "target": float("$TARGET"), "tag": "$TAG", "domain": "$DOMAIN", "timeout": 10.0,
    "baseline": 4.0, "settle": 3.0, "deadline": 60.0, "drain_deadline": 180.0, "max_seconds": 1800.0,
    "net_drills": json.loads('$NET_PAIRS'), "proxy_port": $FP_CONTROL, "latency_ms": int("$LATENCY_MS"),
    "net_seconds": {"latency": float("$LATENCY_SECONDS"), "stall": float("$STALL_SECONDS"),
                    "partition": float("$PARTITION_SECONDS")}, "net_target": float("$NET_TARGET"),
}, open(sys.argv[1], "w"))
EOF
status=0
python3 scripts/fault_drills.py "$WORK/config.json" | tee "$WORK/report.txt" || status=1
for pid in "$API_PID" "$WORKER_PID"; do
  kill -0 "$pid" 2>/dev/null || { echo "FAIL process $pid (API or worker) died during the drills" >&2; status=1; }
done
echo "fault-drills: $((SECONDS - STARTED)) s in all"
exit "$status"
