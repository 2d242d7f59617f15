"""List page benchmark: every main list page at 1×, 10× and 100× the demo, in one run. Prints, per
page and size, the p50/p95 time of the whole page through Flask's test client and the number of SQL
statements it runs, with the ratios to 1× and the targets; with --throughput, requests/s of each page
served by gunicorn against a bare route of the same server.

    .venv/bin/python bench/pages.py [--sizes 1,10,100] [--runs 10] [--throughput [--seconds 5]]

Sizes: 1× is portal.demo.seed(); 10× and 100× are the demo plus n - 1 copies of its records
(bench/data.py: at 100× 4,600 petitions, 4,000 disputes, 24,600 supervised items, 15,500 普法
sessions, 330,300 attendance rows ...), each a fresh SQLite instance. Pages are fetched as `office`
(demo password), /audit/ as `leader` (office may not read the audit trail). SQL statements are counted by wrapping
database.obj.execute_sql.

Targets: the statement count is flat in data size (within ±QUERY_SLACK of 1×); p95 at 100× is at
most 2× p95 at 1× (checked at every size above 1×). Throughput (--throughput): gunicorn with 2 sync
workers serves the 1× instance through wsgi:app plus a /bench-bare route (bench/bare_wsgi.py); the
load tool is wrk (Debian's package, installed through scripts/apt-ensure.sh when missing) with the
session cookie of one login; target: each page at least 1/20 of the bare route's requests/s. For
reference the same route in a Flask app with nothing else (bare_wsgi:pure) is measured too, and each
page's share of it printed: the difference is the portal's request cycle (session, user, connection,
security headers).
"""
import argparse
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
sys.path.insert(0, ROOT)

import data  # noqa: E402
from portal import create_app  # noqa: E402
from portal.db import database  # noqa: E402
from portal.demo import DEMO_PASSWORD  # noqa: E402

# (url, account): the main list page of every module, and the dashboard.
PAGES = [
    ("/", "office"),
    ("/petitions/", "office"),
    ("/petitions/tasks", "office"),
    ("/agreements/", "office"),
    ("/supervision/", "office"),
    ("/todo", "office"),
    ("/legal/", "office"),
    ("/legal/coverage", "office"),
    ("/inspections/findings", "office"),
    ("/disputes/", "office"),
    ("/veto/", "office"),
    ("/audit/", "leader"),
]
QUERY_SLACK = 2  # statements a page may differ by between sizes (e.g. one more year in a menu)
P95_TARGET = 2.0  # p95 at 100× over p95 at 1×
THROUGHPUT_TARGET = 1 / 20  # a page's requests/s over the bare route's
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def percentile(values, share):
    """Nearest-rank percentile (with 10 runs, p95 is the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def test_client(app, username):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"login as {username} failed ({response.status_code})"
    return client


class Instance:
    """One size's app, its logged-in clients and its statement counter. The models' database proxy is
    global: `use()` points it at this instance before each request."""

    def __init__(self, path):
        self.app = create_app({"INSTANCE_PATH": path})
        self.db = self.app.extensions["database"]
        self.statements = 0
        original = self.db.execute_sql

        def execute_sql(sql, params=None, *args, **kwargs):
            self.statements += 1
            return original(sql, params, *args, **kwargs)

        self.db.execute_sql = execute_sql
        self.use()
        self.clients = {username: test_client(self.app, username) for username in {u for _, u in PAGES}}

    def use(self):
        database.initialize(self.db)

    def get(self, url, username):
        """(seconds, statements, status) of one request for the whole page."""
        self.use()
        self.statements = 0
        start = time.perf_counter()
        response = self.clients[username].get(url)
        return time.perf_counter() - start, self.statements, response.status_code


def measure(instances, runs):
    """{size: {url: (p50 s, p95 s, statements) or the HTTP status when not 200}}. The sizes take turns
    request by request, so a change in the machine's load during the run falls on every size alike."""
    results = {size: {} for size in instances}
    for url, username in PAGES:
        # Warm-up: templates compiled, caches filled; a page that fails at some size is reported as such.
        live = {}
        for size, instance in instances.items():
            status = instance.get(url, username)[2]
            if status == 200:
                live[size] = instance
            else:
                results[size][url] = status
        samples = {size: [] for size in live}
        for _ in range(runs):
            for size, instance in live.items():
                samples[size].append(instance.get(url, username))
        for size, rows in samples.items():
            times = [t for t, _, _ in rows]
            bad = [status for _, _, status in rows if status != 200]
            results[size][url] = bad[0] if bad else (statistics.median(times), percentile(times, 0.95),
                                                     max(q for _, q, _ in rows))
        print(f"  ... {url}", file=sys.stderr, flush=True)  # progress: a 100× run takes minutes
    return results


