"""scale-out.sh's client side: sign-ups, MailDev's inbox, the consumer group's members
(Kafka wire protocol)."""
import collections, concurrent.futures, json, re, socket, struct, sys, time, urllib.error, urllib.request

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

def tally(domain, prefix, count, killed_log=None):
    """`received missing doubled unexpected resent` for prefix0..<count-1>@domain: each
    address expects one e-mail per subject in SUBJECTS. `resent` counts the doubled copies
    that were in flight when a worker was killed: every copy has the one Message-ID of its
    event (<event id>@accounts-api), and the killed worker's log (`killed_log`) says the SMTP
    server accepted that event's e-mail; it died before recording so, and the next worker
    sent it again. Any other double is a bug."""
    count = int(count)
    expected = {(f"{prefix}{i}@{domain}", s) for i in range(count) for s in SUBJECTS}
    seen = collections.defaultdict(list)
    for m in inbox(domain):
        for t in m["to"]:
            address = t["address"]
            local = address.split("@")[0]
            if local.startswith(prefix) and local[len(prefix):].isdigit():
                seen[(address, m.get("subject"))].append(m.get("headers", {}).get("message-id", ""))
    sent_by_killed = set()
    if killed_log:
        with open(killed_log, errors="replace") as log:
            for line in log:
                line = re.sub(r"\x1b\[[0-9;]*m", "", line)  # colours, if any
                if "e-mail sent" in line:
                    sent_by_killed.update(re.findall(r'event_id="?([0-9a-f-]{36})', line))
    received = sum(len(ids) for ids in seen.values())
    missing = len(expected - seen.keys())
    doubled = sum(len(ids) - 1 for k, ids in seen.items() if k in expected and len(ids) > 1)
    unexpected = sum(len(ids) for k, ids in seen.items() if k not in expected)
    resent = 0
    for k, ids in sorted(seen.items()):
        if len(ids) > 1:
            event = re.fullmatch(r"<([0-9a-f-]{36})@accounts-api>", ids[0])
            in_flight = len(set(ids)) == 1 and event and event.group(1) in sent_by_killed
            resent += (len(ids) - 1) if in_flight and k in expected else 0
            why = "re-sent: in flight at the kill" if in_flight else "DOUBLED"
            print(f"{why}: {k[0]} {k[1]!r} x{len(ids)} {sorted(set(ids))}", file=sys.stderr)
    print(received, missing, doubled, unexpected, resent)

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
