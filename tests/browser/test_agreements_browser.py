"""In headless Chromium: office filters the agreements table (URL kept in sync), the unit head signs,
and both screens show the new state without a reload."""
from decimal import Decimal

from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal.agreements import services as sv
from portal.models import Agreement, AgreementTemplate


def test_filter_sign_and_see_the_state_change_live(app, live_server, browser, world):
    app.config["LIVE_POLL_SECONDS"] = 1
    head, office = world.user("unit_head"), world.user("office")
    world.user("unit_head", unit=world.other_shop)
    with app.app_context():
        template = sv.save_template(
            AgreementTemplate(), office, year=2026, title="综治维稳目标管理责任书", party_a="测试商务局",
            party_a_signatory="局长", preamble="为落实综治责任，签订本责任书。", rewards="优秀的通报表彰。",
            excellent_min=Decimal(90), good_min=Decimal(80), pass_min=Decimal(60), bonus_cap=Decimal(5),
            sign_due=None, self_assess_due=None,
            items=[{"category": "组织领导", "content": "落实一把手负责制", "points": Decimal(100),
                    "scoring_rule": "未落实扣分", "kind": "standard"}])
        sv.issue(template, [world.shop, world.other_shop], office)
    mine = Agreement.get(Agreement.unit == world.shop.id)

    office_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(office_page, live_server, office.username)
    office_page.locator(".mainnav").get_by_role("link", name="目标责任书").click()
    table = office_page.locator("#agreement-table")
    expect(table).to_contain_text("测试商店")
    office_page.wait_for_load_state("load")  # htmx (deferred) listens for the filter's change once loaded
    office_page.get_by_label("状态").select_option(label="已签订")
    expect(table).to_contain_text("没有符合条件的责任书")
    expect(office_page).to_have_url(f"{live_server}/agreements/?year=2026&level=&state=signed&grade=&sort=")

    head_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    head_page.on("dialog", lambda dialog: dialog.accept())  # 确定…？ before irreversible steps
    sign_in(head_page, live_server, head.username)
    head_page.locator(".mainnav").get_by_role("link", name="待办").click()
    head_page.get_by_role("link", name="签订目标责任书").first.click()
    expect(head_page.locator("#agreement-live .tag").first).to_have_text("已下发")
    head_page.get_by_role("button", name="签订责任书").click()
    expect(head_page.locator("#agreement-live .tag").first).to_have_text("已签订")
    expect(head_page.locator("#flash")).to_contain_text("责任书已签订")
    expect(head_page.locator("table.history tbody tr").first).to_contain_text("签订")
    shot(head_page, "agreement-signed")

    # Typing a score is not lost to the page's own refreshes (every second here).
    score = head_page.get_by_label("第1条自评得分")
    score.fill("95")
    head_page.get_by_label("第1条自评说明").fill("已全面落实")
    head_page.wait_for_timeout(2500)
    expect(score).to_have_value("95")
    head_page.get_by_role("button", name="提交自评").click()
    expect(head_page.locator("#agreement-live .tag").first).to_have_text("已自评")

    # The office's filtered table picks up the signature by itself.
    expect(table).to_contain_text("没有符合条件的责任书")  # now self-assessed, no longer "signed"
    office_page.get_by_label("状态").select_option(label="已自评")
    expect(table.locator(f"#agreement-{mine.id}")).to_contain_text("已自评")
    expect(table).not_to_contain_text("界外基层单位乙")
    shot(office_page, "agreements-filtered")
    assert Agreement.get_by_id(mine.id).state == "self_assessed" and Agreement.get_by_id(mine.id).self_total == 95
