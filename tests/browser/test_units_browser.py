"""In headless Chromium: log in, rename a unit inline through htmx, see the audit row appear."""
import os

from conftest import PASSWORD
from playwright.sync_api import expect

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


def shot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="首页")).to_be_visible()


def test_rename_a_unit_inline_and_see_the_audit_row(live_server, page, world):
    admin = world.user("admin")
    sign_in(page, live_server, admin.username)
    shot(page, "dashboard")
    page.locator(".mainnav").get_by_role("link", name="组织机构").click()
    history = page.locator("#unit-history")
    expect(history).to_contain_text("新建单位“测试商店”")
    row = page.locator(f"#unit-{world.shop.id}")
    row.get_by_role("button", name="编辑").click()
    name = row.get_by_label("单位名称")
    expect(name).to_have_value("测试商店")
    name.fill("测试商店（更名）")
    url_before = page.url
    row.get_by_role("button", name="保存").click()
    expect(page.locator(f"#unit-{world.shop.id} td.name")).to_have_text("测试商店（更名）")
    # The change history refreshes itself from the HX-Trigger event, without a reload.
    expect(history.locator("tbody tr").first).to_contain_text("名称改为“测试商店（更名）”")
    assert page.url == url_before
    from portal.models import Unit

    assert Unit.get_by_id(world.shop.id).parent_id == world.branch.id  # a rename does not move the unit
    shot(page, "units")
    page.locator(".mainnav").get_by_role("link", name="操作日志").click()
    expect(page.locator("#audit-table tbody tr").first).to_contain_text("测试商店（更名）")
    shot(page, "audit")
    assert page.console_errors == []  # a CSP violation would show here


def test_inline_edit_error_is_shown_in_the_row(live_server, page, world):
    office = world.user("office")
    sign_in(page, live_server, office.username)
    page.goto(f"{live_server}/units/")
    row = page.locator(f"#unit-{world.branch.id}")
    row.get_by_role("button", name="编辑").click()
    expect(row.get_by_label("上级单位")).to_be_visible()
    # The parent menu never offers the unit itself or anything below it.
    options = row.get_by_label("上级单位").locator("option").all_text_contents()
    assert not any(o.strip() in ("测试行办", "测试商店") for o in options) and any("界外总公司" in o for o in options)
    row.get_by_label("单位名称").fill("")
    row.get_by_label("单位代码").fill("坏代码")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(f"#unit-{world.branch.id}")).to_contain_text("请填写单位名称")
    expect(page.locator(f"#unit-{world.branch.id}")).to_contain_text("单位代码只能使用字母")
    expect(page.locator(f"#unit-{world.branch.id}").get_by_label("单位名称")).to_be_visible()
    shot(page, "units-edit-error")
    assert page.console_errors == []


def test_unit_head_sees_only_own_subtree(live_server, page, world):
    head = world.user("unit_head", unit=world.branch, username="branch_head")
    sign_in(page, live_server, head.username)
    page.goto(f"{live_server}/units/")
    expect(page.locator("#unit-tree")).to_contain_text("测试商店")
    expect(page.locator("#unit-tree")).not_to_contain_text("界外")
    expect(page.get_by_role("link", name="用户管理")).to_have_count(0)
    expect(page.get_by_role("button", name="编辑")).to_have_count(0)
