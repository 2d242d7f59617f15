"""Periodic screening (排查): the schedule per level as data, the periods of a year, one report per unit
and period (the disputes found, or an explicit zero report), a supervised item for each report owed
(issued when a period ends, resolved when it is filed; overdue ones reach the watch list), and the
unit × period matrix."""
import calendar
import datetime
from dataclasses import dataclass

import click
from peewee import fn

from .. import audit, clock
from ..access import can, in_scope
from ..db import database
from ..models import SupervisedItem, Unit
from ..models.disputes import PERIODS, Dispute, ScreeningReport, ScreeningSchedule
from ..nav import path_for
from ..supervision import services as supervision
from ..supervision.registry import SourceType
from ..workflow import RuleError
from . import bp, module

audit.register_object_type("screening_report", "排查报告")
ZERO_TEXT = "本期未排查出矛盾纠纷"


# A report owed: done in the module (filing it resolves the item).
OWED = module.item_type(SourceType("screening_report", "矛盾纠纷排查报告", unit_permission="disputes.screen",
                                   max_extensions=0, max_extension_days=0, todo_label="填报矛盾纠纷排查报告",
                                   url=lambda item: path_for("disputes.screening_file", period=item.description[:16])))


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date


def periods(schedule, year):
    """Every period of a year under a schedule, in order."""
    due = datetime.timedelta(days=schedule.due_days)
    found = []
    if schedule.period == "quarter":
        for q in range(4):
            start = datetime.date(year, 3 * q + 1, 1)
            end = datetime.date(year, 3 * q + 3, calendar.monthrange(year, 3 * q + 3)[1])
            found.append(Period(f"{year}-Q{q + 1}", f"{year}年第{q + 1}季度", start, end, end + due))
        return found
    for month in range(1, 13):
        last = calendar.monthrange(year, month)[1]
        if schedule.period == "month":
            end = datetime.date(year, month, last)
            found.append(Period(f"{year}-{month:02d}", f"{year}年{month}月", datetime.date(year, month, 1), end, end + due))
        else:
            first_end = datetime.date(year, month, 15)
            end = datetime.date(year, month, last)
            found.append(Period(f"{year}-{month:02d}上", f"{year}年{month}月上半月", datetime.date(year, month, 1),
                                first_end, first_end + due))
            found.append(Period(f"{year}-{month:02d}下", f"{year}年{month}月下半月", datetime.date(year, month, 16),
                                end, end + due))
    return found


def period_by_key(schedule, key):
    try:
        year = int(key[:4])
    except (TypeError, ValueError):
        return None
    if not 2000 <= year <= 2100:
        return None
    return next((p for p in periods(schedule, year) if p.key == key), None)


def schedules():
    return {s.level: s for s in ScreeningSchedule.select().order_by(ScreeningSchedule.level.desc())}


def screening_units(level=None):
    """The units that screen: the bureau and every second-level body and grassroots unit (not offices)."""
    query = Unit.select().where(Unit.active == True, Unit.kind != "office")  # noqa: E712
    if level:
        query = query.where(Unit.level == level)
    return query.order_by(Unit.level, Unit.sort_order, Unit.id)


def counts(unit, period):
    """(new, still open) disputes of the unit itself in a period, from the records."""
    new = Dispute.select().where(Dispute.unit == unit.id, Dispute.reported_on.between(period.starts_on, period.ends_on)).count()
    still = Dispute.select().where(Dispute.unit == unit.id, Dispute.reported_on < period.starts_on,
                                   (Dispute.state == "open") | (Dispute.outcome_on > period.ends_on)).count()
    return new, still


def owed_periods(unit, today=None):
    """The periods of the unit's schedule that have started (this and last year, since screening began)
    and have no report."""
    today = today or clock.today()
    schedule = schedules().get(unit.level)
    if schedule is None:
        return []
    filed = {r.period for r in ScreeningReport.select(ScreeningReport.period).where(ScreeningReport.unit == unit.id)}
    found = [p for year in (today.year - 1, today.year) for p in periods(schedule, year)
             if p.starts_on <= today and p.ends_on >= schedule.starts_on and p.key not in filed]
    return found[-6:]


