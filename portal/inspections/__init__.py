"""Blueprint: the inspection team (督查组): checklists, rounds, results, findings and rectification."""
from flask import Blueprint

from .. import nav

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
nav.register("inspections.index", "督查", "inspections.view", order=40)

from . import views  # noqa: E402,F401
