"""The dashboard: counts and the organisation overview, within the user's scope."""


def test_bureau_dashboard_counts_bodies_not_offices(login_as, world):
    body = login_as("leader").get("/").get_data(as_text=True)
    # 测试行办 and 界外总公司 are level-2 bodies; 测试政工股 is an office inside the bureau.
    assert "二级机构 2 个，基层单位 2 个" in body
    assert "界外总公司" in body and "今日操作" in body


def test_unit_dashboard_stays_inside_the_subtree(login_as, world):
    branch_head = world.user("unit_head", unit=world.branch, username="branch_head")
    body = login_as(branch_head).get("/").get_data(as_text=True)
    assert "测试行办" in body and "界外" not in body
    assert "二级机构 1 个，基层单位 1 个" in body
    assert "今日操作" not in body and "在用账号" in body


def test_every_card_shows_the_year_chosen_on_the_dashboard(app, demo):
    """On the demo (this year's agreements and next year's template issued), every card names the same year:
    this year by default, the chosen one after a switch; the veto card counts the open appeal window."""
    import re

    from conftest import login

    from portal import clock
    from portal.demo import DEMO_PASSWORD

    year = clock.today().year
    office = app.test_client()
    assert login(office, "office", DEMO_PASSWORD).status_code == 302
    body = office.get("/").get_data(as_text=True)
    years = set(re.findall(r'<span class="card-title">(\d{4})年', body))
    assert years == {str(year)}, years
    assert f'<option value="{year}" selected>' in body
    earlier = office.get(f"/?year={year - 1}").get_data(as_text=True)
    assert set(re.findall(r'<span class="card-title">(\d{4})年', earlier)) <= {str(year - 1)}
    assert office.get("/?year=99999").status_code == 200  # out of range: this year
    veto = re.search(r"一票否决</span>.*?待确认/申诉 (\d+) 项", body, re.S)
    assert veto and int(veto.group(1)) >= 1  # 315商店's confirmed veto, its appeal window still open
