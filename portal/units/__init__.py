"""Blueprint: the organisation tree (单位管理) with inline htmx editing."""
from flask import Blueprint

from .. import nav

bp = Blueprint("units", __name__, url_prefix="/units")
nav.register("units.index", "组织机构", "units.view", order=80)

from . import views  # noqa: E402,F401
