"""Urgency (红黄蓝牌), computed in one place from dates and never stored."""
from dataclasses import dataclass
from typing import Optional

import datetime

from flask import current_app, has_app_context
from peewee import SQL, Case, fn

from .. import clock
from ..db import is_postgres
from . import registry

LABELS = {"red": "红牌", "yellow": "黄牌", "blue": "蓝牌", "normal": "正常", "reported": "待销号", "closed": "已销号",
          "expired": "已截止"}
# Most pressing first; lists sort by this.
SEVERITY = {"red": 0, "yellow": 1, "blue": 2, "reported": 3, "normal": 4, "closed": 5, "expired": 6}


@dataclass(frozen=True)
class Urgency:
    colour: str
    days_left: Optional[int]
    reason: str = ""

    @property
    def label(self):
        return LABELS[self.colour]

    @property
    def severity(self):
        return SEVERITY[self.colour]

    @property
    def countdown(self):
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"逾期 {-self.days_left} 天"
        if self.days_left == 0:
            return "今天到期"
        return f"剩 {self.days_left} 天"


def _setting(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def urgency(item, today=None):
    """The colour of a supervised item on a calendar day (Asia/Shanghai): 已销号, 待销号 once reported,
    else assess() of its dates and, when the unit has manual steps, of how far behind it is."""
    today = today or clock.today()
    if item.state == "closed":
        return Urgency("closed", None)
    if item.state == "reported":
        return Urgency("reported", (item.due_date - today).days, "已提交办结报告，等待销号")
    source = registry.TYPES.get(item.source_type)
    if source is not None and source.module_driven:
        return assess(item.due_date, item.start_date, today, term="办理期限",
                      note="（在业务模块中办理，没有进展报告）")
    return assess(item.due_date, item.start_date, today, item=item, term="办理期限")


def deadline(due_date, start_date=None, today=None):
    """A duty with a statutory limit kept on a module's own record (e.g. a petition's 15-day acceptance)."""
    return assess(due_date, start_date, today)


def assess(due_date, start_date=None, today=None, *, item=None, term="期限", note=""):
    """The one rule of the colours (红黄蓝牌), for items and for modules' own deadlines alike.

    红 once the date has passed. An item whose unit takes manual steps (`item`) is 黄 when behind: not
    acknowledged within ACK days, or more than two thirds of its time gone without a progress report;
    a duty without such steps (no item, or one done inside a module) is 黄 by time alone, once more
    than two thirds of it is gone — except in its last BLUE days, which are 蓝 as for every duty.
    """
    today = today or clock.today()
    days_left = (due_date - today).days
    if days_left < 0:
        return Urgency("red", days_left, f"已超过{term} {-days_left} 天")
    if item is not None:
        ack_days = _setting("SUPERVISION_ACK_DAYS", 2)
        if item.acknowledged_at is None and (today - item.start_date).days > ack_days:
            return Urgency("yellow", days_left, f"交办超过 {ack_days} 天仍未签收")
        if item.last_progress_at is None and _two_thirds_gone(start_date, due_date, today):
            return Urgency("yellow", days_left, "办理时间已过三分之二，仍无进展报告")
        return _blue_or_normal(days_left)
    if days_left > _setting("SUPERVISION_BLUE_DAYS", 3) and _two_thirds_gone(start_date, due_date, today):
        return Urgency("yellow", days_left, f"期限已过三分之二{note}")
    return _blue_or_normal(days_left)


def _two_thirds_gone(start_date, due_date, today):
    if start_date is None:
        return False
    total, elapsed = (due_date - start_date).days, (today - start_date).days
    return total > 0 and elapsed * 3 > total * 2


def _blue_or_normal(days_left):
    if days_left <= _setting("SUPERVISION_BLUE_DAYS", 3):
        return Urgency("blue", days_left, f"距期限还有 {days_left} 天" if days_left else "今天到期")
    return Urgency("normal", days_left)


def window(due_date, today=None):
    """A right that lapses (e.g. an appeal window): 蓝 in its last days, 已截止 once passed — never 红,
    because nobody is late when an optional right goes unused."""
    today = today or clock.today()
    days_left = (due_date - today).days
    if days_left < 0:
        return Urgency("expired", None, f"已于 {due_date} 截止")
    return _blue_or_normal(days_left)


# -- the same rule in SQL, for lists and counts over many items --------------------------------------

COLOUR_OF_SEVERITY = {severity: colour for colour, severity in SEVERITY.items()}
_EPOCH = datetime.date(2000, 1, 1)


def _day(column):
    """A date column as a day number (days since 2000-01-01), in the database's own arithmetic."""
    if is_postgres():
        return column - SQL("DATE '2000-01-01'")
    return fn.julianday(column) - fn.julianday("2000-01-01")


def severity_sql(model, today=None):
    """urgency(item).severity as a SQL expression over a supervised item's columns, so a list is counted,
    filtered, ordered and paginated by colour in the database. It states the rule of urgency() and
    assess() above once more, branch for branch; tests/test_supervision.py checks the two agree on
    every kind of item at the boundaries."""
    today = today or clock.today()
    t = (today - _EPOCH).days
    start, due = _day(model.start_date), _day(model.due_date)
    blue = _setting("SUPERVISION_BLUE_DAYS", 3)
    ack = _setting("SUPERVISION_ACK_DAYS", 2)
    days_left = due - t
    two_thirds = _two_thirds_sql(model.start_date, start, due, t)
    module_driven = [key for key, source in registry.TYPES.items() if source.module_driven]
    return Case(None, [
        (model.state == "closed", SEVERITY["closed"]),
        (model.state == "reported", SEVERITY["reported"]),
        (days_left < 0, SEVERITY["red"]),
        # A duty without manual steps: yellow by time alone, except in its last BLUE days.
        (model.source_type.in_(module_driven) & (days_left > blue) & two_thirds, SEVERITY["yellow"]),
        (model.source_type.in_(module_driven) & (days_left <= blue), SEVERITY["blue"]),
        (model.source_type.in_(module_driven), SEVERITY["normal"]),
        # An item whose unit takes manual steps: yellow when behind.
        (model.acknowledged_at.is_null() & (t - start > ack), SEVERITY["yellow"]),
        (model.last_progress_at.is_null() & two_thirds, SEVERITY["yellow"]),
        (days_left <= blue, SEVERITY["blue"]),
    ], SEVERITY["normal"])


def _two_thirds_sql(start_column, start, due, t):
    """_two_thirds_gone in SQL: more than two thirds of (start, due) elapsed, when there is such a span."""
    return start_column.is_null(False) & (due - start > 0) & ((t - start) * 3 > (due - start) * 2)


NO_URGENCY = 9  # where a to-do without a colour sorts (after every colour)


def deadline_severity_sql(due_column, start_column=None, today=None):
    """deadline(due, start).severity as a SQL expression over two date expressions (NO_URGENCY where the
    due date is NULL): for a module's own deadlines listed, ordered and paginated in the database."""
    today = today or clock.today()
    t = (today - _EPOCH).days
    due = _day(due_column)
    days_left = due - t
    blue = _setting("SUPERVISION_BLUE_DAYS", 3)
    branches = [(due_column.is_null(), NO_URGENCY), (days_left < 0, SEVERITY["red"])]
    if start_column is not None:
        branches.append(((days_left > blue) & _two_thirds_sql(start_column, _day(start_column), due, t),
                         SEVERITY["yellow"]))
    branches.append((days_left <= blue, SEVERITY["blue"]))
    return Case(None, branches, SEVERITY["normal"])


def colour_counts(query, model):
    """{colour: items} of a query's items, counted in one grouped query."""
    severity = severity_sql(model)
    rows = query.select(severity.alias("severity"), fn.COUNT(model.id)).group_by(severity).order_by().tuples()
    return {COLOUR_OF_SEVERITY[int(sev)]: count for sev, count in rows}
