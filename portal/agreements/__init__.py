"""Blueprint: target-responsibility agreements (目标管理责任书) and the annual assessment."""
from flask import Blueprint

from .. import nav

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
nav.register("agreements.index", "目标责任书", "agreements.view", order=20)

from . import views  # noqa: E402,F401
