"""Blueprint: the inspection team (督查组): checklists, rounds, results, findings and rectification."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module, Nav


bp = Blueprint("inspections", __name__, url_prefix="/inspections")
module = Module(
    "inspections", "督查", blueprint=bp,
    permissions={
        # The bureau's people see every round and finding; units the rounds that visit them.
        "inspections.view": ALL_ROLES,
        # Checklists, and planning, starting and completing rounds.
        "inspections.manage": {"office", "leader"},
        # Recording results and raising findings: inspectors, and only on their own round's team (the
        # workflow's "team" scope rule).
        "inspections.record": {"inspector"},
        # Rectifications: who reminds and issues notices, who verifies (the round's inspectors), who
        # grants more time.
        "inspections.follow_up": {"office", "leader", "inspector"},
        "inspections.verify": {"inspector"},
        "inspections.extend": {"office"},
    },
    settings={"INSPECTION_DEADLINE_DAYS": {"minor": 30, "serious": 15, "grave": 7}},
    nav=[Nav("inspections.index", "督查", "inspections.view", order=40)],
    models="portal.models.inspections", demo="portal.inspections.demo")

from . import views  # noqa: E402,F401
from . import figures  # noqa: E402,F401
