"""Blueprint: the supervision core (督办) — items, extensions, 催办/通报 and the board."""
from flask import Blueprint

from .. import nav

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
nav.register("supervision.board", "督办", "supervision.board", order=10)

from . import views  # noqa: E402,F401
