"""Demo data of the year-end summary: the bureau's draft of the demo year, written from the demo records."""
from ..models import Unit, User


def seed():
    """The bureau's summary of the year being written up (this year at year end), drafted by the office."""
    from . import services

    bureau = Unit.get_or_none(Unit.parent.is_null())
    office = User.get_or_none(User.username == "office")
    year = services.default_year()
    if bureau is None or office is None or services.existing(year, bureau):
        return 0
    services.create(year, bureau, office)
    return 1


def outside(ctx):
    """A draft of a unit outside the test user's scope, drafted by that unit's own clerk and saved twice
    (access matrix: its page, history, a version, exports)."""
    from . import services

    draft = services.create(2026, ctx.unit, ctx.user)
    services.add_paragraph(draft, "二", "界外单位自行补充的段落。", ctx.user)
    return {"summary_id": draft.id, "revision": 2}
