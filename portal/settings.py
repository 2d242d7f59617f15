"""Owns configuration: defaults, the instance folder, environment overrides and the secret key."""
import os
import secrets
from datetime import timedelta


class Defaults:
    # Sessions: cookie lives a working day; inactivity ends it sooner (IDLE_TIMEOUT).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # PORTAL_SECURE_COOKIES=1 behind HTTPS
    SESSION_COOKIE_NAME = "portal_session"

    # Login protection.
    LOGIN_MAX_FAILURES = 10
    LOGIN_LOCK_MINUTES = 15
    # Failed logins from one client address within LOGIN_LOCK_MINUTES before it may try no more:
    # nobody can lock every account by guessing names.
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    PASSWORD_MIN_LENGTH = 10
    # argon2id parameters (argon2-cffi's RFC 9106 "low memory" profile by default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # Uploads.
    MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    # A little headroom over one attachment for the multipart envelope and form fields.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024 + 64 * 1024

    # Front-end: htmx is served from static/vendor unless HTMX_CDN is set.
    HTMX_VERSION = "2.0.11"
    HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"
    HTMX_CDN = False

    # Live tables poll this often (seconds) in addition to event-driven refreshes.
    LIVE_POLL_SECONDS = 30
    # Rows a list shows a page (phones get stacked cards; bulk work goes through search, filters and Excel).
    PAGE_SIZE = 20
    # Open SQLite connections a worker keeps for its requests and jobs (portal.db.make_database).
    SQLITE_POOL_SIZE = 8
    TIMEZONE = "Asia/Shanghai"

    # Each module's own defaults (supervision thresholds, appeal days ...) are in its manifest.

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_I18N_ENABLED = False  # see portal.forms.Form


def instance_path(configured=None):
    """The instance folder: the one configured (tests), else PORTAL_INSTANCE, else instance/ beside the
    package. The app and the background worker both ask here."""
    return os.path.abspath(configured or os.environ.get("PORTAL_INSTANCE")
                           or os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"))


def configure(app, test_config=None, module_defaults=None):
    """Load defaults (the core's, then each module's), then instance/config.py, then environment,
    then test overrides."""
    app.config.from_object(Defaults)
    app.config.update(module_defaults or {})
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)

    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = env["DATABASE_URL"]
    if env.get("PORTAL_SECURE_COOKIES") == "1":
        app.config["SESSION_COOKIE_SECURE"] = True
    if env.get("PORTAL_HTMX_CDN") == "1":
        app.config["HTMX_CDN"] = True
    if test_config:
        app.config.update(test_config)

    app.config.setdefault("DATABASE_URL", None)
    app.config.setdefault("SQLITE_PATH", os.path.join(app.instance_path, "portal.db"))
    app.config.setdefault("UPLOAD_FOLDER", os.path.join(app.instance_path, "uploads"))
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(app.instance_path)


def load_or_create_secret(instance_path):
    """Read the instance's secret key, creating it (mode 0600) on first start."""
    path = os.path.join(instance_path, "secret_key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        key = secrets.token_hex(32)
        fh.write(key)
    return key
