"""Blueprint: user accounts (用户管理), for the system administrator."""
from flask import Blueprint

from ..modules import Module, Nav


bp = Blueprint("users", __name__, url_prefix="/users")
module = Module("users", "用户管理", blueprint=bp, permissions={"users.manage": {"admin"}}, nav=[Nav("users.index", "用户管理", "users.manage", order=90)], models="portal.models.users")

from . import views  # noqa: E402,F401
