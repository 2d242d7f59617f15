"""The locustfile of bench/load.py: what each kind of portal user does. bench/load.py prepares the
instance and the accounts (BENCH_ACCOUNTS), runs this headless and reads the results it writes
(BENCH_RESULTS); on its own, against a running portal with the demo accounts:

    .venv/bin/locust -f bench/load_users.py --headless -u 30 -r 30 -t 120s --host http://127.0.0.1:5000
"""
import json
import os
import random
import re
import threading
import time
import uuid
from itertools import count

from locust import HttpUser, between, events, task

from load import MIX, PASSWORD, TITLE_PREFIX

CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
DEMO_ACCOUNTS = {"office": ["office"], "leader": ["leader"], "unit_head": ["head_315", "head_waimao"]}

_accounts = json.load(open(os.environ["BENCH_ACCOUNTS"])) if os.environ.get("BENCH_ACCOUNTS") else DEMO_ACCOUNTS
_counts = json.loads(os.environ.get("BENCH_MIX", json.dumps(MIX)))
_think = [float(x) for x in os.environ.get("BENCH_THINK", "0.5,2").split(",")]
_next = {role: count() for role in MIX}
_lock = threading.Lock()
# What the server answered: successes to check afterwards, refusals and 5xx per kind of request.
ledger = {"registered": [], "accepted": [], "steps": [], "refused": {}, "server_errors": {}, "other_errors": {}}
_started = []


def _bump(key, name):
    ledger[key][name] = ledger[key].get(name, 0) + 1


class PortalUser(HttpUser):
    abstract = True
    role = None
    wait_time = between(*_think)

    def on_start(self):
        pool = _accounts[self.role]
        self.username = pool[next(_next[self.role]) % len(pool)]
        page = self.client.get("/login", name="GET /login").text
        token = CSRF.search(page).group(1)
        with self.client.post("/login", data={"username": self.username, "password": PASSWORD, "csrf_token": token},
                              name="POST /login", allow_redirects=False, catch_response=True) as response:
            self.check(response, "POST /login", ok=(302,))
        self.page("/", "GET /")

    def check(self, response, name, ok=(200,), refused=()):
        """Judge one answer: ok, refused by a rule (422: someone else was first), or a failure."""
        if response.status_code in ok:
            response.success()
            return True
        if response.status_code in refused:
            _bump("refused", name)
            response.success()
            return False
        _bump("server_errors" if response.status_code >= 500 else "other_errors", name)
        response.failure(f"HTTP {response.status_code}")
        return False

    def page(self, url, name):
        """GET a page; returns its HTML (and keeps its CSRF token), or None."""
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if not self.check(response, name):
                return None
            html = response.text
        found = CSRF.search(html)
        if found:
            self.csrf = found.group(1)
        return html

    def htmx_post(self, url, name, data):
        """An htmx step: 200 done, 422 refused with a reason."""
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf}
        with self.client.post(url, name=name, data=data, headers=headers, catch_response=True,
                              allow_redirects=False) as response:
            return self.check(response, name, ok=(200,), refused=(422,))

    def todo_items(self):
        html = self.page("/todo", "GET /todo") or ""
        return sorted(set(re.findall(r'href="/supervision/(\d+)"', html)))

    def item_step(self, item_id, actions, note=""):
        """Open an item and take the first of `actions` its page offers."""
        html = self.page(f"/supervision/{item_id}", "GET /supervision/<id>") or ""
        version = re.search(r'name="version" value="(\d+)"', html)  # the page's version, as a browser sends it
        for action in actions:
            if f"/supervision/{item_id}/step/{action}" in html and version:
                if self.htmx_post(f"/supervision/{item_id}/step/{action}", f"POST supervision {action}",
                                  {"note": note, "version": version.group(1)}):
                    with _lock:
                        ledger["steps"].append([int(item_id), action, self.username])
                return


