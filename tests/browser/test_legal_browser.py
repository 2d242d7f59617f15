"""In headless Chromium: a clerk records a session, picking attendees by typing their names; the
coverage matrix open on the office's screen changes its cell by itself."""
from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import clock
from portal.models import Attendance, Law, StaffMember


def test_record_session_and_watch_coverage_change(app, live_server, browser, world):
    app.config["LIVE_POLL_SECONDS"] = 1
    for n, name in enumerate(["赵一", "钱二", "孙三"], start=1):
        StaffMember.create(unit=world.shop, name=name, post="营业员", employee_no=f"00{n}")
    law = Law.select().order_by(Law.sort_order).first()  # 公司法
    clerk, office = world.user("unit_clerk"), world.user("office")
    year = clock.today().year

    office_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(office_page, live_server, office.username)
    office_page.goto(f"{live_server}/legal/coverage?year={year}")
    cell = office_page.locator(f"#cell-{world.shop.id}-{law.id}")
    expect(cell).to_have_text("0%")

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, clerk.username)
    page.goto(f"{live_server}/legal/sessions/new")
    page.get_by_label("活动名称").fill("公司法专题讲座")
    page.get_by_label("公司法", exact=True).check()
    search = page.get_by_label("查找参加人员")
    search.fill("赵")
    page.get_by_role("button", name="添加 赵一").click()
    expect(page.locator("#picked")).to_contain_text("赵一")
    search.fill("钱")
    page.get_by_role("button", name="添加 钱二").click()
    expect(page.locator("#picked .chip")).to_have_count(2)
    shot(page, "legal-session-form")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("heading", name="公司法专题讲座")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("钱二")
    assert Attendance.select().count() == 2 and errors == []

    expect(cell).to_have_text("67%")  # 2 of 3 people, without reloading the office's page
    shot(office_page, "legal-coverage")
