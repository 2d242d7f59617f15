"""In headless Chromium: the office records a branch's quarterly meeting with two decisions; the meeting
table shows the quarter held, and each owner unit's head finds their decision in 待办 with its deadline
colour. Then the roster grid is edited and a stale second page is refused with what it typed kept.
Screenshots at 1366 and 390 px wide."""
import datetime

from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import clock
from portal.governance import services as sv


def test_office_records_a_meeting_and_the_owners_see_the_decisions_in_their_todo(app, live_server, browser, world):
    app.config["LIVE_POLL_SECONDS"] = 1
    office = world.user("office")
    shop_head = world.user("unit_head")
    branch_head = world.user("unit_head", unit=world.branch)
    with app.app_context():
        body = sv.add_body(unit=world.branch, name="测试行办党支部", user=office)
        group = sv.create_group(unit=world.branch, name="测试行办综治领导小组", offices="办公室",
                                established_on=clock.today(), user=office)
        sv.add_member(group, name="乙副主任", post="副主任", position="deputy", duty="分管综治", start_date=clock.today(),
                      user=office)
    today = clock.today()

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_server, office.username)
    page.goto(f"{live_server}/governance/meetings")
    quarter = sv.quarter_of(today)[1]
    cell = page.locator(f"#body-{body.id} td[data-state]").nth(quarter - 1)
    expect(cell).to_have_attribute("data-state", "due")
    page.locator(f"#body-{body.id}").get_by_role("link", name="录入会议").click()
    page.get_by_label("主持人").fill("甲主任")
    page.get_by_label("参会人员").fill("甲主任、乙副主任、丙委员")
    page.get_by_label("议题").fill("分析本季度信访形势，研究欠薪问题的化解措施")
    page.get_by_label("第1项决定事项").fill("摸清改制职工养老保险断缴底数")
    page.get_by_label("第1项责任单位").select_option(label="　　测试商店")
    page.get_by_label("第1项责任人").fill("丙经理")
    page.get_by_label("第1项完成期限").fill((today + datetime.timedelta(days=2)).isoformat())
    page.get_by_label("第2项决定事项").fill("制定欠薪分期偿还方案")
    page.get_by_label("第2项责任单位").select_option(label="　测试行办")
    shot(page, "governance-meeting-form")
    page.get_by_role("button", name="保存并交办").click()
    expect(page.locator(".flash-success")).to_contain_text("2 项决定已交办")
    expect(page.locator("#decisions tbody tr")).to_have_count(2)
    expect(page.locator("#decisions")).to_contain_text("已交办")
    shot(page, "governance-meeting")

    page.goto(f"{live_server}/governance/meetings")
    expect(cell).to_have_attribute("data-state", "held")
    expect(cell).to_contain_text("决定未办结 2")
    shot(page, "governance-meetings-table")

    head_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(head_page, live_server, shop_head.username)
    head_page.goto(f"{live_server}/todo")
    todo = head_page.locator("main")
    expect(todo).to_contain_text("摸清改制职工养老保险断缴底数")
    expect(todo).not_to_contain_text("制定欠薪分期偿还方案")
    expect(todo.locator(".badge.u-blue").first).to_be_visible()  # due in two days: blue
    shot(head_page, "governance-owner-todo")

    branch_page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    sign_in(branch_page, live_server, branch_head.username)
    branch_page.goto(f"{live_server}/todo")
    expect(branch_page.locator("main")).to_contain_text("制定欠薪分期偿还方案")
    shot(branch_page, "governance-owner-todo-390")
    # The owner acknowledges; the meeting page open on the office's screen shows it without a reload.
    branch_page.locator("main").get_by_role("link", name="制定欠薪分期偿还方案", exact=False).first.click()
    branch_page.get_by_role("button", name="签收").click()
    page.goto(f"{live_server}/governance/meetings")
    page.locator(f"#body-{body.id}").get_by_role("link", name="已召开").click()
    expect(page.locator("#decisions")).to_contain_text("已签收")
    narrow = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    sign_in(narrow, live_server, office.username)
    narrow.goto(page.url)
    shot(narrow, "governance-meeting-390")
    narrow.goto(f"{live_server}/governance/")
    expect(narrow.locator("#group-flags")).to_contain_text("测试行办综治领导小组")
    shot(narrow, "governance-groups-390")
    page.goto(f"{live_server}/governance/")
    shot(page, "governance-groups")


def test_roster_grid_edit_and_a_stale_page(app, live_server, browser, world):
    office = world.user("office")
    with app.app_context():
        roster = sv.create_roster(unit=world.shop, title="测试商店国庆节值班表", kind="holiday",
                                  start_date=datetime.date(2026, 10, 1), end_date=datetime.date(2026, 10, 7), user=office)
    clerk = world.user("unit_clerk")
    first = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    second = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    for p in (first, second):
        sign_in(p, live_server, clerk.username)
        p.goto(f"{live_server}/governance/rosters/{roster.id}")
    first.get_by_label("2026-10-01 值班人员").fill("值班甲")
    first.get_by_label("2026-10-01 带班领导").fill("带班乙")
    first.get_by_label("2026-10-01 值班电话").fill("0731-5550001")
    first.get_by_role("button", name="保存值班安排").click()
    expect(first.locator(".flash-success")).to_contain_text("修改 1 天")
    shot(first, "governance-roster-grid")
    second.get_by_label("2026-10-02 值班人员").fill("值班丙")
    second.get_by_role("button", name="保存值班安排").click()
    expect(second.locator("#grid .flash-error")).to_contain_text("页面已过期")
    expect(second.get_by_label("2026-10-02 值班人员")).to_have_value("值班丙")
    shot(second, "governance-roster-stale")
    narrow = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    sign_in(narrow, live_server, clerk.username)
    narrow.goto(f"{live_server}/governance/rosters/{roster.id}")
    expect(narrow.get_by_label("2026-10-01 值班人员")).to_have_value("值班甲")
    shot(narrow, "governance-roster-390")
