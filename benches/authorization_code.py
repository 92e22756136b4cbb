"""Server CPU and latency of an authorization-code sign-in through the hosted page (authorize,
the sign-in page, the form post, the code exchange with PKCE) against a password-grant sign-in,
on one release server, sequentially from one client that posts the form as a browser would
(no browser). Each code-flow sign-in starts without a browser session, so both kinds check the
password once. The server's CPU is read from /proc around each kind. Used by
benches/authorization_code.sh."""

import base64, hashlib, http.client, os, re, statistics, sys, time, urllib.parse

PORT, PID, CLIENT_ID, COUNT = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
REDIRECT = "http://127.0.0.1/callback"
PASSWORD = "benchmark-password"
TICKS = os.sysconf("SC_CLK_TCK")
RUN = os.urandom(3).hex()


def request(method, path, form=None, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", PORT)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body, headers["Content-Type"] = urllib.parse.urlencode(form), "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    answer = (response.status, response.getheader("Location"), response.getheader("Set-Cookie"), response.read().decode())
    connection.close()
    return answer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def path_of(location):
    parts = urllib.parse.urlsplit(location)
    return parts.path + ("?" + parts.query if parts.query else "")


def field(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def account(name):
    connection = http.client.HTTPConnection("127.0.0.1", PORT)
    connection.request("POST", "/api/v1/users", body=f'{{"username":"{name}","email":"{name}@example.com","password":"{PASSWORD}"}}',
                       headers={"Content-Type": "application/json"})
    assert connection.getresponse().status == 201
    connection.close()
    return name


def code_flow(login):
    verifier = b64url(os.urandom(32))
    challenge = b64url(hashlib.sha256(verifier.encode()).digest())
    query = urllib.parse.urlencode({"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT,
                                    "scope": "openid", "state": "s", "nonce": "n", "code_challenge": challenge,
                                    "code_challenge_method": "S256"})
    status, location, set_cookie, _ = request("GET", "/oauth2/authorize?" + query)
    assert status == 302, status
    cookie = set_cookie.split(";", 1)[0]
    status, _, _, page = request("GET", path_of(location), cookie=cookie)
    assert status == 200, status
    form = {"request": field(page, "request"), "csrf": field(page, "csrf"), "login": login, "password": PASSWORD}
    status, location, _, _ = request("POST", "/oauth2/sign-in", form=form, cookie=cookie)
    assert status == 302 and location.startswith(REDIRECT), (status, location)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    status, _, _, tokens = request("POST", "/oauth2/token", form={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": CLIENT_ID,
        "code_verifier": verifier})
    assert status == 200 and "id_token" in tokens, (status, tokens)


def password_grant(login):
    status, _, _, answer = request("POST", "/api/v1/token/access", form={"username": login, "password": PASSWORD})
    assert status == 200, answer


def cpu_seconds():
    fields = open(f"/proc/{PID}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(sign_in, logins):
    latencies, started = [], cpu_seconds()
    for i in range(COUNT):
        begun = time.perf_counter()
        sign_in(logins[i % len(logins)])
        latencies.append((time.perf_counter() - begun) * 1000)
    return statistics.median(latencies), (cpu_seconds() - started) * 1000 / COUNT


logins = [account(f"ac_{RUN}_{i}") for i in range(20)]
code_flow(logins[0]), password_grant(logins[0])  # warm-up
password_ms, password_cpu = measure(password_grant, logins)
code_ms, code_cpu = measure(code_flow, logins)
print(f"sign-ins of each kind: {COUNT}")
print(f"password grant:     median {password_ms:.2f} ms, server CPU {password_cpu:.2f} ms/sign-in, {1000 / password_cpu:.1f} sign-ins/s per core")
print(f"authorization code: median {code_ms:.2f} ms, server CPU {code_cpu:.2f} ms/sign-in, {1000 / code_cpu:.1f} sign-ins/s per core")
print(f"CPU ratio code/password: {code_cpu / password_cpu:.3f}; latency ratio: {code_ms / password_ms:.3f}")
