"""Rules of the organisation behind the work: leading groups with dated membership, the quarterly
meetings each body owes (supervised to quarter end) and their decisions (supervised to their owners),
leaders' contact units and visits, duty rosters (version-checked grid) and spot checks (a failure raises
a 通报批评 through the one-veto module). Every change is audited; every list is scoped."""
import datetime
from dataclasses import dataclass

from flask import current_app
from peewee import JOIN, Case, fn

from .. import audit, clock
from ..access import can, in_scope
from ..db import database
from ..models import Agreement, Petition, SupervisedItem, Unit, User, VetoEvent
from ..models.disputes import OPEN_STATES as DISPUTE_OPEN_STATES
from ..models.disputes import Dispute
from ..models.governance import (CHECK_METHODS, CHECK_RESULTS, POSITION_ORDER, POSITIONS, ROSTER_KINDS, ContactUnit,
                                 DutyRoster, DutyShift, GroupMember, LeadingGroup, Meeting, MeetingBody, MeetingDecision,
                                 MeetingDue, SpotCheck, SupervisoryVisit)
from ..models.supervision import OPEN_STATES
from ..models.veto import EFFECTIVE_STATES
from ..nav import path_for
from ..numbers import next_value
from ..supervision import services as supervision
from ..supervision.registry import SourceType
from ..workflow import UNCHECKED, RuleError, versioned_update
from . import module

audit.register_object_type("leading_group", "领导小组")
audit.register_object_type("group_member", "领导小组成员")
audit.register_object_type("meeting_body", "议事主体")
audit.register_object_type("meeting", "综治工作议事会议")
audit.register_object_type("contact_unit", "定点联系单位")
audit.register_object_type("supervisory_visit", "日常督查")
audit.register_object_type("duty_roster", "值班表")
audit.register_object_type("spot_check", "查岗")
audit.register_actions({"member_add": "调整成员（增加）", "member_end": "调整成员（免去）", "grid": "修改值班安排",
                        "open_quarter": "开启季度议事督办", "deactivate": "停用", "activate": "启用"})

DAY = datetime.timedelta(days=1)
MAX_ROSTER_DAYS = 92


# -- quarters ---------------------------------------------------------------------------------------

def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year, quarter):
    return datetime.date(year, 3 * quarter - 2, 1)


def quarter_end(year, quarter):
    return (datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)) - DAY


# -- supervised item types ----------------------------------------------------------------------------

def _meetings_url(item):
    due = MeetingDue.get_or_none(MeetingDue.id == item.source_id)
    return path_for("governance.meetings", year=due.year) if due else path_for("governance.meetings")


MEETING_ITEM = module.item_type(SourceType(
    "governance.meeting", "季度综治工作议事", unit_permission="governance.convene",
    assigner_permission="governance.manage", max_extensions=0, url=_meetings_url,
    todo_label="召开本季度综治工作议事会议并录入会议纪要"))
DECISION_ITEM = module.item_type(SourceType("governance.decision", "议事决定事项", max_extensions=1,
                                            max_extension_days=30))
VISIT_ITEM = module.item_type(SourceType("governance.visit", "督查发现问题整改", max_extensions=1,
                                         max_extension_days=30))


def _scope(user, unit, what):
    if unit is None or not in_scope(user, unit):
        raise RuleError(f"只能{what}本单位（含下属单位）的记录。")


def _text(value, label, required=True, limit=None):
    value = (value or "").strip()
    if required and not value:
        raise RuleError(f"请填写{label}。")
    if limit and len(value) > limit:
        raise RuleError(f"{label}不能超过 {limit} 个字。")
    return value


# -- leading groups (领导小组) --------------------------------------------------------------------------

def group_bodies():
    """The units that must have a leading group: the bureau and its second-level bodies (not its offices)."""
    return Unit.select().where(Unit.active == True, Unit.level <= 2, Unit.kind != "office").order_by(  # noqa: E712
        Unit.level, Unit.sort_order, Unit.id)


