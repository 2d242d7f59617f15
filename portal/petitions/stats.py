"""Statistics of letters and visits for a year, computed from the records in the user's scope: cases
by month, category, channel and unit, the usual rates, group and repeat petitions, backlog cases
(积案) opened and resolved, and tasks assigned from above."""
import datetime
from dataclasses import dataclass
from typing import NamedTuple

from peewee import Case, fn

from .. import clock
from ..models import CHANNELS, AssignedTask, Petition, PetitionVisit, Unit
from ..models.petitions import OPEN_STATES
from . import clocks, services


def percent(num, den):
    """"66.7%", or "—" when there is nothing to count."""
    return f"{round(num * 100 / den, 1):g}%" if den else "—"


class Rate(NamedTuple):
    """numerator, denominator; str() is the percentage."""

    num: int
    den: int

    def __str__(self):
        return percent(self.num, self.den)


@dataclass
class YearStats:
    year: int
    total: int
    by_month: list  # [(month, label, count)] for 1..12; the other breakdowns are (key, label, count) too
    by_category: list
    by_channel: list
    by_unit: list
    groups: int
    group_people: int
    escalated: int
    repeats: int
    timely_accept: Rate
    reply_on_time: Rate
    visited: Rate
    visit_on_time: Rate
    satisfied: Rate
    backlog_opened: int
    backlog_resolved: int
    tasks: int
    tasks_replied: int
    task_on_time: Rate


def _n(condition, value=1):
    """SUM(value) over the rows meeting the condition: a count, or a headcount."""
    return fn.COALESCE(fn.SUM(Case(None, [(condition, value)], 0)), 0)


count_if = _n
GROUP = Petition.is_group == True  # noqa: E712
# Cases answered in writing (awaiting or past the follow-up visit, or closed).
RESOLVED = Petition.state.in_(clocks.RESOLVED_STATES)
# Cases with a follow-up visit (回访) on record.
VISITED = Petition.id.in_(PetitionVisit.select(PetitionVisit.petition))


def of_unit(unit):
    """The cases of a unit's subtree: handled there or concerning it (the ledger's unit filter)."""
    subtree = unit.subtree().select(Unit.id)
    return Petition.unit.in_(subtree) | Petition.concerned_unit.in_(subtree)


def _cases(user, year):
    return Petition.visible_to(user).where(Petition.year == year)


def ledger_summary(query, today):
    """(group petitions, backlog cases, overdue follow-up visits) among the cases of a ledger query
    (Petition.listed()), in one aggregate query."""
    row = query.select(_n(GROUP), _n(clocks.backlog_sql(today)), _n(clocks.visit_overdue_sql(today))).order_by()
    return dict(zip(("groups", "backlog", "visit_late"), (int(n) for n in row.tuples().get())))


def _counts(query, key):
    return {k: n for k, n in query.select(key, fn.COUNT(Petition.id)).group_by(key).tuples()}


def case_figures(cases, today):
    """Every count of the year's cases in one aggregate query (joined with their handling items, where
    their reply deadlines are once assigned)."""
    cases = Petition.with_handling_item(cases)
    reply_due = clocks.reply_due_sql()
    visited = PetitionVisit.select(PetitionVisit.petition)
    # A case reopened after a dissatisfied visit has no visit date due until it is replied again;
    # the visit it had is counted as made in time.
    visited_in_time = (PetitionVisit.select(PetitionVisit.petition).join(Petition)
                       .where(PetitionVisit.visited_on <= fn.COALESCE(Petition.visit_due, PetitionVisit.visited_on)))
    latest = PetitionVisit.select(fn.MAX(PetitionVisit.id)).group_by(PetitionVisit.petition)
    satisfied = PetitionVisit.select(PetitionVisit.petition).where(
        PetitionVisit.id.in_(latest), PetitionVisit.satisfaction.in_(("satisfied", "basic")))
    undecided_late = (Petition.state == "registered") & (Petition.accept_due < today)
    overdue_unreplied = Petition.state.in_(OPEN_STATES) & Petition.replied_on.is_null() & (reply_due < today)
    row = cases.select(
        fn.COUNT(Petition.id), _n(GROUP), _n(GROUP, Petition.headcount),
        _n(Petition.escalated == True), _n(Petition.repeat_of.is_null(False)),  # noqa: E712
        _n(Petition.notice_on <= Petition.accept_due), _n(Petition.notice_on.is_null(False) | undecided_late),
        _n(Petition.replied_on <= reply_due), _n(Petition.replied_on.is_null(False) | overdue_unreplied),
        _n(Petition.id.in_(visited)), _n(Petition.id.in_(visited_in_time)),
        _n(Petition.id.in_(visited) | (Petition.visit_due < today)), _n(Petition.id.in_(satisfied)),
    ).tuples().get()
    return [int(n) for n in row]


