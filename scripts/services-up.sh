#!/usr/bin/env bash
# Starts, on 127.0.0.1, the outside services the tests talk to, and waits until each
# answers. Names: postgres (:5432), redis (:6379), kafka (tansu, a Kafka-protocol broker with
# in-memory storage, :9092), smtp (MailDev: SMTP :1025, REST API :1080), prometheus (Debian's
# Prometheus installed, not started: the monitoring test starts its own), tansu (installed, not
# started: the fault drills start their own). Safe to run twice.
# Installs what is missing from the package registries (Debian, crates.io, npm); tansu is built
# once per machine (15 to 45 minutes on a busy 2-core machine) with both storages the tests
# use: memory:// here, SQLite for the fault drills' broker, which must keep messages across a
# restart (scripts/private-services.sh).
# State and logs: ${SERVICES_DIR:-$HOME/.cache/accounts-api-services}.
set -euo pipefail
D=${SERVICES_DIR:-$HOME/.cache/accounts-api-services}; mkdir -p "$D"
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 150); do up "$1" && return 0; sleep 0.2; done
  echo "services-up: $2 did not open port $1; see $D/$2.log" >&2; exit 1
}
apt_install() {
  echo "services-up: installing $* from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_postgres() {
  up 5432 && return 0
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  local version; version=$(ls /etc/postgresql | head -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_port 5432 postgres
}

start_redis() {
  up 6379 && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --logfile "$D/redis.log"
  wait_port 6379 redis
}

TANSU="$D/tansu/bin/tansu" TANSU_FEATURES=dynostore,libsql
install_tansu() {
  [ "$(cat "$D/tansu/features" 2>/dev/null)" = "$TANSU_FEATURES" ] && "$TANSU" --version >/dev/null 2>&1 && return 0
  echo "services-up: installing tansu ($TANSU_FEATURES) into $D/tansu (first time only, 15 to 45 minutes)" >&2
  cargo install tansu --locked --features "$TANSU_FEATURES" --quiet --root "$D/tansu" --target-dir "$D/tansu-build"
  rm -rf "$D/tansu-build"
  echo "$TANSU_FEATURES" >"$D/tansu/features"
}

start_kafka() {
  up 9092 && return 0
  install_tansu
  setsid "$TANSU" broker --listener-url tcp://127.0.0.1:9092 --advertised-listener-url tcp://127.0.0.1:9092 \
    --storage-engine "${KAFKA_STORAGE:-memory://tansu/}" >"$D/tansu.log" 2>&1 </dev/null &
  echo $! >"$D/tansu.pid"
  wait_port 9092 tansu
}

start_smtp() {
  up 1025 && up 1080 && return 0
  local maildev="$D/maildev/node_modules/.bin/maildev"
  if [ ! -x "$maildev" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    mkdir -p "$D/maildev" && (cd "$D/maildev" && npm install --silent --no-audit --no-fund maildev@3 >/dev/null)
  fi
  setsid "$maildev" --ip 127.0.0.1 --smtp 1025 --web 1080 >"$D/maildev.log" 2>&1 </dev/null &
  echo $! >"$D/maildev.pid"
  wait_port 1025 maildev
  wait_port 1080 maildev
}

install_prometheus() {
  command -v prometheus >/dev/null && command -v promtool >/dev/null && return 0
  apt_install prometheus
}

for service in "${@:-postgres}"; do
  case "$service" in
    postgres) start_postgres ;;
    redis) start_redis ;;
    kafka) start_kafka ;;
    smtp) start_smtp ;;
    prometheus) install_prometheus ;;
    tansu) install_tansu ;;
    *) echo "services-up: unknown service '$service'" >&2; exit 2 ;;
  esac
  echo "services-up: $service is up"
done
