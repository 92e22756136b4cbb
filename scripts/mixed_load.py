"""The mixed traffic of scripts/fault-drills.sh and benches/soak.sh: sign-ups, logins,
refreshes and authenticated reads against one API at a fixed rate (open loop: a request is
sent when it is due, whether or not earlier ones have been answered), every request recorded.
Stdlib only.

Accounts are <tag>u<n> / u<n>@<domain>. Logged-in sessions wait in a pool: a refresh takes
one out and puts it back with its new tokens (one refresh at a time per session, as a client
would); a read uses any; the oldest is abandoned when the pool is full or older than
`max_session_age`, so the server's idle-session pruning has work too."""
import collections, http.client, json, math, random, threading, time, urllib.parse

# One cycle of the mix, repeated: per 10 requests 2 sign-ups, 1 login, 2 refreshes, 5 reads.
CYCLE = ("signup", "read", "refresh", "read", "login", "read", "signup", "refresh", "read", "read")
SUCCESS = {"signup": 201, "login": 200, "refresh": 200, "read": 200}
# Logins come from one of these at random: an account gains devices (and new-sign-in
# e-mails), which the server forgets after NEW_SIGNIN_LOOKBACK but for each account's latest.
BROWSERS = ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1")
PASSWORD = "drill-password-Quartz-Lantern-93"


class Result:
    """One request: `status` is the HTTP status, 0 for a connection error, -1 for no
    answer within the client's timeout (a hang)."""
    __slots__ = ("kind", "start", "end", "status", "retry_after", "error")

    def __init__(self, kind, start, end, status, retry_after=None, error=None):
        self.kind, self.start, self.end, self.status = kind, start, end, status
        self.retry_after, self.error = retry_after, error

    @property
    def ok(self):
        return self.status == SUCCESS[self.kind]


