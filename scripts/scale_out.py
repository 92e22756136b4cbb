"""scale-out.sh's client side: sign-ups, MailDev's inbox, the consumer group's members
(Kafka wire protocol)."""
import collections, concurrent.futures, datetime, json, re, socket, struct, sys, time, urllib.error, urllib.request

MAILDEV = "http://127.0.0.1:1080/api/email"
SUBJECTS = ("Your account has been created", "Confirm your e-mail address")

def post_json(port, path, body, client_ip):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", json.dumps(body).encode(),
                                 {"content-type": "application/json", "x-forwarded-for": client_ip})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e).encode()

def signup(domain, prefix, count, parallel, *ports):
    """prefix0..prefix<count-1>@domain, alternating between ports, each from its own
    address (198.18.0.0/15); prints how many got 201; exit 1 unless all did."""
    count, parallel = int(count), int(parallel)
    def one(i):
        ip = f"198.{18 + (i >> 16 & 1)}.{i >> 8 & 255}.{i & 255}"
        status, body = post_json(ports[i % len(ports)], "/users", {
            "username": f"{prefix}{i}-{domain.split('.')[0]}",
            "email": f"{prefix}{i}@{domain}", "password": "scale-out-password"}, ip)
        return i, status, body
    bad = []
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        for i, status, body in pool.map(one, range(count)):
            if status != 201:
                bad.append((i, status, body[:300]))
    for i, status, body in bad[:5]:
        print(f"sign-up {prefix}{i} on :{ports[i % len(ports)]}: {status} {body!r}", file=sys.stderr)
    print(count - len(bad))
    sys.exit(1 if bad else 0)

def inbox(domain):
    with urllib.request.urlopen(MAILDEV, timeout=60) as r:
        mails = json.load(r)
    suffix = "@" + domain
    return [m for m in mails if any(t.get("address", "").endswith(suffix) for t in m.get("to") or [])]

# How long after the kill MailDev may still be storing what the killed worker had sent.
KILL_SLACK_SECONDS = 5.0

def tally(domain, prefix, count, killed_at=None, sessions_open=0):
    """`received missing doubled unexpected resent` for prefix0..<count-1>@domain: each
    address expects one e-mail per subject in SUBJECTS. `resent` counts the doubled copies
    that were in flight when a worker was killed (at epoch `killed_at`, with `sessions_open`
    SMTP sessions): the server had the message, the worker died before it read the 250 or
    recorded the delivery, and the next worker sent it again. Such a double has exactly two
    copies with its event's one Message-ID (<event id>@accounts-api), the first stored by
    MailDev before the kill, the second after; there are at most as many as sessions were
    open. Any other double is a bug."""
    count, cutoff = int(count), float(killed_at) + KILL_SLACK_SECONDS if killed_at else None
    expected = {(f"{prefix}{i}@{domain}", s) for i in range(count) for s in SUBJECTS}
    seen = collections.defaultdict(list)
    for m in inbox(domain):
        for t in m["to"]:
            address = t["address"]
            local = address.split("@")[0]
            if local.startswith(prefix) and local[len(prefix):].isdigit():
                stored = datetime.datetime.fromisoformat(m["time"]).timestamp()
                seen[(address, m.get("subject"))].append((stored, m.get("headers", {}).get("message-id", "")))
    received = sum(len(copies) for copies in seen.values())
    missing = len(expected - seen.keys())
    unexpected = sum(len(copies) for k, copies in seen.items() if k not in expected)
    doubles = {k: sorted(copies) for k, copies in seen.items() if k in expected and len(copies) > 1}
    doubled = sum(len(copies) - 1 for copies in doubles.values())
    in_flight = {k for k, ((first, id1), (second, id2), *more) in doubles.items()
                 if cutoff and not more and id1 == id2 and re.fullmatch(r"<[0-9a-f-]{36}@accounts-api>", id1)
                 and first <= cutoff < second}
    in_flight = in_flight if len(in_flight) <= int(sessions_open) else set()
    when = (lambda t: f" stored {t - float(killed_at):+.3f}s from the kill") if killed_at else (lambda t: "")
    for k, copies in sorted(doubles.items()):
        why = "re-sent: in flight at the kill" if k in in_flight else "DOUBLED"
        stored = ", ".join(f"{id}{when(t)}" for t, id in copies)
        print(f"{why}: {k[0]} {k[1]!r} x{len(copies)}: {stored}", file=sys.stderr)
    print(received, missing, doubled, unexpected, len(in_flight))

def count(domain):
    """How many e-mails MailDev holds for this run's domain."""
    print(len(inbox(domain)))

def purge(domain):
    """Deletes this run's e-mails from MailDev."""
    for m in inbox(domain):
        urllib.request.urlopen(urllib.request.Request(f"{MAILDEV}/{m['id']}", method="DELETE"), timeout=10).read()

def kafka_string(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b

class Reader:
    def __init__(self, data): self.data, self.at = data, 0
    def take(self, fmt):
        v = struct.unpack_from(fmt, self.data, self.at); self.at += struct.calcsize(fmt)
        return v[0]
    def string(self):
        n = self.take(">h")
        if n < 0: return None
        v = self.data[self.at:self.at + n].decode(); self.at += n
        return v
    def bytes(self):
        n = self.take(">i")
        if n < 0: return b""
        v = self.data[self.at:self.at + n]; self.at += n
        return v

def group(name):
    """`<state> <members>` of a consumer group, from DescribeGroups v0 (tansu leaves the
    members' assignments empty, so who holds which partition cannot be read here)."""
    body = struct.pack(">i", 1) + kafka_string(name)
    request = struct.pack(">hhi", 15, 0, 1) + kafka_string("scale-out") + body
    with socket.create_connection(("127.0.0.1", 9092), timeout=10) as s:
        s.sendall(struct.pack(">i", len(request)) + request)
        def recv(n):
            data = b""
            while len(data) < n:
                chunk = s.recv(n - len(data))
                if not chunk: raise ConnectionError("broker closed the connection")
                data += chunk
            return data
        r = Reader(recv(struct.unpack(">i", recv(4))[0]))
    r.take(">i")  # correlation id
    state, members = "?", 0
    for _ in range(r.take(">i")):
        error = r.take(">h"); r.string(); state = r.string(); r.string(); r.string()
        if error: state = f"error{error}"
        members = r.take(">i")
    print(state, members)

if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"signup": signup, "tally": tally, "count": count, "purge": purge, "group": group}[command](*args)
