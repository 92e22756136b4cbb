# Shared by the HTTP benchmarks (source it): release servers on one PostgreSQL database with
# a throw-away key pair, a bench account and its token, wrk rounds and medians.
# Needs: wrk, PostgreSQL :5432. Knobs: DURATION (8s), CONNECTIONS (32).
DURATION=${DURATION:-8s} CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
WORK=$(mktemp -d); PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/private.pem" 2>/dev/null
openssl pkey -in "$WORK/private.pem" -pubout -out "$WORK/public.pem"

fresh_database() { # name
  BENCH_DB=$1
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" \
    -c "CREATE DATABASE $BENCH_DB"
}

serve() { # port binary [VAR=value ...]: starts a server and waits for its health check
  local port=$1 binary=$2; shift 2
  env METRICS_ADDR=off APP_PORT="$port" DATABASE_URL="postgres://postgres@127.0.0.1:5432/$BENCH_DB" RUST_LOG=warn \
    JWT_PRIVATE_KEY_PATH="$WORK/private.pem" JWT_PUBLIC_KEY_PATH="$WORK/public.pem" \
    JWT_ACCESS_TOKEN_TTL_SECONDS=3600 PASSWORD_HASH_COST=4 "$@" "$binary" >"$WORK/$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && return; sleep 0.1; done
  echo "server on :$port did not start" >&2; cat "$WORK/$port.log" >&2; exit 1
}

bench_login() { # port [field]: logs the bench account in there (registering it when it is
  # new) and prints the answer's field (default access_token); each server signs its own
  curl -s "http://127.0.0.1:$1/api/v1/users" -H 'content-type: application/json' \
    -d '{"username":"bench","email":"bench@example.com","password":"benchmark-password"}' >/dev/null
  curl -sf "http://127.0.0.1:$1/api/v1/token/access" -d 'username=bench&password=benchmark-password' \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['${2:-access_token}'])"
}

rps() { # port [token]: requests/s of GET /api/v1/users for one round (token: $TOKEN)
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer ${2:-$TOKEN}" \
    "http://127.0.0.1:$1/api/v1/users" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non-2xx: " $0 > "/dev/stderr"}'
}

ms() { # a wrk latency (850.00us, 7.63ms, 1.20s) in milliseconds
  python3 -c "import re,sys; v=sys.argv[1]; n=float(re.sub('[a-z]','',v)); \
print(n/1000 if v.endswith('us') else n*1000 if v.endswith('s') and not v.endswith('ms') else n)" "$1"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