def create_group(*, unit, name, offices, established_on, user):
    if not can("governance.manage", user):
        raise RuleError("只有政工股可以成立或调整领导小组。")
    if unit is None or unit.kind == "office" or unit.level > 2:
        raise RuleError("领导小组设在局机关或二级机构。")
    name = _text(name, "领导小组名称", limit=100)
    if LeadingGroup.select().where(LeadingGroup.unit == unit.id, LeadingGroup.active == True).exists():  # noqa: E712
        raise RuleError(f"{unit.name}已有领导小组，请调整其成员。")
    with database.atomic():
        group = LeadingGroup.create(unit=unit, name=name, offices=_text(offices, "负责股室", False, 200),
                                    established_on=established_on or clock.today())
        audit.record("create", "leading_group", group.id, unit=unit, actor=user, summary=f"成立{name}")
    return group


def add_member(group, *, name, post, position, duty, start_date, user, account=None, in_charge=False):
    """A person joins the group (or takes a new place in it) from a date."""
    if not can("governance.manage", user):
        raise RuleError("只有政工股可以调整领导小组成员。")
    if position not in POSITIONS:
        raise RuleError("请选择在领导小组中的职务。")
    name = _text(name or (account.display_name if account else ""), "姓名", limit=50)
    if start_date is None:
        raise RuleError("请填写调整日期。")
    with database.atomic():
        member = GroupMember.create(group=group, user=account, name=name, post=_text(post, "职务", False, 100),
                                    position=position, duty=_text(duty, "分工", False), in_charge=bool(in_charge),
                                    start_date=start_date)
        audit.record("member_add", "leading_group", group.id, unit=group.unit_id, actor=user,
                     summary=f"{start_date} 起 {name} 任{group.name}{POSITIONS[position]}",
                     after={"name": name, "position": POSITIONS[position], "start_date": start_date.isoformat()})
    return member


def end_member(member, *, end_date, user):
    """A person leaves the group on a date (the membership is kept, dated)."""
    if not can("governance.manage", user):
        raise RuleError("只有政工股可以调整领导小组成员。")
    if member.end_date is not None:
        raise RuleError(f"{member.name}已于 {member.end_date} 免去该职务。")
    if end_date is None or end_date <= member.start_date:
        raise RuleError(f"免去日期应晚于任职日期 {member.start_date}。")
    with database.atomic():
        GroupMember.update(end_date=end_date).where(GroupMember.id == member.id).execute()
        audit.record("member_end", "leading_group", member.group_id, unit=member.group.unit_id, actor=user,
                     summary=f"{end_date} 起免去 {member.name} 的{member.position_label}",
                     before={"end_date": None}, after={"end_date": end_date.isoformat()})
    member.end_date = end_date
    return member


def members_on(group, day):
    """The group as it stood on a day, in notice order: 组长, 副组长, 成员, 办公室主任."""
    rows = list(GroupMember.select().where(GroupMember.group == group.id, GroupMember.on(day))
                .order_by(GroupMember.start_date, GroupMember.id))
    return sorted(rows, key=lambda m: POSITION_ORDER.index(m.position))


def group_flags(user, day=None):
    """(bodies without a group, groups without a 组长 on the day): two aggregate queries."""
    day = day or clock.today()
    bodies = Unit.visible_to(user).where(Unit.id.in_(group_bodies().select(Unit.id)))
    has_group = LeadingGroup.select(LeadingGroup.unit).where(LeadingGroup.active == True)  # noqa: E712
    missing = list(bodies.where(Unit.id.not_in(has_group)).order_by(Unit.level, Unit.sort_order))
    with_leader = (GroupMember.select(GroupMember.group)
                   .where(GroupMember.position == "leader", GroupMember.on(day)))
    leaderless = list(LeadingGroup.visible_to(user, LeadingGroup, Unit).join(Unit)
                      .where(LeadingGroup.active == True, LeadingGroup.id.not_in(with_leader))  # noqa: E712
                      .order_by(Unit.level, Unit.sort_order))
    return missing, leaderless


def groups(user, day=None):
    """[(group, member count on the day, its 组长's names)] of the groups the user sees."""
    day = day or clock.today()
    rows = list(LeadingGroup.visible_to(user, LeadingGroup, Unit).join(Unit)
                .where(LeadingGroup.active == True).order_by(Unit.level, Unit.sort_order, LeadingGroup.id))  # noqa: E712
    counts, leaders = {}, {}
    for m in (GroupMember.select(GroupMember.group, GroupMember.name, GroupMember.position)
              .where(GroupMember.group.in_([g.id for g in rows]), GroupMember.on(day))):
        counts[m.group_id] = counts.get(m.group_id, 0) + 1
        if m.position == "leader":
            leaders.setdefault(m.group_id, []).append(m.name)
    return [(g, counts.get(g.id, 0), leaders.get(g.id, [])) for g in rows]


