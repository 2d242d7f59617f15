"""Owns inspection-team work (督查): checklist templates, rounds, results per item and findings."""
from peewee import (BooleanField, CharField, DateField, DateTimeField, DecimalField, ForeignKeyField, IntegerField,
                    TextField)

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .users import User

ROUND_STATES = {"planned": "计划中", "in_progress": "进行中", "completed": "已完成"}
VERDICTS = {"yes": "符合", "partly": "基本符合", "no": "不符合"}
SEVERITIES = {"minor": "一般", "serious": "较重", "grave": "严重"}


class ChecklistTemplate(BaseModel):
    """督查清单模板: one version of a checklist; a round keeps the version it used."""

    name = CharField(max_length=100)
    version = IntegerField(default=1)
    current = BooleanField(default=True)
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "checklist_template"
        indexes = ((("name", "version"), True),)

    @classmethod
    def visible_to(cls, user):
        return cls.select()


class ChecklistItem(BaseModel):
    """One check: what to check, how, and its points."""

    template = ForeignKeyField(ChecklistTemplate, backref="items", on_delete="CASCADE")
    seq = IntegerField()
    category = CharField(max_length=50)
    what = TextField()
    how = TextField(default="")
    points = DecimalField(max_digits=6, decimal_places=1)

    class Meta:
        table_name = "checklist_item"


class InspectionRound(BaseModel):
    """督查轮次: a team visiting target units with one checklist version."""

    title = CharField(max_length=200)
    start_date = DateField()
    end_date = DateField()
    template = ForeignKeyField(ChecklistTemplate, backref="rounds", on_delete="RESTRICT")
    state = CharField(max_length=16, default="planned")
    version = IntegerField(default=0)
    created_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "inspection_round"

    @classmethod
    def visible_to(cls, user, *fields):
        """The bureau's people see every round; a unit's users the rounds that visit their subtree."""
        from ..access import unit_scope

        scope = unit_scope(user)
        query = cls.select(*fields)
        if scope is None:
            return query
        return query.where(cls.id.in_(RoundUnit.select(RoundUnit.round).where(RoundUnit.unit.in_(scope))))

    @property
    def state_label(self):
        return ROUND_STATES.get(self.state, self.state)


class RoundMember(BaseModel):
    round = ForeignKeyField(InspectionRound, backref="members", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="RESTRICT", backref="+")

    class Meta:
        table_name = "round_member"
        indexes = ((("round", "user"), True),)

    @classmethod
    def on_team(cls, round_id, user):
        return cls.select().where(cls.round == round_id, cls.user == user.id).exists()


class RoundUnit(BaseModel):
    round = ForeignKeyField(InspectionRound, backref="targets", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")

    class Meta:
        table_name = "round_unit"
        indexes = ((("round", "unit"), True),)


class ItemResult(ScopedModel):
    """A unit's result on one checklist item in a round, saved as it is set."""

    round = ForeignKeyField(InspectionRound, backref="results", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")
    item = ForeignKeyField(ChecklistItem, on_delete="RESTRICT", backref="+")
    verdict = CharField(max_length=8, default="")
    score = DecimalField(max_digits=6, decimal_places=1, null=True)
    note = TextField(default="")
    version = IntegerField(default=0)
    updated_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    updated_at = DateTimeField(null=True)

    class Meta:
        table_name = "item_result"
        indexes = ((("round", "unit", "item"), True),)

    @property
    def round_state(self):
        """A result is saved while its round is in progress: the state its workflow checks."""
        return self.round.state


class Finding(ScopedModel):
    """督查发现的问题: rectified under supervision (source type "rectification")."""

    round = ForeignKeyField(InspectionRound, backref="findings", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="findings", on_delete="RESTRICT")
    item = ForeignKeyField(ChecklistItem, null=True, on_delete="RESTRICT", backref="+")
    description = TextField()
    severity = CharField(max_length=8)
    requirement = TextField()
    responsible_person = CharField(max_length=50, default="")
    raised_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    raised_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "finding"

    @property
    def severity_label(self):
        return SEVERITIES.get(self.severity, self.severity)
