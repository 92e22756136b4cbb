#!/usr/bin/env bash
# Validates the pinned OpenAPI document (the insta snapshot, which the snapshot test keeps
# equal to what /openapi.json serves) against the OpenAPI 3.0 specification with
# openapi-spec-validator (PyPI; see scripts/python-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-tools.sh
"$VENV/bin/python" - tests/api/snapshots/api__openapi__openapi.snap <<'PY'
import json, sys
from openapi_spec_validator import validate
text = open(sys.argv[1]).read()
document = json.loads(text[text.index("{"):])  # past insta's header
validate(document)
print(f"check-openapi: the document is valid OpenAPI {document['openapi']}")
PY
