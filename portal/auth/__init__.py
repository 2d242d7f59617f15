"""Blueprint: login, logout and the user's own password."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module

bp = Blueprint("auth", __name__)
module = Module("auth", "登录与账号", blueprint=bp, permissions={"account.self": ALL_ROLES})

from . import views  # noqa: E402,F401
