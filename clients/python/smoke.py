"""Smoke flow through the client that openapi-python-client generated from /openapi.json.

register -> log in (OAuth2 password grant) -> read -> a wrong password refuses an e-mail change
-> second factors: none -> passkeys: none, and the options of a passkey sign-in -> enrol TOTP
(otpauth URI) -> confirm with the app's code (ten recovery codes) -> the password grant asks for
a second step; a passkey cannot take it (no passkey), a recovery code does -> deleting without a
code is refused -> delete with a recovery code -> the token is refused.
Every step checks the status and the parsed body, typed by the generated models. The TOTP codes
(RFC 6238: HMAC-SHA-1, 6 digits, 30 s) are computed here with the standard library.

Usage: python smoke.py BASE_URL   (the generated package `accounts_api_client` importable)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import sys
import time
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from accounts_api_client import AuthenticatedClient, Client
from accounts_api_client.api.auth import create_access_token
from accounts_api_client.api.mfa import confirm_totp, enroll_totp, get_mfa
from accounts_api_client.api.passkeys import list_passkeys, start_passkey_authentication
from accounts_api_client.api.users import (
    create_user,
    delete_current_user,
    get_current_user,
    update_current_user,
)
from accounts_api_client.models import (
    AccessTokenResponse,
    ConfirmTotpRequest,
    CreateUserRequest,
    DeleteUserRequest,
    EnrollTotpRequest,
    Mfa,
    PasskeyPage,
    ProblemDetails,
    RecoveryCodes,
    StartPasskeyAuthenticationRequest,
    TokenRequestBody,
    TokenRequestBodyGrantType,
    TokenType,
    TotpEnrolment,
    UpdateUserRequestType1,
    User,
    WebAuthnOptions,
)


class StepFailed(Exception):
    pass


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise StepFailed(what)


def expect_status(resp: Any, status: int) -> None:
    expect(
        resp.status_code == status,
        f"status {int(resp.status_code)}, wanted {status}; body: {resp.content[:300]!r}",
    )


T = TypeVar("T")


def expect_body(resp: Any, status: int, kind: type[T]) -> T:
    """The response has `status` and a body the client parsed as `kind`."""
    expect_status(resp, status)
    body = resp.parsed
    expect(isinstance(body, kind), f"body parsed as {type(body).__name__}, wanted {kind.__name__}")
    assert isinstance(body, kind)
    return body


def expect_problem(resp: Any, status: int, slug: str) -> ProblemDetails:
    """The response is a `status` problem document of type /problems/<slug>."""
    problem = expect_body(resp, status, ProblemDetails)
    expect(problem.type_ == f"/problems/{slug}", f"type {problem.type_}")
    return problem


def totp(secret: str, at: float | None = None) -> str:
    """The authenticator app's code (RFC 6238) for a base32 secret, now or at `at`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def main(base_url: str) -> int:
    # The generated functions return only the parsed body; the request hook records what went
    # on the wire, to tell which encoding the generated login call chose.
    sent: list[httpx.Request] = []
    httpx_args = {"event_hooks": {"request": [sent.append]}}
    username = "py-smoke-" + secrets.token_hex(6)
    email = f"{username}@example.com"
    password = "py-smoke-" + secrets.token_hex(8)
    steps: list[tuple[str, str]] = []

    def step(name: str, detail: str) -> None:
        steps.append((name, detail))
        print(f"  ok   {name}: {detail}")

    current = "setup"
    try:
        client = Client(base_url=base_url, raise_on_unexpected_status=True, httpx_args=httpx_args)

        current = "register"
        resp = create_user.sync_detailed(
            client=client, body=CreateUserRequest(username=username, email=email, password=password)
        )
        created = expect_body(resp, 201, User)
        expect(created.username == username, f"username {created.username!r}")
        expect(created.email == email, f"email {created.email!r}")
        expect(created.email_verified is False, "a new account's e-mail is not verified")
        expect(created.updated_at >= created.created_at, "updated_at before created_at")
        step(current, f"201 User(id={created.id}, username={created.username})")

        current = "log in"
        resp = create_access_token.sync_detailed(
            client=client,
            body=TokenRequestBody(
                username=username, password=password, grant_type=TokenRequestBodyGrantType.PASSWORD
            ),
        )
        expect_status(resp, 200)
        token = resp.parsed
        expect(
            isinstance(token, AccessTokenResponse),
            f"body parsed as {type(token).__name__}, wanted AccessTokenResponse",
        )
        assert isinstance(token, AccessTokenResponse)
        expect(token.token_type is TokenType.BEARER, f"token_type {token.token_type!r}")
        expect(token.expires_in > 0, f"expires_in {token.expires_in}")
        expect(token.access_token.count(".") == 2, "access_token is not a JWT")
        expect(resp.headers.get("cache-control") == "no-store", "Cache-Control is not no-store")
        encoding = sent[-1].headers.get("content-type", "?")
        expect(
            encoding in ("application/x-www-form-urlencoded", "application/json"),
            f"login sent as {encoding}",
        )
        step(current, f"200 AccessTokenResponse(token_type={token.token_type.value}, "
                      f"expires_in={token.expires_in}), sent as {encoding}")

        authed = AuthenticatedClient(
            base_url=base_url, token=token.access_token,
            raise_on_unexpected_status=True, httpx_args=httpx_args,
        )

        current = "read"
        resp = get_current_user.sync_detailed(client=authed)
        me = expect_body(resp, 200, User)
        expect((me.id, me.username, me.email) == (created.id, username, email),
               f"another account: {me.to_dict()}")
        step(current, f"200 User(id={me.id})")

        current = "a new address needs the right current password"
        resp = update_current_user.sync_detailed(
            client=authed,
            body=UpdateUserRequestType1(email=f"moved.{email}", current_password=password + "-wrong"),
        )
        problem = expect_problem(resp, 403, "wrong-password")
        step(current, f"403 ProblemDetails(type={problem.type_})")

        current = "second factors: none yet"
        resp = get_mfa.sync_detailed(client=authed)
        mfa = expect_body(resp, 200, Mfa)
        expect(mfa.totp.enabled is False, f"totp {mfa.totp.to_dict()}")
        expect((mfa.recovery_codes_left, mfa.passkeys, mfa.methods) == (0, 0, []), f"{mfa.to_dict()}")
        step(current, "200 Mfa(totp.enabled=False, recovery_codes_left=0, passkeys=0, methods=[])")

        current = "passkeys: none yet"
        resp = list_passkeys.sync_detailed(client=authed, limit=100)
        page = expect_body(resp, 200, PasskeyPage)
        expect(page.items == [] and page.next_cursor is None, f"an empty last page: {page.to_dict()}")
        step(current, "200 PasskeyPage(items=[], next_cursor=None)")

        # No authenticator here: the options are checked, never answered.
        current = "passkey sign-in options"
        resp = start_passkey_authentication.sync_detailed(
            client=client, body=StartPasskeyAuthenticationRequest()
        )
        options = expect_body(resp, 200, WebAuthnOptions).public_key
        expect(isinstance(options, dict), f"publicKey {options!r}")
        expect(re.fullmatch(r"[A-Za-z0-9_-]{22,}", str(options.get("challenge"))) is not None,
               f"a base64url challenge of 16 bytes or more: {options}")
        expect(options.get("allowCredentials") == [], f"allowCredentials {options}")
        expect(options.get("userVerification") == "required", f"userVerification {options}")
        expect(isinstance(options.get("rpId"), str) and options["rpId"] != "", f"rpId {options}")
        step(current, f"200 WebAuthnOptions(publicKey.rpId={options['rpId']}, allowCredentials=[], "
                      "userVerification=required)")

        current = "enrol TOTP"
        resp = enroll_totp.sync_detailed(client=authed, body=EnrollTotpRequest(current_password=password))
        expect_status(resp, 201)
        enrolment = resp.parsed
        expect(isinstance(enrolment, TotpEnrolment), f"body parsed as {type(enrolment).__name__}")
        assert isinstance(enrolment, TotpEnrolment)
        uri = urlsplit(enrolment.otpauth_uri)
        query = {k: v[0] for k, v in parse_qs(uri.query).items()}
        expect((uri.scheme, uri.netloc) == ("otpauth", "totp"), f"uri {enrolment.otpauth_uri}")
        expect(query.get("secret") == enrolment.secret, f"the URI's secret: {enrolment.otpauth_uri}")
        expect(query.get("digits", "6") == "6" and query.get("period", "30") == "30",
               f"6 digits, 30 s: {enrolment.otpauth_uri}")
        expect(query.get("algorithm", "SHA1").upper() == "SHA1", f"SHA-1: {enrolment.otpauth_uri}")
        expect(username in uri.path, f"the label names the account: {enrolment.otpauth_uri}")
        expect("<svg" in enrolment.qr_svg, "qr_svg is an SVG image")
        step(current, f"201 TotpEnrolment(otpauth_uri=otpauth://totp{uri.path}?...)")

        current = "confirm TOTP"
        resp = confirm_totp.sync_detailed(client=authed, body=ConfirmTotpRequest(code=totp(enrolment.secret)))
        expect_status(resp, 200)
        recovery = resp.parsed
        expect(isinstance(recovery, RecoveryCodes), f"body parsed as {type(recovery).__name__}")
        assert isinstance(recovery, RecoveryCodes)
        codes = recovery.recovery_codes
        expect(len(set(codes)) == 10, f"ten distinct recovery codes: {codes}")
        expect(all(re.fullmatch(r"[0-9A-Za-z]{5}-[0-9A-Za-z]{5}", c) for c in codes), f"codes {codes}")
        resp = get_mfa.sync_detailed(client=authed)
        expect_status(resp, 200)
        mfa = resp.parsed
        assert isinstance(mfa, Mfa)
        expect(mfa.totp.enabled is True and isinstance(mfa.totp.confirmed_at, datetime),
               f"totp {mfa.totp.to_dict()}")
        expect((mfa.recovery_codes_left, mfa.methods) == (10, ["totp", "recovery_code"]),
               f"{mfa.to_dict()}")
        step(current, "200 RecoveryCodes(10 codes); Mfa(totp.enabled=True, recovery_codes_left=10)")

        current = "log in, two steps"
        resp = create_access_token.sync_detailed(
            client=client, body=TokenRequestBody(username=username, password=password)
        )
        problem = expect_problem(resp, 401, "mfa-required")
        expect(problem.methods == ["totp", "recovery_code"], f"methods {problem.methods}")
        expect(isinstance(problem.mfa_token, str) and len(problem.mfa_token) > 0, "an mfa_token")
        assert isinstance(problem.mfa_token, str)
        resp = start_passkey_authentication.sync_detailed(
            client=client, body=StartPasskeyAuthenticationRequest(mfa_token=problem.mfa_token)
        )
        expect_problem(resp, 409, "no-passkeys")
        resp = create_access_token.sync_detailed(
            client=client,
            body=TokenRequestBody(
                grant_type=TokenRequestBodyGrantType.URNACCOUNTS_APIPARAMSOAUTHGRANT_TYPEMFA,
                mfa_token=problem.mfa_token,
                recovery_code=codes[0],
            ),
        )
        expect_status(resp, 200)
        second = resp.parsed
        expect(isinstance(second, AccessTokenResponse), f"body parsed as {type(second).__name__}")
        assert isinstance(second, AccessTokenResponse)
        authed = AuthenticatedClient(
            base_url=base_url, token=second.access_token,
            raise_on_unexpected_status=True, httpx_args=httpx_args,
        )
        resp = get_current_user.sync_detailed(client=authed)
        expect_status(resp, 200)
        step(current, "401 ProblemDetails(type=/problems/mfa-required, mfa_token, methods); "
                      "its passkey options: 409 /problems/no-passkeys; "
                      "a recovery code: 200 AccessTokenResponse, which reads the account")

        current = "deleting needs a code"
        resp = delete_current_user.sync_detailed(client=authed, body=DeleteUserRequest(password=password))
        problem = expect_problem(resp, 403, "mfa-code-required")
        step(current, f"403 ProblemDetails(type={problem.type_})")

        current = "delete"
        resp = delete_current_user.sync_detailed(
            client=authed, body=DeleteUserRequest(password=password, code=codes[1])
        )
        gone = expect_body(resp, 200, User)
        expect(gone.id == created.id, f"deleted {gone.id}, wanted {created.id}")
        step(current, f"200 User(id={gone.id})")

        current = "token refused"
        resp = get_current_user.sync_detailed(client=authed)
        expect_status(resp, 401)
        problem = resp.parsed
        expect(
            isinstance(problem, ProblemDetails),
            f"body parsed as {type(problem).__name__}, wanted ProblemDetails",
        )
        assert isinstance(problem, ProblemDetails)
        expect(problem.status == 401, f"problem status {problem.status}")
        expect(resp.headers.get("www-authenticate", "").startswith("Bearer"), "no Bearer challenge")
        step(current, f"401 ProblemDetails(type={problem.type_}, title={problem.title!r})")

        current = "log in again"
        resp = create_access_token.sync_detailed(
            client=client, body=TokenRequestBody(username=username, password=password)
        )
        expect_status(resp, 401)
        expect(isinstance(resp.parsed, ProblemDetails), "401 body is not ProblemDetails")
        step(current, "401 ProblemDetails (the account is gone)")
    except Exception as e:  # noqa: BLE001 - any failure, typed or not, fails the step
        kind = "" if isinstance(e, StepFailed) else f"{type(e).__name__}: "
        print(f"  FAIL {current}: {kind}{e}")
        print(f"smoke: FAIL at {current} ({len(steps)} steps passed)")
        return 1
    print(f"smoke: PASS ({len(steps)} steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:18321"))
