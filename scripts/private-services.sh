#!/usr/bin/env bash
# Private PostgreSQL, Redis, Kafka-protocol broker and MailDev on free ports of 127.0.0.1, for
# the fault drills and the soak: each can be stopped and started again without touching the
# machine's shared services (5432, 6379, 9092, 1025/1080). Their state survives a restart:
# PostgreSQL's data directory, tansu on SQLite storage (memory:// forgets every message on a
# restart), MailDev's --mail-directory (reloaded at start). Redis keeps nothing (the limiter's
# counters may be lost).
#   source scripts/private-services.sh; ps_init DIR; ps_start postgres|redis|kafka|smtp
#   scripts/private-services.sh ctl start|stop NAME   (needs the PS_* variables ps_init exports)
# Missing tools stop it with a message; tansu and MailDev are installed on first use, tansu by
# scripts/services-up.sh (one build with SQLite storage for both scripts).
# PS_KAFKA_ADVERTISED_PORT: the port tansu tells clients to use (a proxy's in front of it;
# default PS_KAFKA_PORT).

PS_SERVICES=${SERVICES_DIR:-$HOME/.cache/accounts-api-services}
PS_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ps_die() { echo "private-services: $*" >&2; exit 1; }

ps_tools() { # checks (and installs where it can) what the four services need
  local bin
  PS_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  for bin in initdb pg_ctl postgres; do
    [ -x "$PS_PG_BIN/$bin" ] || ps_die "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/$bin): apt-get install postgresql"
  done
  for bin in psql redis-server redis-cli python3 openssl curl; do
    command -v "$bin" >/dev/null || ps_die "$bin is missing"
  done
  if ((EUID == 0)); then
    command -v runuser >/dev/null || ps_die "runuser is missing (PostgreSQL cannot run as root)"
    id postgres >/dev/null 2>&1 || ps_die "no postgres user to run PostgreSQL as"
  fi
  "$PS_SCRIPTS/services-up.sh" tansu >/dev/null || ps_die "cannot install tansu"
  PS_TANSU=$PS_SERVICES/tansu/bin/tansu
  PS_MAILDEV=$PS_SERVICES/maildev/node_modules/.bin/maildev
  if [ ! -x "$PS_MAILDEV" ]; then
    command -v npm >/dev/null || ps_die "npm is missing (to install MailDev)"
    echo "private-services: installing MailDev 3 from npm" >&2
    mkdir -p "$PS_SERVICES/maildev"
    (cd "$PS_SERVICES/maildev" && npm install --silent --no-audit --no-fund maildev@3 >/dev/null) ||
      ps_die "cannot install MailDev"
  fi
}

ps_init() { # dir: picks free ports, makes the PostgreSQL cluster; exports PS_*
  ps_tools
  PS_DIR=$1
  read -r PS_PG_PORT PS_REDIS_PORT PS_KAFKA_PORT PS_SMTP_PORT PS_WEB_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(5)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
  export PS_DIR PS_PG_BIN PS_TANSU PS_MAILDEV PS_PG_PORT PS_REDIS_PORT PS_KAFKA_PORT PS_SMTP_PORT PS_WEB_PORT
  mkdir -p "$PS_DIR/pg" "$PS_DIR/mail"
  if ((EUID == 0)); then
    chmod 711 "$PS_DIR" "$(dirname "$PS_DIR")" # the postgres user must reach its directory
    chown postgres: "$PS_DIR/pg"
  fi
  ps_as_pg "$PS_PG_BIN/initdb" -D "$PS_DIR/pg/data" -U postgres -A trust -E UTF8 >"$PS_DIR/initdb.log" 2>&1 ||
    { cat "$PS_DIR/initdb.log" >&2; ps_die "initdb failed"; }
  cat >>"$PS_DIR/pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PS_PG_PORT
unix_socket_directories = '$PS_DIR/pg'
max_connections = 60
shared_buffers = 32MB
fsync = off
EOF
}

ps_as_pg() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }

