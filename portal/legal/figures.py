"""The year-end summary's figures of legal education (普法): the laws taught, sessions by form, people
reached and coverage against the plan's target, units below it — over a unit's subtree."""
import datetime

from peewee import fn

from ..models import Law, LegalSession, SessionLaw, Unit
from ..models.legal import FORMS, MEASURE_WORDS
from ..summary.figures import Figure, list_url, rate, reader
from . import module, services


@module.figures
def legal_figures(year, unit):
    who = reader(unit)
    # The sessions the subtree organised (the bureau's own for the whole bureau): the list's unit filter.
    held = LegalSession.organised_within(who).where(
        LegalSession.held_on.between(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    by_form = dict(held.select(LegalSession.form, fn.COUNT(LegalSession.id)).group_by(LegalSession.form).tuples())
    laws = [name for (name,) in (Law.select(Law.name).where(Law.id.in_(
        SessionLaw.select(SessionLaw.law).where(SessionLaw.session.in_(held.select(LegalSession.id)))))
        .order_by(Law.sort_order, Law.id).tuples())]
    cov = services.coverage(who, year)
    heads = sum(cov.headcount.values())
    reached = sum(cov.reached_any.values())
    below = [u.name for u in cov.units if cov.below_target(u.id)]
    sessions = list_url("legal.index", unit, year=year)
    coverage = list_url("legal.coverage", None, year=year)
    yield Figure("legal.laws", "宣传的法律", laws, "部", sessions)
    yield Figure("legal.sessions", "普法活动", sum(by_form.values()), "场次", sessions)
    for form, label in FORMS.items():
        yield Figure(f"legal.form_{form}", label, int(by_form.get(form, 0)), MEASURE_WORDS[form],
                     list_url("legal.index", unit, year=year, form=form))
    yield Figure("legal.headcount", "在册职工", heads, "人", coverage)
    yield Figure("legal.reached", "受教育职工", reached, "人", coverage)
    yield Figure("legal.coverage", "普法受教育面", rate(reached, heads), "%", coverage)
    yield Figure("legal.target", "普法受教育面目标", float(cov.target), "%", coverage)
    yield Figure("legal.below_target", "低于目标的单位", len(below), "个", coverage)
    yield Figure("legal.below_target_units", "低于目标的单位名单", below, "", coverage)
