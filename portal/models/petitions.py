"""Owns letters and visits (信访): cases, petitioners, follow-up visits, categories, and tasks
assigned from above (上级交办)."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .users import User

CHANNELS = {"letter": "来信", "visit": "来访", "online": "网上", "phone": "电话", "transfer": "上级转送"}
# A visit by this many people or more is a group visit (群体访).
GROUP_SIZE = 5

PETITION_STATES = {
    "registered": "已登记，待受理",
    "not_accepted": "不予受理",
    "accepted": "已受理，待交办",
    "assigned": "已交办",
    "handling": "办理中",
    "replied": "已答复，待回访",
    "visited": "已回访",
    "review": "复查中",
    "closed": "已办结",
}
# Cases in these states still owe the petitioner something.
OPEN_STATES = ("registered", "accepted", "assigned", "handling", "review")
SATISFACTION = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}
VISIT_METHODS = {"home": "上门回访", "phone": "电话回访", "office": "约见面谈", "letter": "书面回访"}

TASK_SOURCES = {"npc": "人大代表建议", "cppcc": "政协提案", "leading_group": "县信访领导小组交办",
                "county_leader": "县领导交办"}
TASK_STATES = {"open": "办理中", "replied": "已答复"}


class PetitionCategory(BaseModel):
    """问题类别: an editable list (改制遗留, 养老保险 ...); archived, never deleted."""

    name = CharField(max_length=50, unique=True)
    seq = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        table_name = "petition_category"

    def __str__(self):
        return self.name


class Petition(ScopedModel):
    """A letter or visit (信访事项), from intake to the closing follow-up visit. Scoped by the unit
    it was assigned to (承办单位); until assigned only the bureau sees it."""

    number = CharField(max_length=20, unique=True)  # 信访编号, e.g. 2026-0007
    year = IntegerField(index=True)
    received_on = DateField(index=True)
    channel = CharField(max_length=16)
    headcount = IntegerField(default=1)
    is_group = BooleanField(default=False, index=True)
    concerned_unit = ForeignKeyField(Unit, null=True, backref="petitions_concerning", on_delete="RESTRICT")
    category = ForeignKeyField(PetitionCategory, backref="petitions", on_delete="RESTRICT")
    title = CharField(max_length=200)  # 事项摘要
    request = TextField()  # 诉求
    escalated = BooleanField(default=False)  # 越级访: taken past the county
    escalated_note = TextField(default="")
    state = CharField(max_length=16, default="registered", index=True)
    version = IntegerField(default=1)
    # Statutory clocks (信访工作条例), computed from dates; calendar days.
    accept_due = DateField()
    accepted_on = DateField(null=True)
    decision_note = TextField(default="")  # reason of acceptance or of non-acceptance
    notice_on = DateField(null=True)  # written notice of (non-)acceptance
    unit = ForeignKeyField(Unit, null=True, backref="petitions", on_delete="RESTRICT")  # 承办单位
    handler_name = CharField(max_length=50, default="")  # 承办人
    assigned_on = DateField(null=True)
    reply_due = DateField(null=True)  # 60 days from acceptance; moved by an approved extension
    replied_on = DateField(null=True)
    reply_text = TextField(default="")
    visit_due = DateField(null=True)
    review_requested_on = DateField(null=True)
    review_due = DateField(null=True)
    review_reason = TextField(default="")
    review_answered_on = DateField(null=True)
    review_answer = TextField(default="")
    closed_on = DateField(null=True)
    # A dissatisfied follow-up reopens the case with fresh clocks; the day it was reopened, and the
    # first day it had been past a limit before that (so a late first reply stays counted as 积案).
    reopened_on = DateField(null=True)
    backlog_from = DateField(null=True)
    repeat_of = ForeignKeyField("self", null=True, backref="repeats", on_delete="RESTRICT")
    imported = BooleanField(default=False)  # taken over from a paper/Excel ledger
    submit_token = CharField(max_length=64, null=True, unique=True)
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "petition"

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def state_label(self):
        return PETITION_STATES.get(self.state, self.state)

    @property
    def channel_label(self):
        return CHANNELS.get(self.channel, self.channel)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def attachment_unit(self):
        """Letters are filed under the bureau until the case is assigned, then under the handling unit."""
        return self.unit or Unit.get(Unit.parent.is_null())


class Petitioner(BaseModel):
    """信访人: one person of a case; for a group, the leading persons (为首带头人) are marked."""

    petition = ForeignKeyField(Petition, backref="petitioners", on_delete="RESTRICT")
    seq = IntegerField(default=1)
    name = CharField(max_length=50, index=True)
    phone = CharField(max_length=20, default="")
    id_number = CharField(max_length=18, default="", index=True)
    is_leader = BooleanField(default=False)

    class Meta:
        table_name = "petitioner"


class PetitionVisit(BaseModel):
    """回访: a follow-up after the reply; the petitioner's satisfaction decides whether it closes."""

    petition = ForeignKeyField(Petition, backref="visits", on_delete="RESTRICT")
    visited_on = DateField()
    visitor = CharField(max_length=100)
    method = CharField(max_length=16)
    satisfaction = CharField(max_length=16)
    notes = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "petition_visit"

    @property
    def satisfaction_label(self):
        return SATISFACTION.get(self.satisfaction, self.satisfaction)

    @property
    def method_label(self):
        return VISIT_METHODS.get(self.method, self.method)


class AssignedTask(ScopedModel):
    """上级交办: an NPC suggestion, CPPCC proposal or leaders' letter, answered in writing on time
    ("件件有落实, 事事有回音"). Its deadline runs on the supervision core."""

    year = IntegerField(index=True)
    source = CharField(max_length=16)
    ref_number = CharField(max_length=50, default="")  # 文号/提案号
    title = CharField(max_length=200)
    content = TextField(default="")
    received_on = DateField()
    due_date = DateField()
    unit = ForeignKeyField(Unit, backref="assigned_tasks", on_delete="RESTRICT")
    state = CharField(max_length=16, default="open", index=True)
    replied_on = DateField(null=True)
    reply_text = TextField(default="")
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "assigned_task"

    @property
    def source_label(self):
        return TASK_SOURCES.get(self.source, self.source)

    @property
    def answered_on_time(self):
        return self.replied_on is not None and self.replied_on <= self.due_date

    @property
    def state_label(self):
        return TASK_STATES.get(self.state, self.state)
