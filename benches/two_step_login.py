"""Latency of a one-step login (password grant) against a two-step one (password grant, then
the MFA grant with a TOTP code), on one release server, sequentially from one client, the two
kinds interleaved. Used by benches/two_step_login.sh; prints medians and the ratio."""

import base64, hashlib, hmac, json, os, statistics, struct, sys, time, urllib.error, urllib.parse, urllib.request

BASE, ROUNDS, ACCOUNTS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
PASSWORD = "benchmark-password"
MFA_GRANT = "urn:accounts-api:params:oauth:grant-type:mfa"
RUN = os.urandom(3).hex()


def call(path, form=None, body=None, token=None, method="POST"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    else:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def totp(secret, at):
    mac = hmac.new(secret, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def secret_of(uri):
    encoded = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    return base64.b32decode(encoded + "=" * (-len(encoded) % 8))


def account(name, enrol):
    status, _ = call("/api/v1/users", body={"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    assert status == 201, status
    if not enrol:
        return None
    status, login = call("/api/v1/token/access", form={"username": name, "password": PASSWORD})
    token = login["access_token"]
    status, started = call("/api/v1/mfa/totp", body={"current_password": PASSWORD}, token=token)
    secret = secret_of(started["otpauth_uri"])
    status, _ = call("/api/v1/mfa/totp/confirm", body={"code": totp(secret, time.time())}, token=token)
    assert status == 200, status
    return secret


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


# Each enrolled account logs in once: a TOTP step is never accepted twice, and enrolment
# spent the current one, so the login sends the next step's code (one step ahead is valid).
count = ROUNDS * ACCOUNTS
plain = [f"one_{RUN}_{i}" for i in range(count)]
enrolled = [(f"two_{RUN}_{i}", None) for i in range(count)]
for name in plain:
    account(name, False)
enrolled = [(name, account(name, True)) for name, _ in enrolled]

one_step, first_step, second_step = [], [], []
for i in range(count):
    ms, (status, _) = timed(lambda: call("/api/v1/token/access", form={"username": plain[i], "password": PASSWORD}))
    assert status == 200, status
    one_step.append(ms)
    name, secret = enrolled[i]
    ms, (status, challenge) = timed(lambda: call("/api/v1/token/access", form={"username": name, "password": PASSWORD}))
    assert status == 401 and challenge["type"] == "/problems/mfa-required", challenge
    first_step.append(ms)
    form = {"grant_type": MFA_GRANT, "mfa_token": challenge["mfa_token"], "otp": totp(secret, time.time() + 30)}
    ms, (status, answer) = timed(lambda: call("/api/v1/token/access", form=form))
    assert status == 200, answer
    second_step.append(ms)

med = statistics.median
one, first, second = med(one_step), med(first_step), med(second_step)
both = med([a + b for a, b in zip(first_step, second_step)])
print(f"{count} logins of each kind, sequential, medians:")
print(f"one-step login {one:.2f} ms; two-step: first step {first:.2f} ms + second step {second:.2f} ms = {both:.2f} ms")
print(f"ratio two-step/one-step {both / one:.3f}; second step/one-step {second / one:.3f}")
