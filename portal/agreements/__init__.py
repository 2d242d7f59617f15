"""Blueprint: target-responsibility agreements (目标管理责任书) and the annual assessment."""
from flask import Blueprint

from ..access import ALL_ROLES, BUREAU_ROLES
from ..modules import Module, Nav


bp = Blueprint("agreements", __name__, url_prefix="/agreements")
module = Module(
    "agreements", "目标责任书", blueprint=bp,
    permissions={
        "agreements.view": ALL_ROLES,
        "agreements.manage": {"office"},
        "agreements.issue": {"office"},
        "agreements.templates": {"office", "leader"},
        # Who signs, scores and approves which agreement is decided by the agreements workflow.
        "agreements.act": ALL_ROLES,
        "agreements.ranking": BUREAU_ROLES,
        # The unit's side: signing and the self-assessment, by the unit's 一把手 only (own unit).
        "agreements.sign": {"unit_head"},
        # The bureau's side: scoring the assessment, then the leader's approval and archiving.
        "agreements.assess": {"office", "leader"},
        "agreements.archive": {"leader"},
    },
    nav=[Nav("agreements.index", "目标责任书", "agreements.view", order=20)],
    models=("portal.models.agreements", "portal.models.jobs"), demo="portal.agreements.demo")

from . import views  # noqa: E402,F401
from . import figures  # noqa: E402,F401
