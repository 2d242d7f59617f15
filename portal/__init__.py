"""The portal package: create_app() builds the Flask application from its parts."""
from flask import Flask
from werkzeug.routing import IntegerConverter

from . import access, audit, cli, clock, db, errors, forms, htmx, modules, nav, notify, security, settings, workflow


def create_app(test_config=None):
    """Application factory: settings, database, extensions, the modules of portal.modules, CLI, error pages."""
    app = Flask(
        __name__,
        instance_path=settings.instance_path((test_config or {}).get("INSTANCE_PATH")),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    settings.configure(app, test_config, modules.setting_defaults())
    # An id in a URL is a database id: one past 64 bits is a page that cannot exist (404), not a
    # number the database would refuse to compare (500).
    app.url_map.converters["int"] = DatabaseId

    db.init_app(app)
    security.init_app(app)
    access.init_app(app)
    audit.init_app(app)
    htmx.init_app(app)
    errors.init_app(app)
    forms.init_app(app)
    nav.init_app(app)
    notify.init_app(app)
    cli.init_app(app)
    app.add_template_filter(clock.format_local, "localtime")
    app.add_template_filter(filesize)
    app.add_template_filter(points)
    app.add_template_global(workflow.confirm_text, "confirm_step")

    modules.init_app(app)
    return app


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: a non-negative integer that fits a 64-bit database column."""

    def __init__(self, map, fixed_digits=0, min=None, max=2 ** 63 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


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
