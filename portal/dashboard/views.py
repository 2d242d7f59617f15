"""The dashboard page and the foundation's own cards."""
import datetime

from flask import request, url_for
from flask_login import current_user
from peewee import fn

from .. import clock, htmx
from ..access import can, permission, sees_everything
from ..forms import year_arg
from ..models import AuditLog, Unit, User
from ..nav import cards_for
from . import bp, module


@module.card
def units_card(user, year):
    units = Unit.visible_to(user).where(Unit.active == True, Unit.bodies())  # noqa: E712
    by_level = {lvl: units.where(Unit.level == lvl).count() for lvl in (2, 3)}
    return {"title": "在用单位", "value": units.count(),
            "note": f"二级机构 {by_level[2]} 个，基层单位 {by_level[3]} 个", "url": url_for("units.index")}


def overview(user):
    """The second-level bodies in the user's scope (or the user's own unit below them), with
    how many active grassroots units and accounts each holds; three queries in all."""
    visible = list(Unit.visible_to(user).where(Unit.bodies()))
    if not visible:
        return []
    top = min(u.level for u in visible)
    heads = sorted((u for u in visible if u.level == top), key=lambda u: (u.sort_order, u.code))
    below = [u for u in visible if u.level > top and u.active]
    accounts = dict(
        User.select(User.unit, fn.COUNT(User.id)).where(User.active == True)  # noqa: E712
        .group_by(User.unit).tuples()
    )
    rows = []
    for head in heads:
        inside = [u for u in below if u.path.startswith(head.path)]
        users = sum(n for unit_id, n in accounts.items() if unit_id in {head.id, *(u.id for u in inside)})
        rows.append({"unit": head, "units": len(inside), "users": users})
    return rows


@module.card
def users_card(user, year):
    if not can("users.manage", user):
        return None
    active = User.select().where(User.active == True).count()  # noqa: E712
    locked = User.select().where(User.locked_until > clock.now()).count()
    return {"title": "在用账号", "value": active, "note": f"当前锁定 {locked} 个", "url": url_for("users.index")}


@module.card
def audit_card(user, year):
    if not can("audit.view", user):
        return None
    start = clock.local_to_utc(datetime.datetime.combine(clock.today(), datetime.time()))
    today = AuditLog.select().where(AuditLog.at >= start)
    failed = today.where(AuditLog.action == "login_failed").count()
    return {"title": "今日操作", "value": today.count(), "note": f"其中登录失败 {failed} 次",
            "url": url_for("auditlog.index", **{"from": clock.today().isoformat()})}


@bp.get("/")
@permission("dashboard.view")
def index():
    """Start page: the user's unit, and the counts of every module within the user's scope for one year
    (this year, or the one chosen: every card shows the same year)."""
    this_year = clock.today().year
    year = year_arg(request.args) or this_year
    year = year if this_year - 10 <= year <= this_year + 1 else this_year
    return htmx.render("dashboard/index.html", cards=cards_for(current_user, year), year=year,
                       years=list(range(this_year + 1, this_year - 5, -1)),
                       scope_all=sees_everything(current_user), overview=overview(current_user))
