"""Owns one-veto accountability (一票否决), graduated sanctions and responsibility investigations."""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .supervision import Notice
from .users import User

TRIGGERS = {
    "mass_incident": "重大群体性事件",
    "escalated_petition": "越级上访",
    "accident": "重大责任事故",
    "dispute": "重大矛盾纠纷",
    "criminal": "重大刑事案件",
    "other": "其他",
}
VETO_STATES = {
    "proposed": "已提出，待确认",
    "confirmed": "已确认",
    "rejected": "未予确认",
    "appealed": "申诉中",
    "upheld": "申诉后维持",
    "overturned": "申诉后撤销",
    "withdrawn": "已撤回",
}
# A veto in one of these states fails the unit's annual assessment.
EFFECTIVE_STATES = ("confirmed", "appealed", "upheld")

SANCTION_KINDS = {"criticism": "通报批评", "yellow": "黄牌警告", "listed": "挂牌督办"}
MEASURES = {"reminder_talk": "谈话提醒", "admonition": "诫勉谈话", "criticism": "通报批评", "organisational": "组织处理"}


class VetoEvent(ScopedModel):
    """一票否决: an event that, once confirmed, fails a unit's annual assessment."""

    unit = ForeignKeyField(Unit, backref="vetoes", on_delete="RESTRICT")
    year = IntegerField(index=True)
    trigger = CharField(max_length=24)
    occurred_on = DateField()
    description = TextField()
    # Optional link to the record that caused it (petition, dispute, finding, supervised item ...).
    source_type = CharField(max_length=32, default="")
    source_id = IntegerField(null=True)
    state = CharField(max_length=16, default="proposed", index=True)
    version = IntegerField(default=1)
    proposed_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    proposed_at = DateTimeField(default=clock.now)
    decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")
    appeal_due = DateField(null=True)
    appealed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    appealed_at = DateTimeField(null=True)
    appeal_reason = TextField(default="")
    reviewed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    reviewed_at = DateTimeField(null=True)
    review_reason = TextField(default="")
    withdrawn_reason = TextField(default="")

    class Meta:
        table_name = "veto_event"

    @property
    def trigger_label(self):
        return TRIGGERS.get(self.trigger, self.trigger)

    @property
    def state_label(self):
        return VETO_STATES.get(self.state, self.state)

    @property
    def effective(self):
        return self.state in EFFECTIVE_STATES


class Sanction(ScopedModel):
    """通报批评 / 黄牌警告 / 挂牌督办: a sanction short of a veto."""

    unit = ForeignKeyField(Unit, backref="sanctions", on_delete="RESTRICT")
    year = IntegerField(index=True)
    kind = CharField(max_length=16)
    issued_on = DateField()
    reason = TextField()
    issued_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    notice = ForeignKeyField(Notice, null=True, on_delete="RESTRICT", backref="sanctions")
    source_type = CharField(max_length=32, default="")
    source_id = IntegerField(null=True)
    state = CharField(max_length=16, default="active")  # active / withdrawn
    withdrawn_reason = TextField(default="")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "sanction"

    @property
    def kind_label(self):
        return SANCTION_KINDS.get(self.kind, self.kind)


class Accountability(ScopedModel):
    """领导责任查究: the measure taken against the persons held responsible for a veto or sanction."""

    unit = ForeignKeyField(Unit, backref="accountabilities", on_delete="RESTRICT")
    veto = ForeignKeyField(VetoEvent, null=True, backref="accountabilities", on_delete="RESTRICT")
    sanction = ForeignKeyField(Sanction, null=True, backref="accountabilities", on_delete="RESTRICT")
    measure = CharField(max_length=24)
    decided_on = DateField()
    decision = TextField()
    follow_up = TextField(default="")
    created_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "accountability"

    @property
    def measure_label(self):
        return MEASURES.get(self.measure, self.measure)


class AccountablePerson(BaseModel):
    """A person held responsible: name, post, unit."""

    accountability = ForeignKeyField(Accountability, backref="persons", on_delete="RESTRICT")
    name = CharField(max_length=50)
    post = CharField(max_length=50, default="")
    unit_name = CharField(max_length=100, default="")

    class Meta:
        table_name = "accountable_person"
