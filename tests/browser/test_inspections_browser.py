"""In headless Chromium: an inspector scores items and raises a finding; the unit head uploads
evidence and submits the rectification; the office's open-findings table updates by itself."""

from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import clock
from portal.inspections import services as sv
from portal.models import ItemResult, SupervisedItem

TEXT = "一把手负责制 | 领导小组成立、分工明确 | 查阅文件 | 10\n查岗值班 | 值班记录完整 | 现场查岗 | 20"


def test_score_raise_rectify_live(app, live_server, browser, world, tmp_path):
    app.config["LIVE_POLL_SECONDS"] = 1
    office, inspector, head = world.user("office"), world.user("inspector"), world.user("unit_head")
    with app.app_context():
        checklist = sv.save_checklist(None, "综治督查清单", TEXT, office)
        round_ = sv.create_round(title="第四季度督查", start_date=clock.today(), end_date=clock.today(), template=checklist,
                                 inspectors=[inspector], units=[world.shop], user=office)
        sv.advance(round_, office)

    office_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(office_page, live_server, office.username)
    office_page.goto(f"{live_server}/inspections/findings?status=open")
    table = office_page.locator("#findings-table")
    expect(table).to_contain_text("没有符合条件的问题")

    insp = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    insp.on("dialog", lambda dialog: dialog.accept())  # 确定…？ before irreversible steps
    sign_in(insp, live_server, inspector.username)
    insp.goto(f"{live_server}/inspections/rounds/{round_.id}/units/{world.shop.id}")
    rows = insp.locator("tr.check-row")
    rows.nth(0).get_by_label("符合", exact=True).check()
    expect(insp.locator("#running-score")).to_contain_text("10")
    rows.nth(1).get_by_label("基本符合").check()
    expect(insp.locator("#running-score")).to_contain_text("20")
    expect(rows.nth(1)).to_contain_text("已保存")
    assert ItemResult.select().count() == 2
    insp.get_by_text("提出问题", exact=True).click()
    insp.get_by_label("发现的问题").fill("节日值班记录缺失")
    insp.get_by_label("整改要求").fill("补齐值班记录，建立查岗制度")
    insp.get_by_role("button", name="提出问题并交办整改").click()
    expect(insp.locator("#sheet-findings")).to_contain_text("节日值班记录缺失")
    shot(insp, "inspection-sheet")

    # The office's table shows the new finding without a reload.
    expect(table).to_contain_text("节日值班记录缺失")
    expect(table).to_contain_text("已交办")

    unit_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    unit_page.on("dialog", lambda dialog: dialog.accept())  # 确定…？ before irreversible steps
    sign_in(unit_page, live_server, head.username)
    unit_page.locator(".mainnav").get_by_role("link", name="待办").click()
    unit_page.get_by_role("link", name="签收").first.click()
    unit_page.get_by_role("button", name="签收").click()
    expect(unit_page.locator("#item-live")).to_contain_text("已签收")
    evidence = tmp_path / "值班记录.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    unit_page.locator("input[type=file]").set_input_files(str(evidence))
    unit_page.get_by_role("button", name="上传").click()
    expect(unit_page.get_by_role("link", name="值班记录.pdf")).to_be_visible()
    unit_page.get_by_label("办理说明").fill("已补齐值班记录并建立查岗制度")
    unit_page.get_by_role("button", name="提交办结报告").click()
    expect(unit_page.locator("#item-live")).to_contain_text("已报办结")
    shot(unit_page, "inspection-rectification")

    expect(table).to_contain_text("已报办结")
    shot(office_page, "inspection-findings")
    assert SupervisedItem.get(SupervisedItem.source_type == "rectification").state == "reported"