class Load:
    def __init__(self, base, rate, tag, domain, timeout=10.0, max_in_flight=256,
                 max_sessions=40, max_session_age=None):
        url = urllib.parse.urlsplit(base)
        self.host, self.port, self.prefix = url.hostname, url.port, url.path.rstrip("/")
        self.rate, self.tag, self.domain, self.timeout = rate, tag, domain, timeout
        self.max_sessions, self.max_session_age = max_sessions, max_session_age
        self.results, self.signed_up, self.accounts = [], [], []
        self.sessions = collections.deque()  # (born, access, refresh)
        self.lock = threading.Lock()
        self.max_in_flight, self.in_flight = max_in_flight, 0
        self.stopping = threading.Event()
        self.scheduled = self.skipped = self.overloaded = 0
        self.next_account = 0
        self.threads = []

    # ------------------------------------------------------------------ HTTP
    def call(self, method, path, body=None, form=None, token=None, user_agent="mixed-load"):
        """(status, headers, parsed JSON or None); raises OSError / TimeoutError."""
        headers = {"connection": "close", "user-agent": user_agent}
        payload = None
        if body is not None:
            payload, headers["content-type"] = json.dumps(body), "application/json"
        elif form is not None:
            payload = urllib.parse.urlencode(form)
            headers["content-type"] = "application/x-www-form-urlencoded"
        if token:
            headers["authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, self.prefix + path, payload, headers)
            response = conn.getresponse()
            data = response.read()
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            return response.status, response.headers, parsed
        finally:
            conn.close()

    def timed(self, kind, method, path, **kw):
        """Sends one request and records it; returns (status, parsed body)."""
        start = time.monotonic()
        try:
            status, headers, parsed = self.call(method, path, **kw)
            retry_after = headers.get("retry-after")
            error = None if status < 400 else json.dumps(parsed)[:300]
        except TimeoutError:
            status, retry_after, parsed, error = -1, None, None, "no answer in time"
        except OSError as e:
            status, retry_after, parsed, error = 0, None, None, repr(e)[:300]
        with self.lock:
            self.results.append(Result(kind, start, time.monotonic(), status, retry_after, error))
        return status, parsed

    # ------------------------------------------------------------- operations
    def signup(self):
        with self.lock:
            n = self.next_account
            self.next_account += 1
        username, email = f"{self.tag}u{n}", f"u{n}@{self.domain}"
        status, _ = self.timed("signup", "POST", "/users",
                               body={"username": username, "email": email, "password": PASSWORD})
        if status == 201:
            with self.lock:
                self.signed_up.append((username, email))
                self.accounts.append(username)
        return status

    def login(self):
        with self.lock:
            if not self.accounts:
                self.skipped += 1
                return None
            username = random.choice(self.accounts)
        status, body = self.timed("login", "POST", "/token/access",
                                  form={"grant_type": "password", "username": username, "password": PASSWORD},
                                  user_agent=random.choice(BROWSERS))
        if status == 200:
            self.keep((time.monotonic(), body["access_token"], body["refresh_token"]))
        return status

    def keep(self, session):
        with self.lock:
            self.sessions.append(session)
            while len(self.sessions) > self.max_sessions:
                self.sessions.popleft()  # abandoned: it goes idle on the server

    def take(self, pop):
        """A live session (popped for a refresh), or None; drops those too old."""
        with self.lock:
            while self.max_session_age and self.sessions and \
                    time.monotonic() - self.sessions[0][0] > self.max_session_age:
                self.sessions.popleft()
            if not self.sessions:
                self.skipped += 1
                return None
            return self.sessions.popleft() if pop else random.choice(self.sessions)

    def refresh(self):
        session = self.take(pop=True)
        if session is None:
            return None
        status, body = self.timed("refresh", "POST", "/token/access",
                                  form={"grant_type": "refresh_token", "refresh_token": session[2]})
        if status == 200:
            self.keep((session[0], body["access_token"], body["refresh_token"]))
        elif status in (0, -1, 503):
            self.keep(session)  # not spent (or within the reuse grace): tried again later
        return status

    def read(self):
        session = self.take(pop=False)
        if session is None:
            return None
        status, _ = self.timed("read", "GET", "/users", token=session[1])
        return status

    def seed(self, accounts, logins):
        """Sign-ups and logins before the clock starts, so every kind has material."""
        for _ in range(accounts):
            if self.signup() != 201:
                raise SystemExit(f"seed: sign-up failed: {self.results[-1].error}")
        for _ in range(logins):
            if self.login() != 200:
                raise SystemExit(f"seed: login failed: {self.results[-1].error}")
        with self.lock:
            self.results.clear()

    # ------------------------------------------------------------- scheduler
    def start(self, max_seconds):
        """Sends requests at `rate` per second until `stop` or `max_seconds`."""
        thread = threading.Thread(target=self.schedule, args=(max_seconds,), daemon=True)
        thread.start()
        self.scheduler = thread

    def schedule(self, max_seconds):
        t0, n = time.monotonic(), 0
        while not self.stopping.is_set():
            due = t0 + n / self.rate
            if due - t0 > max_seconds:
                break
            pause = due - time.monotonic()
            if pause > 0 and self.stopping.wait(pause):
                break
            kind = CYCLE[n % len(CYCLE)]
            n += 1
            self.scheduled += 1
            with self.lock:
                if self.in_flight >= self.max_in_flight:
                    self.overloaded += 1  # the client, not the server, is the bottleneck
                    continue
                self.in_flight += 1
            thread = threading.Thread(target=self.run_one, args=(kind,), daemon=True)
            thread.start()

    def run_one(self, kind):
        try:
            getattr(self, kind)()
        finally:
            with self.lock:
                self.in_flight -= 1

    def stop(self, wait=30.0):
        """Stops sending and waits (bounded) for the requests in flight."""
        self.stopping.set()
        self.scheduler.join()
        deadline = time.monotonic() + wait
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.05)

    def window(self, start, end=float("inf")):
        """Results of requests started in [start, end)."""
        with self.lock:
            return [r for r in self.results if start <= r.start < end]


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank
