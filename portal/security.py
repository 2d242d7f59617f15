"""Owns login sessions, CSRF, password hashing and the response security headers."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import clock, htmx
from .access import DISPLAY_SESSION

login_manager = LoginManager()
csrf = CSRFProtect()


def hasher():
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password):
    return hasher().hash(password)


def verify_password(password_hash, password):
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY = {}


def dummy_verify(password):
    key = current_app.config["ARGON2_MEMORY_COST"]
    if key not in _DUMMY:
        _DUMMY[key] = hash_password("not-a-real-password")
    verify_password(_DUMMY[key], password)


@login_manager.user_loader
def load_user(token):
    """Cookie token is "id:session_version"; a bumped version ends every older session."""
    from .models import User

    try:
        user_id, version = (int(part) for part in token.split(":"))
    except ValueError:
        return None
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if request.headers.get("HX-Request") == "true":
        return htmx.redirect_to(url_for("auth.login"))
    flash("请先登录。", "info")
    return redirect(target)


def content_security_policy(app):
    script_src = "'self'"
    if app.config["HTMX_CDN"]:
        script_src += " https://cdn.jsdelivr.net"
    return (
        "default-src 'self'; "
        f"script-src {script_src}; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )


def init_app(app):
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions end through session_version instead
    csrf.init_app(app)
    csp = content_security_policy(app)

    @app.before_request
    def _idle_timeout():
        """End a session idle for longer than IDLE_TIMEOUT; background polls do not count as activity."""
        if not current_user.is_authenticated:
            return None
        if session.get(DISPLAY_SESSION):
            # The wall display (access.DISPLAY_SESSION) stays up all day; it can show and do nothing else,
            # and ends when its account logs out.
            return None
        now = clock.now().timestamp()
        last = session.get("seen")
        if last is not None and now - last > app.config["IDLE_TIMEOUT"].total_seconds():
            logout_user()
            session.clear()
            return login_manager.unauthorized()
        if request.headers.get("X-Poll") != "1":
            session["seen"] = now
        return None

    @app.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint != "static":
            # Pages carry scoped data: never keep them in shared or browser caches.
            response.headers["Cache-Control"] = "no-store"
        return response