def mark(ok):
    return "✓" if ok else "✗"


def report(sizes, results):
    verdicts = []
    for url, username in PAGES:
        print(f"\n{url} ({username})")
        base = results[1][url]
        flat = fast = not isinstance(base, int)
        for size in sizes:
            row = results[size][url]
            if isinstance(row, int):
                flat = fast = False
                print(f"  {size:4d}×  answered HTTP {row}")
                continue
            p50, p95, q = row
            line = f"  {size:4d}×  p50 {p50 * 1000:8.1f} ms"
            if size == 1 or isinstance(base, int):
                print(f"{line}{'':11s}p95 {p95 * 1000:8.1f} ms{'':13s}{q:5d} SQL")
                continue
            ratio, ok_time, ok_sql = p95 / base[1], p95 / base[1] <= P95_TARGET, abs(q - base[2]) <= QUERY_SLACK
            fast &= ok_time
            flat &= ok_sql
            print(f"{line} ({p50 / base[0]:5.1f}×)  p95 {p95 * 1000:8.1f} ms ({ratio:5.1f}×) {mark(ok_time)}  "
                  f"{q:5d} SQL ({q / base[2]:.2f}×, {q - base[2]:+d}) {mark(ok_sql)}")
        top = results[sizes[-1]][url]
        shown = ("—" if isinstance(base, int) or isinstance(top, int)
                 else f"SQL {base[2]:4d} → {top[2]:5d} {mark(flat)}   p95 {top[1] / base[1]:7.1f}× {mark(fast)}")
        verdicts.append((url, flat and fast, shown))
    print(f"\ntargets at {sizes[-1]}× (SQL within ±{QUERY_SLACK} of 1×; p95 ≤ {P95_TARGET:g}× p95 at 1×)")
    for url, _, shown in verdicts:
        print(f"  {url:24s} {shown}")
    print(f"  {sum(ok for _, ok, _ in verdicts)} of {len(verdicts)} pages meet both targets")


# -- throughput -----------------------------------------------------------------------------------

WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration, n,
                         e.connect + e.read + e.write + e.timeout, latency:percentile(95)))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login_cookie(base_url, username):
    """Log in once over HTTP; returns the "name=value" of the session cookie."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    token = CSRF.search(opener.open(base_url + "/login").read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": DEMO_PASSWORD, "csrf_token": token}).encode()
    try:
        opener.open(base_url + "/login", form)
    except urllib.error.HTTPError as exc:  # the redirect after a successful login
        assert exc.code == 302, f"login as {username} answered {exc.code}"
    cookie = next(c for c in jar if c.name == "portal_session")
    return f"{cookie.name}={cookie.value}"


def status_of(url, cookie):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(urllib.request.Request(url, headers={"Cookie": cookie})).status
    except urllib.error.HTTPError as exc:
        return exc.code


def start_gunicorn(path, port, workers=2, app="bare_wsgi:app"):
    env = dict(os.environ, PORTAL_INSTANCE=path)
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--pythonpath", BENCH, app], cwd=ROOT, env=env)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def ensure_wrk():
    if shutil.which("wrk") is None:
        subprocess.run([os.path.join(ROOT, "scripts", "apt-ensure.sh"), "wrk"], check=True)
    version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()
    return version[1] if len(version) > 1 else "?"


def wrk(url, cookie, seconds, connections, script):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script,
                          "-H", f"Cookie: {cookie}", url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    requests, duration_us, bad, errors, p95_us = (int(x) for x in line.split()[1:])
    return requests / (duration_us / 1e6), bad + errors, p95_us / 1000


def throughput(path, seconds, connections):
    version = ensure_wrk()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    script = os.path.join(tempfile.mkdtemp(prefix="bench-wrk-"), "cookie.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)
    server = start_gunicorn(path, port)
    pure_port = free_port()
    pure_server = start_gunicorn(path, pure_port, app="bare_wsgi:pure")
    pure_url = f"http://127.0.0.1:{pure_port}/bench-bare"
    try:
        cookies = {username: login_cookie(base_url, username) for username in {u for _, u in PAGES}}
        targets = [("/bench-bare", "office")] + PAGES
        for url, username in targets:
            status = status_of(base_url + url, cookies[username])
            assert status == 200, f"{url} answered {status} to {username}'s session"
        print(f"\nthroughput: gunicorn, 2 sync workers, 1× instance; wrk {version}, 1 thread, {connections} "
              f"connections, {seconds} s per URL, one login's session cookie; /bench-bare is measured before "
              f"each page and after the last, and each page is compared with the mean of the two around it")
        flask_only = [wrk(pure_url, "", seconds, connections, script)[0]]
        bare = [wrk(base_url + "/bench-bare", cookies["office"], seconds, connections, script)]
        rows = []
        for url, username in PAGES:
            rows.append((url, wrk(base_url + url, cookies[username], seconds, connections, script)))
            bare.append(wrk(base_url + "/bench-bare", cookies["office"], seconds, connections, script))
        flask_only.append(wrk(pure_url, "", seconds, connections, script)[0])
        rates = [rps for rps, _, _ in bare]
        failed = sum(f for _, f, _ in bare)
        pure_rate = statistics.mean(flask_only)
        print(f"  {'Flask alone':24s} {pure_rate:8.1f} req/s  (the same route in an app with nothing else; "
              f"{min(flask_only):.1f}–{max(flask_only):.1f} before and after)")
        print(f"  {'/bench-bare':24s} {statistics.mean(rates):8.1f} req/s  (baseline: {min(rates):.1f}–{max(rates):.1f} "
              f"over {len(rates)} runs; the portal's request cycle is 1/{pure_rate / statistics.mean(rates):.1f} "
              f"of Flask alone){f'  {failed} non-200' if failed else ''}")
        meets = [0, 0]
        for n, (url, (rps, failed, p95)) in enumerate(rows):
            share, share_pure = rps / ((rates[n] + rates[n + 1]) / 2), rps / pure_rate
            meets[0] += share >= THROUGHPUT_TARGET
            meets[1] += share_pure >= THROUGHPUT_TARGET
            print(f"  {url:24s} {rps:8.1f} req/s  p95 {p95:7.1f} ms  1/{1 / share:5.1f} of bare "
                  f"{mark(share >= THROUGHPUT_TARGET)}  1/{1 / share_pure:5.1f} of Flask alone "
                  f"{mark(share_pure >= THROUGHPUT_TARGET)}{f'  {failed} non-200' if failed else ''}")
        print(f"  target ≥ 1/{1 / THROUGHPUT_TARGET:g}: {meets[0]} of {len(rows)} pages against /bench-bare, "
              f"{meets[1]} of {len(rows)} against Flask alone")
    finally:
        for running in (server, pure_server):
            running.terminate()
            running.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="multiples of the demo, e.g. 1,10 (1× is always measured: the baseline)")
    parser.add_argument("--runs", type=int, default=10, help="timed requests per page and size")
    parser.add_argument("--pages", default="", help="only the pages whose URL starts with one of these, comma-separated")
    parser.add_argument("--throughput", action="store_true", help="also requests/s under gunicorn (1× instance)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per URL (--throughput)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (--throughput)")
    args = parser.parse_args()
    sizes = sorted({1, *(int(s) for s in args.sizes.split(","))})  # 1× is always the baseline
    if args.pages:
        prefixes = tuple(args.pages.split(","))
        PAGES[:] = [(url, username) for url, username in PAGES if url.startswith(prefixes) and
                    (url != "/" or "/" in prefixes)]

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    start = time.perf_counter()
    base = data.demo_instance()
    print(f"build    1×: {time.perf_counter() - start:6.1f} s  (migrations and portal.demo.seed())")
    paths = {}
    for size in sizes:
        start = time.perf_counter()
        paths[size], counts = data.instance(size, base)
        if size > 1:
            shown = ", ".join(f"{t} {counts[t]:,}" for t in ("petition", "petitioner", "dispute", "supervised_item",
                                                                "legal_session", "attendance", "audit_log"))
            print(f"build {size:4d}×: {time.perf_counter() - start:6.1f} s  ({shown})")
    start = time.perf_counter()
    results = measure({size: Instance(path) for size, path in paths.items()}, args.runs)
    print(f"measured in {time.perf_counter() - start:.0f} s ({args.runs} runs per page and size, sizes in turn)")
    report(sizes, results)
    if args.throughput:
        throughput(paths.get(1) or data.instance(1, base)[0], args.seconds, args.connections)


if __name__ == "__main__":
    main()
