"""Blueprint: the dashboard (首页) with the counts modules register as cards."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module, Nav


bp = Blueprint("dashboard", __name__)
module = Module("dashboard", "首页", blueprint=bp, permissions={"dashboard.view": ALL_ROLES}, nav=[Nav("dashboard.index", "首页", "dashboard.view", order=0)])

from . import views  # noqa: E402,F401
