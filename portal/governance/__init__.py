"""Blueprint: the organisation behind the work (组织与制度): leading groups, leaders' contact units and
visits, quarterly governance meetings and their decisions, duty rosters and spot checks, and the
yearly governance archive (综治档案)."""
from flask import Blueprint

from ..access import ALL_ROLES, BUREAU_ROLES
from ..modules import Module, Nav


bp = Blueprint("governance", __name__, url_prefix="/governance")
module = Module(
    "governance", "组织与制度", blueprint=bp,
    permissions={
        # Everyone sees the organisation of their own subtree; the bureau sees all of it.
        "governance.view": ALL_ROLES,
        # Leading groups, the bodies that must meet, contact-unit assignments: kept by the office.
        "governance.manage": {"office"},
        # Recording a body's meeting: the office and the bureau's leaders (the Party committee's own) for any
        # body, a unit's people for their own subtree's.
        "governance.meet": {"office", "leader", "unit_head", "unit_clerk"},
        # The body's side of its quarter's meeting (a module-driven supervised item).
        "governance.convene": {"office", "leader", "unit_head", "unit_clerk"},
        # A leader's contact units (定点包单位) and supervisory visits (日常督查).
        "governance.visit": {"leader"},
        # Duty rosters (值班表): the office for every body, a unit's people for their subtree.
        "governance.roster": {"office", "unit_head", "unit_clerk"},
        # Spot checks (查岗) and the 通报批评 a failed one raises.
        "governance.spotcheck": {"office", "leader", "inspector"},
        # The yearly governance archive (综治档案) ZIP.
        "governance.archive": {"office", "leader"},
        "governance.figures": BUREAU_ROLES,
    },
    # A meeting decision without a typed due date gets this many days.
    settings={"GOVERNANCE_DECISION_DAYS": 30},
    nav=[Nav("governance.index", "组织与制度", "governance.view", order=60)],
    models="portal.models.governance", demo="portal.governance.demo")

from . import views, archive  # noqa: E402,F401
from . import figures  # noqa: E402,F401
