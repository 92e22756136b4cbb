#!/usr/bin/env bash
# Builds the real Dockerfile, unchanged, and runs the image against this machine's PostgreSQL,
# Redis, broker and MailDev (scripts/services-up.sh): `manage db create`, `migrate up`, the API
# until /api/v1/health/ready is 200, its health checks, a sign-up, the worker mailing it,
# `manage users grant`;
# each as the image's user, on a read-only root filesystem, host network. Checks that every
# binary in src/bin is in the image and that it reports this commit; prints the image size
# and fails over IMAGE_CHECK_SIZE_LIMIT_MB (100, the target; see README). Run it
# after any change to the Dockerfile, Cargo.lock or src/bin.
#
# No container registry is reachable here and no Docker engine runs, so:
# - buildah builds the Dockerfile (daemon-less, `--isolation chroot`, host network, root);
# - the base images the Dockerfile names (distroless and Rust) are made locally from Debian's
#   packages and this machine's toolchain, and tagged with its names (scripts/image-bases.sh);
# - buildah has no read-only run, so the image's root filesystem is mounted read-only and
#   entered with chroot as its user (10001), in a private mount namespace: the isolation
#   buildah's chroot mode gives, plus the read-only root. The image's health checks
#   (`manage probe`) are run the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "check-image: FAIL: needs root (buildah, mmdebstrap, chroot)" >&2; exit 1; }
for tool in buildah mmdebstrap; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah mmdebstrap >/dev/null; }
done
start=$(date +%s)
log() { echo "check-image: $*"; }
fail() { echo "check-image: FAIL: $*" >&2; exit 1; }
WORK=$(mktemp -d); CTR=; PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$CTR" ] && buildah rm "$CTR" >/dev/null 2>&1
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS accounts_image_check WITH (FORCE)" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The base images the Dockerfile names, made here (scripts/image-bases.sh).
source scripts/image-bases.sh
bases_done=$(date +%s)

COMMIT=$(git rev-parse --short=12 HEAD)
IMAGE=localhost/accounts-api:check
# The build context is the commit, exported: what the image reports is what it was built from,
# whatever the working tree holds meanwhile.
git diff --quiet HEAD || log "the working tree has uncommitted changes: they are not in the image"
mkdir "$WORK/context" && git archive HEAD | tar -x -C "$WORK/context"
log "building the Dockerfile at $COMMIT"
buildah build --quiet --isolation chroot --network host --pull-never --layers \
  --build-arg GIT_COMMIT="$COMMIT" -t "$IMAGE" -f Dockerfile "$WORK/context" >/dev/null
built=$(date +%s)

