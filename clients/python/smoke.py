"""Smoke flow through the client that openapi-python-client generated from /openapi.json.

register -> log in (OAuth2 password grant) -> read -> a wrong password refuses an e-mail change
-> delete -> the token is refused.
Every step checks the status and the parsed body, typed by the generated models.

Usage: python smoke.py BASE_URL   (the generated package `accounts_api_client` importable)
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

import httpx

from accounts_api_client import AuthenticatedClient, Client
from accounts_api_client.api.auth import create_access_token
from accounts_api_client.api.users import (
    create_user,
    delete_current_user,
    get_current_user,
    update_current_user,
)
from accounts_api_client.models import (
    AccessTokenResponse,
    CreateUserRequest,
    DeleteUserRequest,
    ProblemDetails,
    TokenRequestBody,
    TokenRequestBodyGrantType,
    TokenType,
    UpdateUserRequestType1,
    User,
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
        expect_status(resp, 201)
        created = resp.parsed
        expect(isinstance(created, User), f"body parsed as {type(created).__name__}, wanted User")
        assert isinstance(created, User)
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
        expect_status(resp, 200)
        me = resp.parsed
        expect(isinstance(me, User), f"body parsed as {type(me).__name__}, wanted User")
        assert isinstance(me, User)
        expect((me.id, me.username, me.email) == (created.id, username, email),
               f"another account: {me.to_dict()}")
        step(current, f"200 User(id={me.id})")

        current = "a new address needs the right current password"
        resp = update_current_user.sync_detailed(
            client=authed,
            body=UpdateUserRequestType1(email=f"moved.{email}", current_password=password + "-wrong"),
        )
        expect_status(resp, 403)
        problem = resp.parsed
        expect(isinstance(problem, ProblemDetails), f"body parsed as {type(problem).__name__}")
        assert isinstance(problem, ProblemDetails)
        expect(problem.type_ == "/problems/wrong-password", f"type {problem.type_}")
        step(current, f"403 ProblemDetails(type={problem.type_})")

        current = "delete"
        resp = delete_current_user.sync_detailed(client=authed, body=DeleteUserRequest(password=password))
        expect_status(resp, 200)
        gone = resp.parsed
        expect(isinstance(gone, User), f"body parsed as {type(gone).__name__}, wanted User")
        assert isinstance(gone, User)
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