class OfficeStaff(PortalUser):
    role = "office"
    fixed_count = _counts["office"]
    ledger_ids = ()

    @task(4)
    def ledger_page(self):
        html = self.page("/petitions/", "GET /petitions/")
        if html:
            self.ledger_ids = re.findall(r'href="/petitions/(\d+)"', html)

    @task(2)
    def case(self):
        if self.ledger_ids:
            self.page(f"/petitions/{random.choice(self.ledger_ids)}", "GET /petitions/<id>")

    @task(1)
    def dashboard(self):
        self.page("/", "GET /")

    @task(1)
    def todo(self):
        self.page("/todo", "GET /todo")

    @task(1)
    def board(self):
        self.page("/supervision/", "GET /supervision/")

    @task(3)
    def register(self):
        html = self.page("/petitions/new", "GET /petitions/new")
        if not html:
            return
        field = lambda name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)  # noqa: E731
        categories = re.findall(r'<option value="(\d+)"', re.search(r'name="category">(.*?)</select>', html, re.S).group(1))
        group = random.random() < 0.2
        title = f"{TITLE_PREFIX} {uuid.uuid4().hex[:12]}"
        form = {"csrf_token": field("csrf_token"), "token": field("token"), "received_on": field("received_on"),
                "channel": random.choice(["visit", "letter", "phone", "online"]), "headcount": 8 if group else 1,
                "category": random.choice(categories), "concerned_unit": "0", "title": title,
                "request": "要求补发拖欠工资。", "persons-0-name": random.choice("王李张刘陈杨") + "某某",
                "persons-0-phone": f"139{random.randrange(10 ** 7, 10 ** 8)}"}
        if group:
            form["persons-0-is_leader"] = "y"
        with self.client.post("/petitions/new", name="POST /petitions/new", data=form,
                              files={"letter": ("", b"", "application/octet-stream")}, allow_redirects=False,
                              catch_response=True) as response:
            if self.check(response, "POST /petitions/new", ok=(302,), refused=(422,)):
                found = re.search(r"/petitions/(\d+)$", response.headers.get("Location", ""))
                with _lock:
                    ledger["registered"].append([int(found.group(1)) if found else None, title])

    @task(2)
    def accept(self):
        html = self.page("/petitions/?state=registered", "GET /petitions/?state=registered")
        ids = re.findall(r'href="/petitions/(\d+)"', html or "")
        if not ids:
            return
        petition_id = random.choice(ids)
        detail = self.page(f"/petitions/{petition_id}", "GET /petitions/<id>") or ""
        version = re.search(r'name="version" value="(\d+)"', detail)
        on = re.search(r'name="on" value="([\d-]+)"', detail)
        if f"/petitions/{petition_id}/step/accept" in detail and version and on:
            if self.htmx_post(f"/petitions/{petition_id}/step/accept", "POST petition accept",
                              {"version": version.group(1), "on": on.group(1), "note": "属本系统职责范围，予以受理。"}):
                with _lock:
                    ledger["accepted"].append(int(petition_id))


class Leader(PortalUser):
    role = "leader"
    fixed_count = _counts["leader"]

    @task(2)
    def dashboard(self):
        self.page("/", "GET /")

    @task(2)
    def board(self):
        self.page("/supervision/", "GET /supervision/")

    @task(1)
    def ledger_page(self):
        self.page("/petitions/", "GET /petitions/")

    @task(1)
    def agreements(self):
        self.page("/agreements/", "GET /agreements/")

    @task(1)
    def vetoes(self):
        self.page("/veto/", "GET /veto/")

    @task(3)
    def approve(self):
        items = self.todo_items()
        if items:
            self.item_step(random.choice(items), ["close"], "同意销号。")


class UnitHead(PortalUser):
    role = "unit_head"
    fixed_count = _counts["unit_head"]

    @task(2)
    def dashboard(self):
        self.page("/", "GET /")

    @task(1)
    def ledger_page(self):
        self.page("/petitions/", "GET /petitions/")

    @task(1)
    def agreements(self):
        self.page("/agreements/", "GET /agreements/")

    @task(1)
    def legal(self):
        self.page("/legal/", "GET /legal/")

    @task(4)
    def work(self):
        items = self.todo_items()
        if items:
            self.item_step(random.choice(items), ["acknowledge", "report"], "已按要求办结，相关记录已归档。")


@events.test_start.add_listener
def _test_start(environment, **kwargs):
    _started.append(time.time())


@events.test_stop.add_listener
def _test_stop(environment, **kwargs):
    if not os.environ.get("BENCH_RESULTS"):
        return
    elapsed = time.time() - _started[0]
    stats = {}
    for entry in [*environment.stats.entries.values(), environment.stats.total]:
        stats[entry.name] = {"requests": entry.num_requests, "failures": entry.num_failures,
                             "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else 0}
    with open(os.environ["BENCH_RESULTS"], "w") as f:
        json.dump({"elapsed": elapsed, "stats": stats, **ledger}, f)
