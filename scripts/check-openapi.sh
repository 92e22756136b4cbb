#!/usr/bin/env bash
# Validates the pinned OpenAPI document (the insta snapshot, which the snapshot test keeps
# equal to what /openapi.json serves) against the OpenAPI 3.0 specification with
# openapi-spec-validator, installed from PyPI into a venv of its own on first use.
# State: ${SERVICES_DIR:-$HOME/.cache/accounts-api-services}/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SERVICES_DIR:-$HOME/.cache/accounts-api-services}/venv
if ! "$VENV/bin/python" -c 'import openapi_spec_validator' 2>/dev/null; then
  echo "check-openapi: installing openapi-spec-validator into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'openapi-spec-validator==0.9.*'
fi
"$VENV/bin/python" - tests/api/snapshots/api__openapi__openapi.snap <<'PY'
import json, sys
from openapi_spec_validator import validate
text = open(sys.argv[1]).read()
document = json.loads(text[text.index("{"):])  # past insta's header
validate(document)
print(f"check-openapi: the document is valid OpenAPI {document['openapi']}")
PY
