#!/usr/bin/env bash
# Starts, on 127.0.0.1, the outside services the tests talk to, and waits until each
# answers. Names: postgres (:5432), redis (:6379). Safe to run twice; installs what is
# missing from Debian's packages. Logs: ${SERVICES_DIR:-$HOME/.cache/accounts-api-services}.
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

for service in "${@:-postgres}"; do
  case "$service" in
    postgres) start_postgres ;;
    redis) start_redis ;;
    *) echo "services-up: unknown service '$service'" >&2; exit 2 ;;
  esac
  echo "services-up: $service is up"
done
