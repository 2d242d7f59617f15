"""In headless Chromium: the office registers a group petition, accepts it and assigns it to
县对外贸易公司; head_waimao signs for it and replies with a document; the ledger open on the office's
screen shows the row's new state without a reload."""
import os

from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import privacy
from portal.units.services import create_unit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_group_petition_from_intake_to_reply_reaches_the_office_ledger_live(app, live_server, browser, world, tmp_path):
    app.config["LIVE_POLL_SECONDS"] = 1
    with app.app_context():
        waimao = create_unit(name="县对外贸易公司", code="DWMY", kind="grassroots", parent=world.branch, head_name="罗庆丰")
    head = world.user("unit_head", unit=waimao, username="head_waimao")
    id_number = privacy.with_check_digit("43990119650312123")

    office_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(office_page, live_server, world.user("office").username)
    office_page.goto(f"{live_server}/petitions/new")
    office_page.get_by_label("信访方式").select_option(label="来访")
    office_page.get_by_label("人数").fill("12")
    office_page.get_by_label("问题类别").select_option(label="改制遗留")
    office_page.get_by_label("涉及单位").select_option(label="　　县对外贸易公司")
    office_page.get_by_label("信访人1姓名").fill("邹国华")
    office_page.get_by_label("信访人1身份证号").fill(id_number)
    office_page.get_by_label("信访人1电话").fill("13907301234")
    office_page.get_by_label("信访人1为首带头人").check()
    office_page.get_by_label("事项摘要").fill("改制职工身份置换补偿金未足额发放")
    office_page.get_by_label("信访诉求").fill("要求按改制方案足额发放补偿金。")
    office_page.get_by_role("button", name="登记", exact=True).click()
    expect(office_page.locator("#petition-state")).to_have_text("已登记，待受理")
    expect(office_page.locator("#petitioners")).to_contain_text(privacy.mask_id(id_number))
    expect(office_page.locator("#petitioners")).not_to_contain_text(id_number)
    number = office_page.locator("h1").inner_text().split(" ")[0]

    office_page.get_by_role("button", name="受理", exact=True).click()
    expect(office_page.locator("#petition-state")).to_have_text("已受理，待交办")
    office_page.get_by_label("承办单位").select_option(label="　　县对外贸易公司")
    office_page.get_by_label("承办人").fill("罗庆丰")
    office_page.get_by_role("button", name="交办", exact=True).click()
    expect(office_page.locator("#petition-state")).to_have_text("已交办")
    shot(office_page, "petition-assigned")

    office_page.goto(f"{live_server}/petitions/")
    row = office_page.locator("#ledger tbody tr", has_text=number)
    expect(row.locator("td.state")).to_have_text("已交办")
    expect(row).to_contain_text("群体 12 人")

    head_page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(head_page, live_server, head.username)
    head_page.goto(f"{live_server}/petitions/")
    head_page.locator("#ledger").get_by_role("link", name=number).click()
    head_page.get_by_role("button", name="签收办理").click()
    expect(head_page.locator("#petition-state")).to_have_text("办理中")
    head_page.get_by_label("答复意见", exact=True).fill("经核实，补偿金差额已于本月足额发放。")
    head_page.get_by_role("button", name="提交答复").click()
    expect(head_page.locator(".flash-error")).to_contain_text("答复意见书")  # no document: refused, text kept
    expect(head_page.get_by_label("答复意见", exact=True)).to_have_value("经核实，补偿金差额已于本月足额发放。")
    scan = os.path.join(tmp_path, "答复意见书.pdf")
    with open(scan, "wb") as fh:
        fh.write(PDF)
    head_page.get_by_label("答复意见书", exact=True).set_input_files(scan)
    head_page.get_by_role("button", name="提交答复").click()
    expect(head_page.locator("#petition-state")).to_have_text("已答复，待回访")
    shot(head_page, "petition-replied")

    # The office's ledger, untouched since it was opened, shows the new state by itself.
    expect(row.locator("td.state")).to_have_text("已答复，待回访")
    shot(office_page, "petition-ledger-live")
