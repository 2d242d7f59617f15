"""The year-end summary's figures of inspections (督查): rounds sent to the grassroots and the units they
visited, findings and their rectification (closed, open, overdue) — over a unit's subtree."""
import datetime

from peewee import Case, fn

from ..models import Finding, InspectionRound, RoundUnit, SupervisedItem, Unit
from ..summary.figures import Figure, list_url, rate, reader
from . import module, services


def _count_if(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


@module.figures
def inspection_figures(year, unit):
    who = reader(unit)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # Rounds sent out (started) in the year that visited the subtree.
    rounds = InspectionRound.visible_to(who).where(InspectionRound.start_date.between(start, end),
                                                   InspectionRound.state != "planned")
    visited = (RoundUnit.select(fn.COUNT(RoundUnit.unit.distinct()))
               .join(Unit).where(RoundUnit.round.in_(rounds.select(InspectionRound.id)),
                                 Unit.path.startswith(unit.path)).scalar() or 0)
    query = services.findings(who, {"year": str(year)})
    closed = SupervisedItem.state == "closed"
    row = query.select(fn.COUNT(Finding.id), _count_if(closed), _count_if(services.overdue_sql())).order_by().tuples().get()
    total, done, overdue = (int(n or 0) for n in row)

    def ledger(**filters):
        return list_url("inspections.findings", unit, year=year, **filters)

    yield Figure("inspections.rounds", "派督查组到基层督查", rounds.count(), "次", list_url("inspections.index", None))
    yield Figure("inspections.units_visited", "督查的单位", int(visited), "个", list_url("inspections.index", None))
    yield Figure("inspections.findings", "督查发现的问题", total, "个", ledger())
    yield Figure("inspections.findings_closed", "已整改销号的问题", done, "个", ledger(status="closed"))
    yield Figure("inspections.findings_open", "正在整改的问题", total - done, "个", ledger(status="open"))
    yield Figure("inspections.findings_overdue", "逾期未整改的问题", overdue, "个", ledger(overdue=1))
    yield Figure("inspections.rectify_rate", "整改率", rate(done, total), "%", ledger(status="closed"))
