"""The audit trail: a row for each change, written with it, never updated or deleted; the audit page."""
import pytest
from peewee import IntegrityError, DatabaseError

from portal.db import database
from portal.models import AuditLog
from portal.models.audit import AppendOnlyError


def actions_for(object_type, object_id):
    return [r.action for r in AuditLog.select().where(AuditLog.object_type == object_type, AuditLog.object_id == object_id).order_by(AuditLog.id)]


def test_unit_changes_are_audited_with_actor_and_values(login_as, world):
    office = login_as("office")
    office.post(f"/units/{world.shop.id}", {"name": "新名字", "code": world.shop.code, "kind": "grassroots",
                                             "parent": world.branch.id}, htmx=True)
    office.post(f"/units/{world.shop.id}/deactivate", htmx=True)
    office.post(f"/units/{world.shop.id}/activate", htmx=True)
    assert actions_for("unit", world.shop.id) == ["create", "update", "deactivate", "activate"]
    row = AuditLog.select().where(AuditLog.action == "update", AuditLog.object_id == world.shop.id).get()
    assert row.actor_id == office.user.id and row.actor_name == office.user.username
    assert row.unit_id == world.shop.id and row.ip == "127.0.0.1"
    assert ("name", "测试商店", "新名字") in row.changes()


def test_user_administration_is_audited(login_as, world):
    admin = login_as("admin")
    clerk = world.user("unit_clerk")
    admin.post(f"/users/{clerk.id}", {"display_name": "新姓名", "role": "unit_head", "unit": world.shop.id, "phone": ""})
    admin.post(f"/users/{clerk.id}/disable")
    admin.post(f"/users/{clerk.id}/enable")
    admin.post(f"/users/{clerk.id}/password", {"password": "another-long-pass", "confirm": "another-long-pass"})
    assert actions_for("user", clerk.id) == ["create", "update", "disable", "enable", "password_reset"]
    row = AuditLog.select().where(AuditLog.action == "update", AuditLog.object_id == clerk.id).get()
    assert ("role", "unit_clerk", "unit_head") in row.changes()
    assert "password_hash" not in (row.before or "") + (row.after or "")


def test_logins_failed_logins_and_logouts_are_audited(app, login_as, world):
    from conftest import login

    office = login_as("office")
    login(app.test_client(), office.user.username, "wrong-password-123")
    office.post("/logout")
    actions = [r.action for r in AuditLog.select().where(AuditLog.object_type == "session").order_by(AuditLog.id)]
    assert actions == ["login", "login_failed", "logout"]


def test_a_refused_change_writes_nothing(login_as, world):
    office = login_as("office")
    before = AuditLog.select().count()
    office.post(f"/units/{world.branch.id}", {"name": world.branch.name, "code": world.branch.code,
                                               "kind": "trade_office", "parent": world.shop.id}, htmx=True)
    assert AuditLog.select().count() == before


def test_audit_rows_cannot_be_changed_or_deleted(world):
    row = AuditLog.select().first()
    row.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete_instance()
    # The database refuses too, whatever code path tries.
    with pytest.raises((IntegrityError, DatabaseError)):
        with database.atomic():
            AuditLog.update(summary="tampered").where(AuditLog.id == row.id).execute()
    with pytest.raises((IntegrityError, DatabaseError)):
        with database.atomic():
            AuditLog.delete().where(AuditLog.id == row.id).execute()
    assert AuditLog.get_by_id(row.id).summary != "tampered"


def test_audit_page_filters_by_user_unit_type_and_date(login_as, world):
    office = login_as("office")
    office.post(f"/units/{world.other_shop.id}/deactivate", htmx=True)
    leader = login_as("leader")
    body = leader.get("/audit/?user=office_t-zg", htmx=True).get_data(as_text=True)
    assert "停用单位“界外基层单位乙”" in body and "新建单位" not in body
    body = leader.get(f"/audit/?unit={world.branch.id}&object_type=unit", htmx=True).get_data(as_text=True)
    assert "测试商店" in body and "界外基层单位乙" not in body
    assert 'id="audit-table"' in body and "<html" not in body
    body = leader.get("/audit/?q=停用单位", htmx=True).get_data(as_text=True)
    assert "停用单位“界外基层单位乙”" in body and "新建单位" not in body
    body = leader.get("/audit/?from=2000-01-01&to=2000-01-02").get_data(as_text=True)
    assert "没有符合条件的记录" in body and "<html" in body


def test_audit_page_paginates(app, login_as, world):
    app.config["PAGE_SIZE"] = 3
    leader = login_as("leader")
    total = AuditLog.select().count()
    body = leader.get("/audit/?page=2", htmx=True).get_data(as_text=True)
    assert f"第 2 / {(total + 2) // 3} 页" in body


def test_a_long_trail_is_counted_up_to_a_cap_and_still_pages_on(app, login_as, world):
    """The audit trail grows without end: a page counts at most AUDIT_COUNT_CAP rows (or up to the
    page asked for) and says there are more; every later page is still reached."""
    app.config.update(PAGE_SIZE=3, AUDIT_COUNT_CAP=4)
    leader = login_as("leader")
    for n in range(12):
        world.user("unit_clerk", username=f"clerk_{n}")  # each account made is audited
    total = AuditLog.select().count()
    assert total > 12
    body = leader.get("/audit/", htmx=True).get_data(as_text=True)
    assert "共 4 余条" in body and "第 1 页，共 4 余条" in body and "page=2" in body
    body = leader.get("/audit/?page=3", htmx=True).get_data(as_text=True)
    assert "第 3 页，共 9 余条" in body and "page=4" in body
    last = (total + 2) // 3
    body = leader.get(f"/audit/?page={last}", htmx=True).get_data(as_text=True)
    assert f"第 {last} / {last} 页，共 {total} 条" in body and f"page={last + 1}" not in body


@pytest.mark.parametrize("role,status", [("leader", 200), ("admin", 200), ("office", 403), ("unit_head", 403)])
def test_only_leaders_and_admins_read_the_audit_trail(login_as, role, status):
    assert login_as(role).get("/audit/").status_code == status


def test_user_edit_form_preselects_the_current_unit(login_as, world):
    clerk = world.user("unit_clerk")
    body = login_as("admin").get(f"/users/{clerk.id}").get_data(as_text=True)
    assert f'<option selected value="{world.shop.id}">' in body
