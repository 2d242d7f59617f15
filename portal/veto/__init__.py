"""Blueprint: one-veto accountability (一票否决), sanctions, responsibility investigation, watch list."""
from flask import Blueprint

from .. import nav

bp = Blueprint("veto", __name__, url_prefix="/veto")
nav.register("veto.index", "一票否决", "veto.view", order=30)

from . import views  # noqa: E402,F401
