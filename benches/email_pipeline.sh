#!/usr/bin/env bash
# E-mail pipeline: outbox -> relay -> Kafka (tansu) -> worker -> SMTP (MailDev), release
# builds on PostgreSQL. Clears MailDev's inbox first.
# 1. Latency: LATENCY_USERS registrations through the API, one at a time; for each, the time
#    from the API's 201 (the commit) until MailDev lists the e-mail (polled every 10 ms, so
#    this includes MailDev's own parsing). p50, p95, max.
# 2. Throughput: THROUGHPUT_EVENTS user.created events committed in ONE transaction; e-mails
#    per second from that commit until MailDev lists them all (polled every second).
# Needs: PostgreSQL, tansu and MailDev (scripts/services-up.sh postgres kafka smtp).
set -euo pipefail
cd "$(dirname "$0")/.."
LATENCY_USERS=${LATENCY_USERS:-200} THROUGHPUT_EVENTS=${THROUGHPUT_EVENTS:-5000}
scripts/services-up.sh postgres kafka smtp >/dev/null
cargo build --release --quiet --bin accounts-api --bin worker
BIN=${CARGO_TARGET_DIR:-target}/release
DB=accounts_bench_mail TAG=bench$$
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" 2>/dev/null
curl -sf -X DELETE http://127.0.0.1:1080/api/email/all >/dev/null
WORK=$(mktemp -d); PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" KAFKA_BROKERS=127.0.0.1:9092 \
  KAFKA_TOPIC="$TAG" KAFKA_CONSUMER_GROUP="$TAG-worker" SMTP_HOST=127.0.0.1 SMTP_PORT=1025 \
  PASSWORD_HASH_COST=4 RATE_LIMIT_ENABLED=false RUST_LOG=warn OUTBOX_POLL_INTERVAL_MS=${OUTBOX_POLL_INTERVAL_MS:-100}
METRICS_ADDR=off APP_PORT=18281 "$BIN/accounts-api" >"$WORK/api.log" 2>&1 & PIDS+=($!)
METRICS_ADDR=off "$BIN/worker" >"$WORK/worker.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18281/api/v1/health >/dev/null && break; sleep 0.1; done

python3 - "$TAG" "$LATENCY_USERS" "$THROUGHPUT_EVENTS" <<'PY'
import json, subprocess, sys, time, urllib.request
tag, users, events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def inbox():
    return json.load(urllib.request.urlopen("http://127.0.0.1:1080/api/email"))
def wait_for(count, prefix, limit=300):
    start = time.time()
    while time.time() - start < limit:
        mails = [m for m in inbox() if m["to"][0]["address"].startswith(prefix)]
        if len(mails) >= count: return time.time()
        time.sleep(1)
    sys.exit(f"only {len(mails)} of {count} e-mails arrived")
def pct(values, p): return sorted(values)[min(len(values) - 1, int(p / 100 * len(values)))]

# 1. latency
lat = []
for i in range(users):
    email = f"lat{i}@{tag}.test"
    body = json.dumps({"username": f"lat{i}", "email": email, "password": "benchmark-password"}).encode()
    req = urllib.request.Request("http://127.0.0.1:18281/api/v1/users", body, {"content-type": "application/json"})
    urllib.request.urlopen(req).read()
    committed = time.time()
    while not any(m["to"][0]["address"] == email for m in inbox()):
        if time.time() - committed > 30: sys.exit(f"no e-mail for {email} within 30 s")
        time.sleep(0.01)
    lat.append(1000 * (time.time() - committed))
print(f"latency over {users} e-mails (ms): p50 {pct(lat, 50):.0f}, p95 {pct(lat, 95):.0f}, max {max(lat):.0f}")
subprocess.run(["curl", "-sf", "-X", "DELETE", "http://127.0.0.1:1080/api/email/all"], check=True, capture_output=True)

# 2. throughput: one transaction of N events
sql = f"""
WITH ids AS (SELECT gen_random_uuid() AS id, gen_random_uuid() AS uid, i FROM generate_series(1, {events}) i)
INSERT INTO outbox (id, event_type, aggregate_id, payload, occurred_at)
SELECT id, 'user.created', uid, json_build_object('version', 1, 'id', id, 'type', 'user.created',
  'occurred_at', now(), 'data', json_build_object('user_id', uid, 'username', 'tp' || i,
  'email', 'tp' || i || '@{tag}.test'))::text, now() FROM ids"""
subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "accounts_bench_mail", "-c", sql], check=True)
committed = time.time()
count_unpublished = ["psql", "-tA", "-h", "127.0.0.1", "-U", "postgres", "-d", "accounts_bench_mail",
                     "-c", "SELECT count(*) FROM outbox WHERE published_at IS NULL"]
while int(subprocess.run(count_unpublished, check=True, capture_output=True, text=True).stdout) > 0:
    time.sleep(0.1)
relayed = time.time()
print(f"relay: {events} events acknowledged by Kafka in {relayed - committed:.2f} s = {events / (relayed - committed):.0f} events/s")
done = wait_for(events, "tp")
print(f"throughput: {events} e-mails in {done - committed:.2f} s = {events / (done - committed):.0f} e-mails/s")
PY
