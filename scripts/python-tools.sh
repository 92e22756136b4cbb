# Sourced by the scripts that use Python tools from PyPI: a venv of the project's own with
# pinned versions, installed on first use. State: ${SERVICES_DIR:-$HOME/.cache/accounts-api-services}/venv.
VENV=${SERVICES_DIR:-$HOME/.cache/accounts-api-services}/venv
PYTHON_TOOLS=('openapi-spec-validator==0.9.*' 'schemathesis==4.32.*')
if ! "$VENV/bin/python" -c 'import openapi_spec_validator, schemathesis' 2>/dev/null; then
  echo "python-tools: installing ${PYTHON_TOOLS[*]} into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_TOOLS[@]}"
fi
