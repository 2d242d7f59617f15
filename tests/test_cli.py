"""The flask --app portal commands and the instance folder."""
import os
import sqlite3
import stat

import pytest

from portal.db import database, is_postgres
from portal.demo import DEMO_PASSWORD, USERS
from portal.models import Unit, User
from portal.security import verify_password


def test_init_db_is_idempotent(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "up to date" in result.output
    assert runner.invoke(args=["init-db"]).exit_code == 0


def test_seed_demo_builds_the_bureau_once(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    units, users = Unit.select().count(), User.select().count()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert (Unit.select().count(), User.select().count()) == (units, users)

    bureau = Unit.get(Unit.parent.is_null())
    assert bureau.name == "县商务局"
    offices = {u.name for u in bureau.children if u.kind == "office"}
    assert offices == {"政工股", "改制股"}
    second = [u for u in bureau.children if u.kind != "office"]
    assert 4 <= len(second) <= 5 and "矛盾纠纷排查调处中心" in {u.name for u in second}
    grassroots = Unit.select().where(Unit.level == 3)
    assert 15 <= grassroots.count() <= 20
    waimao, shop = Unit.get(Unit.name == "县对外贸易公司"), Unit.get(Unit.name == "315商店")
    assert not waimao.contains(shop) and not shop.contains(waimao) and waimao.parent_id != shop.parent_id

    assert {u[0] for u in USERS} == {"admin", "leader", "office", "inspector", "head_waimao", "head_315", "clerk_315", "informant"}
    with app.app_context():
        for username, *_ in USERS:
            assert verify_password(User.get(User.username == username).password_hash, DEMO_PASSWORD)
    assert User.get(User.username == "head_waimao").unit_id == waimao.id
    assert User.get(User.username == "clerk_315").unit_id == shop.id

    from portal.models import SupervisedItem
    from portal.supervision.urgency import urgency

    with app.app_context():
        colours = {urgency(item).colour for item in SupervisedItem.select()}
    assert {"red", "yellow", "blue", "reported", "normal"} <= colours

    from portal.agreements.grading import grade
    from portal.models import Agreement, Sanction

    verdict = grade(Agreement.get(Agreement.unit == shop.id))
    assert verdict.grade == "不合格" and "一票否决" in verdict.reasons[0]
    assert Sanction.select().where(Sanction.kind == "yellow").count() == 1


def test_seed_demo_if_empty_leaves_existing_data_alone(runner, world):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in result.output
    assert not Unit.select().where(Unit.name == "县商务局").exists()


def test_create_user(runner, world):
    result = runner.invoke(args=["create-user", "wangwu", "--role", "office", "--unit", world.office_unit.code,
                                 "--name", "王五", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    assert User.get(User.username == "wangwu").role == "office"
    result = runner.invoke(args=["create-user", "shortpw", "--role", "office", "--unit", world.office_unit.code,
                                 "--name", "短", "--password", "short"])
    assert result.exit_code != 0 and "at least 10" in result.output
    result = runner.invoke(args=["create-user", "nounit", "--role", "office", "--unit", "NOPE",
                                 "--name", "无", "--password", "a-long-password"])
    assert result.exit_code != 0 and "no unit" in result.output


def test_backup_writes_database_and_uploads(runner, app, login_as, world, tmp_path):
    import io

    clerk = login_as("unit_clerk")
    clerk.post(f"/attachments/unit/{world.shop.id}", {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "档案.pdf")},
               htmx=True, content_type="multipart/form-data")
    target = tmp_path / "backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    uploads = [f for _, _, files in os.walk(target / "uploads") for f in files]
    assert len(uploads) == 1
    if is_postgres():
        dump = (target / "portal.sql").read_text()
        assert "CREATE TABLE public.unit" in dump and "测试商店" in dump
    else:
        copy = sqlite3.connect(target / "portal.db")
        assert copy.execute("select count(*) from unit").fetchone()[0] == Unit.select().count()
        copy.close()
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # never overwrites


def test_secret_key_is_generated_private_and_stable(app):
    path = os.path.join(app.instance_path, "secret_key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    from portal.settings import load_or_create_secret

    assert load_or_create_secret(app.instance_path) == open(path).read().strip() == app.config["SECRET_KEY"]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if is_postgres():
        pytest.skip("SQLite only")
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert app.config["SQLITE_PATH"].startswith(app.instance_path)
