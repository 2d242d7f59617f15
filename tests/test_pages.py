"""Site-wide page behaviour: vendored htmx, error pages, navigation by role."""
import base64
import hashlib

import pytest


def test_htmx_is_served_locally_and_matches_its_sri(app, client):
    version, sri = app.config["HTMX_VERSION"], app.config["HTMX_SRI"]
    assert version.startswith("2.")
    response = client.get(f"/static/vendor/htmx-{version}.min.js")
    assert response.status_code == 200
    assert sri == "sha384-" + base64.b64encode(hashlib.sha384(response.data).digest()).decode()
    page = client.get("/login").get_data(as_text=True)
    assert f'integrity="{sri}"' in page and "cdn.jsdelivr" not in page
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page


def test_not_found_page_is_friendly_chinese(login_as):
    response = login_as("office").get("/units/999999")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_forbidden_page_is_friendly_chinese(login_as):
    response = login_as("unit_clerk").get("/users/")
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


def test_server_error_page(app, login_as):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():  # pragma: no cover - only the error page matters
        raise RuntimeError("boom")

    boom.permission = "dashboard.view"
    response = login_as("office").get("/boom")
    assert response.status_code == 500 and "系统出错" in response.get_data(as_text=True)


@pytest.mark.parametrize("role,visible,hidden", [
    ("admin", ["组织机构", "用户管理", "操作日志"], []),
    ("leader", ["组织机构", "操作日志"], ["用户管理"]),
    ("office", ["组织机构"], ["用户管理", "操作日志"]),
    ("unit_clerk", ["组织机构"], ["用户管理", "操作日志"]),
])
def test_navigation_shows_only_what_the_role_may_use(login_as, role, visible, hidden):
    nav = login_as(role).get("/").get_data(as_text=True).split('class="mainnav"')[1].split("</nav>")[0]
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav
