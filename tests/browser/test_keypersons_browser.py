"""In headless Chromium: a cadre opens an overdue visit from their 待办, records it on the person's page,
and the office's register, open on another screen, shows the new clock without a reload; the register,
the person page, the cadre's list and the figures at 1366 px and 390 px wide."""
import datetime

from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import clock, privacy
from portal.keypersons import services as ks
from portal.models.keypersons import KeyPersonCategory

ID_NUMBER = privacy.with_check_digit("43990219580302123")


def _overdue_person(app, world):
    """A 重点 person registered 40 days ago (their monthly visit is overdue), the shop's clerk their cadre."""
    day = clock.today() - datetime.timedelta(days=40)
    with app.app_context(), clock.frozen(clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))):
        cats = tuple(KeyPersonCategory.select().where(KeyPersonCategory.name.in_(["企业军转干部", "退伍转业军人"])))
        f = ks.PersonFields(name="郑国庆", unit=world.shop, level="key", level_reason="多次反映军转待遇问题",
                            id_number=ID_NUMBER, phone="13907305678", categories=cats, address="县城关镇解放路 12 号",
                            family="与老伴同住", income="月退休金约 3000 元", health="高血压")
        return ks.register(f, world.user("office"), cadre=world.user("unit_clerk"), registered_on=day)


def test_a_cadre_records_an_overdue_visit_from_their_todo_and_the_register_updates_live(app, live_server, browser,
                                                                                       world):
    app.config["LIVE_POLL_SECONDS"] = 1
    person = _overdue_person(app, world)
    cadre = world.user("unit_clerk")

    office = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(office, live_server, world.user("office").username)
    office.goto(f"{live_server}/keypersons/")
    row = office.locator(f"#keyperson-{person.id}")
    expect(row).to_contain_text("红牌")
    expect(row).to_contain_text(privacy.mask_id(ID_NUMBER))
    expect(row).not_to_contain_text(ID_NUMBER)
    shot(office, "keypersons-register")

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_server, cadre.username)
    page.goto(f"{live_server}/todo")
    todo = page.locator("tr", has_text="走访重点人员 郑国庆")
    expect(todo).to_contain_text("红牌")
    shot(page, "keypersons-cadre-todo")
    todo.get_by_role("link", name="走访重点人员", exact=True).click()
    expect(page.locator("#visit-clock")).to_contain_text("红牌")
    # Missing content: refused with a Chinese message, what was typed stays.
    page.get_by_label("走访形式").select_option(label="上门")
    page.get_by_label("提出的诉求").fill("希望落实军转干部生活补贴")
    page.get_by_role("button", name="登记走访").click()
    expect(page.locator(".flash-error")).to_contain_text("请填写走访情况")
    expect(page.get_by_label("提出的诉求")).to_have_value("希望落实军转干部生活补贴")
    page.get_by_label("走访情况").fill("上门看望，了解生活情况，宣讲政策，本人情绪平稳。")
    page.get_by_label("重新评估级别").select_option(label="关注")
    page.get_by_label("级别调整理由").fill("诉求已有答复，情绪平稳")
    page.get_by_role("button", name="登记走访").click()
    expect(page.locator("#person-level")).to_have_text("关注")
    expect(page.locator("#visit-clock")).not_to_contain_text("红牌")
    expect(page.locator("#visits")).to_contain_text("超期")
    shot(page, "keypersons-person-visited")

    # The office's register, untouched since it was opened, shows the new clock and level by itself.
    expect(row).not_to_contain_text("红牌")
    expect(row).to_contain_text("关注")
    expect(row).to_contain_text(clock.today().isoformat())
    shot(office, "keypersons-register-live")

    page.goto(f"{live_server}/keypersons/mine")
    expect(page.locator("#mine")).to_contain_text("郑国庆")
    shot(page, "keypersons-mine")


def test_register_person_and_figures_at_phone_width(app, live_server, browser, world):
    person = _overdue_person(app, world)
    for width, height in ((1366, 900), (390, 844)):
        page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
        sign_in(page, live_server, world.user("office").username)
        page.goto(f"{live_server}/keypersons/{person.id}")
        expect(page.locator("#person-id")).to_have_text(privacy.mask_id(ID_NUMBER))
        shot(page, f"keypersons-person-{width}")
        page.get_by_role("button", name="显示完整身份证号和电话（将记入操作日志）").click()
        expect(page.locator("#person-id")).to_have_text(ID_NUMBER)
        page.goto(f"{live_server}/keypersons/stats")
        expect(page.locator("#by-category")).to_contain_text("企业军转干部")
        shot(page, f"keypersons-stats-{width}")
        page.goto(f"{live_server}/keypersons/new")
        shot(page, f"keypersons-new-{width}")
        page.goto(f"{live_server}/keypersons/")
        shot(page, f"keypersons-register-{width}")
        page.context.close()


def test_a_unit_head_registers_hands_over_and_settles_a_request(app, live_server, browser, world):
    head, clerk = world.user("unit_head"), world.user("unit_clerk")
    office = world.user("office")
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_server, head.username)
    page.goto(f"{live_server}/keypersons/new")
    page.get_by_label("姓名").fill("陶春梅")
    page.get_by_label("身份证号").fill(ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"))
    page.get_by_label("所在单位").select_option(label=world.shop.name)
    page.get_by_label("改制下岗困难职工").check()
    page.get_by_label("稳控级别").select_option(label="关注")
    page.get_by_label("定级理由").fill("养老保险断缴")
    page.get_by_label("包保责任人").select_option(label=f"{clerk.display_name}（{world.shop.name}）")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".has-error")).to_contain_text("校验位不正确")  # refused; what was typed stays
    expect(page.get_by_label("定级理由")).to_have_value("养老保险断缴")
    page.get_by_label("身份证号").fill(ID_NUMBER)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#person-cadre")).to_have_text(clerk.display_name)
    expect(page.locator("#person-level")).to_have_text("关注")
    shot(page, "keypersons-registered")

    page.get_by_text("移交包保责任人").click()
    page.get_by_label("新的包保责任人").select_option(label=f"{office.display_name}（{world.office_unit.name}）")
    page.get_by_role("button", name="移交", exact=True).click()
    expect(page.locator(".flash-error")).to_contain_text("移交原因")
    page.get_by_label("移交原因").fill("原责任人长期外出学习")
    page.get_by_role("button", name="移交", exact=True).click()
    expect(page.locator("#person-cadre")).to_have_text(office.display_name)
    expect(page.locator("#cadre-history")).to_contain_text("原责任人长期外出学习")

    page.get_by_text("登记诉求").click()
    page.get_by_label("诉求类型").select_option(label="养老保险")
    page.get_by_label("诉求内容").fill("要求补缴 2019 年以来断缴的养老保险")
    page.get_by_role("button", name="登记并交办").click()
    expect(page.locator("#requests")).to_contain_text("要求补缴 2019 年以来断缴的养老保险")
    page.get_by_text("登记办理结果").click()
    page.get_by_label("支付金额").fill("12600")
    page.get_by_label("答复或解释").fill("已为其补缴养老保险，当面说明政策。")
    page.get_by_role("button", name="办结", exact=True).click()
    expect(page.locator("#requests")).to_contain_text("解决")
    expect(page.locator("#requests")).to_contain_text("12600")
    shot(page, "keypersons-request-settled")
