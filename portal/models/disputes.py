"""Owns dispute screening and mediation (矛盾纠纷排查调处): disputes held by one tier at a time, their
parties, handling log and joint consultations, the informants' reports (信息员), and the periodic
screening reports (排查报告) with their schedule per tier."""
from peewee import JOIN, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel
from ..permissions import sees_everything
from .base import Category, ScopedModel
from .org import Unit
from .petitions import Petition, _latest_item_id
from .supervision import SupervisedItem
from .users import User

SOURCES = {"screening": "排查", "informant": "信息员报告", "petition": "信访转入", "assigned": "上级交办", "other": "其他"}
RISKS = {"high": "高", "medium": "中", "low": "低"}
RISK_REASONS = {"group": "群体性", "worsening": "可能激化", "many": "涉及人数多", "skip_level": "越级上访苗头",
                "extreme": "有过激言行", "media": "可能引发舆情"}
COMPLEXITIES = {"simple": "简易", "ordinary": "一般", "complex": "复杂"}
DISPUTE_STATES = {"open": "调处中", "settled": "调解成功", "partly": "部分化解", "transferred": "转入其他渠道",
                  "closed": "已回访结案"}
OPEN_STATES = ("open",)
OUTCOMES = {"settled": "调解成功", "partly": "部分化解", "transferred": "未化解，转入其他渠道"}
# The outcome of a settled dispute that leaves the tiers: another channel, linked both ways.
CHANNELS = {"petition": "转入信访", "litigation": "引导诉讼", "arbitration": "引导仲裁"}
LOG_KINDS = {"contact": "走访联系", "meeting": "座谈协调", "mediation": "调解", "other": "其他"}
PARTY_KINDS = {"person": "个人", "org": "组织"}

REPORT_KINDS = {"opinion": "社情民意", "hotspot": "热点难点", "instability": "不稳定因素苗头"}
REPORT_URGENCIES = {"urgent": "紧急", "normal": "一般"}
REPORT_STATES = {"submitted": "待研判", "dispute": "已转为矛盾纠纷", "petition": "已转为信访事项", "task": "已交办督办",
                 "filed": "已存档并答复"}
# A report is adopted when it became a dispute, a petition or a supervised task.
ADOPTED = ("dispute", "petition", "task")

# The supervised item types of a dispute: the holding tier's clock, and the follow-up after settlement.
TIER_ITEM_TYPE = "dispute_tier"
VISIT_ITEM_TYPE = "dispute_visit"
ITEM_TYPES = (TIER_ITEM_TYPE, VISIT_ITEM_TYPE)

CONCERNED_UNIT = Unit.alias("dispute_unit")
OPEN_ITEM = SupervisedItem.alias("dispute_item")


class DisputeCategory(Category):
    """纠纷类别: an editable list (改制遗留, 劳动争议 ...); archived, never deleted."""

    class Meta:
        table_name = "dispute_category"


