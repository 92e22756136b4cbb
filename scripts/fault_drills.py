"""scripts/fault-drills.sh's client. Under the mixed load of mixed_load.py, each dependency is
stopped and started again (by `private-services.sh ctl stop|start <name>`), then each
network fault of NET_DRILLS is put on the wire to one dependency and healed (net_faults.py,
through the fault proxy); per drill it records what the clients saw, readiness, and how long
after the dependency was back (or the wire healed) the service had fully recovered; then,
with the load stopped, every committed sign-up's e-mails are counted in MailDev. Prints a
table; exit status 1 on any failure.
Usage: fault_drills.py CONFIG.json (written by fault-drills.sh)."""
import collections, json, subprocess, sys, time, urllib.error, urllib.request

import net_faults
from mixed_load import Load

# Per dependency: the failures clients may see while it is down (README: the database down
# is 503 + Retry-After; Redis down fails open, but a check already sent when it went away is
# 503 either way; the broker and SMTP are behind the outbox), and whether readiness drops.
EXPECT = {
    "postgres": ({503}, "drops", "503 + Retry-After"),
    "redis": ({503}, "drops", "served (fail open); 503 for a check in flight"),
    "kafka": (set(), "drops", "served (the outbox keeps the events)"),
    "smtp": (set(), "stays", "served (the worker retries)"),
}
SUBJECTS = ("Your account has been created", "Confirm your e-mail address")
CFG = json.load(open(sys.argv[1]))
T0 = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


def get(url):
    """(status, parsed JSON); status -1 for no answer within the client timeout, 0 for a
    connection error."""
    try:
        with urllib.request.urlopen(url, timeout=CFG["timeout"]) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, None
    except TimeoutError:
        return -1, None
    except OSError:
        return 0, None


