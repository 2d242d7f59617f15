"""Blueprint: each user's 待办/已办 lists and notification centre, with their nav badges."""
from flask import Blueprint

from ..access import ALL_ROLES
from ..modules import Module, Nav


bp = Blueprint("inbox", __name__)
module = Module("inbox", "待办", blueprint=bp, permissions={"inbox.view": ALL_ROLES}, nav=[Nav("inbox.todo", "待办", "inbox.view", order=5)], models="portal.models.notifications")

from . import views  # noqa: E402,F401


@bp.app_context_processor
def _todo_count():
    from ..supervision.services import todo_count

    return {"todo_count": todo_count}
