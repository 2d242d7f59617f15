"""In headless Chromium: office issues a 催办 from the board; the unit head, on another screen,
sees the reminder and the badge counts change without reloading."""
import datetime

from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import clock
from portal.supervision.services import supervise


def test_remind_reaches_the_unit_head_live(app, live_server, browser, world):
    app.config["LIVE_POLL_SECONDS"] = 1
    head, office = world.user("unit_head"), world.user("office")
    with app.app_context():
        supervise("task", unit=world.shop, title="县人大代表建议第12号答复", assigned_by=office,
                         due_date=clock.today() + datetime.timedelta(days=2), responsible_name="乙经理")

    head_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(head_page, live_server, head.username)
    unread = head_page.locator("#unread-count")
    expect(unread).to_have_text("1")  # the assignment itself
    expect(head_page.locator("#todo-count")).to_have_text("1")
    head_page.locator(".mainnav").get_by_role("link", name="待办").click()
    head_page.get_by_role("link", name="签收").click()
    expect(head_page.get_by_role("heading", name="县人大代表建议第12号答复")).to_be_visible()
    expect(head_page.locator(".badge").first).to_contain_text("蓝牌")

    office_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(office_page, live_server, office.username)
    office_page.locator(".mainnav").get_by_role("link", name="督办").click()
    row = office_page.locator("#board-table tbody tr", has_text="县人大代表建议第12号答复")
    expect(row).to_contain_text("蓝牌 · 剩 2 天")
    shot(office_page, "supervision-board")
    row.get_by_role("button", name="催办").click()
    expect(office_page.locator("#flash")).to_contain_text("已向测试商店催办")

    # Without any reload on the head's screen: the bell count rises and the history shows the 催办.
    expect(unread).to_have_text("2")
    expect(head_page.locator("table.history tbody tr").first).to_contain_text("催办")
    expect(head_page.locator("table.history tbody tr").first).to_contain_text("请抓紧办理")
    shot(head_page, "supervision-item-head")

    # The head acknowledges; the to-do badge clears.
    head_page.get_by_role("button", name="签收").click()
    expect(head_page.locator("#todo-count")).to_have_text("1")  # now: 办理并报告
    expect(head_page.locator("table.history tbody tr").first).to_contain_text("签收")
    head_page.get_by_role("link", name="消息").click()
    expect(head_page.locator(".message.unread")).to_have_count(2)
    head_page.get_by_role("button", name="全部标为已读").click()
    expect(head_page.locator(".message.unread")).to_have_count(0)
    expect(head_page.locator("#unread-count")).to_have_text("0")
    shot(head_page, "notifications")


def test_extension_requested_and_approved_in_the_shared_partial(app, live_server, page, browser, world):
    """The unit asks for more time on the item page; a leader approves it there; the page's live
    region is what changes, and the to-do badge follows."""
    head, leader = world.user("unit_head"), world.user("leader")
    with app.app_context():
        item = supervise("task", unit=world.shop, title="县政协提案第3号答复", assigned_by=world.user("office"),
                         due_date=clock.today() + datetime.timedelta(days=10))
    new_due = item.due_date + datetime.timedelta(days=7)
    sign_in(page, live_server, head.username)
    page.goto(f"{live_server}/supervision/{item.id}")
    page.get_by_text("申请延期", exact=True).click()
    page.locator(".extensions-request input[name=new_due_date]").fill(new_due.isoformat())
    page.locator(".extensions-request input[name=reason]").fill("涉及多个部门协调")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#flash")).to_contain_text("延期申请已提交，等待局领导审批")
    expect(page.locator("#item-live table.extensions")).to_contain_text("待审批")

    leader_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(leader_page, live_server, leader.username)
    expect(leader_page.locator("#todo-count")).to_have_text("1")
    leader_page.goto(f"{live_server}/supervision/{item.id}")
    leader_page.get_by_label("审批意见").fill("同意")
    leader_page.get_by_role("button", name="批准", exact=True).click()
    expect(leader_page.locator("#flash")).to_contain_text(f"已批准延期，办理期限延至 {new_due}")
    expect(leader_page.locator("#item-live .facts")).to_contain_text("已延期")
    expect(leader_page.locator("#todo-count")).to_have_text("0")
    shot(leader_page, "supervision-extension-approved")
    assert page.console_errors == []
