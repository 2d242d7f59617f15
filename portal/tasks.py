"""Owns background jobs (huey, SQLite storage in the instance folder): one task runs a job by name.

Modules register their job handlers by name (`@tasks.handler("agreements.print")`) and start them with
`tasks.launch(name, *args)`, so this module imports none of them. The worker:
`.venv/bin/huey_consumer portal.tasks.huey` (make run starts it beside gunicorn); it builds the app,
which imports every module and so registers every handler. Tests run jobs in-process with
huey.immediate = True.
"""
import os
from contextlib import nullcontext

from flask import has_app_context
from huey import SqliteHuey
from huey.storage import SqliteStorage

from . import settings


class InstanceStorage(SqliteStorage):
    """huey's SQLite storage, opened on first use rather than at import: importing the package creates
    no folder or file."""

    def __init__(self, name="huey", **kwargs):
        super().__init__(name, create_tables=False, **kwargs)

    def _create_connection(self):
        os.makedirs(os.path.dirname(self.filename), exist_ok=True)
        conn = super()._create_connection()
        for statement in self.ddl:  # "create ... if not exists": cheap on every new connection
            conn.execute(statement)
        return conn


# The same instance folder as the app's (PORTAL_INSTANCE or the default), from the same function.
huey = SqliteHuey("portal", filename=os.path.join(settings.instance_path(), "huey.db"), storage_class=InstanceStorage)
HANDLERS = {}
_worker_app = None


def handler(name):
    """Register a job handler under a name: fn(*args), run inside an app context by the worker."""

    def decorator(fn):
        if name in HANDLERS:
            raise KeyError(f"job handler {name!r} is registered twice")
        HANDLERS[name] = fn
        return fn

    return decorator


def launch(name, *args):
    """Queue a registered job (run at once, in-process, when huey.immediate)."""
    if name not in HANDLERS:
        raise KeyError(f"unknown job {name!r}; register it with @tasks.handler")
    return run_job(name, *args)


def app_context():
    """The worker builds its own app once; in-process (immediate) runs reuse the caller's."""
    global _worker_app
    if has_app_context():
        return nullcontext()
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app()
    return _worker_app.app_context()


@huey.task()
def run_job(name, *args):
    from .db import database

    with app_context(), database.connection_context():
        HANDLERS[name](*args)
