"""Blueprint: dispute screening and mediation (矛盾纠纷排查调处): disputes held by one tier at a time,
their handling log, joint consultations and outcomes; the informants' reports (信息员); the periodic
screening reports with zero reports; figures, printables and the Excel export."""
from flask import Blueprint

from ..access import BUREAU_ROLES
from ..modules import Module, Nav

bp = Blueprint("disputes", __name__, url_prefix="/disputes")
module = Module(
    "disputes", "矛盾纠纷", blueprint=bp,
    permissions={
        # Units see the disputes of their subtree; the tier holding a dispute acts on it.
        "disputes.view": BUREAU_ROLES | {"unit_head", "unit_clerk"},
        "disputes.register": {"office", "unit_head", "unit_clerk"},
        # The tier steps (上报, 退回, 处置记录, 化解, 转出, 回访); the workflow's "holder" rule decides where.
        "disputes.handle": {"office", "unit_head", "unit_clerk"},
        # 激化, 预警函, 综合会诊 and the veto proposal: the bureau's staff and leaders.
        "disputes.decide": {"office", "leader"},
        "disputes.reveal": {"office", "leader"},
        # The warning letter (预警函) of a high-risk dispute goes to the unit's first responsible person.
        "disputes.warned": {"unit_head"},
        "disputes.manage": {"office"},
        # Informants file hot-issue reports and read their own; the office triages them.
        "disputes.inform": {"informant"},
        "disputes.reports": {"informant", "office", "leader"},
        "disputes.triage": {"office"},
        # Periodic screening: each unit files its own report; the bureau reads the matrix.
        "disputes.screen": {"office", "unit_head", "unit_clerk"},
    },
    # The time limit of the tier holding a dispute, by its complexity (calendar days); the follow-up
    # visit after a settlement is due this many days later.
    settings={"DISPUTE_DAYS_SIMPLE": 3, "DISPUTE_DAYS_ORDINARY": 7, "DISPUTE_DAYS_COMPLEX": 20,
              "DISPUTE_VISIT_DAYS": 15},
    nav=[Nav("disputes.index", "矛盾纠纷", "disputes.view", order=16),
         # Informants have no dispute pages: their own reports are their entry (others reach them by the tabs).
         Nav("disputes.reports", "信息员报告", "disputes.inform", order=17)],
    models="portal.models.disputes", demo="portal.disputes.demo")

from . import printing, screening, screening_views, views  # noqa: E402,F401
from . import figures  # noqa: E402,F401
