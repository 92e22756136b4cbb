"""The network half of scripts/fault-drills.sh: faults put on the wire between the API and
worker and one dependency by the fault proxy (fault-proxy/, one listener per dependency,
commands on a localhost control port), rather than the dependency stopped:
  latency    LATENCY_MS added to every chunk, each direction (a round trip: twice that);
  stall      every open connection, and every one opened meanwhile, goes silent for good
             (a hung peer, or a middlebox that lost the connection's state): the clients
             must give up on them and open new ones, which work again after the heal;
  partition  nothing crosses, new connections get no answer; at the heal everything held
             is delivered in order (as TCP retransmission would).
Stdlib only."""
import socket

# Per (dependency, fault): the failures clients may see while it lasts, what readiness
# must do ("drops": 503 within 5 s of the fault and from then on; "stays": 200 throughout;
# "any": either, but always answered in time), and the documented behaviour. The database's
# outages answer 503 + Retry-After within REQUEST_TIMEOUT_MS (8 s, under the clients' 10 s);
# the limiter fails open but a check in flight is 503; the broker and SMTP are behind the
# outbox (the worker retries), so clients never notice them.
EXPECT = {
    ("postgres", "latency"): ({503}, "any", "served; 503 + Retry-After when the pool cannot keep up"),
    ("postgres", "stall"): ({503}, "drops", "503 + Retry-After within REQUEST_TIMEOUT_MS"),
    ("postgres", "partition"): ({503}, "drops", "503 + Retry-After within REQUEST_TIMEOUT_MS"),
    ("redis", "latency"): ({503}, "stays", "served (fail open); 503 for a check in flight"),
    ("redis", "stall"): ({503}, "drops", "served (fail open); 503 for a check in flight"),
    ("redis", "partition"): ({503}, "drops", "served (fail open); 503 for a check in flight"),
    ("kafka", "latency"): (set(), "stays", "served"),
    ("kafka", "stall"): (set(), "drops", "served (the outbox keeps the events)"),
    ("kafka", "partition"): (set(), "drops", "served (the outbox keeps the events)"),
    ("smtp", "latency"): (set(), "stays", "served"),
    ("smtp", "stall"): (set(), "stays", "served (the worker retries)"),
    ("smtp", "partition"): (set(), "stays", "served (the worker retries)"),
}
DEPENDENCIES = ("postgres", "redis", "kafka", "smtp")
FAULTS = ("latency", "stall", "partition")


def parse(spec):
    """NET_DRILLS: "all", "none"/"" or `dependency:fault` words; a bare dependency or fault
    means all of its pairs. Returns [(dependency, fault)] in a fixed order."""
    words = spec.split()
    if words == ["all"]:
        words = list(DEPENDENCIES)
    if words == ["none"]:
        words = []
    pairs = []
    for word in words:
        dep, _, fault = word.partition(":")
        deps = DEPENDENCIES if dep in FAULTS and not fault else (dep,)
        faults = (dep,) if dep in FAULTS and not fault else (fault,) if fault else FAULTS
        for pair in ((d, f) for d in deps for f in faults):
            if pair not in EXPECT:
                raise SystemExit(f"NET_DRILLS: unknown drill {word!r} (dependency:fault, "
                                 f"dependencies {' '.join(DEPENDENCIES)}, faults {' '.join(FAULTS)})")
            if pair not in pairs:
                pairs.append(pair)
    return pairs


class Proxy:
    """The fault proxy's control channel: one command a line, one answer a line."""

    def __init__(self, port):
        self.port = port

    def send(self, line):
        """The answer's lines (`status`: one per proxy, then `ok`; others: `ok ...`)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(line.encode() + b"\n")
            answer, lines = s.makefile(), []
            while True:
                lines.append(answer.readline().strip())
                if not lines[-1] or lines[-1].startswith(("ok", "error")):
                    break
        if not lines[-1].startswith("ok"):
            raise RuntimeError(f"fault-proxy: {line}: {' / '.join(lines)}")
        return lines

    def inject(self, name, fault, latency_ms):
        self.send(f"latency {name} {latency_ms}" if fault == "latency" else f"{fault} {name}")

    def heal(self, name):
        self.send(f"heal {name}")

    def stalled(self, name):
        """Connections to `name` stalled by a fault and still held open by their clients."""
        for line in self.send("status"):
            words = dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
            if line.split(" ", 1)[0] == name:
                return int(words.get("stalled", 0))
        return 0
