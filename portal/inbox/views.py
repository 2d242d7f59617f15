"""Views: 待办 / 已办, the notification centre, and the two count badges polled by the nav."""
from flask import current_app, redirect, request, url_for
from flask_login import current_user

from .. import htmx, notify
from ..access import get_or_404, permission
from ..models import Notification
from ..pagination import paginate, paginate_top
from ..supervision import services as supervision
from . import bp


@bp.get("/todo")
@permission("inbox.view")
def todo():
    """Everything waiting for the user's action across modules (待办), and what they did (已办), a page
    at a time: the steps taken paged in SQL, the to-dos merged from every module's most pressing (each
    source's first rows of the page in SQL), counted by the badge's COUNTs."""
    tab = "done" if request.args.get("tab") == "done" else "todo"
    if tab == "done":
        page = paginate(supervision.done_for(current_user))
    else:
        page = paginate_top(supervision.todo_count(current_user, fresh=True),
                            lambda n: supervision.todo_for(current_user, limit=n))
    return htmx.render("inbox/todo.html", "inbox/_todo_table.html", tab=tab, page=page,
                       action_labels=supervision.ACTION_LABELS)


@bp.get("/todo/count")
@permission("inbox.view")
def todo_count():
    """The nav badge: how many items wait for the user."""
    return htmx.fragment("inbox/_todo_count.html", count=supervision.todo_count(current_user))


@bp.get("/notifications")
@permission("inbox.view")
def notifications():
    """The notification centre: the user's messages, newest first (unread ones highlighted)."""
    return _list()


@bp.get("/notifications/count")
@permission("inbox.view")
def notifications_count():
    """The bell badge: unread messages."""
    return htmx.fragment("inbox/_unread_count.html", count=notify.unread_count(current_user))


@bp.post("/notifications/<int:notification_id>/read")
@permission("inbox.view")
def read(notification_id):
    """Mark one message read."""
    get_or_404(Notification, notification_id)
    notify.mark_read(current_user, notification_id)
    return _list("notificationsChanged")


@bp.get("/notifications/<int:notification_id>/open")
@permission("inbox.view")
def open_message(notification_id):
    """Open what a message is about, marking it read on the way: one click reads it."""
    message = get_or_404(Notification, notification_id)
    notify.mark_read(current_user, message.id)
    return redirect(htmx.safe_next(message.url) or url_for("inbox.notifications"))


@bp.post("/notifications/read-all")
@permission("inbox.view")
def read_all():
    """Mark every message read."""
    notify.mark_read(current_user)
    return _list("notificationsChanged")


def _list(trigger=None):
    rows = list(Notification.visible_to(current_user)
                .order_by(Notification.id.desc())
                .limit(current_app.config["PAGE_SIZE"]))
    return htmx.render("inbox/notifications.html", "inbox/_notifications.html", rows=rows,
                       unread=notify.unread_count(current_user), trigger=trigger)
