"""Blueprint: legal education (普法): laws, plans, rosters, sessions, coverage."""
from flask import Blueprint

from .. import nav

bp = Blueprint("legal", __name__, url_prefix="/legal")
nav.register("legal.index", "普法", "legal.view", order=50)

from . import views  # noqa: E402,F401
