"""Load benchmark: 30 people working at once for 2 minutes against gunicorn (2 sync workers) on a
scratch copy of the demo, reads and writes mixed as real users would. Prints requests/s, p95 and the
count of 5xx per kind of request, then checks that no write was lost.

    .venv/bin/python bench/load.py [--duration 120] [--clients 30] [--postgres]

The people: 8 office staff (browse the ledger, register petitions through the intake form
/petitions/new, accept registered cases), 2 leaders (browse, close out the completion reports
waiting in their 待办), 20 unit heads (browse their pages, acknowledge and report the supervised
items in their 待办 through the supervision step forms); other client counts keep these shares.
Each logs in once with its own account (the demo's, plus office and leader accounts made with
portal.users.services.create_user; cheap Argon2 settings in the scratch instance, since thirty logins
are not what is measured) and thinks 0.5–2 s between steps (--think). Forms send the page's
CSRF token (as X-CSRFToken for htmx steps). Before the run every unit head's unit gets
--tasks-per-unit supervised tasks to work on.

The load tool is locust (bench/requirements.txt), run headless on bench/load_users.py (the
locustfile: what each kind of user does); this file is the harness. With --postgres the same runs
against a throwaway PostgreSQL cluster (scripts/with-postgres.sh, removed afterwards).

Targets: no 5xx; no lost write: every registration answered with success exists afterwards with its
title (counted), petition numbers are unique, every accepted case and every supervision step answered
with success is recorded.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)

PASSWORD = "portal-demo-2026"  # the demo's, and the extra accounts'
MIX = {"office": 8, "leader": 2, "unit_head": 20}  # of 30 clients
TITLE_PREFIX = "压测登记"  # the titles of the petitions the load test registers


def mix(clients):
    """The 8 : 2 : 20 shares for another number of clients (at least one of each)."""
    office = max(1, round(clients * MIX["office"] / 30))
    leader = max(1, round(clients * MIX["leader"] / 30))
    return {"office": office, "leader": leader, "unit_head": max(1, clients - office - leader)}


def prepare(counts, tasks_per_unit):
    """An account for every client and work for the unit heads; returns {role: [usernames]}."""
    from portal import clock
    from portal.models import Unit, User
    from portal.supervision.services import supervise
    from portal.users.services import create_user

    office = User.get(User.username == "office")
    accounts = {"office": ["office"], "leader": ["leader"]}
    for role in ("office", "leader"):
        for n in range(2, counts[role] + 1):
            create_user(username=f"bench_{role}{n}", display_name=f"压测{role}{n}", role=role, unit=office.unit,
                        password=PASSWORD)
            accounts[role].append(f"bench_{role}{n}")
    # The demo has a head for each of its 22 units; more clients than that share accounts.
    heads = list(User.select().where(User.role == "unit_head").order_by(User.username))[:counts["unit_head"]]
    accounts["unit_head"] = [u.username for u in heads]
    today = clock.today()
    for head in heads:
        unit = Unit.get_by_id(head.unit_id)
        for n in range(tasks_per_unit):
            supervise("task", unit=unit, title=f"压测交办事项 {unit.code}-{n + 1}", assigned_by=office,
                      responsible_name=unit.head_name, due_date=today + datetime.timedelta(days=10 + n))
    return accounts


def verify(results):
    """The "no lost write" checks against the database after the run: [(text, ok, detail)]."""
    from peewee import fn

    from portal.models import Petition, SupervisionEvent, User

    checks = []
    registered = results["registered"]
    ids = [pid for pid, _ in registered if pid is not None]
    found = dict(Petition.select(Petition.id, Petition.title).where(Petition.id.in_(ids)).tuples()) if ids else {}
    missing = sum(found.get(pid) != title for pid, title in registered)
    in_db = Petition.select().where(Petition.title.startswith(TITLE_PREFIX)).count()
    checks.append(("registrations answered with success are in the database", not missing,
                   f"{len(registered)} answered, {len(registered) - missing} found, {missing} missing "
                   f"({in_db} petitions with the load test's titles in the database)"))
    total, distinct = Petition.select(fn.COUNT(Petition.id), fn.COUNT(Petition.number.distinct())).tuples().get()
    checks.append(("petition numbers are unique", total == distinct, f"{total} petitions, {distinct} numbers"))
    accepted = results["accepted"]
    unrecorded = (Petition.select().where(Petition.id.in_(accepted), Petition.accepted_on.is_null()).count()
                  if accepted else 0)
    checks.append(("cases accepted with success are accepted", not unrecorded,
                   f"{len(accepted)} answered, {len(accepted) - unrecorded} recorded"))
    user_ids = dict(User.select(User.username, User.id).tuples())
    lost = sum(not SupervisionEvent.select().where(SupervisionEvent.item == item_id, SupervisionEvent.action == action,
                                                   SupervisionEvent.actor == user_ids[username]).exists()
               for item_id, action, username in results["steps"])
    checks.append(("supervision steps answered with success are recorded", not lost,
                   f"{len(results['steps'])} answered, {len(results['steps']) - lost} recorded"))
    return checks


def print_report(results, checks):
    elapsed = results["elapsed"]
    print(f"\n  {'request':34s} {'count':>6s} {'req/s':>7s} {'p95 ms':>8s} {'5xx':>5s} {'refused':>8s} {'other':>6s}")
    kinds = sorted(n for n in results["stats"] if n != "Aggregated") + ["Aggregated"]
    for name in kinds:
        s = results["stats"][name]
        pick = (lambda d: sum(d.values())) if name == "Aggregated" else (lambda d: d.get(name, 0))
        print(f"  {name:34s} {s['requests']:6d} {s['requests'] / elapsed:7.1f} {s['p95_ms']:8.0f} "
              f"{pick(results['server_errors']):5d} {pick(results['refused']):8d} {pick(results['other_errors']):6d}")
    print("  (refused: a 422 answer with the rule's reason, e.g. another user took the step first; "
          "other: any other unexpected status)")
    total_5xx = sum(results["server_errors"].values())
    print(f"\n  {'✓' if total_5xx == 0 else '✗'} no 5xx (target 0): {total_5xx}")
    for text, ok, detail in checks:
        print(f"  {'✓' if ok else '✗'} {text}: {detail}")
    print(f"  {'✓' if all(ok for _, ok, _ in checks) else '✗'} no lost write")


def wait_for(port, server, workers):
    """Until the login page answers, a few times over (so every worker has booted the app)."""
    answered = 0
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as response:
                answered += response.status == 200
            if answered >= 2 * workers:
                return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--clients", type=int, default=30, help="concurrent users, 8:2:20 office:leaders:unit heads")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (a throwaway cluster) instead of SQLite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--think", default="0.5,2", help="seconds between one user's steps, MIN,MAX")
    parser.add_argument("--tasks-per-unit", type=int, default=10, help="supervised tasks handed to each head's unit")
    args = parser.parse_args()
    if args.postgres and not os.environ.get("TEST_DATABASE_URL"):
        # Run again inside a throwaway cluster, the way the test suite does (removed when it ends).
        script = os.path.join(ROOT, "scripts", "with-postgres.sh")
        os.execv(script, [script, sys.executable, os.path.abspath(__file__), *sys.argv[1:]])

    sys.path.insert(0, BENCH)
    sys.path.insert(0, ROOT)
    import data
    from pages import free_port
    from portal import create_app
    from portal.db import database

    url = os.environ["TEST_DATABASE_URL"] if args.postgres else None
    config = {"DATABASE_URL": url} if url else {}
    path = data.demo_instance(prefix="bench-load-", config=config)
    # The server hashes like the seed did, so no first login re-hashes (that would measure Argon2 x 30).
    with open(os.path.join(path, "config.py"), "w") as f:
        f.writelines(f"{key} = {value!r}\n" for key, value in data.FAST_HASHES.items())
    app = create_app({"INSTANCE_PATH": path, **config})
    counts = mix(args.clients)
    with app.app_context(), database.connection_context():
        accounts = prepare(counts, args.tasks_per_unit)
    work = tempfile.mkdtemp(prefix="bench-load-run-")
    with open(os.path.join(work, "accounts.json"), "w") as f:
        json.dump(accounts, f)

    port = free_port()
    env = dict(os.environ, PORTAL_INSTANCE=path)
    env.pop("DATABASE_URL", None)
    env.update({"DATABASE_URL": url} if url else {})
    server = subprocess.Popen([os.path.join(ROOT, ".venv", "bin", "gunicorn"), "--workers", str(args.workers),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                               "--error-logfile", os.path.join(work, "gunicorn.log"), "wsgi:app"], cwd=ROOT, env=env)
    label = "PostgreSQL" if url else "SQLite (WAL)"
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    clients = sum(counts.values())
    print(f"{clients} clients ({counts['office']} office, {counts['leader']} leaders, {counts['unit_head']} unit heads) "
          f"for {args.duration} s against gunicorn ({args.workers} sync workers) on the demo (1×) in {label}, "
          f"{args.tasks_per_unit} extra tasks per head's unit; locust, {args.think} s between steps; logs in {work}")
    results_path = os.path.join(work, "results.json")
    locust_env = dict(os.environ, BENCH_ACCOUNTS=os.path.join(work, "accounts.json"), BENCH_RESULTS=results_path,
                      BENCH_MIX=json.dumps(counts), BENCH_THINK=args.think)
    try:
        wait_for(port, server, args.workers)
        with open(os.path.join(work, "locust.log"), "w") as log:
            subprocess.run([os.path.join(ROOT, ".venv", "bin", "locust"), "-f", os.path.join(BENCH, "load_users.py"),
                            "--headless", "-u", str(clients), "-r", str(clients), "-t", f"{args.duration}s",
                            "--stop-timeout", "10", "--host", f"http://127.0.0.1:{port}", "--only-summary",
                            "--exit-code-on-error", "0"],
                           cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT, check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(results_path) as f:
        results = json.load(f)
    with app.app_context(), database.connection_context():
        checks = verify(results)
    print(f"measured {results['elapsed']:.0f} s")
    print_report(results, checks)


if __name__ == "__main__":
    main()
