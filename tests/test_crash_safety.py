"""Crash safety on the embedded SQLite database: an online backup taken while a writer loops is a
consistent copy, and a worker killed with SIGKILL in the middle of its writes leaves the database
consistent. A writer's transaction adds a pair of audit rows, so a torn write would show as a pair
with one row missing."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="PostgreSQL is crash-safe by itself; this is about SQLite")

WRITER = textwrap.dedent("""
    import sys
    from portal import create_app
    from portal.db import database
    from portal.models import AuditLog

    app = create_app({"INSTANCE_PATH": sys.argv[1]})
    with app.app_context(), database.connection_context():
        n = int(sys.argv[2]) * 1_000_000
        while True:
            n += 1
            with database.atomic():
                AuditLog.create(action="crash_test", object_type="pair", object_id=n, summary="first")
                AuditLog.create(action="crash_test", object_type="pair", object_id=n, summary="second")
            if n % 1_000_000 == 1:
                print("writing", flush=True)
""")


def start_writer(instance, run=0):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, instance, str(run)], stdout=subprocess.PIPE,
                            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert proc.stdout.readline().strip() == b"writing"
    return proc


def check_consistent(path):
    """integrity_check passes and no transaction was torn; returns the number of pairs."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        torn = db.execute("SELECT object_id FROM audit_log WHERE action = 'crash_test' GROUP BY object_id "
                          "HAVING COUNT(*) != 2").fetchall()
        assert torn == []
        return db.execute("SELECT COUNT(DISTINCT object_id) FROM audit_log WHERE action = 'crash_test'").fetchone()[0]
    finally:
        db.close()


def test_backup_while_a_writer_loops_is_a_consistent_copy(app, runner, tmp_path):
    writer = start_writer(app.instance_path)
    try:
        time.sleep(0.5)
        result = runner.invoke(args=["backup", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        time.sleep(0.3)
    finally:
        writer.kill()
        writer.wait()
    copied = check_consistent(tmp_path / "backup" / "portal.db")
    live = check_consistent(app.config["SQLITE_PATH"])
    assert 0 < copied <= live
    # The copy holds whole tables as of one instant: every other table's rows match the live database.
    copy, original = sqlite3.connect(tmp_path / "backup" / "portal.db"), sqlite3.connect(app.config["SQLITE_PATH"])
    tables = [t for (t,) in original.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' AND name != 'audit_log'")]
    assert tables
    for table in tables:
        assert (copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
                == original.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()), table
    copy.close()
    original.close()


def test_a_worker_killed_mid_write_leaves_the_database_consistent(app):
    for run in range(3):
        writer = start_writer(app.instance_path, run)
        time.sleep(0.4)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    assert check_consistent(app.config["SQLITE_PATH"]) > 0