# -- bodies that meet and their quarters ------------------------------------------------------------

def add_body(*, unit, name, user):
    """A Party committee or branch that must meet every quarter; its current quarter is opened at once."""
    if not can("governance.manage", user):
        raise RuleError("只有政工股可以维护议事主体名单。")
    if unit is None:
        raise RuleError("请选择所属单位。")
    name = _text(name, "名称", limit=100)
    if MeetingBody.select().where(MeetingBody.unit == unit.id, MeetingBody.name == name).exists():
        raise RuleError(f"“{name}”已在名单中。")
    with database.atomic():
        body = MeetingBody.create(unit=unit, name=name)
        audit.record("create", "meeting_body", body.id, unit=unit, actor=user, summary=f"议事主体：{name}")
        open_quarter(*quarter_of(clock.today()), user, bodies=[body])
    return body


def set_body_active(body, active, user):
    if not can("governance.manage", user):
        raise RuleError("只有政工股可以维护议事主体名单。")
    with database.atomic():
        MeetingBody.update(active=active).where(MeetingBody.id == body.id).execute()
        audit.record("activate" if active else "deactivate", "meeting_body", body.id, unit=body.unit_id, actor=user,
                     summary=f"{'启用' if active else '停用'}议事主体“{body.name}”")
        if active:
            open_quarter(*quarter_of(clock.today()), user, bodies=[body])


def _open_due(body, year, quarter, user):
    due = MeetingDue.get_or_none(MeetingDue.body == body.id, MeetingDue.year == year, MeetingDue.quarter == quarter)
    if due is not None:
        return due, False
    due = MeetingDue.create(body=body, unit=body.unit_id, year=year, quarter=quarter)
    item = supervision.supervise(
        MEETING_ITEM.key, unit=body.unit, source_id=due.id, assigned_by=user,
        title=f"{body.name}{year}年第{quarter}季度综治工作议事会议",
        description="落实每季一次的综治工作议事制度：分析工作动态，研究解决矛盾的办法和措施，分工定人抓落实。",
        start_date=quarter_start(year, quarter), due_date=quarter_end(year, quarter))
    MeetingDue.update(item=item).where(MeetingDue.id == due.id).execute()
    due.item = item
    return due, True


def open_quarter(year, quarter, user, bodies=None):
    """One meeting due per active body for the quarter, supervised to quarter end (idempotent); returns
    how many were opened. The office opens each quarter (or `flask governance open-quarter` from cron)."""
    if not 1 <= quarter <= 4:
        raise RuleError("季度应为 1 至 4。")
    if quarter_start(year, quarter) > clock.today():
        raise RuleError("尚未到该季度，不能提前开启。")
    bodies = bodies if bodies is not None else list(MeetingBody.select().where(MeetingBody.active == True))  # noqa: E712
    opened = 0
    with database.atomic():
        for body in bodies:
            opened += _open_due(body, year, quarter, user)[1]
        if opened and user is not None:
            audit.record("open_quarter", "meeting_body", None, actor=user,
                         summary=f"开启{year}年第{quarter}季度综治工作议事督办 {opened} 项")
    return opened


@dataclass
class DecisionInput:
    content: str
    unit: Unit
    owner_name: str = ""
    due_date: datetime.date = None


