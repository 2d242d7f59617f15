"""In headless Chromium: a list sorted by a clicked column header keeps that sort when a filter changes
and across its pages (the 督办 board; every sortable list uses the same sort_th + sort_kept macros)."""
import datetime
import re

from playwright.sync_api import expect
from test_units_browser import shot, sign_in

from portal import clock
from portal.supervision.services import supervise


def has(*parts):
    """A URL holding every one of these query parts, in any order."""
    return re.compile("".join(f"(?=.*[?&]{re.escape(part)}(&|$))" for part in parts))


def test_the_clicked_sort_survives_a_filter_change_and_the_next_page(app, live_server, browser, world):
    app.config["PAGE_SIZE"] = 2
    office = world.user("office")
    today = clock.today()
    with app.app_context():
        # Unsorted, the board is most urgent first: nearest date first (B, C, D, A); by title: A, B, C, D.
        for title, days, unit in (("A 值班制度", 40, world.shop), ("B 矛盾排查", 10, world.shop),
                                  ("C 整改台账", 20, world.shop), ("D 安全检查", 30, world.shop),
                                  ("0 界外事项", 5, world.other_shop)):
            supervise("task", unit=unit, title=title, assigned_by=office, due_date=today + datetime.timedelta(days=days))

    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_server, office.username)
    page.goto(f"{live_server}/supervision/")
    table = page.locator("#board-table")
    titles = table.locator("tbody tr td:nth-child(2)")
    expect(titles).to_have_text(["0 界外事项", "B 矛盾排查"])

    table.locator("th a.sort", has_text="事项").click()
    expect(titles).to_have_text(["0 界外事项", "A 值班制度"])
    expect(page).to_have_url(f"{live_server}/supervision/?sort=title")

    # A filter changes: the sort stays, the page goes back to 1.
    page.get_by_label("承办单位（含下级）").select_option(label=world.shop.name)
    expect(titles).to_have_text(["A 值班制度", "B 矛盾排查"])
    expect(page).to_have_url(has("sort=title", f"unit={world.shop.id}"))
    expect(table.locator('th[aria-sort="ascending"]')).to_contain_text("事项")

    table.get_by_role("link", name="下一页").click()
    expect(titles).to_have_text(["C 整改台账", "D 安全检查"])
    expect(page).to_have_url(has("sort=title", "page=2", f"unit={world.shop.id}"))

    # Reversed, then another filter: still reversed.
    table.locator("th a.sort", has_text="事项").click()
    expect(titles).to_have_text(["D 安全检查", "C 整改台账"])
    page.get_by_label("颜色").select_option(label="正常")
    expect(titles).to_have_text(["D 安全检查", "C 整改台账"])
    expect(page).to_have_url(has("sort=-title", "colour=normal"))
    shot(page, "board-sorted-filtered")


WRAPPED_DATES = """() => Array.from(document.querySelectorAll('table.table td')).filter(td => {
  if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(td.textContent.trim())) return false;
  const range = document.createRange(); range.selectNodeContents(td);
  return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size > 1;
}).map(td => td.textContent.trim())"""


def test_dates_do_not_wrap_on_a_tablet(app, live_server, browser, world):
    """At 768 px the dense lists wrap inside their cells, but never a date at its hyphens."""
    office = world.user("office")
    today = clock.today()
    with app.app_context():
        for n in range(3):
            supervise("task", unit=world.shop, title=f"落实综治维稳工作责任制第{n}项，按季度报送工作台账和整改情况",
                      assigned_by=office, due_date=today + datetime.timedelta(days=10 + n),
                      responsible_name="某某某副经理")
    head = world.user("unit_head")
    for user, url in ((office, "/supervision/"), (head, "/todo")):  # the items wait on the head's unit
        page = browser.new_context(locale="zh-CN", viewport={"width": 768, "height": 1000}).new_page()
        sign_in(page, live_server, user.username)
        page.goto(f"{live_server}{url}")
        expect(page.locator("table.table td.keep").first).to_be_visible()
        assert page.evaluate(WRAPPED_DATES) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= 768, url
    shot(page, "todo-768")
