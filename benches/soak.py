"""benches/soak.sh's client: the fault drills' mixed load (scripts/mixed_load.py) for
`minutes`, sampling the API's and the worker's RSS from /proc every 5 s and the tables the
pruners bound every 30 s; then a per-minute report and the verdict. Exit 1 on a failed
criterion. Usage: soak.py CONFIG.json (written by soak.sh)."""
import json, os, subprocess, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts"))
from mixed_load import Load, percentile  # noqa: E402

CFG = json.load(open(sys.argv[1]))
# Kept in bounds by the pruners (with the soak's short retention settings); the sign-in
# devices beyond each account's latest, which the pruner keeps as its anchor ...
PRUNED = ("sessions", "refresh_tokens", "audit_events", "known_devices_past_latest",
          "mfa_challenges", "webauthn_ceremonies", "password_resets")
# ... and growing with the traffic by design: accounts, their confirmation tokens and latest
# sign-in devices, and the outbox and delivered ids, whose retention (7 and 30 days) is fixed.
GROWING = ("users", "email_verifications", "known_devices", "outbox", "delivered_events")
COUNT = {"known_devices_past_latest": "SELECT count(*) - count(DISTINCT user_id) FROM known_devices"}


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def counts():
    query = " UNION ALL ".join(f"SELECT '{t}', ({COUNT.get(t, f'SELECT count(*) FROM {t}')})"
                               for t in PRUNED + GROWING)
    out = subprocess.run(CFG["psql"] + ["-F", " ", "-c", query], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split("\n")
    return {t: int(n) for t, n in (line.split() for line in out if line.strip())}


def main():
    minutes, warmup = CFG["minutes"], CFG["warmup_minutes"]
    load = Load(CFG["api"], CFG["rate"], CFG["tag"], CFG["domain"], timeout=10.0,
                max_sessions=40, max_session_age=CFG["max_session_age"])
    load.seed(accounts=20, logins=20)
    rss, tables, loadavg, stop = [], [], [], threading.Event()

    def sample():
        next_count = 0.0
        while not stop.wait(5):
            at = time.monotonic() - t0
            rss.append((at, rss_mib(CFG["api_pid"]), rss_mib(CFG["worker_pid"])))
            loadavg.append(float(open("/proc/loadavg").read().split()[0]))
            if at >= next_count:
                tables.append((at, counts()))
                next_count = at + 30

    t0 = time.monotonic()
    tables.append((0.0, counts()))
    rss.append((0.0, rss_mib(CFG["api_pid"]), rss_mib(CFG["worker_pid"])))
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    load.start(max_seconds=minutes * 60)
    load.scheduler.join()
    load.stop()
    stop.set()
    sampler.join()
    tables.append((time.monotonic() - t0, counts()))

    print(f"\n== soak: {minutes} min at {CFG['rate']:g} requests/s, {len(load.results)} requests "
          f"({load.overloaded} not sent: client busy); load average during the run: "
          f"median {percentile(loadavg, 50):.2f}, max {max(loadavg):.2f}")
    print("minute  requests  errors  p50 ms  p99 ms  max ms  API RSS MiB  worker RSS MiB")
    per_minute, problems = [], []
    for m in range(minutes):
        lo, hi = t0 + 60 * m, t0 + 60 * (m + 1)
        results = [r for r in load.results if lo <= r.start < hi]
        ms = [(r.end - r.start) * 1000 for r in results]
        errors = [r for r in results if not r.ok]
        api = [a for at, a, _ in rss if 60 * m <= at < 60 * (m + 1)] or [0]
        worker = [w for at, _, w in rss if 60 * m <= at < 60 * (m + 1)] or [0]
        per_minute.append((percentile(ms, 50), percentile(ms, 99), percentile(api, 50)))
        print(f"{m + 1:6}  {len(results):8}  {len(errors):6}  {percentile(ms, 50):6.1f}  "
              f"{percentile(ms, 99):6.1f}  {max(ms):6.1f}  {percentile(api, 50):11.1f}  "
              f"{percentile(worker, 50):14.1f}")
        for r in errors[:3]:
            problems.append(f"minute {m + 1}: {r.kind} {r.status} {r.error}")
    errors = sum(not r.ok for r in load.results)
    print("table rows (start, then each 30 s sample, then the end):")
    for name in PRUNED + GROWING:
        series = [c[name] for _, c in tables]
        print(f"  {name:26} {series[0]} -> {' '.join(map(str, series[1:]))}")

    # RSS flat after warm-up: the median of the last minute within 10% (or 4 MiB) of the
    # median of the first minute after warm-up.
    after_warmup, last = per_minute[warmup][2], per_minute[-1][2]
    rss_ok = last <= max(after_warmup * 1.10, after_warmup + 4)
    # Bounded: over the second half, each pruned table's largest sample at most 20% (or 50
    # rows) above its largest sample in the first half after warm-up: a plateau, not a slope.
    half = minutes * 60 / 2
    bounded = {}
    for name in PRUNED:
        first = max((c[name] for at, c in tables if warmup * 60 <= at < half), default=0)
        second = max(c[name] for at, c in tables if at >= half)
        bounded[name] = second <= max(first * 1.2, first + 50)
    p99_first, p99_last = per_minute[0][1], per_minute[-1][1]
    p99_ok = p99_last <= 1.5 * p99_first
    verdicts = [
        (rss_ok, f"API RSS flat after the {warmup}-minute warm-up: median {after_warmup:.1f} MiB in "
                 f"minute {warmup + 1}, {last:.1f} MiB in minute {minutes} (allowed: +10% or +4 MiB)"),
        (all(bounded.values()), "pruned tables level in the second half: " +
         ", ".join(f"{t} {'ok' if ok else 'GROWING'}" for t, ok in bounded.items())),
        (p99_ok, f"p99 of the last minute {p99_last:.1f} ms vs the first {p99_first:.1f} ms "
                 f"(ratio {p99_last / p99_first:.2f}, allowed 1.5)"),
        (errors == 0 and load.overloaded == 0, f"{errors} errors, {load.overloaded} requests not sent"),
    ]
    for ok, line in verdicts:
        print(f"{'PASS' if ok else 'FAIL'} {line}")
    for p in problems[:10]:
        print(f"  {p}")
    sys.exit(0 if all(ok for ok, _ in verdicts) else 1)


if __name__ == "__main__":
    main()
