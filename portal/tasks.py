"""Owns background jobs (huey, SQLite storage in the instance folder).

The worker: `.venv/bin/huey_consumer portal.tasks.huey` (make run starts it beside gunicorn).
Tests run tasks in-process with huey.immediate = True.
"""
import os
from contextlib import nullcontext

from flask import has_app_context
from huey import SqliteHuey


def _instance_path():
    return os.path.abspath(os.environ.get("PORTAL_INSTANCE")
                           or os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"))


os.makedirs(_instance_path(), exist_ok=True)
huey = SqliteHuey("portal", filename=os.path.join(_instance_path(), "huey.db"))
_worker_app = None


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
def build_print_job(job_id):
    from .agreements.printing import build
    from .db import database

    with app_context(), database.connection_context():
        build(job_id)
