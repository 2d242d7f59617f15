"""In headless Chromium, on the demo: the leaders' year page at 1366 and 390 px (no sideways scroll), and
office opening the wall display on a 1920×1080 screen: the browser then shows the display, refreshes it
by itself, and gets nothing else."""
import pytest
from playwright.sync_api import expect
from test_daily_browser import overflow, sign_in
from test_units_browser import shot


def errors_of(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


@pytest.mark.parametrize("width", [1366, 390])
def test_year_page_fits_the_screen(demo, live_server, browser, width):
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}).new_page()
    errors = errors_of(page)
    sign_in(page, live_server, "leader")
    page.goto(f"{live_server}/summary/year")
    expect(page.get_by_role("heading", name="需要领导处理的事项（当前）")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(5)
    assert overflow(page) == 0
    shot(page, f"summary-year-{width}")
    assert errors == []


def test_open_the_wall_display_on_this_screen(demo, live_server, browser):
    demo.config["SUMMARY_DISPLAY_REFRESH"] = 2
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = errors_of(page)
    sign_in(page, live_server, "office")
    page.goto(f"{live_server}/summary/year")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="在此屏幕上打开大屏").click()
    expect(page).to_have_url(f"{live_server}/summary/display")
    expect(page.get_by_role("heading", name="信访件次（按月）")).to_be_visible()
    # Nothing to click or fill in, and it all fits the screen without scrolling.
    assert page.locator("form, input, button, a").count() == 0
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080 and overflow(page) == 0
    stamp = page.locator(".wall-stamp").inner_text()
    with page.expect_response(lambda r: r.url.endswith("/summary/display") and r.request.headers.get("hx-request")):
        pass  # the display fetches itself again (every 2 s here)
    expect(page.locator("#wall")).to_have_count(1)
    assert stamp.startswith("更新于")
    shot(page, "summary-display-1920")
    assert errors == []
    # The same browser can open nothing else.
    for path in ("/", "/summary/year", "/login", "/account"):
        assert page.goto(f"{live_server}{path}").status == 403
