"""Server CPU and latency of a passkey sign-in (options, then the passkey grant) against a
password sign-in (the password grant), on one release server, sequentially from one client.
The client is a software authenticator of its own (P-256 keys from `cryptography`, CBOR by
hand): it registers one passkey per account, then signs assertions. The server's CPU is read
from /proc before and after each kind's sign-ins. Used by benches/passkey_sign_in.sh."""

import base64, hashlib, json, os, statistics, sys, time, urllib.error, urllib.parse, urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

BASE, PID, ORIGIN, COUNT = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
PASSWORD = "benchmark-password"
PASSKEY_GRANT = "urn:accounts-api:params:oauth:grant-type:passkey"
RUN = os.urandom(3).hex()
TICKS = os.sysconf("SC_CLK_TCK")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def cbor(value):
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | extra]) + n.to_bytes(size, "big")
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())


def call(path, form=None, body=None, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if form is not None:
        data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    else:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(BASE + path, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def client_data(kind, challenge):
    return json.dumps({"type": kind, "challenge": challenge, "origin": ORIGIN, "crossOrigin": False}).encode()


class Authenticator:
    """One discoverable P-256 credential, user verified, no signature counter."""

    def register(self, options):
        key = options["publicKey"]
        self.key, self.id = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
        self.rp_hash, self.user = hashlib.sha256(key["rp"]["id"].encode()).digest(), key["user"]["id"]
        numbers = self.key.public_key().public_numbers()
        cose = cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = self.rp_hash + bytes([0x45]) + bytes(4) + bytes(16) + len(self.id).to_bytes(2, "big") + self.id + cose
        return {"id": b64url(self.id), "rawId": b64url(self.id), "type": "public-key", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data("webauthn.create", key["challenge"])),
                             "attestationObject": b64url(cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})),
                             "transports": ["internal"]}}

    def sign(self, options):
        data = client_data("webauthn.get", options["publicKey"]["challenge"])
        auth_data = self.rp_hash + bytes([0x05]) + bytes(4)
        signature = self.key.sign(auth_data + hashlib.sha256(data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps({"id": b64url(self.id), "rawId": b64url(self.id), "type": "public-key",
                           "clientExtensionResults": {},
                           "response": {"clientDataJSON": b64url(data), "authenticatorData": b64url(auth_data),
                                        "signature": b64url(signature), "userHandle": self.user}})


def account(name):
    status, _ = call("/api/v1/users", body={"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    assert status == 201, status
    status, login = call("/api/v1/token/access", form={"username": name, "password": PASSWORD})
    token, device = login["access_token"], Authenticator()
    status, options = call("/api/v1/passkeys/registration", body={"current_password": PASSWORD}, token=token)
    assert status == 200, options
    status, created = call("/api/v1/passkeys", body={"credential": device.register(options), "name": "bench"}, token=token)
    assert status == 201, created
    return name, device


def cpu_seconds():
    fields = open(f"/proc/{PID}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(sign_in):
    latencies, started = [], cpu_seconds()
    for i in range(COUNT):
        begun = time.perf_counter()
        sign_in(i)
        latencies.append((time.perf_counter() - begun) * 1000)
    return statistics.median(latencies), (cpu_seconds() - started) * 1000 / COUNT


accounts = [account(f"pk_{RUN}_{i}") for i in range(min(COUNT, 20))]


def password(i):
    status, answer = call("/api/v1/token/access", form={"username": accounts[i % len(accounts)][0], "password": PASSWORD})
    assert status == 200, answer


def passkey(i):
    status, options = call("/api/v1/passkeys/authentication", body={})
    assert status == 200, options
    assertion = accounts[i % len(accounts)][1].sign(options)
    status, answer = call("/api/v1/token/access", form={"grant_type": PASSKEY_GRANT, "assertion": assertion})
    assert status == 200, answer


password_ms, password_cpu = measure(password)
passkey_ms, passkey_cpu = measure(passkey)
print(f"sign-ins of each kind: {COUNT}")
print(f"password: median {password_ms:.2f} ms, server CPU {password_cpu:.2f} ms/sign-in, {1000 / password_cpu:.1f} sign-ins/s per core")
print(f"passkey:  median {passkey_ms:.2f} ms, server CPU {passkey_cpu:.2f} ms/sign-in, {1000 / passkey_cpu:.1f} sign-ins/s per core")
print(f"CPU ratio password/passkey: {password_cpu / passkey_cpu:.1f}; latency ratio: {password_ms / passkey_ms:.1f}")
