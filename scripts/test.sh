#!/usr/bin/env bash
# The one test command: starts the services the tests need, then runs every test
# (unit and integration, on SQLite and PostgreSQL). Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services-up.sh postgres redis kafka smtp
cargo test --workspace --all-targets "$@"