ps_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ps_wait_port() { # port name: until it accepts connections (60 s)
  local deadline=$((SECONDS + 60))
  until ps_port_open "$1"; do
    ((SECONDS < deadline)) || ps_die "$2 did not open port $1 within 60 s (log: $PS_DIR/$2.log)"
    sleep 0.05
  done
}

ps_wait_closed() { # port name
  local deadline=$((SECONDS + 60))
  while ps_port_open "$1"; do
    ((SECONDS < deadline)) || ps_die "$2 still holds port $1 60 s after it was stopped"
    sleep 0.05
  done
}

ps_stop_pid() { # pidfile: TERM, then KILL after 30 s
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

ps_start() { # name
  case "$1" in
    postgres)
      ps_as_pg "$PS_PG_BIN/pg_ctl" -D "$PS_DIR/pg/data" -l "$PS_DIR/pg/postgres.log" -w -t 60 start >/dev/null ||
        ps_die "PostgreSQL did not start (log: $PS_DIR/pg/postgres.log)" ;;
    redis)
      redis-server --bind 127.0.0.1 --port "$PS_REDIS_PORT" --save "" --appendonly no --daemonize yes \
        --pidfile "$PS_DIR/redis.pid" --logfile "$PS_DIR/redis.log" --dir "$PS_DIR"
      ps_wait_port "$PS_REDIS_PORT" redis ;;
    kafka)
      # tansu reads a sqlite:// URL's path relative to its working directory.
      (cd "$PS_DIR" && RUST_LOG=warn exec setsid "$PS_TANSU" broker --listener-url "tcp://127.0.0.1:$PS_KAFKA_PORT" \
        --advertised-listener-url "tcp://127.0.0.1:${PS_KAFKA_ADVERTISED_PORT:-$PS_KAFKA_PORT}" \
        --storage-engine "sqlite:///tansu.db") >>"$PS_DIR/kafka.log" 2>&1 </dev/null &
      echo $! >"$PS_DIR/kafka.pid"
      ps_wait_port "$PS_KAFKA_PORT" kafka ;;
    smtp)
      setsid "$PS_MAILDEV" --ip 127.0.0.1 --smtp "$PS_SMTP_PORT" --web-ip 127.0.0.1 --web "$PS_WEB_PORT" \
        --mail-directory "$PS_DIR/mail" >>"$PS_DIR/smtp.log" 2>&1 </dev/null &
      echo $! >"$PS_DIR/smtp.pid"
      ps_wait_port "$PS_SMTP_PORT" smtp
      ps_wait_port "$PS_WEB_PORT" smtp ;;
    *) ps_die "unknown service '$1'" ;;
  esac
}

ps_stop() { # name: returns once it no longer listens
  case "$1" in
    postgres)
      [ -e "$PS_DIR/pg/data/postmaster.pid" ] || return 0
      ps_as_pg "$PS_PG_BIN/pg_ctl" -D "$PS_DIR/pg/data" -m fast -w -t 60 stop >/dev/null
      ps_wait_closed "$PS_PG_PORT" postgres ;;
    redis) ps_stop_pid "$PS_DIR/redis.pid"; ps_wait_closed "$PS_REDIS_PORT" redis ;;
    kafka) ps_stop_pid "$PS_DIR/kafka.pid"; ps_wait_closed "$PS_KAFKA_PORT" kafka ;;
    smtp) ps_stop_pid "$PS_DIR/smtp.pid"; ps_wait_closed "$PS_SMTP_PORT" smtp ;;
    *) ps_die "unknown service '$1'" ;;
  esac
}

ps_stop_all() { # quietly, for exit traps
  local name
  for name in smtp kafka redis postgres; do (ps_stop "$name") >/dev/null 2>&1 || true; done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ "${1:-}" = ctl ] && [ $# = 3 ] && [ -n "${PS_DIR:-}" ] || {
    echo "usage: PS_...=... $0 ctl start|stop postgres|redis|kafka|smtp" >&2; exit 2; }
  case "$2" in
    start) ps_start "$3" ;;
    stop) ps_stop "$3" ;;
    *) echo "usage: $0 ctl start|stop NAME" >&2; exit 2 ;;
  esac
fi
