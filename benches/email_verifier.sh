#!/usr/bin/env bash
# What the e-mail reputation check costs a sign-up, in one run: release servers side by side
# on PostgreSQL with the default password hashing (bcrypt cost 12), rate limiting off:
#   off       no reputation check (the null verifier)
#   provider  the check on, against a local fake provider that answers "deliverable" after
#             PROVIDER_MS; every address is new, so every sign-up asks it (no cache hits)
#   hanging   the check on, against a provider that never answers in time
#             (EMAIL_VERIFIER_TIMEOUT_MS=500): one sign-up waits the timeout, the rest skip it
# ROUNDS rounds alternate between the servers, SIGNUPS sequential sign-ups per server each;
# prints each round's median latency, then the medians over all sign-ups and the ratios to
# "off", and how often each provider was asked.
# Needs: PostgreSQL :5432 (scripts/services-up.sh postgres), python3, openssl, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5} SIGNUPS=${SIGNUPS:-20} PROVIDER_MS=${PROVIDER_MS:-150}
scripts/services-up.sh postgres >/dev/null
cargo build --release --quiet --bin accounts-api
BIN=${CARGO_TARGET_DIR:-target}/release/accounts-api
DB=accounts_bench_verifier PROVIDER_PORT=18290
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
WORK=$(mktemp -d); PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# The fake provider: /fast/ answers "deliverable" after PROVIDER_MS, /hang/ after 10 s;
# it counts the requests per path in $WORK/calls-<path>.
python3 - "$PROVIDER_PORT" "$PROVIDER_MS" "$WORK" <<'PY' &
import http.server, json, sys, threading, time
port, delay_ms, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = json.dumps({"email_deliverability": {"status": "deliverable", "is_format_valid": True},
                   "email_quality": {"is_disposable": False}}).encode()
lock, calls = threading.Lock(), {}
class Provider(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("/")[1]
        with lock:
            calls[path] = calls.get(path, 0) + 1
            open(f"{work}/calls-{path}", "w").write(str(calls[path]))
        time.sleep(delay_ms / 1000 if path == "fast" else 10)
        try:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:
            pass  # the API gave up waiting, as it should
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Provider).serve_forever()
PY
PIDS+=($!)

serve() { # port, extra env...
  local port=$1; shift
  env METRICS_ADDR=off APP_PORT="$port" DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" RUST_LOG=error \
    JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
    RATE_LIMIT_ENABLED=false "$@" "$BIN" >"$WORK/$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && return; sleep 0.1; done
  echo "server on :$port did not start" >&2; cat "$WORK/$port.log" >&2; exit 1
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"
serve 18191
# The first server migrated the database; the others start after it.
checked=(EMAIL_VERIFIER_ENABLED=true EMAIL_VERIFIER_API_KEY=bench)
serve 18192 "${checked[@]}" EMAIL_VERIFIER_API_URL="http://127.0.0.1:$PROVIDER_PORT/fast/"
serve 18193 "${checked[@]}" EMAIL_VERIFIER_API_URL="http://127.0.0.1:$PROVIDER_PORT/hang/" \
  EMAIL_VERIFIER_TIMEOUT_MS=500 EMAIL_VERIFIER_COOLDOWN_SECONDS=3600

python3 - "$ROUNDS" "$SIGNUPS" "$WORK" <<'PY'
import json, statistics, sys, time, urllib.request
rounds, signups, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
servers = {"off": 18191, "provider": 18192, "hanging": 18193}
latencies = {name: [] for name in servers}
for r in range(rounds):
    line = []
    for name, port in servers.items():
        batch = []
        for i in range(signups):
            user = f"{name[:4]}{r}x{i}"
            body = json.dumps({"username": user, "email": f"{user}@example.com",
                               "password": "benchmark-password"}).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/users", body,
                                         {"content-type": "application/json"})
            start = time.perf_counter()
            with urllib.request.urlopen(req) as resp:
                assert resp.status == 201, resp.status
            batch.append(1000 * (time.perf_counter() - start))
        latencies[name] += batch
        line.append(f"{name} {statistics.median(batch):.0f} ms")
    print(f"round {r + 1}: " + ", ".join(line))
off = statistics.median(latencies["off"])
for name, values in latencies.items():
    median = statistics.median(values)
    print(f"{name:9} median {median:.0f} ms  p95 {sorted(values)[int(0.95 * len(values))]:.0f} ms"
          f"  max {max(values):.0f} ms  ratio to off {median / off:.2f}")
def calls(path):
    try:
        return int(open(f"{work}/calls-{path}").read())
    except FileNotFoundError:
        return 0
print(f"provider asked: fast {calls('fast')} times, hanging {calls('hang')} times "
      f"for {rounds * signups} sign-ups each")
PY
