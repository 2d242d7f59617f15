"""The unit tree: creation, moving without cycles, subtree paths, deactivation, inline htmx editing."""
import pytest

from portal.models import AuditLog, Unit
from portal.units import services
from portal.workflow import RuleError


def fresh(unit):
    return Unit.get_by_id(unit.id)


def test_paths_and_levels_follow_the_tree(world):
    assert world.bureau.level == 1 and world.branch.level == 2 and world.shop.level == 3
    assert world.shop.path == f"/{world.bureau.id}/{world.branch.id}/{world.shop.id}/"
    assert {u.id for u in world.branch.subtree()} == {world.branch.id, world.shop.id}


def test_moving_a_unit_moves_its_subtree(app, world):
    with app.app_context():
        services.update_unit(world.branch, name=world.branch.name, code=world.branch.code, kind="trade_office",
                             parent=world.other_branch)
    branch, shop = fresh(world.branch), fresh(world.shop)
    assert branch.parent_id == world.other_branch.id and branch.level == 3
    assert shop.level == 4 and shop.path == f"{branch.path}{shop.id}/"
    assert {u.id for u in fresh(world.other_branch).subtree()} >= {branch.id, shop.id}
    row = AuditLog.select().where(AuditLog.action == "move", AuditLog.object_id == branch.id).get()
    assert row.changes() == [("parent", world.bureau.id, world.other_branch.id), ("level", 2, 3)]


@pytest.mark.parametrize("target", ["branch", "shop"])
def test_a_unit_cannot_move_under_itself_or_below(app, world, target):
    with app.app_context(), pytest.raises(RuleError, match="自己或它的下级单位"):
        services.update_unit(world.branch, name="x", code=world.branch.code, kind="trade_office",
                             parent=getattr(world, target))
    assert fresh(world.branch).parent_id == world.bureau.id


def test_the_root_cannot_move_or_be_deactivated(app, world):
    with app.app_context():
        with pytest.raises(RuleError, match="顶级单位"):
            services.update_unit(world.bureau, name="x", code=world.bureau.code, kind="bureau", parent=world.shop)
        with pytest.raises(RuleError, match="顶级单位"):
            services.set_active(world.bureau, False)


def test_codes_are_unique(app, world):
    with app.app_context(), pytest.raises(RuleError, match="已被其他单位使用"):
        services.create_unit(name="重复", code=world.shop.code, kind="grassroots", parent=world.branch)


def test_deactivation_rules_and_records_stay(app, world):
    with app.app_context():
        with pytest.raises(RuleError, match="还有在用的下级单位"):
            services.set_active(world.branch, False)
        services.set_active(world.shop, False)
        services.set_active(world.branch, False)
        with pytest.raises(RuleError, match="已停用的单位下"):
            services.create_unit(name="新店", code="T-NEW", kind="grassroots", parent=fresh(world.branch))
        with pytest.raises(RuleError, match="上级单位已停用"):
            services.set_active(fresh(world.shop), True)
    assert Unit.select().where(Unit.id == world.shop.id).exists()  # archived, not deleted


def test_inline_rename_returns_the_tree_and_announces_the_change(login_as, world):
    office = login_as("office")
    response = office.get(f"/units/{world.shop.id}/edit", htmx=True)
    assert 'name="name"' in response.get_data(as_text=True)
    response = office.post(f"/units/{world.shop.id}", {
        "name": "测试商店（改）", "code": world.shop.code, "kind": "grassroots", "parent": world.branch.id,
        "head_name": "乙经理", "phone": "", "sort_order": "0",
    }, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "unitsChanged"
    body = response.get_data(as_text=True)
    assert 'id="unit-tree"' in body and "测试商店（改）" in body and "<html" not in body
    assert fresh(world.shop).name == "测试商店（改）"


def test_inline_edit_with_bad_input_keeps_the_row_and_says_why(login_as, world):
    office = login_as("office")
    response = office.post(f"/units/{world.shop.id}", {
        "name": "", "code": "bad code!", "kind": "grassroots", "parent": world.branch.id,
    }, htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == f"#unit-{world.shop.id}"
    body = response.get_data(as_text=True)
    assert "请填写单位名称" in body and "单位代码只能使用" in body
    assert fresh(world.shop).name == "测试商店"


def test_moving_under_a_descendant_through_the_page_is_refused(login_as, world):
    office = login_as("office")
    response = office.post(f"/units/{world.branch.id}", {
        "name": world.branch.name, "code": world.branch.code, "kind": "trade_office", "parent": world.shop.id,
    }, htmx=True)
    assert response.status_code == 422
    assert "自己或它的下级单位" in response.get_data(as_text=True)
    assert fresh(world.branch).parent_id == world.bureau.id


def test_create_and_deactivate_through_the_page(login_as, world):
    office = login_as("office")
    response = office.post("/units/new", {
        "new-name": "新开商店", "new-code": "T-XK", "new-kind": "grassroots", "new-parent": world.branch.id,
    }, htmx=True)
    assert response.status_code == 200 and "新开商店" in response.get_data(as_text=True)
    unit = Unit.get(Unit.code == "T-XK")
    assert unit.level == 3 and unit.parent_id == world.branch.id
    response = office.post(f"/units/{unit.id}/deactivate", htmx=True)
    assert "已停用" in response.get_data(as_text=True)
    assert not fresh(unit).active


def test_deactivating_a_parent_with_active_children_shows_the_reason(login_as, world):
    office = login_as("office")
    response = office.post(f"/units/{world.branch.id}/deactivate", htmx=True)
    assert "还有在用的下级单位" in response.get_data(as_text=True)
    assert fresh(world.branch).active


def test_edit_row_preselects_the_current_parent(login_as, world):
    body = login_as("office").get(f"/units/{world.shop.id}/edit", htmx=True).get_data(as_text=True)
    assert f'<option selected value="{world.branch.id}">' in body
