"""The year-end summary's figures of letters and visits: group petitions and their people, cases and
backlog cases (积案) resolved and the units they concerned, tasks from above by kind and their written
replies, follow-up visits and satisfaction — aggregate queries over a unit's subtree."""
from peewee import JOIN, fn

from .. import clock
from ..models import AssignedTask, Petition, Unit
from ..models.petitions import TASK_ITEM, TASK_SOURCES
from ..summary.figures import Figure, list_url, rate, reader
from . import clocks, module, services, stats

# The summary's own short names of the kinds of tasks from above.
TASK_KEYS = {"npc": "tasks_npc", "cppcc": "tasks_cppcc", "leading_group": "tasks_leading_group",
             "county_leader": "tasks_county_leader"}


def _scoped(query, unit):
    return query if unit.parent_id is None else query.where(stats.of_unit(unit))


def _by_unit(query):
    """[(unit name, cases)] of a query of cases, by the unit concerned (else the handling unit)."""
    concerned, handling = Unit.alias("fig_concerned"), Unit.alias("fig_handling")
    name = fn.COALESCE(concerned.name, handling.name, "")
    rows = (query.select(name, fn.COUNT(Petition.id))
            .join_from(Petition, concerned, JOIN.LEFT_OUTER, on=(Petition.concerned_unit == concerned.id))
            .join_from(Petition, handling, JOIN.LEFT_OUTER, on=(Petition.unit == handling.id))
            .group_by(name).order_by(fn.COUNT(Petition.id).desc(), name).tuples())
    return [(n, int(c)) for n, c in rows]


@module.figures
def petition_figures(year, unit):
    today = clock.today()
    cases = _scoped(Petition.select().where(Petition.year == year), unit)
    (total, groups, group_people, _escalated, _repeats, _accepted_in_time, _decided, _replied_in_time,
     _reply_counted, visited, _visited_in_time, _visit_counted, satisfied) = stats.case_figures(cases, today)
    individual = Petition.is_group == False  # noqa: E712
    extra = Petition.with_handling_item(cases).select(
        stats.count_if(stats.GROUP & (Petition.escalated == True)), stats.count_if(stats.RESOLVED),  # noqa: E712
        stats.count_if(stats.RESOLVED & individual)).order_by().tuples().get()
    group_escalated, resolved, individual_resolved = (int(n) for n in extra)
    backlog_resolved = _by_unit(_scoped(Petition.with_handling_item(Petition.select())
                                        .where(clocks.backlog_resolved_sql(year, today)), unit))
    backlog_open = _by_unit(Petition.with_handling_item(cases).where(clocks.backlog_sql(today)))

    def ledger(**filters):
        return list_url("petitions.index", unit, year=year, **filters)

    yield Figure("petitions.cases", "信访事项", total, "件", ledger())
    yield Figure("petitions.group_cases", "集体访", groups, "件次", ledger(kind="group"))
    yield Figure("petitions.group_people", "集体访人数", group_people, "人次", ledger(kind="group"))
    yield Figure("petitions.group_escalated", "越级上访的集体访", group_escalated, "件",
                 ledger(kind="group", escalated=1))
    yield Figure("petitions.resolved", "已书面答复的信访事项", resolved, "件", ledger(resolved=1))
    yield Figure("petitions.individual_resolved", "已书面答复的个体访", individual_resolved, "件",
                 ledger(kind="individual", resolved=1))
    yield Figure("petitions.backlog_resolved", "化解的积案", sum(n for _, n in backlog_resolved), "件",
                 ledger(backlog="resolved"))
    yield Figure("petitions.backlog_resolved_units", "化解积案涉及的单位", [n for n, _ in backlog_resolved if n], "",
                 ledger(backlog="resolved"))
    yield Figure("petitions.backlog_open", "尚未化解的积案", sum(n for _, n in backlog_open), "件", ledger(backlog=1))
    yield Figure("petitions.backlog_open_units", "尚未化解积案涉及的单位", [n for n, _ in backlog_open if n], "",
                 ledger(backlog=1))
    yield Figure("petitions.visited", "已回访的信访事项", visited, "件", ledger(visited=1))
    yield Figure("petitions.satisfied", "回访满意（含基本满意）", satisfied, "件", ledger(visited=1))
    yield Figure("petitions.satisfaction_rate", "回访满意率", rate(satisfied, visited), "%", ledger(visited=1))
    yield from _task_figures(year, unit, today)


def _task_figures(year, unit, today):
    tasks = AssignedTask.visible_to(reader(unit)).where(AssignedTask.year == year)
    by_source = dict(tasks.select(AssignedTask.source, fn.COUNT(AssignedTask.id))
                     .group_by(AssignedTask.source).tuples())
    on_time, counted = services.task_on_time_rate(year, reader(unit))
    row = (AssignedTask.listed(reader(unit)).where(AssignedTask.year == year)
           .select(stats.count_if(AssignedTask.state == "replied"),
                   stats.count_if(AssignedTask.replied_on.is_null() & (TASK_ITEM.due_date >= today)))
           .tuples().get())
    replied, pending = (int(n) for n in row)

    def task_list(**filters):
        return list_url("petitions.tasks", unit, year=year, **filters)

    yield Figure("petitions.tasks", "上级交办任务", sum(by_source.values()), "件", task_list())
    for source, label in TASK_SOURCES.items():
        yield Figure(f"petitions.{TASK_KEYS[source]}", label, int(by_source.get(source, 0)), "件",
                     task_list(source=source))
    yield Figure("petitions.tasks_replied", "已书面答复的交办任务", replied, "件", task_list(state="replied"))
    yield Figure("petitions.tasks_on_time", "按期书面答复的交办任务", on_time, "件", task_list(state="replied"))
    yield Figure("petitions.tasks_late", "逾期未答复或超期答复的交办任务", counted - on_time, "件", task_list(late=1))
    yield Figure("petitions.tasks_pending", "正在办理、尚未到期的交办任务", pending, "件", task_list(state="open"))
