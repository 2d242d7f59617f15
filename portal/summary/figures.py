"""Owns the year's figures: what each module declares through `@module.figures`, gathered for one year
and one scope (a unit's subtree) by `collect`. The summary's prose, its refresh and the leaders' year
view all read these and count nothing themselves."""
from dataclasses import asdict, dataclass

from .. import modules


@dataclass(frozen=True)
class Figure:
    """One figure of a year, e.g. Figure("petitions.group_cases", "集体访件次", 3, "件", "/petitions/?...")."""

    # "<module>.<name>": stable, since saved drafts keep figures by key.
    key: str
    label: str
    # int, float (a rate in percent, rounded as shown), str, or a list of str (names of units, laws...);
    # JSON-serialisable, since a saved draft keeps a snapshot.
    value: object
    unit: str = ""
    # The list the figure was counted from (path with its filters), or "" when there is none.
    url: str = ""

    def as_dict(self):
        return asdict(self)


def collect(year, unit):
    """Every module's figures of `year` over `unit`'s subtree, by key, in MODULES order."""
    found = {}
    for provider in modules.collect("year_figures"):
        for figure in provider(year, unit):
            found[figure.key] = figure
    return found
