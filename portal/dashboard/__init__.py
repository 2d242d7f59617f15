"""Blueprint: the dashboard (首页) with the counts modules register as cards."""
from flask import Blueprint

from .. import nav

bp = Blueprint("dashboard", __name__)
nav.register("dashboard.index", "首页", "dashboard.view", order=0)

from . import views  # noqa: E402,F401