class Dispute(ScopedModel):
    """矛盾纠纷: a dispute of a unit, held by one tier at a time (the unit, its second-level body, the
    bureau's mediation centre, the county), until settled or turned into another channel. Scoped by
    the unit concerned: the origin reads it while a tier above holds it."""

    number = CharField(max_length=20, unique=True)  # e.g. 纠2026-0007
    year = IntegerField(index=True)
    reported_on = DateField(index=True)
    title = CharField(max_length=200)
    summary = TextField()
    category = ForeignKeyField(DisputeCategory, backref="disputes", on_delete="RESTRICT")
    source = CharField(max_length=16)
    unit = ForeignKeyField(Unit, backref="disputes", on_delete="RESTRICT")  # 涉及单位 (its origin tier)
    headcount = IntegerField(default=1)
    organisations = CharField(max_length=500, default="")
    risk = CharField(max_length=8, index=True)
    risk_reasons = CharField(max_length=200, default="")  # keys of RISK_REASONS, comma-separated
    complexity = CharField(max_length=8)
    state = CharField(max_length=16, default="open", index=True)
    tier = IntegerField(default=0, index=True)
    origin_tier = IntegerField(default=0)
    version = IntegerField(default=1)
    outcome = CharField(max_length=16, default="", index=True)  # settled / partly / transferred (kept after the visit)
    outcome_on = DateField(null=True)
    outcome_tier = IntegerField(null=True)  # the tier where it was settled (or left the tiers)
    outcome_note = TextField(default="")
    agreement_text = TextField(default="")  # 调解协议 terms, printed on the 调解协议书
    channel = CharField(max_length=16, default="")
    petition = ForeignKeyField(Petition, null=True, backref="disputes", on_delete="RESTRICT")
    inflamed = BooleanField(default=False, index=True)  # 激化: turned into a group petition or incident
    inflamed_note = TextField(default="")
    warned_on = DateField(null=True)  # 预警函 issued (high risk)
    visited_on = DateField(null=True)
    visit_note = TextField(default="")
    # The dispute's open supervised item (the holding tier's clock, or the follow-up visit), so a list
    # joins it by key instead of looking for the latest one per row; kept by point_items(), which the
    # supervision core calls in the transaction of every change of those items (on_items_change).
    open_item = ForeignKeyField(SupervisedItem, null=True, backref="+", on_delete="RESTRICT")
    submit_token = CharField(max_length=64, null=True, unique=True)
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "dispute"

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def state_label(self):
        return DISPUTE_STATES.get(self.state, self.state)

    @property
    def risk_label(self):
        return RISKS.get(self.risk, self.risk)

    @property
    def complexity_label(self):
        return COMPLEXITIES.get(self.complexity, self.complexity)

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)

    @property
    def reason_keys(self):
        return [k for k in self.risk_reasons.split(",") if k]

    @property
    def reason_labels(self):
        return [RISK_REASONS.get(k, k) for k in self.reason_keys]

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @classmethod
    def listed(cls, user):
        """The disputes a user may see with what a row shows, in one query: the unit, the category and
        the open supervised item (the holding tier's clock or the follow-up visit)."""
        return (cls.visible_to(user, cls, CONCERNED_UNIT, DisputeCategory, OPEN_ITEM)
                .join_from(cls, CONCERNED_UNIT, on=(cls.unit == CONCERNED_UNIT.id), attr="unit")
                .join_from(cls, DisputeCategory, on=(cls.category == DisputeCategory.id), attr="category")
                .join_from(cls, OPEN_ITEM, JOIN.LEFT_OUTER, on=(cls.open_item == OPEN_ITEM.id), attr="open_item"))

    @classmethod
    def point_items(cls, dispute_id):
        """Point the dispute at its latest open item of ITEM_TYPES (one UPDATE)."""
        (cls.update(open_item=_latest_item_id(dispute_id, ITEM_TYPES, open_only=True))
         .where(cls.id == dispute_id).execute())


class DisputeParty(BaseModel):
    """当事人: a person (ID number and phone masked everywhere) or an organisation of a dispute."""

    dispute = ForeignKeyField(Dispute, backref="parties", on_delete="RESTRICT")
    seq = IntegerField(default=1)
    kind = CharField(max_length=8, default="person")
    name = CharField(max_length=100, index=True)
    id_number = CharField(max_length=18, default="", index=True)
    phone = CharField(max_length=20, default="")

    class Meta:
        table_name = "dispute_party"

    @property
    def kind_label(self):
        return PARTY_KINDS.get(self.kind, self.kind)


class DisputeLog(BaseModel):
    """处置记录: one contact, meeting or mediation of a dispute, by the tier that held it then."""

    dispute = ForeignKeyField(Dispute, backref="logs", on_delete="RESTRICT")
    tier = IntegerField(default=0)
    kind = CharField(max_length=16)
    on = DateField()
    people = CharField(max_length=300, default="")
    content = TextField()
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "dispute_log"

    @property
    def kind_label(self):
        return LOG_KINDS.get(self.kind, self.kind)


class Escalation(BaseModel):
    """上报/退回: every move of a dispute between tiers, with its reason and time."""

    dispute = ForeignKeyField(Dispute, backref="moves", on_delete="RESTRICT")
    from_tier = IntegerField()
    to_tier = IntegerField()
    reason = TextField()
    actor = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "dispute_escalation"


