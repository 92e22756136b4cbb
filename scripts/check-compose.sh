#!/usr/bin/env bash
# Checks what can be checked without a Docker engine: docker-compose.yaml under Debian's
# docker-compose 1.29 for every profile (plus each profile's dependencies and host ports),
# the Prometheus configuration with promtool, and the Grafana dashboard (JSON, PromQL syntax).
# Installs docker-compose and prometheus (promtool) from Debian's packages when missing.
# One line per check; exits non-zero at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILES=(api migrations dev port-forwarder monitoring)
DASHBOARDS=monitoring/grafana/dashboards

apt_install() {
  echo "check-compose: installing $* from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
fail() { echo "FAIL $*" >&2; exit 1; }
command -v docker-compose >/dev/null || apt_install docker-compose
command -v promtool >/dev/null || apt_install prometheus
command -v docker-compose >/dev/null || fail "docker-compose is not installed"
command -v promtool >/dev/null || fail "promtool is not installed"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# An empty env file: the app's own .env (if any) must not change the result.
: >"$tmp/empty.env"
compose() { docker-compose -f docker-compose.yaml --env-file "$tmp/empty.env" "$@"; }

for profile in "${PROFILES[@]}"; do
  compose --profile "$profile" config -q 2>"$tmp/err" || { cat "$tmp/err" >&2; fail "compose config --profile $profile"; }
  echo "ok   docker-compose config --profile $profile"
done

# Compose 1.29's `config` prints every service whatever the profile, so check each profile's
# set here: dependencies inside it, no host port published twice (alone and as documented).
compose config >"$tmp/config.yaml"
python3 - "$tmp/config.yaml" "${PROFILES[@]}" "api port-forwarder" "api monitoring" <<'PY' || fail "compose profiles"
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
def host_port(port):
    if isinstance(port, dict):
        return f"{port.get('host_ip', '0.0.0.0')}:{port['published']}"
    parts = str(port).split("/")[0].split(":")
    return ":".join(parts[:-1]) if len(parts) > 1 else None
bad = False
for combo in sys.argv[2:]:
    wanted = set(combo.split())
    active = {n for n, s in services.items() if not s.get("profiles") or wanted & set(s["profiles"])}
    problems, seen = [], {}
    for name in sorted(active):
        for dep in services[name].get("depends_on") or []:
            if dep not in active:
                problems.append(f"{name} depends on {dep}, not in the profile")
        for port in services[name].get("ports") or []:
            hp = host_port(port)
            if hp and hp in seen:
                problems.append(f"{name} and {seen[hp]} both publish {hp}")
            seen[hp] = name
    label = " + ".join(combo.split())
    if problems:
        bad = True
        print(f"FAIL compose profile {label}: " + "; ".join(problems), file=sys.stderr)
    else:
        print(f"ok   compose profile {label}: {len(active)} services, dependencies and host ports consistent")
sys.exit(1 if bad else 0)
PY

promtool check config monitoring/prometheus/prometheus.yml >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "promtool check config"; }
echo "ok   promtool check config monitoring/prometheus/prometheus.yml"

for file in "$DASHBOARDS"/*.json; do
  python3 -m json.tool "$file" >/dev/null || fail "$file is not valid JSON"
  echo "ok   $file parses (python3 -m json.tool)"
done

for file in monitoring/loki/loki.yaml monitoring/promtail/promtail.yaml monitoring/grafana/provisioning/*/*.yaml; do
  python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$file" || fail "$file is not valid YAML"
done
echo "ok   Loki, Promtail and Grafana provisioning files parse as YAML"

# Every Prometheus query of the dashboards, as recording rules, through promtool's parser
# (Grafana's $__ variables replaced by a plain duration first).
python3 - "$DASHBOARDS" >"$tmp/rules.yaml" <<'PY'
import glob, json, re, sys
def targets(node):
    for panel in node.get("panels", []):
        yield from targets(panel)
        for t in panel.get("targets", []):
            if "expr" in t and (t.get("datasource") or panel.get("datasource") or {}).get("type") != "loki":
                yield t["expr"]
exprs = [e for f in sorted(glob.glob(sys.argv[1] + "/*.json")) for e in targets(json.load(open(f)))]
print("groups:\n  - name: dashboard\n    rules:")
for i, e in enumerate(exprs):
    e = re.sub(r"\$\{?__\w+\}?", "5m", e)
    print(f"      - record: dashboard:query{i}\n        expr: {json.dumps(e)}")
PY
promtool check rules "$tmp/rules.yaml" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "dashboard PromQL does not parse"; }
echo "ok   promtool parses the dashboards' $(grep -c 'record:' "$tmp/rules.yaml") Prometheus queries"
