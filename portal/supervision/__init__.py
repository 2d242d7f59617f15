"""Blueprint: the supervision core (督办) — items, extensions, 催办/通报 and the board."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module, Nav


bp = Blueprint("supervision", __name__, url_prefix="/supervision")
module = Module(
    "supervision", "督办", blueprint=bp,
    permissions={
        "supervision.view": ALL_ROLES,
        "supervision.board": {"office", "leader"},
        "supervision.assign": {"office", "leader"},
        # The owner unit's side of a supervised item (签收, 进展, 办结报告, 申请延期), for its own unit.
        "supervision.handle": {"unit_head", "unit_clerk"},
        "supervision.approve": {"leader"},
        # Who acts on which item is decided per item type by the supervision core itself.
        "supervision.act": ALL_ROLES,
    },
    settings={"SUPERVISION_BLUE_DAYS": 3, "SUPERVISION_ACK_DAYS": 2, "SUPERVISION_EXTENSION_LIMITS": {},
              # A worker keeps a user's to-do count (the nav badge) at most this long (services._kept_count).
              "TODO_COUNT_SECONDS": 30},
    nav=[Nav("supervision.board", "督办", "supervision.board", order=10)],
    models="portal.models.supervision", demo="portal.supervision.demo")

from . import views  # noqa: E402,F401
