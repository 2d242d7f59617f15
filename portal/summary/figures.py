"""Owns the year's figures: what each module declares through `@module.figures`, gathered for one year
and one scope (a unit's subtree) by `collect`. The summary's prose, its refresh and the leaders' year
view all read these and count nothing themselves."""
from dataclasses import asdict, dataclass

from .. import modules
from ..access import UnitReader
from ..nav import path_for


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


def reader(unit):
    """The principal the figures of `unit`'s scope are counted as (portal.access.UnitReader)."""
    return UnitReader(unit)


def list_url(endpoint, unit=None, **params):
    """The path of a list page with its filters, built outside a request too (a refresh in a script):
    `unit` adds the scope filter unless it is the bureau's root unit; None values are dropped."""
    if unit is not None and unit.parent_id is not None:
        params["unit"] = unit.id
    return path_for(endpoint, **{k: v for k, v in params.items() if v is not None})


def show(value):
    """A figure's value as pages and the draft's change list show it: names joined (无 when none), a rate
    without a trailing .0, — for no value."""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "无"
    if isinstance(value, float):
        return f"{value:g}"
    return "—" if value is None else str(value)


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to count."""
    return round(100.0 * part / whole, 1) if whole else None
