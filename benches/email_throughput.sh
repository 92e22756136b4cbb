#!/usr/bin/env bash
# E-mail pipeline throughput into a fast SMTP sink: outbox -> relay -> Kafka (tansu) ->
# worker -> SMTP (Postfix's smtp-sink), release builds on PostgreSQL. EVENTS user.created
# events are committed in ONE transaction; the figure is e-mails per second from that commit
# until the worker has recorded every one as delivered (it records each right after the
# sink accepted it). The same-run ceiling is the sink itself: Postfix's smtp-source sending
# EVENTS messages over 16 sessions, as the worker does. ROUNDS rounds, alternating.
# Usage: benches/email_throughput.sh API_BINARY WORKER_BINARY   (run as root: smtp-sink
# drops to the user nobody)
# Needs: postfix (apt-get install postfix), wrk (benches/common.sh), PostgreSQL, tansu (scripts/services-up.sh
# postgres kafka). Knobs: EVENTS (10000), ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
API=${1:?api binary}; WORKER=${2:?worker binary}; EVENTS=${EVENTS:-10000}; ROUNDS=${ROUNDS:-3}
command -v smtp-sink >/dev/null || PATH=$PATH:/usr/sbin
command -v smtp-sink >/dev/null || { echo "smtp-sink is missing: apt-get install postfix" >&2; exit 1; }
scripts/services-up.sh postgres kafka >/dev/null
DB=accounts_bench_sink TAG=sink$$ SINK=127.0.0.1:2525
source benches/common.sh # WORK, PIDS and their cleanup, median
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" 2>/dev/null
smtp-sink -u nobody "$SINK" 1000 & PIDS+=($!)
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" KAFKA_BROKERS=127.0.0.1:9092 \
  KAFKA_TOPIC="$TAG" KAFKA_CONSUMER_GROUP="$TAG-worker" SMTP_HOST=127.0.0.1 SMTP_PORT=2525 \
  PASSWORD_HASH_COST=4 RATE_LIMIT_ENABLED=false RUST_LOG=warn
METRICS_ADDR=127.0.0.1:19291 APP_PORT=18291 "$API" >"$WORK/api.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18291/api/v1/health >/dev/null && break; sleep 0.1; done
METRICS_ADDR=127.0.0.1:19292 RUST_LOG=info LOG_FORMAT=json "$WORKER" >"$WORK/worker.log" 2>&1 & PIDS+=($!)
sql() { psql -qtA -h 127.0.0.1 -U postgres -d "$DB" -c "$1"; }
now() { date +%s.%N; }

pipeline() { # one round: e-mails/s from the commit to the last delivery recorded
  local before start
  before=$(sql "SELECT count(*) FROM delivered_events")
  start=$(now)
  sql "WITH ids AS (SELECT gen_random_uuid() AS id, gen_random_uuid() AS uid, i
         FROM generate_series(1, $EVENTS) i)
       INSERT INTO outbox (id, event_type, aggregate_id, payload, occurred_at)
       SELECT id, 'user.created', uid, json_build_object('version', 1, 'id', id,
         'type', 'user.created', 'occurred_at', now(), 'data', json_build_object(
         'user_id', uid, 'username', 'u' || i, 'email', 'u' || i || '@$TAG.test'))::text, now()
       FROM ids"
  for _ in $(seq 1 3000); do
    (( $(sql "SELECT count(*) FROM delivered_events") - before >= EVENTS )) && break
    sleep 0.05
  done
  (( $(sql "SELECT count(*) FROM delivered_events") - before >= EVENTS )) ||
    { echo "the e-mails did not all arrive; see $WORK/worker.log" >&2; tail "$WORK/worker.log" >&2; exit 1; }
  python3 -c "print(f'{$EVENTS / ($(now) - $start):.0f}')"
}
ceiling() { # the sink alone: smtp-source, 16 sessions
  local start; start=$(now)
  smtp-source -s 16 -m "$EVENTS" -f bench@example.com -t sink@example.com "$SINK"
  python3 -c "print(f'{$EVENTS / ($(now) - $start):.0f}')"
}

EVENTS_SAVED=$EVENTS; EVENTS=200; pipeline >/dev/null; EVENTS=$EVENTS_SAVED # warm-up
PIPE=(); SINKS=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then SINKS+=("$(ceiling)"); PIPE+=("$(pipeline)")
  else PIPE+=("$(pipeline)"); SINKS+=("$(ceiling)"); fi
  echo "round $round: sink alone ${SINKS[-1]} e-mails/s, pipeline ${PIPE[-1]} e-mails/s"
done
sink=$(printf '%s\n' "${SINKS[@]}" | median); pipe=$(printf '%s\n' "${PIPE[@]}" | median)
echo "median: sink alone $sink e-mails/s, pipeline $pipe e-mails/s ($EVENTS per round);" \
  "ratio $(python3 -c "print(f'{$pipe/$sink:.2f}')")"
