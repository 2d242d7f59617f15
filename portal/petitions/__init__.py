"""Blueprint: letters and visits (信访): the case ledger, follow-up visits, tasks assigned from above,
printables, statistics and Excel exchange."""
from flask import Blueprint

from ..access import ALL_ROLES, BUREAU_ROLES
from ..modules import Module, Nav


bp = Blueprint("petitions", __name__, url_prefix="/petitions")
module = Module(
    "petitions", "信访", blueprint=bp,
    permissions={
        # Each unit sees the cases assigned to its subtree; the case workflow decides who takes which step.
        "petitions.view": ALL_ROLES,
        "petitions.register": {"office", "leader"},
        # The case's steps: the bureau decides (受理, 交办, 办结, 复查), the handling unit signs for it,
        # and the unit (or office on its behalf) replies and visits the petitioner.
        "petitions.decide": {"office", "leader"},
        "petitions.handle": {"unit_head", "unit_clerk"},
        "petitions.reply": {"unit_head", "unit_clerk", "office"},
        # The petition desk: its to-do list of cases to accept, assign and answer on review.
        "petitions.desk": {"office"},
        "petitions.act": ALL_ROLES,
        "petitions.reveal": {"office", "leader"},
        "petitions.manage": {"office"},
        "petitions.stats": BUREAU_ROLES | {"unit_head", "unit_clerk"},
        "petitions.tasks_manage": {"office", "leader"},
        # The written reply to a task from above: the handling unit, or office on its behalf.
        "petitions.reply_task": {"unit_head", "unit_clerk", "office"},
    },
    # Follow-up visit due this many days after the reply; a case reopened by a dissatisfied visit gets
    # this many days for its new reply; repeats looked for this far back.
    settings={"PETITION_VISIT_DAYS": 15, "PETITION_REOPEN_DAYS": 30, "PETITION_REPEAT_WINDOW_DAYS": 90},
    nav=[Nav("petitions.index", "信访", "petitions.view", order=15)],
    models="portal.models.petitions", demo="portal.petitions.demo")

from . import exchange_views, report_views, views  # noqa: E402,F401
from . import figures  # noqa: E402,F401
