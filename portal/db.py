"""Owns the database: the proxy all models bind to, per-request connections and migrations."""
import os

from flask import request
from peewee import CharField, DatabaseProxy, Field, Model
from playhouse.db_url import connect
from playhouse.pool import PooledSqliteDatabase
from playhouse.migrations import Runner

database = DatabaseProxy()

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


class BaseModel(Model):
    __abstract__ = True  # a base of models, not a table

    class Meta:
        database = database
        legacy_table_names = False

    # Every write passes here (create and save go through insert/update): a text longer than its column
    # is refused with a Chinese message, on SQLite (which would store it) as on PostgreSQL (which would
    # fail with a 500), whatever form, import or service it came from.
    @classmethod
    def insert(cls, __data=None, **insert):
        _check_lengths(cls, __data, insert)
        return super().insert(__data, **insert)

    @classmethod
    def update(cls, __data=None, **update):
        _check_lengths(cls, __data, update)
        return super().update(__data, **update)

    @classmethod
    def insert_many(cls, rows, fields=None):
        rows = list(rows)
        for row in rows:
            if isinstance(row, dict):
                _check_lengths(cls, row, {})
        return super().insert_many(rows, fields)


def _check_lengths(model, data, kwargs):
    from .workflow import RuleError  # the one refusal type; workflow imports this module

    for key, value in list((data or {}).items()) + list(kwargs.items()):
        field = key if isinstance(key, Field) else model._meta.fields.get(key)
        if isinstance(field, CharField) and isinstance(value, str) and field.max_length \
                and len(value) > field.max_length:
            label = f"“{field.verbose_name}”" if field.verbose_name else "填写的内容"
            raise RuleError(f"{label}过长：最多 {field.max_length} 个字，现为 {len(value)} 个，请删减后重试。")


def make_database(app):
    """SQLite in WAL mode under the instance folder, or whatever DATABASE_URL names."""
    url = app.config.get("DATABASE_URL")
    if url:
        # e.g. postgresql+pool://portal@127.0.0.1:5432/portal?max_connections=20
        return connect(url)
    # Write transactions take the lock when they begin (BEGIN IMMEDIATE) and wait for it up to the busy
    # timeout: a transaction that read first and then wanted to write could not wait, only fail with
    # "database is locked" when another worker wrote meanwhile.
    # Pooled: a request takes an open connection instead of opening the file and setting the pragmas
    # anew (about half of a request's fixed cost); a connection serves one thread at a time.
    return PooledSqliteDatabase(
        app.config["SQLITE_PATH"],
        lock_type="IMMEDIATE",
        max_connections=app.config["SQLITE_POOL_SIZE"],
        stale_timeout=300,
        timeout=15,  # seconds a request waits for a free connection
        check_same_thread=False,
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "synchronous": "normal",
            "busy_timeout": 15000,
        },
    )


# The WSGI environ key marking a request a background job makes to a view of the app itself.
INNER_REQUEST = "portal.inner_request"


def init_app(app):
    db = make_database(app)
    database.initialize(db)
    app.extensions["database"] = db

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        # A request made inside a job (a module's printable produced for an archive, marked INNER_REQUEST)
        # leaves the job's connection open: the job closes it.
        if not database.is_closed() and not request.environ.get(INNER_REQUEST):
            database.close()


def is_postgres():
    return database.obj.__class__.__name__.lower().find("postgres") >= 0


def migrate():
    """Apply pending migrations; returns the names applied (empty when up to date)."""
    with database.connection_context():
        return Runner(database.obj, MIGRATIONS_DIR).up()


def is_empty():
    """True when no unit exists yet (a fresh database)."""
    from .models import Unit

    with database.connection_context():
        return not Unit.select().exists()
