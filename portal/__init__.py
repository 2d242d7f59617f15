"""The portal package: create_app() builds the Flask application from its parts."""
import os

from flask import Flask

from . import access, audit, cli, clock, db, errors, htmx, nav, notify, security, settings


def create_app(test_config=None):
    """Application factory: settings, database, extensions, blueprints, CLI, error pages."""
    instance_path = os.path.abspath(
        (test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("PORTAL_INSTANCE")
        or os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    settings.configure(app, test_config)

    db.init_app(app)
    security.init_app(app)
    access.init_app(app)
    audit.init_app(app)
    htmx.init_app(app)
    errors.init_app(app)
    nav.init_app(app)
    notify.init_app(app)
    cli.init_app(app)
    app.add_template_filter(clock.format_local, "localtime")
    app.add_template_filter(filesize)
    app.add_template_filter(points)

    from .auth import bp as auth_bp
    from .dashboard import bp as dashboard_bp
    from .units import bp as units_bp
    from .users import bp as users_bp
    from .auditlog import bp as auditlog_bp
    from .attachments import bp as attachments_bp
    from .supervision import bp as supervision_bp
    from .inbox import bp as inbox_bp
    from .agreements import bp as agreements_bp
    from .veto import bp as veto_bp
    from .inspections import bp as inspections_bp
    from .legal import bp as legal_bp
    from .petitions import bp as petitions_bp

    for bp in (auth_bp, dashboard_bp, units_bp, users_bp, auditlog_bp, attachments_bp, supervision_bp, inbox_bp,
               agreements_bp, veto_bp, inspections_bp, legal_bp, petitions_bp):
        app.register_blueprint(bp)
    return app


def points(value):
    """Template filter: a score without a needless ".0" (12.5 stays, 10.0 shows as 10)."""
    if value is None:
        return "—"
    return f"{value:.1f}".rstrip("0").rstrip(".")


def filesize(size):
    """Template filter: bytes as 12 KB / 3.4 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