class InformantReport(BaseModel):
    """信息员报告: a hot issue an informant reports (社情民意, 热点难点, 不稳定因素苗头), triaged by the
    office into a dispute, a supervised task, or filed with a reply. The informant sees their own."""

    number = CharField(max_length=20, unique=True)
    year = IntegerField(index=True)
    kind = CharField(max_length=16)
    title = CharField(max_length=200)
    content = TextField()  # 什么事
    place = CharField(max_length=200, default="")  # 在哪里
    people = CharField(max_length=300, default="")  # 涉及谁
    headcount = IntegerField(default=1)
    urgency = CharField(max_length=8, default="normal")
    concerned_unit = ForeignKeyField(Unit, null=True, backref="+", on_delete="RESTRICT")
    reporter = ForeignKeyField(User, backref="informant_reports", on_delete="RESTRICT")
    reported_at = DateTimeField(default=clock.now)
    state = CharField(max_length=16, default="submitted", index=True)
    version = IntegerField(default=1)
    reply = TextField(default="")
    triaged_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    triaged_at = DateTimeField(null=True)
    dispute = ForeignKeyField(Dispute, null=True, backref="reports", on_delete="RESTRICT")
    petition = ForeignKeyField(Petition, null=True, backref="+", on_delete="RESTRICT")
    task_item = ForeignKeyField(SupervisedItem, null=True, backref="+", on_delete="RESTRICT")
    submit_token = CharField(max_length=64, null=True, unique=True)

    class Meta:
        table_name = "informant_report"

    @classmethod
    def visible_to(cls, user, *fields):
        """Bureau staff see every report; an informant (or anybody else) only their own."""
        query = cls.select(*fields)
        return query if sees_everything(user) else query.where(cls.reporter == user.id)

    @property
    def kind_label(self):
        return REPORT_KINDS.get(self.kind, self.kind)

    @property
    def urgency_label(self):
        return REPORT_URGENCIES.get(self.urgency, self.urgency)

    @property
    def state_label(self):
        return REPORT_STATES.get(self.state, self.state)


class Consultation(BaseModel):
    """综合会诊: a joint consultation of the mediation centre on a dispute: participants, opinion, and
    actions each owned by a unit with a due date (each a supervised item)."""

    dispute = ForeignKeyField(Dispute, backref="consultations", on_delete="RESTRICT")
    on = DateField()
    participants = TextField()  # units and people
    opinion = TextField()
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "dispute_consultation"


class ConsultationAction(BaseModel):
    """会诊措施: one action agreed by a joint consultation, owned by a unit, due on a date."""

    consultation = ForeignKeyField(Consultation, backref="actions", on_delete="RESTRICT")
    content = CharField(max_length=500)
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    due_date = DateField()

    class Meta:
        table_name = "dispute_action"


PERIODS = {"half_month": "每半月", "month": "每月", "quarter": "每季度"}


class ScreeningSchedule(BaseModel):
    """排查周期: how often the units of one level screen for disputes, and how many days after the
    period they have to file (grassroots every half month, second-level bodies monthly, the bureau
    quarterly by default); edited by the office."""

    level = IntegerField(unique=True)
    label = CharField(max_length=50)
    period = CharField(max_length=16)
    due_days = IntegerField(default=3)
    # Screening is owed for the periods that end on or after this day: a portal put into use in
    # November does not owe January's reports (the migration sets the day it ran).
    starts_on = DateField(default=clock.today)

    class Meta:
        table_name = "screening_schedule"

    @property
    def period_label(self):
        return PERIODS.get(self.period, self.period)


class ScreeningReport(ScopedModel):
    """排查报告: one unit's screening of one period: the disputes found (new or still open), or an
    explicit zero report (零报告), with its filer and signer (签发人)."""

    unit = ForeignKeyField(Unit, backref="screening_reports", on_delete="RESTRICT")
    period = CharField(max_length=16, index=True)  # 2026-12上, 2026-12, 2026-Q4
    starts_on = DateField()
    ends_on = DateField()
    due_on = DateField()
    zero = BooleanField(default=False)
    new_count = IntegerField(default=0)
    open_count = IntegerField(default=0)
    note = TextField(default="")
    signer = CharField(max_length=50)
    filed_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    filed_on = DateField()

    class Meta:
        table_name = "screening_report"
        indexes = ((("unit", "period"), True),)

    @property
    def late(self):
        return self.filed_on > self.due_on