def record_meeting(body, *, held_on, chair, attendees, absentees="", topics, analysis="", place="", decisions=(),
                   user):
    """A held meeting with its decisions: the quarter's due is met (its item resolved) and each decision
    is handed to its owner as a supervised item, all in one transaction."""
    if not can("governance.meet", user):
        raise RuleError("您的角色不能录入议事会议。")
    _scope(user, body.unit, "录入")
    if held_on is None:
        raise RuleError("请填写会议日期。")
    if held_on > clock.today():
        raise RuleError("会议日期不能晚于今天。")
    chair = _text(chair, "主持人", limit=50)
    attendees = _text(attendees, "参会人员")
    topics = _text(topics, "议题")
    default_due = held_on + current_app.config["GOVERNANCE_DECISION_DAYS"] * DAY
    for n, d in enumerate(decisions, start=1):
        if not (d.content or "").strip():
            raise RuleError(f"第 {n} 项决定：请填写决定事项。")
        if d.unit is None:
            raise RuleError(f"第 {n} 项决定：请选择责任单位。")
        if not d.unit.active:
            raise RuleError(f"第 {n} 项决定：“{d.unit.name}”已停用。")
        if not in_scope(user, d.unit):
            raise RuleError(f"第 {n} 项决定：只能交办给本单位或下属单位。")
        if d.due_date is not None and d.due_date < held_on:
            raise RuleError(f"第 {n} 项决定：完成期限不能早于会议日期。")
    year, quarter = quarter_of(held_on)
    with database.atomic():
        meeting = Meeting.create(body=body, unit=body.unit_id, year=year, quarter=quarter, held_on=held_on,
                                 place=_text(place, "地点", False, 100), chair=chair, attendees=attendees,
                                 absentees=_text(absentees, "缺席人员", False), topics=topics,
                                 analysis=_text(analysis, "工作动态", False),
                                 number=next_value(f"governance.minutes.{year}"), created_by=user)
        audit.record("create", "meeting", meeting.id, unit=body.unit_id, actor=user,
                     summary=f"{body.name}{year}年第{quarter}季度综治工作议事会议（{held_on}），决定 {len(decisions)} 项")
        due, _ = _open_due(body, year, quarter, user)
        supervision.resolve(MEETING_ITEM.key, due.id, user, note=f"已于 {held_on} 召开，纪要已录入")
        for seq, d in enumerate(decisions, start=1):
            decision = MeetingDecision.create(meeting=meeting, seq=seq, content=d.content.strip(), unit=d.unit,
                                              owner_name=(d.owner_name or "").strip()[:50],
                                              due_date=d.due_date or default_due)
            item = supervision.supervise(
                DECISION_ITEM.key, unit=d.unit, source_id=decision.id, assigned_by=user,
                title=f"{body.name}第{quarter}季度议事决定：{decision.content[:60]}", description=decision.content,
                responsible_name=decision.owner_name, start_date=held_on, due_date=decision.due_date)
            MeetingDecision.update(item=item).where(MeetingDecision.id == decision.id).execute()
    return meeting


def decisions_of(meeting):
    """The meeting's decisions with their supervised items and owner units (one query)."""
    return list(MeetingDecision.select(MeetingDecision, SupervisedItem, Unit)
                .join(SupervisedItem, JOIN.LEFT_OUTER, on=(MeetingDecision.item == SupervisedItem.id))
                .switch(MeetingDecision).join(Unit, on=(MeetingDecision.unit == Unit.id))
                .where(MeetingDecision.meeting == meeting.id).order_by(MeetingDecision.seq))


@dataclass
class Cell:
    """One body × quarter of the meeting table."""

    state: str  # held / missed / due / future / none
    meetings: int = 0
    open_decisions: int = 0
    overdue_decisions: int = 0
    meeting_id: int = None

    @property
    def label(self):
        return {"held": "已召开", "missed": "未召开（逾期）", "due": "待召开", "future": "未到期", "none": "未开启"}[self.state]


def quarter_table(user, year, today=None):
    """[(body, [Cell × 4])] for the bodies the user sees: four aggregate queries whatever their number."""
    today = today or clock.today()
    bodies = list(MeetingBody.visible_to(user, MeetingBody, Unit).join(Unit)
                  .where(MeetingBody.active == True).order_by(Unit.level, Unit.sort_order, MeetingBody.sort_order,  # noqa: E712
                                                              MeetingBody.id))
    ids = [b.id for b in bodies]
    dues = {(d.body_id, d.quarter) for d in MeetingDue.select(MeetingDue.body, MeetingDue.quarter)
            .where(MeetingDue.body.in_(ids), MeetingDue.year == year)}
    held = {}
    for row in (Meeting.select(Meeting.body, Meeting.quarter, fn.COUNT(Meeting.id).alias("n"),
                               fn.MIN(Meeting.id).alias("first"))
                .where(Meeting.body.in_(ids), Meeting.year == year).group_by(Meeting.body, Meeting.quarter).dicts()):
        held[(row["body"], row["quarter"])] = (row["n"], row["first"])
    open_decisions = {}
    for row in (MeetingDecision.select(Meeting.body, Meeting.quarter, fn.COUNT(MeetingDecision.id).alias("n"),
                                       fn.SUM(Case(None, [((SupervisedItem.due_date < today) & (SupervisedItem.state != "reported"), 1)], 0))
                                       .alias("late"))
                .join(Meeting).switch(MeetingDecision).join(SupervisedItem, on=(MeetingDecision.item == SupervisedItem.id))
                .where(Meeting.body.in_(ids), Meeting.year == year, SupervisedItem.state.in_(OPEN_STATES))
                .group_by(Meeting.body, Meeting.quarter).dicts()):
        open_decisions[(row["body"], row["quarter"])] = (row["n"], int(row["late"] or 0))
    table = []
    for body in bodies:
        cells = []
        for q in range(1, 5):
            n, first = held.get((body.id, q), (0, None))
            opened, late = open_decisions.get((body.id, q), (0, 0))
            if n:
                state = "held"
            elif quarter_start(year, q) > today:
                state = "future"
            elif quarter_end(year, q) < today:
                state = "missed" if (body.id, q) in dues else "none"
            else:
                state = "due" if (body.id, q) in dues else "none"
            cells.append(Cell(state, n, opened, late, first))
        table.append((body, cells))
    return table


def meetings(user, year):
    """A query of the year's meetings the user sees, newest first, with body and unit joined."""
    return (Meeting.visible_to(user, Meeting, MeetingBody, Unit).join(MeetingBody)
            .switch(Meeting).join(Unit, on=(Meeting.unit == Unit.id))
            .where(Meeting.year == year).order_by(Meeting.held_on.desc(), Meeting.id.desc()))


# -- leaders' contact units (定点包单位) and visits ------------------------------------------------------

def leaders():
    """Those who look after contact units: the holders of governance.visit."""
    return list(User.holding("governance.visit").order_by(User.id))


def assign_contact(*, leader, unit, year, user):
    if not can("governance.manage", user):
        raise RuleError("只有政工股可以安排定点联系单位。")
    if leader is None or not can("governance.visit", leader):
        raise RuleError("请选择局领导。")
    if unit is None or not unit.is_body:
        raise RuleError("请选择二级机构或基层单位。")
    existing = ContactUnit.get_or_none(ContactUnit.leader == leader.id, ContactUnit.unit == unit.id,
                                       ContactUnit.year == year)
    if existing is not None and existing.active:
        raise RuleError(f"{unit.name}已是{leader.display_name}{year}年的联系单位。")
    with database.atomic():
        if existing is not None:
            ContactUnit.update(active=True).where(ContactUnit.id == existing.id).execute()
            contact = ContactUnit.get_by_id(existing.id)
        else:
            contact = ContactUnit.create(leader=leader, unit=unit, year=year)
        audit.record("create", "contact_unit", contact.id, unit=unit, actor=user,
                     summary=f"{leader.display_name}{year}年定点联系{unit.name}")
    return contact


def end_contact(contact, user):
    if not can("governance.manage", user):
        raise RuleError("只有政工股可以调整定点联系单位。")
    if not contact.active:
        raise RuleError("该联系关系已解除。")
    with database.atomic():
        ContactUnit.update(active=False).where(ContactUnit.id == contact.id).execute()
        audit.record("deactivate", "contact_unit", contact.id, unit=contact.unit_id, actor=user,
                     summary=f"解除{contact.leader.display_name}与{contact.unit.name}的定点联系")


def contacts(user, year):
    """A query of the year's active assignments the user sees, by leader."""
    return (ContactUnit.visible_to(user, ContactUnit, User, Unit).join(User, on=(ContactUnit.leader == User.id))
            .switch(ContactUnit).join(Unit, on=(ContactUnit.unit == Unit.id))
            .where(ContactUnit.year == year, ContactUnit.active == True)  # noqa: E712
            .order_by(User.id, Unit.sort_order, Unit.id))


def contact_units(leader, year):
    return [c.unit for c in ContactUnit.select(ContactUnit, Unit).join(Unit)
            .where(ContactUnit.leader == leader.id, ContactUnit.year == year, ContactUnit.active == True)  # noqa: E712
            .order_by(Unit.sort_order, Unit.id)]


@dataclass
class UnitWork:
    """A contact unit's open work across modules (one aggregate query per module)."""

    unit: Unit
    overdue_items: int = 0
    open_findings: int = 0
    open_petitions: int = 0
    open_disputes: int = 0
    unsigned_agreements: int = 0
    vetoes: int = 0
    last_visit: datetime.date = None

    @property
    def total(self):
        return (self.overdue_items + self.open_findings + self.open_petitions + self.open_disputes
                + self.unsigned_agreements + self.vetoes)


