"""Blueprint: each user's 待办/已办 lists and notification centre, with their nav badges."""
from flask import Blueprint

from .. import nav

bp = Blueprint("inbox", __name__)
nav.register("inbox.todo", "待办", "inbox.view", order=5)

from . import views  # noqa: E402,F401


@bp.app_context_processor
def _todo_count():
    from ..supervision.services import todo_for

    return {"todo_count": lambda user: len(todo_for(user))}
