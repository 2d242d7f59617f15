"""Fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), clients logged in as any role, and record factories."""
import io
import os
import re
import shutil
import threading
from urllib.parse import urlsplit, urlunsplit

import pytest

from portal import clock, create_app
from portal.cli import libpq_url
from portal.db import database, migrate
from portal.models import Notification, User
from portal.units.services import create_unit
from portal.users.services import create_user

PASSWORD = "correct-horse-battery"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _postgres_admin(url, *statements):
    """Run statements on the server of `url`, connected to its maintenance database (a database cannot
    be dropped or copied while connected to)."""
    import psycopg2

    parts = urlsplit(libpq_url(url))
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    conn.close()


def _database_name(url):
    return urlsplit(url).path.lstrip("/")


TEST_CONFIG = {
    "TESTING": True,
    # Cheap argon2 parameters: the tests check behaviour, not hashing cost.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
}


def _close_database():
    if hasattr(database.obj, "close_all"):
        database.obj.close_all()
    elif not database.is_closed():
        database.close()


def _template(folder, config, seed):
    """A database made once per run, for the tests to copy: the migrations applied, and the demo seeded
    when asked (on today's date). On PostgreSQL a template database copied from `config`'s (if any)."""
    config = {**TEST_CONFIG, "INSTANCE_PATH": str(folder), **config}
    app = create_app(config)
    from portal.tasks import huey

    huey.immediate = True
    with app.app_context():
        migrate()
        if seed:
            from portal.demo import seed as seed_demo

            seed_demo()
    _close_database()


def _fresh_postgres(name, template=None):
    """(Re)create the database `name` on the test server, empty or as a copy of `template`; its URL."""
    _postgres_admin(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                    f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return urlunsplit(urlsplit(TEST_DATABASE_URL)._replace(path="/" + name))


def _build_template(tmp_path_factory, kind, base=None, seed=False):
    """An instance folder (with its SQLite file) and on PostgreSQL a template database, built from `base`
    (another template) or from nothing; returns (folder, database name or None)."""
    folder = tmp_path_factory.mktemp(kind)
    if base:
        shutil.copytree(base[0], folder, dirs_exist_ok=True)
    name, config = None, {}
    if TEST_DATABASE_URL:
        name = _database_name(TEST_DATABASE_URL) + "_" + kind
        config["DATABASE_URL"] = _fresh_postgres(name, base[1] if base else None)
    _template(folder, config, seed)
    return folder, name


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """The migrated schema, built once per run by the migrations themselves: an instance folder (its
    SQLite file) each test copies, or on PostgreSQL a template database each test's database is created
    from (instead of running every migration for every test). Returns (folder, database name or None)."""
    return _build_template(tmp_path_factory, "template")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, migrated_template):
    """The same with the demo seeded (portal.demo.seed(), about ten seconds), for the tests that ask for
    the `demo` fixture: seeded once per run, not once per test."""
    return _build_template(tmp_path_factory, "demo", base=migrated_template, seed=True)


@pytest.fixture
def app(request, tmp_path):
    """An app on its own fresh copy of the migrated database, or of the demo when the test also asks for
    the `demo` fixture (the instance folder is copied with it: uploads, cached PDFs)."""
    folder, database_name = request.getfixturevalue(
        "demo_template" if "demo" in request.fixturenames else "migrated_template")
    shutil.copytree(folder, tmp_path / "instance")
    if database_name:
        _fresh_postgres(_database_name(TEST_DATABASE_URL), database_name)
    app = create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": TEST_DATABASE_URL})
    from portal.tasks import huey

    huey.immediate = True  # background jobs run in-process, synchronously
    with app.app_context():
        migrate()  # nothing left to apply: checks the copy is current
    # No app context stays open: requests would share its `g` (and Flask-Login's cached user).
    yield app
    clock.set_frozen(None)
    _close_database()


@pytest.fixture
def demo(app):
    """The demo (portal.demo.seed() on today's date) in the test's app: its database is a copy of one
    seeded once per run (see `app`)."""
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class World:
    """A small tree: the bureau, two branches each with a grassroots unit."""

    def __init__(self, app):
        self.app = app
        with app.app_context():
            self._build()
        self.users = {}

    def _build(self):
        self.bureau = create_unit(name="测试商务局", code="T-SWJ", kind="bureau", parent=None, head_name="甲局长")
        self.office_unit = create_unit(name="测试政工股", code="T-ZG", kind="office", parent=self.bureau)
        self.branch = create_unit(name="测试行办", code="T-XB", kind="trade_office", parent=self.bureau)
        self.shop = create_unit(name="测试商店", code="T-SD", kind="grassroots", parent=self.branch)
        self.other_branch = create_unit(name="界外总公司", code="T-ZGS", kind="company", parent=self.bureau)
        self.other_shop = create_unit(name="界外基层单位乙", code="T-YI", kind="grassroots", parent=self.other_branch)

    def user(self, role, unit=None, username=None):
        """A user with this role; unit roles default to the in-scope shop, bureau roles to the office."""
        if unit is None:
            unit = self.office_unit if role in ("admin", "leader", "office", "inspector") else self.shop
        username = username or f"{role}_{unit.code.lower()}"
        existing = User.get_or_none(User.username == username)
        if existing:
            return existing
        with self.app.app_context():
            user = create_user(username=username, display_name=f"{role}测试员", role=role, unit=unit, password=PASSWORD)
        self.users[username] = user
        return user