def file(unit, period_key, user, *, zero, note, signer, today=None):
    """排查报告 of one unit and period: its counts come from the dispute records; a zero report only when
    none were found. Resolves the unit's item for the period."""
    today = today or clock.today()
    schedule = schedules().get(unit.level) if unit is not None else None
    period = period_by_key(schedule, period_key) if schedule else None
    problems = []
    if not can("disputes.screen", user):
        problems.append("您的角色不能填报排查报告。")
    elif unit is None or not in_scope(user, unit) or (not can("disputes.manage", user) and unit.id != user.unit_id):
        problems.append("只能填报本单位的排查报告。")
    elif period is None:
        problems.append("请选择排查周期。")
    elif period.starts_on > today:
        problems.append(f"{period.label}尚未开始，不能填报。")
    elif ScreeningReport.select().where(ScreeningReport.unit == unit.id, ScreeningReport.period == period.key).exists():
        problems.append(f"{unit.name}{period.label}的排查报告已填报。")
    if not (signer or "").strip():
        problems.append("请填写签发人。")
    if problems:
        raise RuleError("；".join(problems))
    new, still = counts(unit, period)
    if zero and (new or still):
        raise RuleError(f"本期登记新纠纷 {new} 件、在调 {still} 件，不能零报告。")
    if not zero and not (new or still):
        raise RuleError("本期没有登记矛盾纠纷：请先登记排查出的纠纷，或勾选“零报告”。")
    with database.atomic():
        report = ScreeningReport.create(unit=unit, period=period.key, starts_on=period.starts_on, ends_on=period.ends_on,
                                        due_on=period.due_on, zero=bool(zero), new_count=new, open_count=still,
                                        note=(note or "").strip() or (ZERO_TEXT if zero else ""),
                                        signer=signer.strip()[:50], filed_by=user, filed_on=today)
        late = f"（逾期 {(today - period.due_on).days} 天）" if today > period.due_on else ""
        audit.record("create", "screening_report", report.id, unit=unit, actor=user,
                     summary=f"{unit.name}{period.label}排查报告：" + (ZERO_TEXT if zero else f"新纠纷 {new} 件，在调 {still} 件") + late)
        for item in owed_items(unit, period):
            supervision.resolve(OWED.key, item.source_id, user, f"{today} 已填报")
    return report


def owed_items(unit, period):
    return SupervisedItem.select().where(SupervisedItem.source_type == OWED.key, SupervisedItem.unit == unit.id,
                                         SupervisedItem.start_date == period.ends_on)


def issue_owed(today=None, user=None):
    """For every unit and every period that ended by today (this year) without a report, one supervised
    item due on the period's deadline (idempotent; run daily with the digest, or by the CLI below)."""
    today = today or clock.today()
    made = 0
    plans = schedules()
    for unit in screening_units():
        schedule = plans.get(unit.level)
        if schedule is None:
            continue
        filed = {r.period for r in ScreeningReport.select(ScreeningReport.period).where(ScreeningReport.unit == unit.id)}
        issued = {i.start_date for i in SupervisedItem.select(SupervisedItem.start_date).where(
            SupervisedItem.source_type == OWED.key, SupervisedItem.unit == unit.id)}
        for period in periods(schedule, today.year):
            if schedule.starts_on <= period.ends_on <= today and period.key not in filed \
                    and period.ends_on not in issued:
                supervision.supervise(OWED.key, source_id=unit.id, unit=unit, assigned_by=user, start_date=period.ends_on,
                                      due_date=period.due_on, title=f"{unit.name}{period.label}矛盾纠纷排查报告",
                                      description=period.key)
                made += 1
    return made


@module.daily
def _issue_owed_daily():
    return f"issued {issue_owed()} screening item(s)"


