"""Blueprint: letters and visits (信访): the case ledger, follow-up visits, tasks assigned from above,
printables, statistics and Excel exchange."""
from flask import Blueprint

from .. import nav

bp = Blueprint("petitions", __name__, url_prefix="/petitions")
nav.register("petitions.index", "信访", "petitions.view", order=15)

from . import exchange_views, report_views, views  # noqa: E402,F401