@pytest.fixture
def world(app):
    return World(app)


def csrf_token(client):
    """The CSRF token a page hands to htmx through hx-headers."""
    html = client.get("/login").get_data(as_text=True)
    if "X-CSRFToken" not in html:  # logged in: /login redirects
        html = client.get("/account").get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


class PortalClient:
    """A logged-in test client that sends the CSRF token the way htmx does."""

    def __init__(self, flask_client, user):
        self.raw = flask_client
        self.user = user
        self.token = csrf_token(flask_client)

    def get(self, url, htmx=False, **kwargs):
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        return self.raw.get(url, headers=headers, **kwargs)

    def post(self, url, data=None, htmx=False, **kwargs):
        headers = kwargs.pop("headers", {})
        headers["X-CSRFToken"] = self.token
        if htmx:
            headers["HX-Request"] = "true"
        return self.raw.post(url, data=data or {}, headers=headers, **kwargs)


def login(flask_client, username, password=PASSWORD):
    token = csrf_token(flask_client)
    return flask_client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(app, world):
    """login_as("office") or login_as(user) -> a PortalClient signed in as that user."""

    def _login(who):
        user = who if isinstance(who, User) else world.user(who)
        flask_client = app.test_client()
        response = login(flask_client, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return PortalClient(flask_client, user)

    return _login


@pytest.fixture
def live_server(app):
    """The app served over HTTP from a background thread, for the browser tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # A busy CI machine is slow, not wrong: live updates get 15 s instead of Playwright's 5 s.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    # Script errors and CSP violations; a 422 form answer is expected and not an error.
    page.console_errors = []
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    page.on("console", lambda msg: page.console_errors.append(msg.text)
            if msg.type == "error" and "status of 422" not in msg.text else None)
    yield page
    context.close()


class QueryCounter:
    """Counts the SQL statements run inside `with count_queries() as q:` (q.count, q.statements)."""

    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app, monkeypatch):
    """A context manager counting the statements the database runs, e.g. to show that a list page
    costs the same number of queries at two data sizes. Pages count their nav's to-dos on every request
    meanwhile (none kept from an earlier one: TODO_COUNT_SECONDS), so two counts compare alike."""
    from contextlib import contextmanager

    db = database.obj
    monkeypatch.setitem(app.config, "TODO_COUNT_SECONDS", 0)

    @contextmanager
    def counting():
        counter = QueryCounter()
        original = db.execute_sql

        def execute_sql(sql, params=None, *args, **kwargs):
            counter.statements.append(sql)
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(db, "execute_sql", execute_sql)
        try:
            yield counter
        finally:
            monkeypatch.setattr(db, "execute_sql", original)

    return counting


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Storage:
    """An uploaded file as a service receives it."""

    def __init__(self, name, data):
        self.filename, self.stream = name, io.BytesIO(data)


class Outside:
    """What a module's demo `outside(ctx)` needs to make records of a unit no test user may see."""

    def __init__(self, world):
        self.unit = world.other_shop
        self.user = world.user("unit_clerk", unit=world.other_shop)
        self.office = world.user("office")
        self.inspector = world.user("inspector")


@pytest.fixture
def outside(app, world):
    """Records of 界外基层单位乙, which no user of 测试商店 may see, and the URL values that name them:
    the core's here, each module's from the `outside()` of the demo its manifest declares."""
    ctx = Outside(world)
    values = {}
    with app.app_context():
        from portal.attachments.services import save

        attachment = save("unit", world.other_shop, Storage("界外档案.pdf", PDF), ctx.user)
        from portal import modules

        for manifest in modules.manifests():
            demo = manifest.demo_module()
            if demo is not None and hasattr(demo, "outside"):
                values.update(demo.outside(ctx))
    notification = Notification.select().where(Notification.user == ctx.user.id).first()
    return values | {
        "notification_id": notification.id,
        "unit_id": world.other_shop.id,
        "user_id": ctx.user.id,
        "attachment_id": attachment.id,
        "owner_type": "unit",
        "owner_id": world.other_shop.id,
    }