@bp.cli.command("issue-screening")
def issue_screening_command():
    """Issue the supervised items of screening reports owed for periods that have ended (also part of the
    daily run, `flask --app portal remind`)."""
    with database.connection_context():
        click.echo(f"issued {issue_owed()} screening item(s)")


# -- the matrix ------------------------------------------------------------------------------------

CELL = {"filed": "已报", "zero": "零报告", "late": "迟报", "missing": "缺报", "pending": "未到期", "open": "填报中",
        "before": "未启用"}


def matrix(user, level, year, today=None):
    """Units of a level (in the user's scope) × the year's periods: each cell filed / zero / late /
    missing (past due, none) / open (period running or within its deadline) / pending (not begun).
    Two queries whatever the size."""
    today = today or clock.today()
    schedule = schedules().get(level)
    if schedule is None:
        return None
    units = list(Unit.visible_to(user).where(Unit.active == True, Unit.kind != "office", Unit.level == level)  # noqa: E712
                 .order_by(Unit.sort_order, Unit.id))
    cols = periods(schedule, year)
    reports = {(r.unit_id, r.period): r for r in ScreeningReport.select().where(
        ScreeningReport.unit.in_([u.id for u in units]), ScreeningReport.period.startswith(str(year)))}
    rows = []
    for unit in units:
        cells = []
        for p in cols:
            r = reports.get((unit.id, p.key))
            if r is not None:
                state = "late" if r.late else ("zero" if r.zero else "filed")
            elif p.ends_on < schedule.starts_on:
                state = "before"
            elif p.starts_on > today:
                state = "pending"
            elif today > p.due_on:
                state = "missing"
            else:
                state = "open"
            cells.append((state, r))
        rows.append((unit, cells))
    totals = {k: sum(1 for _, cells in rows for s, _ in cells if s == k) for k in CELL}
    return {"schedule": schedule, "periods": cols, "rows": rows, "totals": totals}


def on_time_figures(user, year):
    """(filed, on time, zero reports) of the year's screening reports in the user's scope: one query."""
    from peewee import Case

    def count_if(cond):
        return fn.COALESCE(fn.SUM(Case(None, [(cond, 1)], 0)), 0)

    row = (ScreeningReport.visible_to(user, fn.COUNT(ScreeningReport.id), count_if(ScreeningReport.filed_on <= ScreeningReport.due_on),
                                      count_if(ScreeningReport.zero == True))  # noqa: E712
           .where(ScreeningReport.period.startswith(str(year))).tuples().get())
    return tuple(int(v or 0) for v in row)


def missing_count(user, today=None):
    """Screening reports owed past their deadline in the user's scope (their items, still open): one query."""
    today = today or clock.today()
    query = SupervisedItem.select().where(SupervisedItem.source_type == OWED.key, SupervisedItem.state != "closed",
                                          SupervisedItem.due_date < today)
    scope = Unit.scope_of(user)
    return (query.where(SupervisedItem.unit.in_(scope)) if scope is not None else query).count()


def update_schedule(schedule, user, *, period, due_days):
    if not can("disputes.manage", user):
        raise RuleError("只有股室工作人员可以调整排查周期。")
    if period not in PERIODS:
        raise RuleError("请选择排查周期。")
    if due_days is None or not 0 <= due_days <= 30:
        raise RuleError("报送期限应为周期结束后 0 至 30 天。")
    with database.atomic():
        before = {"period": schedule.period, "due_days": schedule.due_days}
        ScreeningSchedule.update(period=period, due_days=due_days).where(ScreeningSchedule.id == schedule.id).execute()
        audit.record("update", "screening_report", None, actor=user,
                     summary=f"排查周期：{schedule.label}{PERIODS[period]}，周期结束后 {due_days} 天内报送",
                     before=before, after={"period": period, "due_days": due_days})
    return ScreeningSchedule.get_by_id(schedule.id)

