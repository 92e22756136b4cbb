"""An independent resource server's view of the access token: PyJWT verifies it from the JWKS.

Registers an account, logs in with the password grant, then, as a service that trusts this one
would, fetches `/.well-known/jwks.json` with PyJWT's `PyJWKClient`, picks the key by the token's
`kid` and verifies signature, `exp`, `iss` and `aud` with PyJWT's own crypto (the `cryptography`
package, not the server's code). It also checks what the JWKS says of the key: its `kty`, `crv`
and `alg` fit the expected algorithm, and its `kid` is the RFC 7638 thumbprint computed here.
Finally a relabelled token (the header's `alg` changed, the signature kept) is refused by the
server and by PyJWT.

Usage: python verify_tokens.py BASE_URL ALGORITHM   (RS256, ES256 or EdDSA)
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys

import httpx
import jwt

# What each algorithm's key must look like in the JWKS (RFC 7518, RFC 8037).
KEY_KINDS = {"RS256": ("RSA", None), "ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519")}
# The members of each key type that its RFC 7638 thumbprint hashes, in lexicographic order.
THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def thumbprint(jwk: dict) -> str:
    members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return b64url(hashlib.sha256(canonical).digest())


def check(cond: bool, what: str) -> None:
    if not cond:
        raise SystemExit(f"verify tokens: FAIL ({what})")


def main(base_url: str, algorithm: str) -> None:
    http = httpx.Client(base_url=base_url, timeout=10)
    username = "py-jwt-" + secrets.token_hex(6)
    password = "py-jwt-" + secrets.token_hex(8)
    created = http.post(
        "/api/v1/users",
        json={"username": username, "email": f"{username}@example.com", "password": password},
    )
    check(created.status_code == 201, f"register: {created.status_code} {created.text[:200]}")
    login = http.post(
        "/api/v1/token/access",
        data={"grant_type": "password", "username": username, "password": password},
    )
    check(login.status_code == 200, f"log in: {login.status_code} {login.text[:200]}")
    token = login.json()["access_token"]

    header = jwt.get_unverified_header(token)
    check(header["alg"] == algorithm, f"the token is signed with {header['alg']}, not {algorithm}")
    keys = http.get("/.well-known/jwks.json").json()["keys"]
    jwk = next((key for key in keys if key["kid"] == header["kid"]), None)
    check(jwk is not None, f"no JWKS key has the token's kid {header['kid']}")
    kty, crv = KEY_KINDS[algorithm]
    check((jwk["kty"], jwk.get("crv"), jwk["alg"], jwk["use"]) == (kty, crv, algorithm, "sig"),
          f"the JWKS key does not describe {algorithm}: {jwk}")
    check(jwk["kid"] == thumbprint(jwk), f"kid {jwk['kid']} is not the RFC 7638 thumbprint")

    # What a resource server does: the key by kid from the JWKS, then every check PyJWT makes.
    signing_key = jwt.PyJWKClient(f"{base_url}/.well-known/jwks.json").get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        signing_key.key,
        algorithms=[algorithm],
        audience="accounts-api",
        issuer=http.get("/.well-known/openid-configuration").json()["issuer"],
        options={"require": ["exp", "iat", "sub", "iss", "aud"]},
    )
    me = http.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"}).json()
    check(claims["sub"] == me["id"], f"sub {claims['sub']} is not the account {me['id']}")

    # The same signature under another `alg`: the server and PyJWT both refuse it.
    other = next(alg for alg in KEY_KINDS if alg != algorithm)
    forged_header = b64url(json.dumps({**header, "alg": other}).encode())
    forged = ".".join([forged_header, *token.split(".")[1:]])
    refused = http.get("/api/v1/users", headers={"Authorization": f"Bearer {forged}"})
    check(refused.status_code == 401, f"a token relabelled {other} answered {refused.status_code}")
    try:
        jwt.decode(forged, signing_key.key, algorithms=[algorithm], audience="accounts-api")
        check(False, f"PyJWT accepted a token relabelled {other}")
    except jwt.InvalidTokenError:
        pass
    print(f"  ok   {algorithm}: PyJWT {jwt.__version__} verified the access token from the JWKS "
          f"(kty {kty}{', crv ' + crv if crv else ''}, kid = RFC 7638 thumbprint); "
          f"relabelled {other}: refused by the server (401) and by PyJWT")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
