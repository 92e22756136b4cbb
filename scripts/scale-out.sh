#!/usr/bin/env bash
# Issue 15's scale-out rehearsal (run in CI): two API instances and two workers on one
# PostgreSQL database, one Redis and one Kafka-protocol broker (tansu), MailDev as the SMTP
# server. Drives sign-ups and logins through both instances and checks:
#   1. the per-IP limit is global: of limit+1 requests alternating between the instances,
#      exactly `limit` pass and the last is 429, whichever instance it hits;
#   2. every e-mail is delivered exactly once although both workers consume the topic;
#   3. `kill -9` of one worker while e-mails flow loses and doubles nothing (its partitions
#      go to the survivor once the broker expires it, or, where the broker fails to do that
#      as tansu 0.6.0 does, to a replacement worker; the report says which);
#   4. a session ended on one instance is refused by the other on the very next request.
# Prints one line per check and exits 1 on any violation (with the tail of every log).
# Usage: scripts/scale-out.sh [BIN_DIR]   (default: $CARGO_TARGET_DIR/debug, CARGO_TARGET_DIR
# defaulting to ~/.cache/accounts-api/target; `cargo build --bins` when a binary is missing)
# Knobs: ONCE_ACCOUNTS (40), KILL_ACCOUNTS (200), LIMIT (5), DEADLINE seconds per wait (300).
# Per run: database accounts_scaleout_<pid>, Kafka topic/group scaleout-<tag>, Redis prefix
# accounts-api-scaleout-<tag>:, recipients @<tag>.scaleout.test; all removed at exit but the
# Kafka topics (tansu keeps them in memory; they are tiny).
# Clients send X-Forwarded-For through TRUSTED_PROXIES=127.0.0.1, as a load balancer would, so
# each simulated client has an address of its own and only check 1's client shares one.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/accounts-api/target}
BIN_DIR=${1:-$CARGO_TARGET_DIR/debug}
ONCE_ACCOUNTS=${ONCE_ACCOUNTS:-40} KILL_ACCOUNTS=${KILL_ACCOUNTS:-200} LIMIT=${LIMIT:-5}
DEADLINE=${DEADLINE:-300}
STARTED=$(date +%s)

scripts/services-up.sh postgres redis kafka smtp >/dev/null
# shellcheck source=scripts/binaries.sh
source scripts/binaries.sh
need_binaries scale-out "$BIN_DIR"

TAG=so$$$(date +%s | tail -c 5)
DB=accounts_scaleout_$$
DOMAIN=$TAG.scaleout.test
PREFIX=accounts-api-scaleout-$TAG:
TOPIC=scaleout-$TAG GROUP=scaleout-$TAG-workers
WORK=$(mktemp -d -t scale-out.XXXXXX)
PIDS=() FAILED=0 REPORT=()