def _counts(query, key):
    return {row[key]: row["n"] for row in query.dicts()}


def open_work(units, year, today=None):
    """[UnitWork] of the units: overdue supervised items, open rectifications of findings, open petitions
    handled by or concerning the unit, the year's disputes of the unit still being mediated, agreements
    issued and not signed, vetoes in force — seven queries."""
    today = today or clock.today()
    ids = [u.id for u in units]
    if not ids:
        return []
    overdue = _counts(supervision.overdue_items(today).select(SupervisedItem.unit, fn.COUNT(SupervisedItem.id).alias("n"))
                      .where(SupervisedItem.unit.in_(ids)).group_by(SupervisedItem.unit), "unit")
    findings = _counts(SupervisedItem.select(SupervisedItem.unit, fn.COUNT(SupervisedItem.id).alias("n"))
                       .where(SupervisedItem.unit.in_(ids), SupervisedItem.source_type == "rectification",
                              SupervisedItem.state.in_(OPEN_STATES)).group_by(SupervisedItem.unit), "unit")
    unit_of = fn.COALESCE(Petition.unit, Petition.concerned_unit)
    petitions = _counts(Petition.select(unit_of.alias("unit"), fn.COUNT(Petition.id).alias("n"))
                        .where(unit_of.in_(ids), Petition.state.in_(("registered", "accepted", "assigned", "handling",
                                                                       "review")))
                        .group_by(unit_of), "unit")
    disputes = _counts(Dispute.select(Dispute.unit, fn.COUNT(Dispute.id).alias("n"))
                       .where(Dispute.unit.in_(ids), Dispute.year == year, Dispute.state.in_(DISPUTE_OPEN_STATES))
                       .group_by(Dispute.unit), "unit")
    agreements = _counts(Agreement.select(Agreement.unit, fn.COUNT(Agreement.id).alias("n"))
                         .where(Agreement.unit.in_(ids), Agreement.year == year, Agreement.state == "issued")
                         .group_by(Agreement.unit), "unit")
    vetoes = _counts(VetoEvent.select(VetoEvent.unit, fn.COUNT(VetoEvent.id).alias("n"))
                     .where(VetoEvent.unit.in_(ids), VetoEvent.year == year,
                            VetoEvent.state.in_(("proposed",) + EFFECTIVE_STATES)).group_by(VetoEvent.unit), "unit")
    visits = {row["unit"]: row["n"] for row in SupervisoryVisit.select(
        SupervisoryVisit.unit, fn.MAX(SupervisoryVisit.visited_on).alias("n"))
        .where(SupervisoryVisit.unit.in_(ids)).group_by(SupervisoryVisit.unit).dicts()}
    return [UnitWork(u, overdue.get(u.id, 0), findings.get(u.id, 0), petitions.get(u.id, 0), disputes.get(u.id, 0),
                     agreements.get(u.id, 0),
                     vetoes.get(u.id, 0), visits.get(u.id)) for u in units]


def log_visit(*, leader, unit, visited_on, checked, problems="", task_due=None, user):
    """日常督查: a leader's visit to one of their contact units; problems found may become a supervised
    task to the unit in the same step (when a due date is given)."""
    if not can("governance.visit", user) or leader.id != user.id:
        raise RuleError("只有局领导本人可以登记日常督查。")
    if unit is None:
        raise RuleError("请选择督查单位。")
    if visited_on is None:
        raise RuleError("请填写督查日期。")
    if visited_on > clock.today():
        raise RuleError("督查日期不能晚于今天。")
    if unit.id not in {u.id for u in contact_units(leader, visited_on.year)}:
        raise RuleError(f"{unit.name}不是您{visited_on.year}年的定点联系单位。")
    checked = _text(checked, "督查内容")
    problems = _text(problems, "发现的问题", False)
    if task_due is not None:
        if not problems:
            raise RuleError("交办整改任务前请填写发现的问题。")
        if task_due < clock.today():
            raise RuleError("整改期限不能早于今天。")
    with database.atomic():
        visit = SupervisoryVisit.create(leader=leader, unit=unit, visited_on=visited_on, checked=checked,
                                        problems=problems)
        audit.record("create", "supervisory_visit", visit.id, unit=unit, actor=user,
                     summary=f"{leader.display_name}督查{unit.name}（{visited_on}）")
        if task_due is not None:
            item = supervision.supervise(VISIT_ITEM.key, unit=unit, source_id=visit.id, assigned_by=user,
                                         title=f"{leader.display_name}督查发现问题整改：{problems[:50]}",
                                         description=problems, due_date=task_due)
            SupervisoryVisit.update(item=item).where(SupervisoryVisit.id == visit.id).execute()
            visit.item = item
    return visit


def visits(user, year, leader=None):
    query = (SupervisoryVisit.visible_to(user, SupervisoryVisit, User, Unit)
             .join(User, on=(SupervisoryVisit.leader == User.id)).switch(SupervisoryVisit)
             .join(Unit, on=(SupervisoryVisit.unit == Unit.id))
             .where(SupervisoryVisit.visited_on.between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))))
    if leader is not None:
        query = query.where(SupervisoryVisit.leader == leader.id)
    return query.order_by(SupervisoryVisit.visited_on.desc(), SupervisoryVisit.id.desc())


# -- duty rosters (值班表) ------------------------------------------------------------------------------

def create_roster(*, unit, title, kind, start_date, end_date, user, shifts=None):
    """A roster for a period with one empty row a day (or the rows given: {day: (person, leader, phone)})."""
    if not can("governance.roster", user):
        raise RuleError("您的角色不能编排值班表。")
    _scope(user, unit, "编排")
    if kind not in ROSTER_KINDS:
        raise RuleError("请选择值班表类型。")
    title = _text(title, "标题", limit=100)
    if start_date is None or end_date is None or end_date < start_date:
        raise RuleError("结束日期不能早于开始日期。")
    if (end_date - start_date).days >= MAX_ROSTER_DAYS:
        raise RuleError(f"一张值班表最多 {MAX_ROSTER_DAYS} 天，请按季度或节假日分别编排。")
    with database.atomic():
        roster = DutyRoster.create(unit=unit, title=title, kind=kind, start_date=start_date, end_date=end_date,
                                   created_by=user)
        shifts = shifts or {}
        DutyShift.insert_many([{"roster": roster.id, "day": day, "person": shifts.get(day, ("", "", ""))[0],
                                "leader": shifts.get(day, ("", "", ""))[1], "phone": shifts.get(day, ("", "", ""))[2]}
                               for day in roster.days()]).execute()
        audit.record("create", "duty_roster", roster.id, unit=unit, actor=user,
                     summary=f"编排{title}（{start_date} 至 {end_date}）")
    return roster


def shifts_of(roster):
    return list(roster.shifts.order_by(DutyShift.day))


def save_grid(roster, rows, user, version=UNCHECKED):
    """Save the whole grid ({shift id: (person, leader, phone)}) if nobody saved it since the page was
    loaded (the roster's version); returns how many rows changed."""
    if not can("governance.roster", user):
        raise RuleError("您的角色不能修改值班表。")
    _scope(user, roster.unit, "修改")
    current = {s.id: s for s in shifts_of(roster)}
    changes = {}
    for shift_id, values in rows.items():
        shift = current.get(shift_id)
        if shift is None:
            continue
        person, leader, phone = (v.strip() for v in values)
        for label, value, limit in (("值班人员", person, 50), ("带班领导", leader, 50), ("值班电话", phone, 32)):
            if len(value) > limit:
                raise RuleError(f"{shift.day} {label}不能超过 {limit} 个字。")
        if (person, leader, phone) != (shift.person, shift.leader, shift.phone):
            changes[shift_id] = (person, leader, phone)
    with database.atomic():
        versioned_update(roster, version)
        for shift_id, (person, leader, phone) in changes.items():
            DutyShift.update(person=person, leader=leader, phone=phone).where(DutyShift.id == shift_id).execute()
        audit.record("grid", "duty_roster", roster.id, unit=roster.unit_id, actor=user,
                     summary=f"修改{roster.title}值班安排 {len(changes)} 天")
    return len(changes)


def rosters(user, year):
    return (DutyRoster.visible_to(user, DutyRoster, Unit).join(Unit)
            .where(DutyRoster.start_date <= datetime.date(year, 12, 31), DutyRoster.end_date >= datetime.date(year, 1, 1))
            .order_by(DutyRoster.start_date.desc(), DutyRoster.id.desc()))


