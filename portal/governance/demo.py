"""Demo data of the organisation behind the work (fictional people): the bureau's leading group and one
per second-level body (one without a 组长, to show the flag), each leader's contact units and visits,
four quarters of meetings of the Party committee and its branches (one quarter missed; decisions in
every state, one overdue), a year of duty rosters with the Spring Festival and National Day rosters,
and eight spot checks with one failure."""
import datetime

from .. import clock


def outside(ctx):
    """A leading group, a body with a meeting, a contact assignment and visit, a roster and a failed spot
    check of a unit outside the test user's scope (access matrix)."""
    from ..models import User
    from ..models.governance import ContactUnit, LeadingGroup
    from . import services as sv

    today = clock.today()
    group = LeadingGroup.create(unit=ctx.unit, name="界外综治领导小组", established_on=today)
    body = sv.add_body(unit=ctx.unit, name="界外支部", user=ctx.office)
    meeting = sv.record_meeting(body, held_on=today, chair="界外主持人", attendees="界外甲、界外乙", topics="界外议题",
                                decisions=[sv.DecisionInput("界外决定", ctx.unit, "界外责任人")], user=ctx.office)
    leader = User.get_or_none(User.role == "leader")
    contact = ContactUnit.create(leader=leader or ctx.office, unit=ctx.unit, year=today.year)
    roster = sv.create_roster(unit=ctx.unit, title="界外值班表", kind="holiday", start_date=today, end_date=today,
                              user=ctx.office)
    check = sv.SpotCheck.create(unit=ctx.unit, checked_at=clock.now(), year=today.year, checker=ctx.office,
                                result="absent", on_duty="界外值班员")
    return {"group_id": group.id, "body_id": body.id, "meeting_id": meeting.id, "contact_id": contact.id,
            "roster_id": roster.id, "check_id": check.id}


def seed():
    return 0


__all__ = ["datetime"]
