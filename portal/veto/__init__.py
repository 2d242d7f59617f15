"""Blueprint: one-veto accountability (一票否决), sanctions, responsibility investigation, watch list."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module, Nav


bp = Blueprint("veto", __name__, url_prefix="/veto")
module = Module(
    "veto", "一票否决", blueprint=bp,
    permissions={
        "veto.view": ALL_ROLES,
        "veto.propose": {"office", "leader"},
        # Who confirms, appeals or reviews which veto is decided by the veto workflow.
        "veto.act": ALL_ROLES,
        # Confirming or rejecting a proposal, upholding or overturning it on appeal: the leaders'.
        "veto.decide": {"leader"},
        # The unit's one appeal, by its 一把手 (own unit only).
        "veto.appeal": {"unit_head"},
        "veto.withdraw": {"office", "leader"},
        # Once confirmed, a veto is withdrawn by a leader only.
        "veto.withdraw_confirmed": {"leader"},
        "veto.sanction": {"office", "leader"},
        "veto.watchlist": {"office", "leader"},
        "veto.accountability": {"office", "leader"},
    },
    settings={"VETO_APPEAL_DAYS": 15, "VETO_SECOND_YELLOW_PROPOSES": True,
              # 发文字号 prefixes of the module's documents ("<prefix>〔2026〕3号") and their 抄送 line (版记).
              "VETO_DOC_PREFIXES": {"veto": "县商务综否", "criticism": "县商务综通", "accountability": "县商务综查"},
              "VETO_DOC_COPIES": "局领导班子成员，局机关各股室。"},
    nav=[Nav("veto.index", "一票否决", "veto.view", order=30)],
    models="portal.models.veto", demo="portal.veto.demo")

from . import views  # noqa: E402,F401
from . import figures  # noqa: E402,F401