# -- spot checks (查岗) ---------------------------------------------------------------------------------

def record_check(*, unit, checked_at, method, result, note="", on_duty="", roster=None, raise_notice=False, user):
    """A spot check; a failed one may raise a 通报批评 through the one-veto module in the same step."""
    if not can("governance.spotcheck", user):
        raise RuleError("您的角色不能登记查岗。")
    if unit is None:
        raise RuleError("请选择被查单位。")
    if method not in CHECK_METHODS:
        raise RuleError("请选择查岗方式。")
    if result not in CHECK_RESULTS:
        raise RuleError("请选择查岗结果。")
    if checked_at is None:
        raise RuleError("请填写查岗时间。")
    if checked_at > clock.now() + datetime.timedelta(minutes=5):
        raise RuleError("查岗时间不能晚于现在。")
    if roster is not None and roster.unit_id != unit.id:
        raise RuleError("所选值班表不属于被查单位。")
    note = _text(note, "情况说明", False)
    if raise_notice and result != "absent":
        raise RuleError("只有查岗结果为“不在岗”时才能通报批评。")
    with database.atomic():
        check = SpotCheck.create(unit=unit, roster=roster, checked_at=checked_at, year=clock.to_local(checked_at).year,
                                 checker=user, method=method, on_duty=_text(on_duty, "值班人员", False, 50),
                                 result=result, note=note)
        audit.record("create", "spot_check", check.id, unit=unit, actor=user,
                     summary=f"查岗{unit.name}：{CHECK_RESULTS[result]}")
        if raise_notice:
            criticise(check, user)
    return check


def criticise(check, user):
    """通报批评 for a failed spot check, issued by the one-veto module's sanctions (once per check)."""
    from ..veto import services as veto

    if check.result != "absent":
        raise RuleError("只有查岗结果为“不在岗”时才能通报批评。")
    if check.sanction_id is not None:
        raise RuleError("该次查岗已作出通报批评。")
    if not can("veto.sanction", user):
        raise RuleError("通报批评由政工股或局领导作出；请将查岗结果报政工股。")
    when = clock.format_local(check.checked_at)
    with database.atomic():
        sanction = veto.issue_sanction(
            unit=check.unit, kind="criticism", user=user, year=check.year, source_type="governance.spotcheck",
            source_id=check.id,
            reason=f"{when}{check.method_label}，{check.unit.name}值班人员{check.on_duty or ''}不在岗"
                   + (f"（{check.note}）" if check.note else "") + "，违反查岗值班制度。")
        if not SpotCheck.update(sanction=sanction).where(SpotCheck.id == check.id, SpotCheck.sanction.is_null()).execute():
            raise RuleError("该次查岗已作出通报批评。")
    check.sanction = sanction
    return sanction


def checks(user, year):
    return (SpotCheck.visible_to(user, SpotCheck, Unit, User).join(Unit, on=(SpotCheck.unit == Unit.id))
            .switch(SpotCheck).join(User, on=(SpotCheck.checker == User.id))
            .where(SpotCheck.year == year).order_by(SpotCheck.checked_at.desc(), SpotCheck.id.desc()))


def check_figures_by_unit(user, year):
    """[(unit name, checks, failures)] of the year, most failures first: one aggregate query."""
    failures = fn.SUM(Case(None, [(SpotCheck.result == "absent", 1)], 0))
    rows = (SpotCheck.visible_to(user, Unit.name, fn.COUNT(SpotCheck.id), failures).join(Unit)
            .where(SpotCheck.year == year).group_by(Unit.id, Unit.name)
            .order_by(failures.desc(), fn.COUNT(SpotCheck.id).desc(), Unit.name).tuples())
    return [(name, int(n), int(f or 0)) for name, n, f in rows]


def check_figures(user, year):
    """{checks, failures, units, criticised} of the year's spot checks the user sees: one aggregate query."""
    row = (SpotCheck.visible_to(user, fn.COUNT(SpotCheck.id).alias("checks"),
                                fn.SUM((SpotCheck.result == "absent").cast("integer")).alias("failures"),
                                fn.COUNT(SpotCheck.unit.distinct()).alias("units"),
                                fn.COUNT(SpotCheck.sanction).alias("criticised"))
           .where(SpotCheck.year == year).dicts().get())
    return {k: int(v or 0) for k, v in row.items()}
