"""Blueprint: upload, download and archive evidence files of any record."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module

bp = Blueprint("attachments", __name__, url_prefix="/attachments")
module = Module("attachments", "附件", blueprint=bp, permissions={"attachments.view": ALL_ROLES, "attachments.upload": {"admin", "office", "unit_head", "unit_clerk"},
                 "attachments.archive": {"admin", "office"}}, models="portal.models.attachments")

from . import views  # noqa: E402,F401
