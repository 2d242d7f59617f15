"""Access matrix: every route of the URL map × every role × an out-of-scope unit.

Routes are discovered from the URL map, so a new route is covered the day it is added;
a route whose URL parameters this file cannot fill fails the test until it is taught here.
"""

import pytest
from conftest import PortalClient, login

from portal import modules
from portal.access import ALL_ROLES, PERMISSIONS, PUBLIC, UNIT_ROLES, view_permission
from portal.models import AuditLog, User

# Records that belong to one user, not to a unit: everybody else gets 404, bureau roles included.
PER_USER = {"notification_id", "job_id"}

ROLES = sorted(ALL_ROLES)


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _fill(rule, values):
    missing = [arg for arg in rule.arguments if arg not in values]
    if missing:
        pytest.fail(f"{rule.rule}: teach test_access.py a value for {missing}")
    url = rule.rule
    for arg in rule.arguments:
        for conv in ("<int:%s>" % arg, "<%s>" % arg):
            url = url.replace(conv, str(values[arg]))
    return url


# Rows a request may change without changing data: the audit trail (checked on its own) and a
# user's login bookkeeping.
VOLATILE = {"audit_log"}
USER_VOLATILE = {"failed_logins", "locked_until", "last_login_at"}


def fingerprint():
    """Everything an out-of-scope request must leave untouched: every row of every module's models."""
    rows = []
    for model in modules.all_models():
        if model._meta.table_name in VOLATILE:
            continue
        for row in model.select().order_by(model._meta.primary_key):
            data = row.__data__
            if model is User:
                data = {k: v for k, v in data.items() if k not in USER_VOLATILE}
            rows.append((model.__name__, tuple(sorted(data.items(), key=lambda kv: kv[0]))))
    return rows


def test_every_view_declares_a_permission(app):
    undeclared = [rule.rule for rule, _ in routes(app) if view_permission(app, rule.endpoint) is None]
    assert undeclared == []
    for rule, _ in routes(app):
        perm = view_permission(app, rule.endpoint)
        assert perm == PUBLIC or perm in PERMISSIONS


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, outside, role):
    user = world.user(role)
    marker = world.other_shop.name  # the out-of-scope unit's name must never leak to unit roles
    failures = []
    checked = 0
    for rule, method in routes(app):
        if rule.endpoint == "auth.logout":
            continue  # ends the session; covered in test_auth
        permission = view_permission(app, rule.endpoint)
        url = _fill(rule, outside)
        flask_client = app.test_client()
        login(flask_client, user.username)
        client = PortalClient(flask_client, user)
        before = fingerprint()
        audit_before = AuditLog.select().where(AuditLog.unit == world.other_shop.id).count()
        response = client.get(url) if method == "GET" else client.post(url, htmx=True)
        status, body = response.status_code, response.get_data().decode("utf-8", "replace")
        checked += 1
        where = f"{role} {method} {url} -> {status}"
        if status >= 500:
            failures.append(f"{where}: server error")
            continue
        if permission == PUBLIC:
            continue
        allowed = role in PERMISSIONS[permission]
        if not allowed:
            if status != 403:
                failures.append(f"{where}: expected 403 for a role without {permission}")
        elif PER_USER & set(rule.arguments):
            if status != 404:
                failures.append(f"{where}: another user's record must answer 404")
        elif role in UNIT_ROLES:
            if rule.arguments:
                if status != 404:
                    failures.append(f"{where}: out-of-scope object must answer 404")
            elif marker in body:
                failures.append(f"{where}: page shows the out-of-scope unit")
        elif method == "GET" and status == 404:
            failures.append(f"{where}: bureau roles see every unit")
        if role in UNIT_ROLES or not allowed:
            if fingerprint() != before:
                failures.append(f"{where}: refused request changed data")
            if AuditLog.select().where(AuditLog.unit == world.other_shop.id).count() != audit_before:
                failures.append(f"{where}: refused request wrote an audit row for the other unit")
    assert checked > 10
    assert failures == []


@pytest.mark.parametrize("role", sorted(UNIT_ROLES))
def test_unit_roles_see_their_own_subtree(login_as, world, role):
    client = login_as(role)
    assert client.get(f"/units/{world.shop.id}").status_code == 200
    body = client.get("/units/").get_data(as_text=True)
    assert world.shop.name in body
    assert world.other_shop.name not in body and world.other_branch.name not in body
    # The parent is above the user's unit: not part of its subtree.
    assert client.get(f"/units/{world.branch.id}").status_code == 404


def test_a_branch_user_sees_units_below(login_as, world):
    branch_head = world.user("unit_head", unit=world.branch, username="branch_head")
    client = login_as(branch_head)
    assert client.get(f"/units/{world.shop.id}").status_code == 200
    assert client.get(f"/units/{world.other_shop.id}").status_code == 404


@pytest.mark.parametrize("role", ["admin", "leader", "office", "inspector"])
def test_bureau_roles_see_everything(login_as, world, role):
    body = login_as(role).get("/units/").get_data(as_text=True)
    for unit in (world.shop, world.other_shop, world.branch, world.other_branch):
        assert unit.name in body


@pytest.mark.parametrize("url", ["/", "/units/", "/users/", "/audit/", "/account"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_overlong_numbers_in_query_strings_are_ignored_not_errors(login_as):
    """A number too long to be an id or a year falls back to the default instead of a server error."""
    office = login_as("office")
    huge = "9" * 30
    for url in (f"/veto/?year={huge}", f"/legal/?year={huge}&unit={huge}&law={huge}", f"/agreements/?year={huge}",
                f"/supervision/?unit={huge}", f"/inspections/findings?round={huge}&unit={huge}",
                f"/petitions/stats?year={huge}"):
        assert office.get(url).status_code == 200, url
    admin = login_as("admin")
    for url in (f"/users/?unit={huge}", f"/audit/?unit={huge}&object_id={huge}&page={huge}"):
        assert admin.get(url).status_code == 200, url
