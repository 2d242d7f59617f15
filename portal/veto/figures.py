"""The year-end summary's figures of one-veto accountability: vetoes in force by trigger and the units
they fail, sanctions and responsibility investigations of the year — over a unit's subtree."""
import datetime

from peewee import fn

from ..models import TRIGGERS, Accountability, Sanction, Unit, VetoEvent
from ..models.veto import EFFECTIVE_STATES
from ..summary.figures import Figure, list_url, reader
from . import module, services


@module.figures
def veto_figures(year, unit):
    who = reader(unit)
    vetoes = VetoEvent.visible_to(who).where(VetoEvent.year == year)
    effective = vetoes.where(VetoEvent.state.in_(EFFECTIVE_STATES))
    by_trigger = dict(effective.select(VetoEvent.trigger, fn.COUNT(VetoEvent.id)).group_by(VetoEvent.trigger).tuples())
    units = [name for (name,) in (Unit.select(Unit.name).where(Unit.id.in_(effective.select(VetoEvent.unit)))
                                  .order_by(Unit.path).tuples())]
    proposed = vetoes.where(VetoEvent.state == "proposed").count()
    sanctions = Sanction.visible_to(who).where(Sanction.year == year, Sanction.state == "active").count()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    investigations = Accountability.visible_to(who).where(Accountability.decided_on.between(start, end)).count()
    page = list_url("veto.index", unit, year=year, state=services.EFFECTIVE)
    yield Figure("veto.vetoes", "实行一票否决", sum(by_trigger.values()), "件", page)
    yield Figure("veto.units", "被一票否决的单位", units, "", page)
    for trigger, label in TRIGGERS.items():
        yield Figure(f"veto.trigger_{trigger}", f"因{label}否决", int(by_trigger.get(trigger, 0)), "件", page)
    yield Figure("veto.proposed", "待确认的一票否决", proposed, "件", list_url("veto.index", unit, year=year,
                                                                          state="proposed"))
    yield Figure("veto.sanctions", "通报批评、黄牌警告、挂牌督办", sanctions, "次", list_url("veto.index", unit, year=year))
    yield Figure("veto.accountabilities", "领导责任查究", investigations, "件", list_url("veto.index", None, year=year))
