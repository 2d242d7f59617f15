"""In headless Chromium, on the demo: each role's main pages on a phone (390×844) scroll only
vertically, the menu collapses behind a button, the field checklist has 44 px touch targets, and on a
tablet (768) the menu is one row."""
import pytest
from playwright.sync_api import expect
from test_units_browser import shot

from portal.demo import DEMO_PASSWORD

ROLES = ["office", "leader", "inspector", "head_315", "clerk_315", "informant"]


def sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="首页")).to_be_visible()


def overflow(page):
    """How many pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def field_sheet(app):
    with app.app_context():
        from portal.models import InspectionRound, RoundUnit

        under_way = InspectionRound.get(InspectionRound.state == "in_progress")
        unit = RoundUnit.select().where(RoundUnit.round == under_way).first()
        return f"/inspections/rounds/{under_way.id}/units/{unit.unit_id}"


def test_no_horizontal_scroll_on_each_roles_main_pages_on_a_phone(demo, live_server, browser):
    sheet = field_sheet(demo)
    for role in ROLES:
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        sign_in(page, live_server, role)
        # The menu is behind 菜单; opening it shows every entry, one per row.
        nav = page.locator("#mainnav")
        expect(nav).to_be_hidden()
        page.wait_for_load_state("load")  # portal.js listens for the button's click once the page has loaded
        page.get_by_role("button", name="菜单").click()
        expect(nav).to_be_visible()
        links = nav.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(links) >= 5
        pages = ["/"] + links + (["/inspections/findings", "/petitions/tasks"] if role != "informant" else [])
        if role == "inspector":
            pages.append(sheet)
        too_wide = []
        for url in pages:
            page.goto(live_server + url)
            page.wait_for_load_state("networkidle")
            if overflow(page) > 0:
                too_wide.append((url, overflow(page)))
            # The header's background spans the page.
            assert page.locator(".topbar").bounding_box()["width"] >= 390 - 1
        shot(page, f"daily-phone-{role}")
        assert too_wide == [], f"{role}: {too_wide}"
        context.close()


def test_tables_become_labelled_cards_and_the_checklist_has_44px_targets(demo, live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, "inspector")
    page.goto(live_server + "/todo")
    cell = page.locator("#todo-table tbody tr").first.locator("td").nth(1)
    assert cell.get_attribute("data-label") == "需要您"
    assert page.locator("#todo-table thead").is_hidden()
    page.goto(live_server + field_sheet(demo))
    labels = page.locator(".checklist .verdicts label")
    assert labels.count() >= 9
    for i in range(3):
        box = labels.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    shot(page, "daily-phone-checklist")
    context.close()


def test_the_menu_is_one_row_on_a_tablet_and_the_desktop(demo, live_server, browser):
    for width in (768, 1366):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 1024})
        page = context.new_page()
        sign_in(page, live_server, "office")
        for url in ("/", "/petitions/", "/todo"):
            page.goto(live_server + url)
            links = page.locator("#mainnav a")
            tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
            assert len(tops) == 1, f"{width}px {url}: menu on {len(tops)} rows"
            assert overflow(page) <= 0, f"{width}px {url}"
            if url == "/petitions/":
                export = page.get_by_role("link", name="导出 Excel").bounding_box()
                assert export["height"] < 40, "the export button wraps"
        shot(page, f"daily-tablet-{width}")
        context.close()


def test_irreversible_steps_ask_first_and_naming_what_happens(demo, live_server, browser):
    from portal.models import Agreement, SupervisedItem, Unit

    with demo.app_context():
        agreement = Agreement.get(Agreement.unit == Unit.get(Unit.code == "DWMY").id, Agreement.state == "issued")
        reported = SupervisedItem.get(SupervisedItem.source_type == "task", SupervisedItem.state == "reported")
    asked = []

    def answer(accept):
        def handler(dialog):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handler

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "head_waimao")
    page.goto(f"{live_server}/agreements/{agreement.id}")
    page.once("dialog", answer(False))
    page.get_by_role("button", name="签订责任书").click()
    page.wait_for_timeout(500)
    assert asked and asked[-1].startswith("确定签订《") and "不能再修改" in asked[-1]
    with demo.app_context():
        assert Agreement.get_by_id(agreement.id).state == "issued"  # refused: nothing happened
    page.once("dialog", answer(True))
    page.get_by_role("button", name="签订责任书").click()
    expect(page.locator("#agreement-live")).to_contain_text("已签订")
    with demo.app_context():
        assert Agreement.get_by_id(agreement.id).state == "signed"
    context.close()

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "office")
    page.goto(f"{live_server}/supervision/{reported.id}")
    page.once("dialog", answer(False))
    page.get_by_role("button", name="销号").click()
    page.wait_for_timeout(500)
    assert asked[-1] == f"确定销号“{reported.title}”？销号后该事项办结，不能再办理。"
    with demo.app_context():
        assert SupervisedItem.get_by_id(reported.id).state == "reported"
    # 驳回 asks too.
    page.once("dialog", answer(False))
    page.get_by_role("button", name="驳回重办").click()
    page.wait_for_timeout(300)
    assert asked[-1].startswith("确定驳回重办") and len(asked) == 4
    context.close()


def test_a_finding_form_with_a_field_missing_stays_open_keeps_the_text_and_focuses_the_problem(demo, live_server,
                                                                                                browser):
    sheet = field_sheet(demo)
    for width in (1366, 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 844})
        page = context.new_page()
        sign_in(page, live_server, "inspector")
        page.goto(live_server + sheet)
        # Mark the first item 不符合: the row offers to raise a finding on it.
        first = page.locator("tr.check-row").first
        first.locator(".verdicts label", has_text="不符合").click()
        offer = first.get_by_role("link", name="就此项提出问题")
        expect(offer).to_be_visible()
        offer.click()
        form = page.locator("#raise-finding")
        expect(form).to_have_attribute("open", "")
        form.get_by_label("责任人", exact=True).fill("丙主任")
        form.get_by_label("整改要求", exact=True).fill("一周内补齐值班记录")
        form.get_by_role("button", name="提出问题并交办整改").click()
        expect(form.locator(".error")).to_have_text("请填写发现的问题。")
        expect(form).to_have_attribute("open", "")
        expect(form.get_by_label("整改要求", exact=True)).to_have_value("一周内补齐值班记录")
        expect(form.get_by_label("责任人", exact=True)).to_have_value("丙主任")
        expect(form.locator("[name=description]")).to_be_focused()  # after htmx settles the swap
        shot(page, f"daily-finding-error-{width}")
        assert overflow(page) <= 0
        context.close()


def test_the_reply_is_printed_to_stamp_before_its_scan_is_uploaded(demo, live_server, browser):
    from portal.models import Petition, User

    with demo.app_context():
        case = Petition.select().where(Petition.state == "handling").first()
        head = User.get(User.unit == case.unit_id, User.role == "unit_head")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, head.username)
    page.goto(f"{live_server}/petitions/{case.id}")
    page.get_by_label("答复意见", exact=True).fill("经核实，已按政策补发拖欠工资。")
    # It opens in a new tab (formtarget=_blank): the context sees its response.
    with context.expect_event("response", lambda r: r.url.endswith("/reply-draft.pdf")) as printed:
        page.get_by_role("button", name="打印答复意见书（盖章用）").click()
    assert printed.value.status == 200 and printed.value.headers["content-type"] == "application/pdf"
    # The reply itself is not submitted: the case still waits for the stamped scan.
    expect(page.get_by_label("答复意见", exact=True)).to_have_value("经核实，已按政策补发拖欠工资。")
    with demo.app_context():
        assert Petition.get_by_id(case.id).state == "handling"
    context.close()


def test_attendance_from_the_whole_roster_or_a_sign_in_sheet(app, live_server, browser, world, tmp_path):
    from openpyxl import Workbook
    from test_units_browser import sign_in as sign_in_test_user

    from portal.models import StaffMember

    with app.app_context():
        people = [StaffMember.create(unit=world.shop, name=f"职工{n}", employee_no=f"{n:03d}") for n in range(1, 8)]
    clerk = world.user("unit_clerk")
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in_test_user(page, live_server, clerk.username)
    page.goto(f"{live_server}/legal/sessions/new")
    page.get_by_role("button", name="添加组织单位全体在职人员").click()
    expect(page.locator("#picked input[name=attendee]")).to_have_count(7)
    page.locator("#picked label", has_text="职工3").locator("input").uncheck()
    expect(page.locator("#picked input[name=attendee]:checked")).to_have_count(6)
    # A sign-in sheet instead: its people join the picked ones, the rows not found are listed.
    wb = Workbook()
    for row in (("姓名", "工号"), ("职工1", "001"), ("无名氏", "404")):
        wb.active.append(row)
    sheet = tmp_path / "签到表.xlsx"
    wb.save(sheet)
    page.get_by_label("签到表").set_input_files(str(sheet))
    page.get_by_role("button", name="读取签到表").click()
    expect(page.locator("#sign-in-result")).to_contain_text("找到 1 人")
    expect(page.locator("#sign-in-result")).to_contain_text("第 3 行")
    expect(page.locator("#sign-in-result")).to_contain_text("1 人已在参加人员中")
    expect(page.locator("#picked input[name=attendee]")).to_have_count(7)  # 职工1 was picked already
    assert overflow(page) <= 0
    shot(page, "daily-legal-attendance-390")
    context.close()
