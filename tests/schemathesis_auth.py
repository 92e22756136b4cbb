"""Schemathesis auth hook (loaded by scripts/schemathesis.sh through SCHEMATHESIS_HOOKS): every
generated request gets the access token of a fresh login, so an operation that ends sessions
(log out, revoke, end the others) cannot leave the operations after it with a dead token."""

import json
import os
import urllib.parse
import urllib.request

import schemathesis


@schemathesis.auth(refresh_interval=None)
class FreshSession:
    """A new session per request: log the fuzzing account in with the password grant."""

    def get(self, case, context):
        form = urllib.parse.urlencode(
            {"username": os.environ["FUZZ_USERNAME"], "password": os.environ["FUZZ_PASSWORD"]}
        ).encode()
        url = f"{os.environ['FUZZ_BASE_URL']}/api/v1/token/access"
        with urllib.request.urlopen(url, data=form, timeout=30) as response:
            return json.load(response)["access_token"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
