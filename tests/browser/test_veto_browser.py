"""In headless Chromium: a leader confirms a proposed veto, and the ranking open on the office's
screen shows the unit as 不合格 with the reason, without a reload."""
from playwright.sync_api import expect
from test_agreements import issued, walk_to  # noqa: F401
from test_units_browser import shot, sign_in

from portal import clock
from portal.veto import services as sv


def test_confirmed_veto_reaches_the_ranking_live(app, live_server, browser, world, issued):  # noqa: F811
    app.config["LIVE_POLL_SECONDS"] = 1
    walk_to(app, world, issued[0], "assessed", scores={1: "40", 2: "55", 3: "0"})
    walk_to(app, world, issued[1], "assessed", scores={1: "30", 2: "50", 3: "0"})
    with app.app_context():
        veto = sv.propose(unit=world.shop, year=2026, trigger="mass_incident", occurred_on=clock.today(),
                          description="改制下岗职工集体上访", user=world.user("office"))

    office_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(office_page, live_server, world.user("office").username)
    office_page.goto(f"{live_server}/agreements/ranking?year=2026")
    first = office_page.locator("#ranking-table tbody tr").first
    expect(first).to_contain_text("测试商店")
    expect(first).to_contain_text("优秀")

    leader_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    leader_page.on("dialog", lambda dialog: dialog.accept())  # 确定…？ before irreversible steps
    sign_in(leader_page, live_server, world.user("leader").username)
    leader_page.goto(f"{live_server}/veto/{veto.id}")
    leader_page.get_by_label("理由").fill("事实清楚，依照责任书单项否决条款确认")
    leader_page.get_by_role("button", name="确认否决").click()
    expect(leader_page.locator("#veto-live .tag").first).to_have_text("已确认")
    expect(leader_page.locator("#veto-live")).to_contain_text("申诉期")
    shot(leader_page, "veto-confirmed")

    # The office's ranking refreshes by itself: 测试商店 drops below 界外基层单位乙, failed by the veto.
    shop_row = office_page.locator("#ranking-table tbody tr", has_text="测试商店")
    expect(shop_row).to_contain_text("不合格")
    expect(shop_row).to_contain_text("一票否决：重大群体性事件")
    expect(office_page.locator("#ranking-table tbody tr").first).to_contain_text("界外基层单位乙")
    shot(office_page, "ranking-after-veto")
