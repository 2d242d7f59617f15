"""Login, lockout, logout ending sessions everywhere, idle timeout, CSRF and security headers."""
import datetime

from conftest import PASSWORD, csrf_token, login

from portal import clock
from portal.models import AuditLog, User


def test_login_with_correct_password_starts_a_fresh_session(app, world):
    user = world.user("office")
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "from before login"
    response = login(client, user.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    with client.session_transaction() as sess:
        assert "planted" not in sess
    assert "首页" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_chinese_message(app, world):
    user = world.user("office")
    response = login(app.test_client(), user.username, "wrong-password-123")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert User.get_by_id(user.id).failed_logins == 1


def test_unknown_user_gets_the_same_message(app, world):
    response = login(app.test_client(), "nobody-here", "wrong-password-123")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert AuditLog.select().where(AuditLog.action == "login_failed", AuditLog.actor_name == "nobody-here").exists()


def test_ten_failures_lock_the_account_for_fifteen_minutes(app, world):
    user = world.user("unit_clerk")
    start = datetime.datetime(2026, 3, 2, 1, 0, 0)
    client = app.test_client()
    with clock.frozen(start):
        for _ in range(9):
            assert "用户名或密码错误" in login(client, user.username, "wrong-password-123").get_data(as_text=True)
        response = login(client, user.username, "wrong-password-123")
        assert "账号已锁定" in response.get_data(as_text=True)
        assert "09:15" in response.get_data(as_text=True)  # 01:15 UTC shown in Asia/Shanghai
        # Even the right password is refused while locked.
        response = login(client, user.username)
        assert response.status_code == 401 and "账号已锁定" in response.get_data(as_text=True)
    assert AuditLog.select().where(AuditLog.action == "login_locked", AuditLog.object_id == user.id).count() == 1
    with clock.frozen(start + datetime.timedelta(minutes=14, seconds=59)):
        assert "账号已锁定" in login(client, user.username).get_data(as_text=True)
    with clock.frozen(start + datetime.timedelta(minutes=15, seconds=1)):
        assert login(client, user.username).status_code == 302
    assert User.get_by_id(user.id).failed_logins == 0


def test_a_success_resets_the_failure_count(app, world):
    user = world.user("office")
    client = app.test_client()
    for _ in range(9):
        login(client, user.username, "wrong-password-123")
    assert login(client, user.username).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    response = login(client, user.username, "wrong-password-123")
    assert "账号已锁定" not in response.get_data(as_text=True)


def test_logout_ends_the_users_sessions_on_every_device(app, world):
    user = world.user("unit_head")
    laptop, tablet = app.test_client(), app.test_client()
    login(laptop, user.username)
    login(tablet, user.username)
    assert tablet.get("/").status_code == 200
    response = laptop.post("/logout", data={"csrf_token": csrf_token(laptop)})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 302
    assert tablet.get("/").status_code == 302  # the other device is signed out too
    assert AuditLog.select().where(AuditLog.action == "logout").count() == 1


def test_logout_needs_post(login_as):
    office = login_as("office")
    assert office.get("/logout").status_code == 405
    assert office.get("/").status_code == 200


def test_disabling_a_user_ends_their_sessions(login_as, world):
    clerk = login_as("unit_clerk")
    admin = login_as("admin")
    assert clerk.get("/").status_code == 200
    assert admin.post(f"/users/{clerk.user.id}/disable").status_code == 302
    assert clerk.get("/").status_code == 302
    response = login(clerk.raw, clerk.user.username)
    assert "已停用" in response.get_data(as_text=True)


def test_idle_session_times_out_but_polling_does_not_keep_it_alive(app, login_as):
    office = login_as("office")
    start = clock.now()
    with clock.frozen(start + datetime.timedelta(minutes=20)):
        assert office.get("/units/", htmx=True, headers={"X-Poll": "1"}).status_code == 200
    with clock.frozen(start + datetime.timedelta(minutes=31)):
        response = office.get("/units/", htmx=True, headers={"X-Poll": "1"})
        assert response.headers.get("HX-Redirect", "").startswith("/login")


def test_activity_keeps_the_session_alive(login_as):
    office = login_as("office")
    start = clock.now()
    for minutes in (20, 40, 60):
        with clock.frozen(start + datetime.timedelta(minutes=minutes)):
            assert office.get("/").status_code == 200


def test_expired_session_on_htmx_request_answers_hx_redirect(client):
    response = client.get("/units/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login"


def test_plain_request_without_session_redirects_to_login(client):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/units/")


def test_login_ignores_offsite_next(app, world):
    user = world.user("office")
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_state_change_without_csrf_token_is_refused(login_as, world):
    office = login_as("office")
    response = office.raw.post(f"/units/{world.shop.id}/deactivate", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    from portal.models import Unit

    assert Unit.get_by_id(world.shop.id).active


def test_htmx_csrf_header_is_accepted(login_as, world):
    office = login_as("office")
    response = office.post(f"/units/{world.other_shop.id}/deactivate", htmx=True)
    assert response.status_code == 200
    from portal.models import Unit

    assert not Unit.get_by_id(world.other_shop.id).active


def test_login_form_needs_csrf(app, world):
    user = world.user("office")
    response = app.test_client().post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_change_rules_and_other_sessions_end(app, login_as):
    office = login_as("office")
    other = app.test_client()
    login(other, office.user.username)
    token = office.token
    response = office.raw.post("/account", data={"csrf_token": token, "current_password": PASSWORD, "new_password": "short", "confirm": "short"})
    assert "至少需要 10 个字符" in response.get_data(as_text=True)
    response = office.raw.post("/account", data={"csrf_token": token, "current_password": "not-my-password", "new_password": "a-new-long-password", "confirm": "a-new-long-password"})
    assert "当前密码不正确" in response.get_data(as_text=True)
    response = office.raw.post("/account", data={"csrf_token": token, "current_password": PASSWORD, "new_password": "a-new-long-password", "confirm": "a-new-long-password"})
    assert response.status_code == 302
    assert office.raw.get("/").status_code == 200  # this session continues
    assert other.get("/").status_code == 302  # the other one ended
    assert login(app.test_client(), office.user.username, "a-new-long-password").status_code == 302


def test_passwords_are_argon2id(world):
    user = world.user("office")
    assert User.get_by_id(user.id).password_hash.startswith("$argon2id$")


def test_an_unknown_name_is_answered_like_a_locked_account(app, world):
    """The answers never tell which usernames exist: ten failures lock a name that has no account
    exactly as they lock a real one."""
    user = world.user("unit_clerk")
    start = datetime.datetime(2026, 3, 2, 1, 0, 0)
    answers = {}
    for name in (user.username, "no-such-user"):
        client = app.test_client()
        with clock.frozen(start):
            texts = [login(client, name, "wrong-password-123").get_data(as_text=True) for _ in range(11)]
        answers[name] = [("账号已锁定" in t, "09:15" in t, "用户名或密码错误" in t) for t in texts]
    assert answers[user.username] == answers["no-such-user"]
    assert answers["no-such-user"][-1] == (True, True, False)


def test_failures_from_one_address_are_throttled_before_they_lock_many_accounts(app, world):
    """Guessing names from one client address: after LOGIN_MAX_FAILURES_PER_ADDRESS failures the
    address may try no more, so it cannot lock every account; another address still logs in."""
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 12
    victims = [world.user("unit_clerk", username=f"victim{n}") for n in range(3)]
    client = app.test_client()
    start = datetime.datetime(2026, 3, 2, 1, 0, 0)
    with clock.frozen(start):
        for victim in victims:
            for _ in range(10):
                login(client, victim.username, "wrong-password-123")
        response = login(client, victims[0].username)
        assert response.status_code == 401 and "此地址登录失败次数过多" in response.get_data(as_text=True)
        # 12 failures counted: the first account is locked, the second is not, the third untouched.
        assert User.get_by_id(victims[0].id).locked_until is not None
        assert User.get_by_id(victims[1].id).locked_until is None
        assert User.get_by_id(victims[2].id).failed_logins == 0
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
        response = login(other, victims[2].username)
    assert AuditLog.select().where(AuditLog.action == "login_throttled").count() >= 1
    assert response.status_code == 302


def test_login_only_returns_to_a_page_of_this_site(app, world):
    """`next` after login: a path here is followed; //host, /\\host and tab tricks are not."""
    user = world.user("office")
    for target, expected in (("/units/", "/units/"), ("//evil.example/x", "/"), ("/\\evil.example", "/"),
                             ("/\t/evil.example", "/"), ("https://evil.example/", "/")):
        client = app.test_client()
        token = csrf_token(client)
        response = client.post("/login", query_string={"next": target},
                               data={"username": user.username, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"] == expected, target
