"""Owns the organisation behind the work: leading groups and their dated membership, leaders' contact
units and visits, the bodies that meet every quarter with their meetings and decisions, duty rosters
and spot checks."""
import datetime

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .supervision import SupervisedItem
from .users import User
from .veto import Sanction

POSITIONS = {"leader": "组长", "deputy": "副组长", "member": "成员", "director": "办公室主任"}
# The order members are listed in a notice.
POSITION_ORDER = ("leader", "deputy", "member", "director")
ROSTER_KINDS = {"regular": "日常值班", "holiday": "节假日值班"}
CHECK_RESULTS = {"present": "在岗", "absent": "不在岗", "other": "其他"}
CHECK_METHODS = {"phone": "电话查岗", "onsite": "实地查岗"}


class LeadingGroup(ScopedModel):
    """领导小组: the bureau's 维护稳定工作领导小组 or a second-level body's 综治领导小组."""

    unit = ForeignKeyField(Unit, backref="leading_groups", on_delete="RESTRICT")
    name = CharField(max_length=100)
    # 负责综治维稳工作的股室 (e.g. 政工股、改制股), as written in the notice.
    offices = CharField(max_length=200, default="")
    established_on = DateField()
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "leading_group"

    def __str__(self):
        return self.name

    @property
    def tier_label(self):
        return "局级" if self.unit.level <= 1 else "二级"


class GroupMember(BaseModel):
    """领导小组成员: one person's place in a group from a date until a date (dated changes)."""

    group = ForeignKeyField(LeadingGroup, backref="members", on_delete="RESTRICT")
    user = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    name = CharField(max_length=50)
    post = CharField(max_length=100, default="")  # 职务, e.g. 局党组书记、局长
    position = CharField(max_length=16)
    duty = TextField(default="")  # 分工
    in_charge = BooleanField(default=False)  # 分管负责人
    start_date = DateField(index=True)
    end_date = DateField(null=True)  # the first day the person no longer holds the place
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "group_member"

    @property
    def position_label(self):
        return POSITIONS.get(self.position, self.position)

    @classmethod
    def on(cls, day):
        """Members holding their place on a calendar day."""
        return (cls.start_date <= day) & (cls.end_date.is_null() | (cls.end_date > day))


class MeetingBody(ScopedModel):
    """议事主体: a Party committee or branch that must hold a governance meeting every quarter."""

    unit = ForeignKeyField(Unit, backref="meeting_bodies", on_delete="RESTRICT")
    name = CharField(max_length=100)
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "meeting_body"

    def __str__(self):
        return self.name


class MeetingDue(ScopedModel):
    """A quarter's meeting owed by a body, supervised (source type "governance.meeting") to quarter end."""

    body = ForeignKeyField(MeetingBody, backref="dues", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    year = IntegerField()
    quarter = IntegerField()
    item = ForeignKeyField(SupervisedItem, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "meeting_due"
        indexes = ((("body", "year", "quarter"), True),)


class Meeting(ScopedModel):
    """综治工作议事会议: one quarterly meeting of a body, with its minutes (会议纪要)."""

    body = ForeignKeyField(MeetingBody, backref="meetings", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    year = IntegerField(index=True)
    quarter = IntegerField()
    held_on = DateField()
    place = CharField(max_length=100, default="")
    chair = CharField(max_length=50)
    attendees = TextField()
    absentees = TextField(default="")
    topics = TextField()
    analysis = TextField(default="")  # 工作动态
    number = IntegerField(default=0)  # 纪要 running number within the year
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "meeting"


class MeetingDecision(ScopedModel):
    """会议决定事项: one decision with its owner and due date, supervised ("governance.decision")."""

    meeting = ForeignKeyField(Meeting, backref="decisions", on_delete="RESTRICT")
    seq = IntegerField()
    content = TextField()
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")  # the owner unit
    owner_name = CharField(max_length=50, default="")
    due_date = DateField()
    item = ForeignKeyField(SupervisedItem, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "meeting_decision"


class ContactUnit(ScopedModel):
    """党组成员定点包单位: a unit a leader looks after for a year."""

    leader = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    year = IntegerField(index=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "contact_unit"
        indexes = ((("leader", "unit", "year"), True),)


class SupervisoryVisit(ScopedModel):
    """日常督查: a leader's visit to a contact unit: what was checked, problems found."""

    leader = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    visited_on = DateField(index=True)
    checked = TextField()
    problems = TextField(default="")
    item = ForeignKeyField(SupervisedItem, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "supervisory_visit"


class DutyRoster(ScopedModel):
    """值班表: a body's duty roster for a period (日常 or 节假日), edited as a grid."""

    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    title = CharField(max_length=100)
    kind = CharField(max_length=16, default="regular")
    start_date = DateField(index=True)
    end_date = DateField()
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)
    version = IntegerField(default=1)

    class Meta:
        table_name = "duty_roster"

    @property
    def kind_label(self):
        return ROSTER_KINDS.get(self.kind, self.kind)

    def days(self):
        n = (self.end_date - self.start_date).days
        return [self.start_date + datetime.timedelta(days=i) for i in range(n + 1)]


class DutyShift(BaseModel):
    """值班安排: one day of a roster: who is on duty, the leader on duty, the duty phone."""

    roster = ForeignKeyField(DutyRoster, backref="shifts", on_delete="RESTRICT")
    day = DateField()
    person = CharField(max_length=50, default="")
    leader = CharField(max_length=50, default="")
    phone = CharField(max_length=32, default="")  # 值班电话 (the duty office's line)

    class Meta:
        table_name = "duty_shift"
        indexes = ((("roster", "day"), True),)


class SpotCheck(ScopedModel):
    """查岗: a check whether the person on duty was at their post, and its result."""

    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    roster = ForeignKeyField(DutyRoster, null=True, backref="checks", on_delete="RESTRICT")
    checked_at = DateTimeField(index=True)
    year = IntegerField(index=True)
    checker = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    method = CharField(max_length=16, default="phone")
    on_duty = CharField(max_length=50, default="")
    result = CharField(max_length=16)
    note = TextField(default="")
    sanction = ForeignKeyField(Sanction, null=True, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "spot_check"

    @property
    def result_label(self):
        return CHECK_RESULTS.get(self.result, self.result)

    @property
    def method_label(self):
        return CHECK_METHODS.get(self.method, self.method)
