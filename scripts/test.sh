#!/usr/bin/env bash
# The one test command: starts the services the tests need, then runs every test
# (unit and integration, on SQLite and PostgreSQL), then checks the contract as its users
# meet it: the OpenAPI document validated, Schemathesis over it on both databases, the
# generated TypeScript and Python clients driving the flows, Swagger UI in a real browser;
# the Compose file and monitoring configuration (scripts/check-compose.sh); the Kubernetes
# manifests rendered, schema-validated and checkov-checked (scripts/check-kubernetes.sh); the
# scale-out rehearsal, two API instances and two workers on one database, Redis and broker; and
# the fault drills, each dependency stopped and started again under load (private instances).
# Extra arguments go to `cargo test`. Ends with one line totalling every test binary:
# "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services-up.sh postgres redis kafka smtp prometheus
log=$(mktemp); trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --all-targets "$@" 2>&1 | tee "$log" || status=$?
scripts/check-openapi.sh || status=1
scripts/check-compose.sh || status=1
scripts/check-kubernetes.sh || status=1
scripts/scale-out.sh || status=1
scripts/fault-drills.sh || status=1
scripts/schemathesis.sh || status=1
clients/typescript/run.sh || status=1
clients/python/run.sh || status=1
clients/browser/run.sh || status=1
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "%d passed, %d failed\n", passed, failed }' "$log"
exit "$status"
