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
