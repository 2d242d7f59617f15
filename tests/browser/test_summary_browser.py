"""In headless Chromium: the office drafts a year's summary, edits a paragraph in place, saves it, and
finds the change in the history."""
from playwright.sync_api import expect
from test_summary_drafts import figures  # noqa: F401
from test_units_browser import shot, sign_in


def test_draft_edit_save_and_see_it_in_the_history(live_server, page, world, figures):  # noqa: F811
    sign_in(page, live_server, world.user("office").username)
    page.goto(f"{live_server}/summary/")
    page.get_by_label("年度").first.fill("2026")
    page.get_by_label("总结范围").select_option(label=world.bureau.name)
    page.get_by_role("button", name="起草").click()
    expect(page.get_by_role("heading", name="测试商务局2026年度综治信访维稳工作总结")).to_be_visible()
    shot(page, "summary-draft")

    paragraph = page.locator(".summary-para").first
    box = paragraph.locator("textarea")
    expect(box).to_have_value("2026年测试商务局测试数据alpha3件。")
    expect(paragraph.get_by_role("link", name="测试数据alpha")).to_have_attribute("href", "/petitions/?year=2026&k=t.alpha")
    box.fill("2026年全系统共受理测试数据3件，件件有落实。")
    paragraph.get_by_role("button", name="保存本段").click()
    # Saved in place: the paragraph is swapped, the rest of the page (and what is typed there) untouched.
    expect(page.locator(".summary-para").first.locator(".saved")).to_have_text("已保存。")
    expect(page.locator(".summary-para").first.locator("textarea")).to_have_value("2026年全系统共受理测试数据3件，件件有落实。")

    page.get_by_role("link", name="历史版本").click()
    expect(page.locator("#summary-versions tbody tr").first).to_contain_text("第 2 版")
    expect(page.locator("#summary-versions tbody tr").first).to_contain_text("修改 一、第1段")
    page.get_by_role("link", name="第 2 版").click()
    expect(page.locator(".diff ins").first).to_have_text("全系统共受理")
    shot(page, "summary-version-diff")
    assert page.console_errors == []
