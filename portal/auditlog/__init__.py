"""Blueprint: the audit trail (操作日志) for leaders and administrators."""
from flask import Blueprint

from ..modules import Module, Nav


bp = Blueprint("auditlog", __name__, url_prefix="/audit")
module = Module("auditlog", "操作日志", blueprint=bp, permissions={"audit.view": {"admin", "leader"}},
                # The trail grows without end: its pages count at most this many rows (then "more than").
                settings={"AUDIT_COUNT_CAP": 10000}, nav=[Nav("auditlog.index", "操作日志", "audit.view", order=95)], models="portal.models.audit")

from . import views  # noqa: E402,F401
