"""The year-end summary's figures of organisation and routine: leading groups at both tiers with their
members' duties and the bodies without one, the yearly archive, quarterly governance meetings held and
missed with their decisions carried out, leaders' contact units and visits, duty spot checks — over a
unit's subtree."""
import datetime

from peewee import fn

from .. import clock
from ..models import PrintJob, SupervisedItem, Unit
from ..models.governance import ContactUnit, GroupMember, LeadingGroup, Meeting, MeetingDecision, SupervisoryVisit
from ..models.supervision import OPEN_STATES
from ..summary.figures import Figure, list_url, reader
from . import module, services
from .archive import ARCHIVE_TITLE


@module.figures
def governance_figures(year, unit):
    who = reader(unit)
    # Groups as they stood at the year's end (today, for the year under way).
    day = min(clock.today(), datetime.date(year, 12, 31))
    groups = LeadingGroup.visible_to(who).where(LeadingGroup.active == True)  # noqa: E712
    by_level = dict(groups.select(Unit.level, fn.COUNT(LeadingGroup.id)).join(Unit).group_by(Unit.level).tuples())
    members = (GroupMember.select(fn.COUNT(GroupMember.id), fn.COUNT(fn.NULLIF(GroupMember.duty, "")),
                                  fn.SUM(GroupMember.in_charge.cast("integer")))
               .where(GroupMember.group.in_(groups.select(LeadingGroup.id)), GroupMember.on(day)).tuples().get())
    missing, leaderless = services.group_flags(who, day)
    group_page = list_url("governance.index", None)
    yield Figure("governance.groups_bureau", "局维护稳定工作领导小组", int(by_level.get(1, 0)), "个", group_page)
    yield Figure("governance.groups_bodies", "二级机构综治领导小组", int(by_level.get(2, 0)), "个", group_page)
    yield Figure("governance.members", "领导小组成员", int(members[0] or 0), "人", group_page)
    yield Figure("governance.duties", "明确分工的领导小组成员", int(members[1] or 0), "人", group_page)
    yield Figure("governance.in_charge", "分管负责人", int(members[2] or 0), "人", group_page)
    yield Figure("governance.bodies_without_group", "未成立领导小组的二级机构", [u.name for u in missing], "", group_page)
    yield Figure("governance.groups_without_leader", "缺组长的领导小组", [g.unit.name for g in leaderless], "",
                 group_page)
    titles = [ARCHIVE_TITLE.format(year=year, unit=name) for (name,) in unit.subtree().select(Unit.name).tuples()]
    archives = PrintJob.select().where(PrintJob.title.in_(titles), PrintJob.state == "done").count()
    yield Figure("governance.archives", "年度综治工作档案", archives, "份", list_url("governance.archive", None))
    yield from _meeting_figures(year, unit, who)
    yield from _routine_figures(year, unit, who)


def _meeting_figures(year, unit, who):
    cells = [(body, cell) for body, row in services.quarter_table(who, year) for cell in row]
    held = sum(1 for _, c in cells if c.state == "held")
    missed = [body for body, c in cells if c.state == "missed"]
    due_now = sum(1 for _, c in cells if c.state == "due")
    decisions = (MeetingDecision.select(fn.COUNT(MeetingDecision.id),
                                        fn.SUM((SupervisedItem.state.not_in(OPEN_STATES)).cast("integer")))
                 .join(Meeting).switch(MeetingDecision)
                 .join(SupervisedItem, on=(MeetingDecision.item == SupervisedItem.id))
                 .where(Meeting.year == year, Meeting.id.in_(Meeting.visible_to(who).select(Meeting.id)))
                 .tuples().get())
    meetings = list_url("governance.meetings", None, year=year)
    yield Figure("governance.meetings", "召开综治工作议事会议", sum(c.meetings for _, c in cells), "次", meetings)
    yield Figure("governance.quarters_held", "按季召开议事会议的季度", held, "个", meetings)
    yield Figure("governance.quarters_due", "应召开议事会议的季度", held + len(missed) + due_now, "个", meetings)
    yield Figure("governance.quarters_missed", "未按季召开议事会议", len(missed), "次", meetings)
    yield Figure("governance.missed_bodies", "未按季召开议事会议的单位",
                 sorted({body.unit.name for body in missed}), "", meetings)
    yield Figure("governance.decisions", "议定事项", int(decisions[0] or 0), "项", meetings)
    yield Figure("governance.decisions_done", "已落实的议定事项", int(decisions[1] or 0), "项", meetings)


def _routine_figures(year, unit, who):
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    contacts = (ContactUnit.visible_to(who, fn.COUNT(ContactUnit.id), fn.COUNT(ContactUnit.leader.distinct()))
                .where(ContactUnit.year == year, ContactUnit.active == True).tuples().get())  # noqa: E712
    visits = SupervisoryVisit.visible_to(who).where(SupervisoryVisit.visited_on.between(start, end)).count()
    checks = services.check_figures(who, year)
    contact_page = list_url("governance.contacts", None, year=year)
    yield Figure("governance.contact_units", "党组成员定点联系的单位", int(contacts[0] or 0), "个", contact_page)
    yield Figure("governance.contact_leaders", "定点包单位的党组成员", int(contacts[1] or 0), "人", contact_page)
    yield Figure("governance.leader_visits", "党组成员到联系单位督查", visits, "次", contact_page)
    checks_page = list_url("governance.checks", None, year=year)
    yield Figure("governance.spot_checks", "查岗", checks["checks"], "次", checks_page)
    yield Figure("governance.spot_check_failures", "查岗不在岗", checks["failures"], "次", checks_page)
