# Sourced by the scripts that run the service's own binaries (scale-out, fault drills, soak).
# Each function takes the calling script's name first, for its messages.

# need_binaries NAME DIR: accounts-api, worker and migrate in DIR, built (cargo build --bins)
# when one is missing; stops the script if they are still missing.
need_binaries() {
  local name=$1 dir=$2 bin
  for bin in accounts-api worker migrate; do
    if [ ! -x "$dir/$bin" ]; then
      echo "$name: $dir/$bin is missing; cargo build --bins" >&2
      cargo build --quiet --bins
      break
    fi
  done
  for bin in accounts-api worker migrate; do
    [ -x "$dir/$bin" ] || { echo "$name: no $dir/$bin" >&2; exit 1; }
  done
}

# start_api_and_worker NAME DIR WORK PORT: `migrate up`, then the API and one worker from DIR,
# run in WORK (logs there) with the exported settings, until the API on PORT is ready (at most
# 120 s). Sets API_PID and WORKER_PID and adds them to PIDS, for the caller's cleanup.
start_api_and_worker() {
  local name=$1 dir=$2 work=$3 port=$4 deadline=$((SECONDS + 120))
  (cd "$work" && exec "$dir/migrate" up) >"$work/migrate.log" 2>&1 || { echo "$name: migrate up failed" >&2; exit 1; }
  (cd "$work" && exec "$dir/accounts-api") >"$work/api.log" 2>&1 &
  API_PID=$!
  PIDS+=("$API_PID")
  (cd "$work" && exec "$dir/worker") >"$work/worker.log" 2>&1 &
  WORKER_PID=$!
  PIDS+=("$WORKER_PID")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/health/ready")" = 200 ]; do
    kill -0 "$API_PID" 2>/dev/null || { echo "$name: the API exited; see $work/api.log" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "$name: the API not ready within 120 s" >&2; exit 1; }
    sleep 0.2
  done
}
