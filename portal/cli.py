"""Owns the `flask --app portal` commands: init-db, seed-demo, create-user, backup."""
import json
import os
import shutil
import sqlite3
import subprocess

import click
from flask import current_app
from flask.cli import with_appcontext

from . import clock, db
from .models.users import ROLES


def init_app(app):
    app.cli.add_command(init_db_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(remind_command)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database or apply pending migrations (safe to run again)."""
    applied = db.migrate()
    click.echo(f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "database is up to date")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only load the demo when the database has no units yet.")
def seed_demo_command(if_empty):
    """Load the fictional demo bureau, its units and demo accounts (idempotent)."""
    from .demo import seed

    db.migrate()
    if if_empty and not db.is_empty():
        click.echo("database already has data; demo not loaded")
        return
    with db.database.connection_context(), db.database.atomic():  # all of the demo, or none of it
        created = seed()
    click.echo(f"demo data ready ({created} new record(s))")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--unit", "unit_code", required=True, help="Code of the user's unit, e.g. SWJ.")
@click.option("--name", "display_name", required=True, help="The person's name as shown in the portal.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username, role, unit_code, display_name, password):
    """Create a user account (the first admin is created this way)."""
    from .models import Unit
    from .users.services import create_user
    from .workflow import RuleError

    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.ClickException(f"password must have at least {minimum} characters")
    with db.database.connection_context():
        unit = Unit.get_or_none(Unit.code == unit_code)
        if unit is None:
            raise click.ClickException(f"no unit with code {unit_code!r}")
        try:
            create_user(username=username, display_name=display_name, role=role, unit=unit, password=password)
        except RuleError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"created user {username}")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(file_okay=False))
def backup_command(path):
    """Write a consistent online copy of the database and uploads into the folder PATH."""
    if os.path.exists(path) and os.listdir(path):
        raise click.ClickException(f"{path} exists and is not empty")
    os.makedirs(path, exist_ok=True)
    url = current_app.config.get("DATABASE_URL")
    if url:
        target = os.path.join(path, "portal.sql")
        # pg_dump takes a consistent snapshot while the portal keeps running.
        subprocess.run(["pg_dump", "--no-owner", "--file", target, libpq_url(url)], check=True)
    else:
        target = os.path.join(path, "portal.db")
        source = sqlite3.connect(current_app.config["SQLITE_PATH"])
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)  # SQLite's online backup API: consistent even with writers active
        dest.close()
        source.close()
    # Uploads are write-once under unique names and never deleted, so copying them after the
    # database snapshot yields every file the snapshot references.
    shutil.copytree(current_app.config["UPLOAD_FOLDER"], os.path.join(path, "uploads"), dirs_exist_ok=True)
    with open(os.path.join(path, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"created_utc": clock.now().isoformat(), "database": os.path.basename(target)}, fh)
    click.echo(f"backup written to {path}")


@click.command("remind")
@with_appcontext
def remind_command():
    """The daily run (from cron): each module's daily jobs (deadlines that open by the calendar, such as a
    quarter's meetings or screening reports owed), then today's supervision digest to everyone with open
    to-dos."""
    from . import modules
    from .supervision.services import daily_digest

    with db.database.connection_context():
        for job in modules.collect("daily_jobs"):
            click.echo(job())
        count = daily_digest()
    click.echo(f"reminded {count} user(s)")


def libpq_url(url):
    """peewee's postgresql+pool://... URL as one libpq understands (no pool suffix, no pool options)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0].replace("postgresext", "postgresql")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in ("max_connections", "stale_timeout", "timeout")])
    return urlunsplit((scheme, parts.netloc, parts.path, query, ""))
