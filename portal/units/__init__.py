"""Blueprint: the organisation tree (单位管理) with inline htmx editing."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module, Nav


bp = Blueprint("units", __name__, url_prefix="/units")
module = Module("units", "组织机构", blueprint=bp, permissions={"units.view": ALL_ROLES, "units.manage": {"admin", "office"}}, nav=[Nav("units.index", "组织机构", "units.view", order=80)], models="portal.models.org")

from . import views  # noqa: E402,F401
