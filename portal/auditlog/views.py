"""Views of the audit trail: a paginated, filterable live table."""
import datetime

from flask import current_app, request
from peewee import JOIN

from .. import clock, htmx
from ..access import permission
from ..audit import OBJECT_TYPES
from ..forms import int_arg
from ..models import AuditLog, Unit, User
from ..pagination import paginate, search_text
from . import bp
from ..users.services import unit_choices


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def filtered(args):
    """Audit rows matching the request's filters, newest first."""
    query = AuditLog.select(AuditLog, User).join(User, on=(AuditLog.actor == User.id), join_type=JOIN.LEFT_OUTER)
    if args.get("user"):
        query = query.where(AuditLog.actor_name == args["user"].strip())
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(AuditLog.unit.in_(Unit.select(Unit.id).where(Unit.path.startswith(unit.path))))
    if args.get("object_type") in OBJECT_TYPES:
        query = query.where(AuditLog.object_type == args["object_type"])
    q = search_text(args)
    if q:
        query = query.where(AuditLog.summary.contains(q))
    if int_arg(args, "object_id"):
        query = query.where(AuditLog.object_id == int_arg(args, "object_id"))
    start, end = _date(args.get("from")), _date(args.get("to"))
    if start:
        query = query.where(AuditLog.at >= clock.local_to_utc(datetime.datetime.combine(start, datetime.time())))
    if end:
        query = query.where(AuditLog.at < clock.local_to_utc(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())))
    return query.order_by(AuditLog.id.desc())


@bp.get("/")
@permission("audit.view")
def index():
    """Every recorded change, login and failed login, filtered by user, unit, type and date."""
    page = paginate(filtered(request.args), count_cap=current_app.config["AUDIT_COUNT_CAP"])
    return htmx.render(
        "auditlog/index.html", "auditlog/_table.html", rows=page.items, page=page,
        args=request.args, object_types=OBJECT_TYPES,
        units=unit_choices(), compact=request.args.get("compact") == "1",
    )
