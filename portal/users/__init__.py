"""Blueprint: user accounts (用户管理), for the system administrator."""
from flask import Blueprint

from .. import nav

bp = Blueprint("users", __name__, url_prefix="/users")
nav.register("users.index", "用户管理", "users.manage", order=90)

from . import views  # noqa: E402,F401
