"""Blueprint: the audit trail (操作日志) for leaders and administrators."""
from flask import Blueprint

from .. import nav

bp = Blueprint("auditlog", __name__, url_prefix="/audit")
nav.register("auditlog.index", "操作日志", "audit.view", order=95)

from . import views  # noqa: E402,F401
