#!/usr/bin/env bash
# Usage: scripts/check-monitoring.sh API_METRICS_URL WORKER_METRICS_URL [MORE...]
# Checks that every metric name the Grafana dashboards' Prometheus queries use is exposed by
# one of the given /metrics texts (http(s)://, file:// or a local path): a `# TYPE` line or a
# sample. `_bucket`/`_sum`/`_count` count for their histogram or summary, `_total` for an
# OpenMetrics counter declared without it. Prints the missing names; exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 API_METRICS_URL WORKER_METRICS_URL" >&2; exit 2; }
exec python3 - "${DASHBOARDS:-monitoring/grafana/dashboards}" "$@" <<'PY'
import glob, json, re, sys, urllib.request

KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "atan2"}

def queries(node):
    """(panel title, expr) of every Prometheus target, rows included."""
    for panel in node.get("panels", []):
        yield from queries(panel)
        for t in panel.get("targets", []):
            if "expr" in t and (t.get("datasource") or panel.get("datasource") or {}).get("type") != "loki":
                yield panel.get("title", "?"), t["expr"]

def metric_names(expr):
    e = re.sub(r"\$\{?\w+\}?", "", expr)                         # Grafana variables
    e = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', "", e)  # string literals
    e = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", e)                    # matchers, ranges
    e = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
    names = set()
    for m in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?", e):
        if not m.group(2) and m.group(1).lower() not in KEYWORDS:  # not a function call
            names.add(m.group(1))
    return names

def read(source):
    if source.startswith(("http://", "https://", "file://")):
        with urllib.request.urlopen(source, timeout=10) as r:
            return r.read().decode()
    return open(source).read()

dashboards, sources = sys.argv[1], sys.argv[2:]
used = {}
for f in sorted(glob.glob(dashboards + "/*.json")):
    for title, expr in queries(json.load(open(f))):
        for name in metric_names(expr):
            used.setdefault(name, title)
if not used:
    sys.exit(f"check-monitoring: no Prometheus queries found in {dashboards}")

types, samples = {}, set()
for source in sources:
    for line in read(source).splitlines():
        if line.startswith("# TYPE "):
            parts = line.split()
            if len(parts) >= 4:
                types[parts[2]] = parts[3]
        elif line and not line.startswith("#"):
            samples.add(re.split(r"[{\s]", line, maxsplit=1)[0])

def exposed(name):
    if name in samples or name in types:
        return True
    for suffix, kinds in (("_bucket", {"histogram"}), ("_sum", {"histogram", "summary"}),
                          ("_count", {"histogram", "summary"}), ("_total", {"counter"})):
        if name.endswith(suffix) and types.get(name[: -len(suffix)]) in kinds:
            return True
    return False

missing = sorted(n for n in used if not exposed(n))
for name in missing:
    print(f"missing: {name} (panel '{used[name]}')")
if missing:
    sys.exit(f"check-monitoring: {len(missing)} of {len(used)} metric names are not exposed")
print(f"check-monitoring: all {len(used)} metric names the dashboards use are exposed")
PY
