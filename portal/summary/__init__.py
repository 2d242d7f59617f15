"""Blueprint: the year-end summary (年度综治信访维稳工作总结) drafted from the records, the leaders' year
view and the office's wall display (数据大屏). The figures come from every module through the
manifest's `figures` extension point (portal/summary/figures.py)."""
from flask import Blueprint

from ..access import BUREAU_ROLES
from ..modules import Module, Nav


bp = Blueprint("summary", __name__, url_prefix="/summary")
module = Module(
    "summary", "年度总结", blueprint=bp,
    permissions={
        # The office drafts the bureau's summary (or a second-level body's); a unit's head and clerk draft
        # their own unit's; leaders read and comment.
        "summary.view": BUREAU_ROLES | {"unit_head", "unit_clerk"},
        "summary.draft": {"office", "unit_head", "unit_clerk"},
        # Finalising a draft (定稿) and reopening it: the office, or a unit's head for the unit's own.
        "summary.finalise": {"office", "unit_head"},
        # The leaders' year page: figures beside last year's, charts, the red items needing a leader.
        "summary.yearview": {"leader", "office", "admin"},
        # Opening the wall display (数据大屏) on the office's screen.
        "summary.display": {"office", "leader", "admin"},
    },
    # Seconds between the wall display's refreshes of its figures.
    settings={"SUMMARY_DISPLAY_REFRESH": 60},
    nav=[Nav("summary.index", "年度总结", "summary.view", order=70),
         Nav("summary.year", "年度视图", "summary.yearview", order=71)],
    models="portal.models.summary", demo="portal.summary.demo")

from . import views, yearview  # noqa: E402,F401
