"""In headless Chromium: an informant reports a hot issue; the office turns it into a dispute from the
prefilled form; the shop cannot settle it and escalates it; the branch (its second-level body) settles
it with an agreement; the office's dispute table, open since before, shows the settlement without a
reload; the informant sees the outcome on their own list. Screenshots at 1366 and 390 px."""
from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import privacy


def test_an_informant_report_becomes_a_dispute_settled_at_the_second_tier_live(app, live_server, browser, world):
    app.config["LIVE_POLL_SECONDS"] = 1
    informant = world.user("informant", unit=world.branch, username="informant_b")
    shop_head = world.user("unit_head")
    branch_head = world.user("unit_head", unit=world.branch, username="branch_head")
    id_number = privacy.with_check_digit("43990219700101123")

    def context(width=1366):
        return browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()

    page = context()
    sign_in(page, live_server, informant.username)
    page.goto(f"{live_server}/disputes/reports/new")
    page.get_by_label("信息类别").select_option(label="不稳定因素苗头")
    page.get_by_label("紧急程度").select_option(label="紧急")
    page.get_by_label("涉及人数").fill("0")
    page.get_by_label("标题").fill("测试商店职工讨要拖欠工资")
    page.get_by_label("反映的情况").fill("十余名职工相约到单位讨要三个月工资。")
    page.get_by_role("button", name="报送").click()
    expect(page.locator(".has-error")).to_contain_text("人数")  # refused, what was typed kept
    expect(page.get_by_label("标题")).to_have_value("测试商店职工讨要拖欠工资")
    page.get_by_label("涉及人数").fill("12")
    page.get_by_label("涉及单位").select_option(value=str(world.shop.id))
    page.get_by_role("button", name="报送").click()
    row = page.locator("#reports tbody tr", has_text="测试商店职工讨要拖欠工资")
    expect(row.locator("td.state")).to_have_text("待研判")
    shot(page, "disputes-informant-reported")

    office = context()
    sign_in(office, live_server, world.user("office").username)
    office.goto(f"{live_server}/disputes/reports")
    office.locator("#reports").get_by_role("link").first.click()
    office.get_by_role("link", name="转为矛盾纠纷（预填）").click()
    expect(office.get_by_label("纠纷名称")).to_have_value("测试商店职工讨要拖欠工资")
    office.get_by_label("纠纷类别").select_option(label="拖欠工资")
    office.get_by_label("复杂程度").select_option(label="简易")
    office.get_by_label("风险等级").select_option(label="中")
    office.get_by_label("当事人1姓名").fill("邹国华")
    office.get_by_label("当事人1身份证号").fill(id_number)
    office.get_by_role("button", name="登记").click()
    expect(office.locator("#dispute-state")).to_have_text("调处中")
    expect(office.locator("#dispute-tier")).to_contain_text("基层单位")
    expect(office.locator("#parties")).to_contain_text(privacy.mask_id(id_number))
    expect(office.locator("#parties")).not_to_contain_text(id_number)
    number = office.locator("h1").inner_text().split(" ")[0]
    shot(office, "disputes-registered")

    office.goto(f"{live_server}/disputes/?state=all")
    table_row = office.locator("#disputes tbody tr", has_text=number)
    expect(table_row.locator("td.state")).to_have_text("调处中")

    shop = context()
    sign_in(shop, live_server, shop_head.username)
    shop.goto(f"{live_server}/disputes/")
    shop.locator("#disputes").get_by_role("link", name=number).click()
    shop.get_by_role("button", name="上报二级机构").click()
    expect(shop.locator(".flash-error")).to_contain_text("请填写上报理由")
    shop.get_by_label("上报或退回理由").fill("职工要求行办出面协调。")
    shop.get_by_role("button", name="上报二级机构").click()
    expect(shop.locator("#dispute-tier")).to_contain_text("二级机构")
    expect(shop.locator("#dispute-actions")).to_contain_text("当前没有需要您办理的步骤")
    expect(table_row.locator("td.tier")).to_have_text("二级机构")  # the office's table, live

    branch = context(390)
    sign_in(branch, live_server, branch_head.username)
    branch.goto(f"{live_server}/disputes/")
    branch.locator("#disputes").get_by_role("link", name=number).click()
    branch.get_by_label("化解情况").fill("行办协调，单位分两期补发工资。")
    branch.get_by_role("button", name="调解成功").click()
    expect(branch.locator(".flash-error")).to_contain_text("调解协议")
    expect(branch.get_by_label("化解情况")).to_have_value("行办协调，单位分两期补发工资。")
    branch.get_by_label("调解协议内容").fill("一、本月底前补发两个月工资。\n二、下月底前补发其余工资。")
    branch.get_by_role("button", name="调解成功").click()
    expect(branch.locator("#dispute-state")).to_have_text("调解成功")
    expect(branch.get_by_role("link", name="打印调解协议书")).to_be_visible()
    shot(branch, "disputes-settled-390")

    # The office's table, untouched since it was opened, shows the settlement by itself.
    expect(table_row.locator("td.state")).to_have_text("调解成功")
    shot(office, "disputes-table-live")
    page.goto(f"{live_server}/disputes/reports")
    expect(row.locator("td.state")).to_have_text("已转为矛盾纠纷")
    expect(row).to_contain_text(number)
    small = context(390)
    sign_in(small, live_server, world.user("office").username)
    small.goto(f"{live_server}/disputes/")
    shot(small, "disputes-index-390")
    small.goto(f"{live_server}/disputes/screening")
    shot(small, "disputes-screening-390")
    office.goto(f"{live_server}/disputes/screening")
    shot(office, "disputes-screening")
