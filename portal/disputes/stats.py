"""Figures of dispute mediation, each an aggregate query over the disputes a user may see: screened,
settled (化解率) and where, the seed's two sentences as rates, reported to the county, 激化, and the
informants' reports."""
from dataclasses import dataclass

from peewee import Case, fn

from ..models import User
from ..models.disputes import ADOPTED, Dispute, InformantReport


def _count_if(condition):
    return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to count."""
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Figures:
    screened: int
    open: int
    settled: int
    partly: int
    transferred: int
    by_tier: list  # settled at each tier: [unit, second-level, centre, county]
    ordinary_settled: int
    ordinary_in_second: int
    settled_in_bureau: int
    county: int
    inflamed: int
    high_risk: int
    reports: int
    reports_adopted: int
    high_open: int = 0  # high-risk disputes still being mediated
    informants: int = 0  # informants who reported in the year

    @property
    def settle_rate(self):
        """化解率: settled (fully) of all screened."""
        return rate(self.settled, self.screened)

    @property
    def second_level_rate(self):
        """消化一般矛盾不出二级机构: ordinary (and simple) disputes settled at the unit or its second-level body."""
        return rate(self.ordinary_in_second, self.ordinary_settled)

    @property
    def bureau_rate(self):
        """特殊复杂矛盾不出局系统: of all settled, those settled without leaving the bureau."""
        return rate(self.settled_in_bureau, self.settled)

    @property
    def adoption_rate(self):
        return rate(self.reports_adopted, self.reports)


def figures(user, year, unit_ids=None):
    """The year's figures of the disputes the user may see (of a subtree, when unit ids are given)."""
    settled = Dispute.outcome == "settled"
    ordinary = Dispute.complexity.in_(("simple", "ordinary"))
    query = Dispute.visible_to(user).where(Dispute.year == year)
    if unit_ids is not None:
        query = query.where(Dispute.unit.in_(unit_ids))
    row = query.select(
        fn.COUNT(Dispute.id), _count_if(Dispute.state == "open"), _count_if(settled),
        _count_if(Dispute.outcome == "partly"), _count_if(Dispute.outcome == "transferred"),
        *[_count_if(settled & (Dispute.outcome_tier == t)) for t in range(4)],
        _count_if(settled & ordinary), _count_if(settled & ordinary & (Dispute.outcome_tier <= 1)),
        _count_if(settled & (Dispute.outcome_tier <= 2)), _count_if(Dispute.tier == 3), _count_if(Dispute.inflamed == True),  # noqa: E712
        _count_if(Dispute.risk == "high"), _count_if((Dispute.risk == "high") & (Dispute.state == "open"))).tuples().get()
    row = [int(v or 0) for v in row]
    reports = InformantReport.visible_to(user).where(InformantReport.year == year)
    if unit_ids is not None:  # the reports of the subtree's informants
        reports = reports.where(InformantReport.reporter.in_(User.select(User.id).where(User.unit.in_(unit_ids))))
    reports = reports.select(fn.COUNT(InformantReport.id), _count_if(InformantReport.state.in_(ADOPTED)),
                             fn.COUNT(InformantReport.reporter.distinct())).tuples().get()
    return Figures(*row[:5], row[5:9], *row[9:-1], int(reports[0] or 0), int(reports[1] or 0), high_open=row[-1],
                   informants=int(reports[2] or 0))