scripts/services-up.sh postgres redis kafka smtp
CTR=$(buildah from --pull-never "$IMAGE")
ROOT=$(buildah mount "$CTR")
USER_ID=$(buildah inspect --format '{{.OCIv1.Config.User}}' "$CTR")
mapfile -t IMAGE_ENV < <(buildah inspect --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$CTR" | sed '/^$/d')
WORKDIR=$(buildah inspect --format '{{.OCIv1.Config.WorkingDir}}' "$CTR")
# What an engine provides: the mount points, made before the root turns read-only.
mkdir -p "$ROOT/proc" "$ROOT/dev" "$ROOT/tmp" "$ROOT/run"
UID_GID=$USER_ID
[[ $UID_GID =~ ^[0-9]+:[0-9]+$ ]] || fail "the image's USER is $USER_ID, not uid:gid (Kubernetes' runAsNonRoot checks a number)"
[ "${UID_GID%%:*}" != 0 ] || fail "the image runs as root"
for bin in accounts-api $(basename -s .rs src/bin/*.rs); do
  [ -x "$ROOT/usr/local/bin/$bin" ] || fail "the image has no $bin (src/bin holds it)"
done
# The unpacked size, as `docker images` reports it; the binaries' share beside it.
SIZE_MB=$(du -sxm "$ROOT" | cut -f1); BINS_MB=$(du -sxm "$ROOT/usr/local/bin" | cut -f1)
log "runtime image: $SIZE_MB MB, of which the binaries $BINS_MB MB"
[ "$SIZE_MB" -le "${IMAGE_CHECK_SIZE_LIMIT_MB:-100}" ] || fail "the image is over ${IMAGE_CHECK_SIZE_LIMIT_MB:-100} MB"

openssl genrsa -out "$WORK/jwt-private.pem" 2048 2>/dev/null
openssl rsa -in "$WORK/jwt-private.pem" -pubout -out "$WORK/jwt-public.pem" 2>/dev/null
chmod 0755 "$WORK"; chmod 0644 "$WORK"/*.pem
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port); METRICS=$(free_port); TOPIC="image_check_${COMMIT}_$$"
SETTINGS=(DATABASE_URL=postgres://postgres@127.0.0.1:5432/accounts_image_check APP_HOST=127.0.0.1 APP_PORT="$PORT"
  METRICS_ADDR="127.0.0.1:$METRICS"
  REDIS_URL=redis://127.0.0.1:6379/12 KAFKA_BROKERS=127.0.0.1:9092 KAFKA_TOPIC="$TOPIC"
  KAFKA_CONSUMER_GROUP="$TOPIC" KAFKA_TOPIC_PARTITIONS=1 SMTP_HOST=127.0.0.1 SMTP_PORT=1025
  JWT_PRIVATE_KEY_PATH=/run/certs/jwt-private.pem JWT_PUBLIC_KEY_PATH=/run/certs/jwt-public.pem
  MFA_ENCRYPTION_KEY="k1:$(openssl rand -base64 32)" WEBAUTHN_ORIGINS="http://localhost:$PORT"
  JWT_ISSUER="http://localhost:$PORT")

# The image's command $@, as its user, read-only root, host network, the keys at /run/certs.
# The image has no shell or env: the namespace is set up from here, and Python enters the
# root (chroot, WORKDIR, user, the image's environment), as an engine would.
ENTER='
import os, sys
root, user, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
env = dict(v.split("=", 1) for v in os.environ["IMAGE_ENV"].split("\n") if v)
uid, gid = (int(n) for n in user.split(":"))
os.chroot(root); os.chdir(os.environ["IMAGE_WORKDIR"])
os.setgroups([]); os.setgid(gid); os.setuid(uid)
if cmd == ["--write-test"]:
    try: open("/app/x", "w"); sys.exit(0)
    except OSError: sys.exit(1)
os.execvpe(cmd[0], cmd, env)'
in_image() {
  IMAGE_ENV=$(printf '%s\n' "${IMAGE_ENV[@]}" "${SETTINGS[@]}") IMAGE_WORKDIR=$WORKDIR ENTER=$ENTER \
  unshare --mount --propagation private -- sh -ec '
    root=$1 certs=$2 user=$3; shift 3
    mount --bind "$root" "$root"; mount -o remount,bind,ro "$root"
    mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"; mount -t tmpfs tmpfs "$root/run"
    mkdir "$root/run/certs"; mount --bind -o ro "$certs" "$root/run/certs"
    exec python3 -c "$ENTER" "$root" "$user" "$@"' \
    sh "$ROOT" "$WORK" "$UID_GID" "$@"
}
in_image --write-test && fail "the root filesystem is writable"

psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS accounts_image_check WITH (FORCE)"
in_image manage db create || fail "manage db create"
in_image migrate up || fail "migrate up"
in_image accounts-api >"$WORK/api.log" 2>&1 & PIDS+=($!)
WORKER_METRICS=$(free_port)
(SETTINGS+=(METRICS_ADDR="127.0.0.1:$WORKER_METRICS") && in_image worker) >"$WORK/worker.log" 2>&1 & PIDS+=($!)
B="http://127.0.0.1:$PORT/api/v1"
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$B/health/ready")" = 200 ] && break; sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$B/health/ready")" = 200 ] || { tail -20 "$WORK/api.log"; fail "/health/ready never 200"; }
log "the API is ready ($(($(date +%s) - built)) s after the build)"
# The health checks of the Dockerfile and docker-compose.yaml, run in the image.
in_image manage probe >/dev/null || fail "the image's HEALTHCHECK (manage probe) fails on a live API"
for _ in $(seq 1 300); do in_image manage probe "http://127.0.0.1:$WORKER_METRICS/metrics" >/dev/null 2>&1 && break; sleep 0.2; done
in_image manage probe "http://127.0.0.1:$WORKER_METRICS/metrics" >/dev/null || fail "the worker's health check fails"
curl -s "http://127.0.0.1:$METRICS/metrics" | grep -q "commit=\"$COMMIT\"" || fail "the image does not report commit $COMMIT"

ADDRESS="image-check-$$-$(date +%s)@example.com"
status=$(curl -s -o "$WORK/signup.json" -w '%{http_code}' "$B/users" -H 'content-type: application/json' \
  -d "{\"username\":\"image-check-$$\",\"email\":\"$ADDRESS\",\"password\":\"image-check-password\"}")
[ "$status" = 201 ] || fail "sign-up answered $status: $(cat "$WORK/signup.json")"
in_image manage users grant "$ADDRESS" users:read || fail "manage users grant"
mails=0
for _ in $(seq 1 600); do
  mails=$(curl -s http://127.0.0.1:1080/api/email | python3 -c "import json,sys; print(sum(1 for m in json.load(sys.stdin) for t in m['to'] if t['address'] == '$ADDRESS'))")
  [ "$mails" -ge 2 ] && break; sleep 0.2
done
[ "$mails" = 2 ] || { tail -20 "$WORK/worker.log"; fail "the worker mailed $mails e-mails to the new account, not 2"; }
log "sign-up 201, the worker mailed the welcome and confirmation e-mails, manage users grant done"

log "PASS: bases $((bases_done - start)) s, build $((built - bases_done)) s, run $(($(date +%s) - built)) s (with the services' start); runtime image $SIZE_MB MB"