psql_db() { psql -qtAX -h 127.0.0.1 -U postgres -d "$DB" -c "$1"; }
stop() { # pid...: TERM, then KILL after 10 s
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  for pid in "$@"; do kill -9 "$pid" 2>/dev/null || true; done
}
show_logs() {
  local log
  for log in "$WORK"/*.log; do
    [ -e "$log" ] || continue
    echo "---- tail of $(basename "$log")" >&2
    tail -n 40 "$log" >&2
  done
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  ((${#PIDS[@]})) && stop "${PIDS[@]}"
  python3 "$HELPER" purge "$DOMAIN" 2>/dev/null || true
  if ((status != 0 || FAILED)); then
    show_logs
    echo "scale-out: logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 --scan --pattern "$PREFIX*" 2>/dev/null |
    xargs -r redis-cli -h 127.0.0.1 del >/dev/null 2>&1 || true
  exit "$status"
}
HELPER=$PWD/scripts/scale_out.py
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$WORK/bin"
# This run's binaries, by hard link (a copy when that fails): a build sharing the target
# directory may replace them meanwhile.
for bin in accounts-api worker migrate; do
  ln "$BIN_DIR/$bin" "$WORK/bin/$bin" 2>/dev/null || cp "$BIN_DIR/$bin" "$WORK/bin/$bin"
done


# ---------------------------------------------------------------------------- processes
read -r PORT_A PORT_B < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
A=http://127.0.0.1:$PORT_A/api/v1 B=http://127.0.0.1:$PORT_B/api/v1
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
psql -q -h 127.0.0.1 -U postgres -c "SET client_min_messages = warning" \
  -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null

# Shared by every process. They run in $WORK, so no .env of the checkout's is read. One
# issuer for both instances, as behind one load balancer (unset, each would default to its
# own http://localhost:<APP_PORT> and refuse the other's tokens).
export APP_ENV=development DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" \
  JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
  JWT_ISSUER="http://127.0.0.1:$PORT_A" \
  REDIS_URL=redis://127.0.0.1:6379 REDIS_KEY_PREFIX="$PREFIX" RATE_LIMIT_ENABLED=true \
  RATE_LIMIT_PER_IP="$LIMIT/1h" TRUSTED_PROXIES=127.0.0.1 \
  KAFKA_BROKERS=127.0.0.1:9092 KAFKA_TOPIC="$TOPIC" KAFKA_CONSUMER_GROUP="$GROUP" \
  KAFKA_TOPIC_PARTITIONS=4 SMTP_HOST=127.0.0.1 SMTP_PORT=1025 \
  PASSWORD_HASH_COST=4 METRICS_ADDR=off LOG_FORMAT=pretty NO_COLOR=1 RUST_LOG=info,sqlx=warn
(cd "$WORK" && exec bin/migrate up) >"$WORK/migrate.log" 2>&1 || { echo "scale-out: migrate up failed" >&2; exit 1; }

start() { # name binary [VAR=value ...]
  local name=$1 binary=$2; shift 2
  (cd "$WORK" && exec env "$@" "bin/$binary") >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  disown $!
  eval "PID_${name//-/_}=$!"
}
wait_healthy() { # name port pid
  local deadline=$((SECONDS + 120))
  until curl -sf -o /dev/null "http://127.0.0.1:$2/api/v1/health"; do
    kill -0 "$3" 2>/dev/null || { echo "scale-out: $1 exited" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "scale-out: $1 not healthy within 120 s" >&2; exit 1; }
    sleep 0.2
  done
}
start api-a accounts-api APP_PORT="$PORT_A"
start api-b accounts-api APP_PORT="$PORT_B"
wait_healthy api-a "$PORT_A" "$PID_api_a"
wait_healthy api-b "$PORT_B" "$PID_api_b"
for port in "$PORT_A" "$PORT_B"; do
  limiter=$(curl -s "http://127.0.0.1:$port/api/v1/health" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"]["rate_limiter"])')
  [ "$limiter" = ok ] || { echo "scale-out: :$port's rate limiter is '$limiter', not ok" >&2; exit 1; }
done
start worker-1 worker
start worker-2 worker
# Traffic only once both workers have joined the group and it has settled: a rebalance in
# the middle of check 2 is check 3's business.
deadline=$((SECONDS + 120)) group_state=
while :; do
  for pid in "$PID_worker_1" "$PID_worker_2"; do
    kill -0 "$pid" 2>/dev/null || { echo "scale-out: worker $pid exited" >&2; exit 1; }
  done
  group_state=$(python3 "$HELPER" group "$GROUP" 2>&1 || true)
  [ "$group_state" = "Stable 2" ] && break
  ((SECONDS < deadline)) || { echo "scale-out: consumer group not Stable with 2 members within 120 s: $group_state" >&2; exit 1; }
  sleep 0.5
done
echo "scale-out: API :$PORT_A and :$PORT_B, workers $PID_worker_1 and $PID_worker_2 (group $GROUP: $group_state), database $DB, topic $TOPIC (4 partitions)"
# E-mails a worker has sent so far: its log has a line for each.
sent_by() { grep -c 'e-mail sent' "$WORK/$1.log" || true; }
# SMTP sessions a worker has open (its mailer keeps them for reuse).
smtp_sessions() { # pid
  ss -Htnp state established '( dport = :1025 )' 2>/dev/null | grep -c "pid=$1," || true
}

pass() { REPORT+=("PASS $*"); echo "PASS $*"; }
fail() { REPORT+=("FAIL $*"); echo "FAIL $*"; FAILED=1; }

# Waits until the pipeline is drained: every outbox event published and recorded as handled
# by a worker (delivered_events). A double can only come from an event mailed but not yet
# recorded, so once all are recorded no further e-mail can come, bar one already on its way:
# MailDev is then read after its count has held still for 3 s.
drain() { # label; sets DRAIN_SECONDS, DRAIN_STATE
  local start=$SECONDS deadline=$((SECONDS + DEADLINE)) unpublished undelivered
  while :; do
    unpublished=$(psql_db "SELECT count(*) FROM outbox WHERE published_at IS NULL")
    undelivered=$(psql_db "SELECT count(*) FROM outbox o WHERE NOT EXISTS
      (SELECT 1 FROM delivered_events d WHERE d.event_id = o.id)")
    ((unpublished == 0 && undelivered == 0)) && break
    if ((SECONDS >= deadline)); then
      DRAIN_STATE="not drained after $DEADLINE s: $unpublished unpublished, $undelivered unhandled"
      DRAIN_SECONDS=$((SECONDS - start)); return 1
    fi
    sleep 0.5
  done
  DRAIN_SECONDS=$((SECONDS - start)) DRAIN_STATE=drained
  local before after
  after=$(python3 "$HELPER" count "$DOMAIN")
  for _ in $(seq 1 20); do
    before=$after
    sleep 3
    after=$(python3 "$HELPER" count "$DOMAIN")
    [ "$before" = "$after" ] && return 0
  done
}

# ------------------------------------------------------------ 1. the per-IP limit is global
# Two clients, each sends LIMIT+1 sign-ups alternating between the instances; the first
# client's last request lands on one instance, the second's on the other (LIMIT odd or even).
limit_round() { # client-ip first-url second-url tag; prints "<passed> <last status> <last instance>"
  local ip=$1 urls=("$2" "$3") tag=$4 passed=0 status i url last=
  for i in $(seq 0 "$LIMIT"); do
    url=${urls[i % 2]}
    status=$(curl -s -o "$WORK/limit.json" -w '%{http_code}' "$url/users" \
      -H 'content-type: application/json' -H "x-forwarded-for: $ip" \
      -d "{\"username\":\"$tag$i-$TAG\",\"email\":\"$tag$i@$DOMAIN\",\"password\":\"scale-out-password\"}")
    if ((i < LIMIT)); then
      [ "$status" = 201 ] && passed=$((passed + 1)) || echo "limit: request $((i + 1)) on ${url%/api/v1}: $status $(cat "$WORK/limit.json")" >&2
    else
      last=$status
      [ "$status" = 429 ] && grep -q too-many-requests "$WORK/limit.json" || last="$status($(head -c 200 "$WORK/limit.json"))"
    fi
  done
  [ "$url" = "$A" ] && echo "$passed $last A" || echo "$passed $last B"
}
read -r pass1 last1 at1 < <(limit_round 203.0.113.10 "$A" "$B" lima)
read -r pass2 last2 at2 < <(limit_round 203.0.113.11 "$B" "$A" limb)
keys=$(redis-cli -h 127.0.0.1 --scan --pattern "$PREFIX*" | wc -l)
detail="$LIMIT/1h per IP, 2 clients x $((LIMIT + 1)) sign-ups alternating A/B: $pass1 and $pass2 of $LIMIT passed, request $((LIMIT + 1)) answered $last1 on $at1 and $last2 on $at2 ($keys limiter keys in Redis)"
if ((pass1 == LIMIT && pass2 == LIMIT)) && [ "$last1" = 429 ] && [ "$last2" = 429 ] && [ "$at1" != "$at2" ]; then
  pass "global per-IP limit: $detail"
else
  fail "global per-IP limit: $detail"
fi

# -------------------------------------------------------- 2. every e-mail exactly once
if drain limit; then :; fi # check 1's e-mails out of the way: the per-worker counts below are check 2's
sent1=$(sent_by worker-1) sent2=$(sent_by worker-2)
if out=$(python3 "$HELPER" signup "$DOMAIN" once "$ONCE_ACCOUNTS" 4 "$PORT_A" "$PORT_B"); then :; fi
created=${out:-0}
if drain once; then :; fi
read -r received missing doubled unexpected _ < <(python3 "$HELPER" tally "$DOMAIN" once "$ONCE_ACCOUNTS")
sessions="sent by worker 1: $(($(sent_by worker-1) - sent1)), worker 2: $(($(sent_by worker-2) - sent2)) (their logs)"
detail="$created/$ONCE_ACCOUNTS accounts (half on each instance), $((ONCE_ACCOUNTS * 2)) e-mails expected (welcome + confirmation), $received received, $missing missing, $doubled doubled, $unexpected unexpected; $DRAIN_STATE in ${DRAIN_SECONDS}s; $sessions"
if ((created == ONCE_ACCOUNTS && received == ONCE_ACCOUNTS * 2 && missing == 0 && doubled == 0 && unexpected == 0)) && [ "$DRAIN_STATE" = drained ]; then
  pass "exactly-once: $detail"
else
  fail "exactly-once: $detail"
fi

# ------------------------------------------------ 3. kill -9 of one worker mid-batch
# Sign-ups stream in (8 at a time over both instances); once the workers have handled a
# tenth of the batch's events, worker 1 is killed while the rest keep coming. Its partitions
# must then be taken over: by the survivor once the broker expires the dead member (after
# the consumer's session timeout, 45 s). tansu 0.6.0 does not do this: it drops the expired
# member but keeps the generation, so the survivor rejoins and gets its old partitions back,
# and the dead worker's stay unconsumed. So when nothing moves for 30 s after the group has
# settled on the survivor, a replacement worker is started (as an orchestrator would restart
# the crashed one); its join makes a new generation. The report says which happened. Either
# way every e-mail must then arrive exactly once.
unhandled() {
  psql_db "SELECT count(*) FROM outbox o WHERE NOT EXISTS
    (SELECT 1 FROM delivered_events d WHERE d.event_id = o.id)"
}
baseline=$(psql_db "SELECT count(*) FROM delivered_events")
batch_events=$((KILL_ACCOUNTS * 2))
python3 "$HELPER" signup "$DOMAIN" kill "$KILL_ACCOUNTS" 8 "$PORT_A" "$PORT_B" >"$WORK/kill-signups.out" 2>"$WORK/kill-signups.err" &
signups=$!
kill_at=$((batch_events / 10)) deadline=$((SECONDS + DEADLINE)) killed=
while :; do
  handled=$(($(psql_db "SELECT count(*) FROM delivered_events") - baseline))
  if ((handled >= kill_at)); then
    smtp_conns=$(smtp_sessions "$PID_worker_1")
    kill -9 "$PID_worker_1"
    killed_at=$SECONDS killed_epoch=$(date +%s.%N)
    in_flight=$(psql_db "SELECT count(*) FROM outbox o WHERE published_at IS NOT NULL AND NOT EXISTS
      (SELECT 1 FROM delivered_events d WHERE d.event_id = o.id)")
    signed_up=$(psql_db "SELECT count(*) FROM users WHERE email LIKE 'kill%'")
    killed="worker 1 killed at $handled/$batch_events events handled (it had sent $(sent_by worker-1) in the run), $signed_up/$KILL_ACCOUNTS accounts created, $in_flight published events unhandled, $smtp_conns SMTP sessions open"
    break
  fi
  ((SECONDS < deadline)) || break
  sleep 0.1
done
wait "$signups" && signup_status=0 || signup_status=$?
created=$(cat "$WORK/kill-signups.out" 2>/dev/null || echo 0)
cat "$WORK/kill-signups.err" >&2
takeover= replaced=
if [ -n "$killed" ]; then
  deadline=$((SECONDS + DEADLINE)) state=
  while ((SECONDS < deadline)); do
    state=$(python3 "$HELPER" group "$GROUP" 2>&1 || true)
    [ "$state" = "Stable 1" ] && break
    sleep 0.5
  done
  settled=$((SECONDS - killed_at))
  last=$(unhandled) still=$SECONDS
  while ((last > 0 && SECONDS - still < 30)); do
    sleep 1
    now=$(unhandled)
    ((now < last)) && still=$SECONDS
    last=$now
  done
  if ((last == 0)); then
    takeover="the survivor took over alone (group '$state' ${settled}s after the kill, all handled $((SECONDS - killed_at))s after)"
  else
    takeover="the survivor did NOT take over (group '$state' ${settled}s after the kill, then $last events unhandled for 30 s): replacement worker 3 started $((SECONDS - killed_at))s after the kill"
    replaced=1
    start worker-3 worker
  fi
fi
if drain kill; then :; fi
read -r received missing doubled unexpected resent < <(python3 "$HELPER" tally "$DOMAIN" kill "$KILL_ACCOUNTS" "${killed_epoch:-}" "${smtp_conns:-0}")
# An e-mail the SMTP server had taken when the worker died (its 250 unread, the delivery not
# recorded) is sent again with the same Message-ID (receivers deduplicate it): SMTP cannot do
# better. At most one such copy per SMTP session open at the kill.
detail="$created/$KILL_ACCOUNTS accounts, $batch_events e-mails expected, $((received - resent)) received once, $missing missing, $((doubled - resent)) doubled, $resent re-sent with the same Message-ID (in flight at the kill: stored by the SMTP server before it, again after it), $unexpected unexpected; ${killed:-worker 1 never killed: the events were not handled in time}; ${takeover:-no takeover}; $DRAIN_STATE $((SECONDS - ${killed_at:-$SECONDS}))s after the kill"
if [ -n "$killed" ] && ((signup_status == 0 && received - resent == batch_events && missing == 0 && doubled == resent && unexpected == 0)) && [ "$DRAIN_STATE" = drained ]; then
  pass "kill -9: $detail"
else
  fail "kill -9: $detail"
fi
[ -z "$replaced" ] || REPORT+=("NOTE the broker did not hand the killed worker's partitions to the survivor (tansu 0.6.0 keeps the generation when a member expires); a replacement worker had to join")

# ------------------------------------ 4. a session ended on one instance, refused by the other
# Per round: sign up, log in on X, read /users on Y (200: Y has now verified and remembered
# the token), log out on X, read /users on Y at once (must be 401), refresh on Y (must be 401).
refused=0 rounds=4 revocation_notes=()
for round in $(seq 1 $rounds); do
  if ((round % 2)); then X=$A Y=$B dir="A->B"; else X=$B Y=$A dir="B->A"; fi
  user=rev$round
  curl -s -o /dev/null "$X/users" -H 'content-type: application/json' -H "x-forwarded-for: 192.0.2.$((round * 10 + 1))" \
    -d "{\"username\":\"$user-$TAG\",\"email\":\"$user@$DOMAIN\",\"password\":\"scale-out-password\"}"
  login=$(curl -s "$X/token/access" -H "x-forwarded-for: 192.0.2.$((round * 10 + 2))" \
    --data-urlencode grant_type=password --data-urlencode "username=$user-$TAG" \
    --data-urlencode password=scale-out-password)
  read -r token refresh < <(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["access_token"], d["refresh_token"])' "$login" 2>/dev/null || echo "- -")
  before=$(curl -s -o /dev/null -w '%{http_code}' "$Y/users" -H "authorization: Bearer $token" -H "x-forwarded-for: 192.0.2.$((round * 10 + 3))")
  logout=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$X/sessions/current" -H "authorization: Bearer $token" -H "x-forwarded-for: 192.0.2.$((round * 10 + 4))")
  after=$(curl -s -o /dev/null -w '%{http_code}' "$Y/users" -H "authorization: Bearer $token" -H "x-forwarded-for: 192.0.2.$((round * 10 + 5))")
  refreshed=$(curl -s -o /dev/null -w '%{http_code}' "$Y/token/access" -H "x-forwarded-for: 192.0.2.$((round * 10 + 6))" \
    --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$refresh")
  if [ "$before" = 200 ] && [ "$logout" = 204 ] && [ "$after" = 401 ] && [ "$refreshed" = 401 ]; then
    refused=$((refused + 1))
  else
    revocation_notes+=("round $round $dir: before $before, logout $logout, after $after, refresh $refreshed")
  fi
done
detail="$refused/$rounds sessions ended on one instance and refused by the other on the next request (access token 401, refresh 401; A->B and B->A alternately)"
if ((refused == rounds)); then
  pass "revocation: $detail"
else
  fail "revocation: $detail; ${revocation_notes[*]}"
fi

echo
echo "== scale-out report ($(($(date +%s) - STARTED)) s; 2 API instances, 2 workers, database $DB, topic $TOPIC)"
printf '%s\n' "${REPORT[@]}"
exit "$FAILED"