def _resolved_on(p):
    """The day a case stopped owing the petitioner: closed, or replied and awaiting the follow-up visit."""
    return None if p.is_open else (p.closed_on or p.replied_on)


def _backlog(user, year):
    """(backlog cases opened in the year, backlog cases resolved in it), over every year's cases."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # A case closed before the year began can neither fall behind nor be resolved in it.
    query = Petition.with_handling_item(Petition.visible_to(user)).where(
        Petition.received_on <= end, Petition.closed_on.is_null() | (Petition.closed_on >= start))
    opened = resolved = 0
    for p in query:
        since = clocks.backlog_since(p)
        if since is None:
            continue
        opened += since.year == year
        done = _resolved_on(p)
        resolved += done is not None and done.year == year
    return opened, resolved


def open_backlog(user):
    """Cases in scope open past their statutory limit now."""
    return Petition.with_handling_item(Petition.visible_to(user)).where(clocks.backlog_sql(clock.today())).count()


def headline(user, year):
    """(cases, group petitions, their headcount) of a year, for the dashboard card."""
    row = _cases(user, year).select(fn.COUNT(Petition.id), _n(GROUP), _n(GROUP, Petition.headcount)).tuples().get()
    return tuple(int(n) for n in row)


def year_stats(user, year):
    cases = _cases(user, year)
    today = clock.today()
    (total, groups, group_people, escalated, repeats, accepted_in_time, decided, replied_in_time, reply_counted,
     visited, visited_in_time, visit_counted, satisfied) = case_figures(cases, today)

    months = {int(k): n for k, n in _counts(cases, Petition.received_on.month).items()}
    by_category = _counts(cases, Petition.category)
    channels = _counts(cases, Petition.channel)
    units = _counts(cases, Petition.concerned_unit)
    names = {u.id: u for u in Unit.select().where(Unit.id.in_([k for k in units if k]))}
    by_unit = sorted(((k, names[k].name if k else "未指明单位", n) for k, n in units.items()),
                     key=lambda row: (-row[2], names[row[0]].path if row[0] else "~"))

    tasks = AssignedTask.visible_to(user).where(AssignedTask.year == year)
    task_total, task_replied = (int(n) for n in tasks.select(
        fn.COUNT(AssignedTask.id), _n(AssignedTask.state == "replied")).tuples().get())
    opened, resolved = _backlog(user, year)
    return YearStats(
        year=year, total=total,
        by_month=[(m, f"{m}月", months.get(m, 0)) for m in range(1, 13)],
        by_category=[(c.id, c.name, by_category.get(c.id, 0)) for c in services.categories(include_inactive=True)
                     if c.active or c.id in by_category],
        by_channel=[(key, label, channels.get(key, 0)) for key, label in CHANNELS.items()],
        by_unit=by_unit, groups=groups, group_people=group_people, escalated=escalated, repeats=repeats,
        timely_accept=Rate(accepted_in_time, decided), reply_on_time=Rate(replied_in_time, reply_counted),
        visited=Rate(visited, visit_counted), visit_on_time=Rate(visited_in_time, visit_counted),
        satisfied=Rate(satisfied, visited), backlog_opened=opened, backlog_resolved=resolved,
        tasks=task_total, tasks_replied=task_replied,
        task_on_time=Rate(*services.task_on_time_rate(year, user)))