def sql(query):
    out = subprocess.run(CFG["psql"] + ["-c", query], capture_output=True, text=True, timeout=30)
    if out.returncode:
        raise RuntimeError(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


def ctl(action, name):
    subprocess.run(CFG["ctl"] + [action, name], check=True, timeout=180)


def until(check, seconds, every=0.1):
    """Polls `check` until it is true: the moment it was, or None after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return time.monotonic()
        except RuntimeError:
            pass  # psql before the database is back
        time.sleep(every)
    return None


def caught_up(seq):
    """Every event up to `seq` published and handled by the worker."""
    return sql(f"""SELECT count(*) FROM outbox o WHERE o.seq <= {seq} AND (o.published_at IS NULL
        OR NOT EXISTS (SELECT 1 FROM delivered_events d WHERE d.event_id = o.id))""") == "0"


def statuses(results):
    counts = collections.Counter("timeout" if r.status == -1 else "conn-error" if r.status == 0
                                 else str(r.status) for r in results)
    return " ".join(f"{k}x{v}" for k, v in sorted(counts.items())) or "-"


def stop_drill(load, name):
    """`name` stopped for OUTAGE seconds and started again."""
    allowed, readiness, expected = EXPECT[name]
    return drill(load, name, "stop", lambda: ctl("stop", name), lambda: ctl("start", name),
                 CFG["outage"], allowed, readiness, expected, CFG["target"])


def net_drill(load, proxy, name, fault):
    """`fault` on the wire to `name` for its duration, then healed."""
    allowed, readiness, expected = net_faults.EXPECT[(name, fault)]
    return drill(load, name, fault, lambda: proxy.inject(name, fault, CFG["latency_ms"]),
                 lambda: proxy.heal(name), CFG["net_seconds"][fault], allowed, readiness,
                 expected, CFG["net_target"], lambda: proxy.stalled(name))


def drill(load, name, fault, inject, heal, outage, allowed, readiness, expected, target,
          stalled=None):
    """One drill: `inject` the fault, `outage` seconds, `heal` it; what the clients saw."""
    problems, began = [], time.monotonic()
    time.sleep(CFG["baseline"])  # steady state first
    stop_at = time.monotonic()
    inject()
    down_at = time.monotonic()
    log(f"{name} {fault}: on ({down_at - stop_at:.1f}s to apply)")
    polls = []
    while time.monotonic() < down_at + outage:
        polls.append((time.monotonic(), get(CFG["ready"])[0]))
        time.sleep(0.25)
    start_at = time.monotonic()
    heal()
    back_at = time.monotonic()
    log(f"{name} {fault}: healed ({back_at - start_at:.1f}s to heal)")
    ready_at = until(lambda: get(CFG["ready"])[0] == 200, CFG["deadline"])
    # Mail moving again: the oldest event not yet handled when it came back is handled;
    # drained: every event committed before then is (that takes as long as the backlog).
    seq, oldest, backlog = None, None, None
    if until(lambda: bool(sql("SELECT 1")), CFG["deadline"]):
        seq = sql("SELECT coalesce(max(seq), 0) FROM outbox")
        waiting = sql(f"SELECT o.seq FROM outbox o WHERE o.seq <= {seq} AND NOT EXISTS "
                      "(SELECT 1 FROM delivered_events d WHERE d.event_id = o.id) ORDER BY o.seq").split()
        oldest, backlog = (waiting[0] if waiting else seq), len(waiting)
    moving_at = until(lambda: caught_up(oldest), CFG["deadline"], 0.1) if seq else None
    pipeline_at = until(lambda: caught_up(seq), CFG["deadline"], 0.2) if seq else None
    # Requests: after recovery they must all succeed again for a while.
    time.sleep(CFG["settle"])
    settle_end = time.monotonic()
    window = load.window(began, settle_end)
    failed_after = [r for r in window if r.start >= back_at and not r.ok]
    requests_at = max((r.end for r in failed_after), default=back_at)
    if requests_at > settle_end - CFG["settle"] / 2:
        problems.append("requests still failing at the end of the settle period")
    for r in window:
        bad = (r.status in (-1, 0) or (r.status >= 500 and r.status != 503)
               or (r.status == 503 and not r.retry_after))
        seen_down = r.end >= stop_at and r.start < back_at
        if bad or (not r.ok and not (seen_down or r.start >= back_at)) or \
                (not r.ok and r.status not in allowed):
            problems.append(f"{r.kind} at {r.start - T0:.1f}s: {r.status} {r.error}")
    # What clients were answered while it was down (requests waiting when it came back are
    # answered after: those count towards the recovery).
    faulted = [r for r in window if down_at <= r.end < back_at]
    # Readiness while down: 503 within 5 s of the stop and from then on; or 200 throughout;
    # or either ("any").
    down_polls = [s for t, s in polls]
    first_503 = next((t for t, s in polls if s == 503), None)
    if readiness == "any":
        ready_down = f"{sum(s == 503 for s in down_polls)}/{len(down_polls)} polls 503"
    elif readiness == "drops":
        if first_503 is None or first_503 - down_at > 5:
            problems.append(f"readiness not 503 within 5 s of the stop: {down_polls}")
        elif any(s != 503 for t, s in polls if t >= first_503):
            problems.append(f"readiness flapped while down: {down_polls}")
        ready_down = f"503 after {first_503 - down_at:.1f}s" if first_503 else "never 503"
    else:
        if any(s != 200 for s in down_polls):
            problems.append(f"readiness not 200 during the fault: {down_polls}")
        ready_down = "200 (not probed)" if name == "smtp" else "200 throughout"
    if any(s in (-1, 0) for s in down_polls):
        problems.append("readiness did not answer in time")
    for what, at in (("readiness 200", ready_at), ("mail moving", moving_at),
                     ("backlog drained", pipeline_at)):
        if at is None:
            problems.append(f"{what}: not within {CFG['deadline']} s")
    ends = [ready_at, moving_at, requests_at]
    recovery = max(ends) - back_at if None not in ends else None
    if recovery is not None and recovery > target:
        problems.append(f"recovery {recovery:.1f}s > {target}s")
    # Connections the fault stalled that the clients still hold, a settle period after the
    # heal: idle in a pool that has not needed them yet (each is tested before its next use),
    # or one a client still waits on. Stuck: not recovered within the deadline.
    held = stalled() if stalled else None
    stuck = recovery is None
    rel = lambda at: f"{at - back_at:.1f}" if at else "never"
    return {
        "name": name, "fault": fault, "expected": expected, "problems": problems,
        "held": "-" if held is None else str(held), "stuck": "yes" if stuck else "no",
        "outage": f"{back_at - down_at:.1f}", "statuses": statuses(faulted),
        "hangs": sum(r.status == -1 for r in window), "ready_down": ready_down,
        "ready": rel(ready_at), "requests": rel(requests_at), "moving": rel(moving_at),
        "pipeline": f"{rel(pipeline_at)} ({backlog})",
        "recovery": f"{recovery:.1f}" if recovery is not None else "never",
    }


def tally(load):
    """Waits (bounded) for the pipeline to drain; then every committed sign-up (201) must be
    in the database and have each of its two e-mails exactly once, and every event in the
    outbox exactly one message with its Message-ID."""
    drained = until(lambda: caught_up("(SELECT coalesce(max(seq), 0) FROM outbox)"),
                    CFG["drain_deadline"], 0.5)
    messages, steady = None, None
    for _ in range(40):  # MailDev's count held still for 3 s: nothing more on its way
        with urllib.request.urlopen(CFG["maildev"], timeout=60) as r:
            now = json.load(r)
        if messages is not None and len(now) == len(messages):
            steady = True
            break
        messages = now
        time.sleep(3)
    messages = now
    by_address = collections.Counter()
    by_id = collections.Counter()
    for m in messages:
        by_id[(m.get("headers") or {}).get("message-id", "")] += 1
        for to in m.get("to") or []:
            by_address[(to.get("address", "").lower(), m.get("subject"))] += 1
    committed = {e for _, e in load.signed_up}
    stored = set(sql(f"SELECT email FROM users WHERE email LIKE '%@{CFG['domain']}'").split())
    events = sql("SELECT id FROM outbox").split()
    expected = [(e, s) for e in committed for s in SUBJECTS]
    result = {
        "committed": len(committed), "stored": len(stored),
        "lost_commits": len(committed - stored),
        "expected": len(expected),
        "mailed_once": sum(by_address[k] == 1 for k in expected),
        "missing": sum(by_address[k] == 0 for k in expected),
        "duplicated": sum(max(0, by_address[k] - 1) for k in expected),
        "events": len(events), "messages": len(messages),
        "events_missing": sum(by_id[f"<{e}@accounts-api>"] == 0 for e in events),
        "events_duplicated": sum(max(0, by_id[f"<{e}@accounts-api>"] - 1) for e in events),
        "drained": drained is not None and bool(steady),
    }
    result["ok"] = (result["drained"] and result["lost_commits"] == 0 and result["missing"] == 0
                    and result["duplicated"] == 0 and result["events_missing"] == 0
                    and result["events_duplicated"] == 0 and len(messages) == len(events))
    return result


def main():
    load = Load(CFG["api"], CFG["rate"], CFG["tag"], CFG["domain"], timeout=CFG["timeout"])
    load.seed(accounts=10, logins=10)
    # The worker has joined its group and mails: the seed's e-mails are all out.
    if not until(lambda: caught_up("(SELECT coalesce(max(seq), 0) FROM outbox)"), 120, 0.2):
        sys.exit("fault-drills: the seed's e-mails were not delivered within 120 s")
    log("pipeline warm: the seed's e-mails are delivered")
    load.start(max_seconds=CFG["max_seconds"])
    log(f"load: {CFG['rate']} requests/s (sign-ups, logins, refreshes, reads), "
        f"client timeout {CFG['timeout']} s")
    rows = []
    proxy = net_faults.Proxy(CFG["proxy_port"]) if CFG["net_drills"] else None
    drills = [lambda name=name: stop_drill(load, name) for name in CFG["drills"]] + \
        [lambda n=name, f=fault: net_drill(load, proxy, n, f) for name, fault in CFG["net_drills"]]
    for run in drills:
        rows.append(run())
        row = rows[-1]
        log(f"{row['name']} {row['fault']}: {'PASS' if not row['problems'] else 'FAIL'} "
            f"recovery {row['recovery']}s")
    load.stop()
    log("load stopped; waiting for the pipeline to drain")
    mail = tally(load)
    sent = len(load.results)
    print(f"\n== fault drills ({time.monotonic() - T0:.0f} s; {sent} requests at "
          f"{CFG['rate']:g}/s, {load.overloaded} not sent (client busy); stop: {CFG['outage']:g} s; "
          f"latency {CFG['latency_ms']} ms each way for {CFG['net_seconds']['latency']:g} s, stall "
          f"{CFG['net_seconds']['stall']:g} s, partition {CFG['net_seconds']['partition']:g} s. "
          f"Seconds from the dependency answering again (or the heal): readiness 200, requests all "
          f"succeeding, mail moving (the oldest event waiting is mailed), backlog drained (events "
          f"waiting); recovery = the latest of the first three, target {CFG['target']:g} s "
          f"(network faults: {CFG['net_target']:g} s); stalled held: connections the fault "
          f"stalled still held open by the clients after the settle period; stuck: not "
          f"recovered within {CFG['deadline']:g} s)")
    header = ("dependency", "fault", "s", "answered while faulted", "hangs", "readiness during",
              "ready", "requests", "mail moving", "drained (backlog)", "recovery",
              "stalled held", "stuck", "result")
    table = [header] + [(r["name"], r["fault"], r["outage"], r["statuses"], str(r["hangs"]),
                         r["ready_down"], r["ready"], r["requests"], r["moving"], r["pipeline"],
                         r["recovery"], r["held"], r["stuck"],
                         "PASS" if not r["problems"] else "FAIL") for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    for r in rows:
        print(f"  {r['name']} {r['fault']}: expected during the fault: {r['expected']}")
        for p in r["problems"][:10]:
            print(f"    FAIL {p}")
    print(f"e-mail: {mail['committed']} sign-ups committed (201), {mail['stored']} in the database, "
          f"{mail['lost_commits']} lost; {mail['expected']} e-mails expected (welcome + confirmation): "
          f"{mail['mailed_once']} mailed once, {mail['missing']} missing, {mail['duplicated']} duplicated; "
          f"all events: {mail['events']} in the outbox, {mail['messages']} messages in MailDev, "
          f"{mail['events_missing']} missing, {mail['events_duplicated']} duplicated; "
          f"{'drained' if mail['drained'] else 'NOT drained'} -> {'PASS' if mail['ok'] else 'FAIL'}")
    sys.exit(0 if mail["ok"] and all(not r["problems"] for r in rows) else 1)


if __name__ == "__main__":
    main()
