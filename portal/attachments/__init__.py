"""Blueprint: upload, download and archive evidence files of any record."""
from flask import Blueprint

bp = Blueprint("attachments", __name__, url_prefix="/attachments")

from . import views  # noqa: E402,F401
