"""Blueprint: legal education (普法): laws, plans, rosters, sessions, coverage."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module, Nav


bp = Blueprint("legal", __name__, url_prefix="/legal")
module = Module(
    "legal", "普法", blueprint=bp,
    permissions={
        "legal.view": ALL_ROLES,
        "legal.record": {"office", "unit_head", "unit_clerk"},
        "legal.manage": {"office"},
        # Sessions held by the bureau for the whole system (their attendees come from every unit).
        "legal.bureau_sessions": {"office"},
    },
    nav=[Nav("legal.index", "普法", "legal.view", order=50)],
    models="portal.models.legal", demo="portal.legal.demo")

from . import views  # noqa: E402,F401
from . import figures  # noqa: E402,F401
