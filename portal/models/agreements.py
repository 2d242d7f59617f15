"""Owns target-responsibility agreements (目标管理责任书): yearly templates and issued agreements."""
from decimal import Decimal

from peewee import (BooleanField, CharField, DateField, DateTimeField, DecimalField, ForeignKeyField,
                    IntegerField, TextField)

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .users import User

# Item kinds: scored 0..points; bonus (加分) 0..points, the section capped by the template;
# veto (单项否决) items carry no points: failing one fails the unit.
ITEM_KINDS = {"standard": "考核项", "bonus": "加分项", "veto": "否决项"}

AGREEMENT_STATES = {
    "draft": "草拟",
    "issued": "已下发",
    "signed": "已签订",
    "self_assessed": "已自评",
    "assessed": "已考核",
    "archived": "已审定归档",
}


def _points():
    return DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))


class AgreementTemplate(BaseModel):
    """责任书年度模板: the text and target items the bureau issues for one year."""

    year = IntegerField(unique=True)
    title = CharField(max_length=200)
    preamble = TextField(default="")
    rewards = TextField(default="")  # 奖惩
    party_a = CharField(max_length=100, default="")  # 甲方, the bureau
    party_a_signatory = CharField(max_length=50, default="局长")
    excellent_min = _points()
    good_min = _points()
    pass_min = _points()
    bonus_cap = _points()
    sign_due = DateField(null=True)
    self_assess_due = DateField(null=True)
    issued_at = DateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "agreement_template"

    @classmethod
    def visible_to(cls, user):
        """Templates are the bureau's own text: whoever may open the page sees them all."""
        return cls.select()

    @property
    def editable(self):
        return self.issued_at is None


class TargetItemFields(BaseModel):
    """The fields of a target item, shared by a template's items and each agreement's own copy."""

    __abstract__ = True  # a base of models, not a table

    seq = IntegerField()
    category = CharField(max_length=50)
    content = TextField()
    points = _points()
    scoring_rule = TextField(default="")
    kind = CharField(max_length=10, default="standard")

    @property
    def kind_label(self):
        return ITEM_KINDS.get(self.kind, self.kind)


class TemplateItem(TargetItemFields):
    """目标条目 of a template."""

    template = ForeignKeyField(AgreementTemplate, backref="items", on_delete="CASCADE")

    class Meta:
        table_name = "template_item"


class Agreement(ScopedModel):
    """目标管理责任书: one unit's agreement for a year, with its own frozen copy of the text."""

    template = ForeignKeyField(AgreementTemplate, backref="agreements", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="agreements", on_delete="RESTRICT")
    year = IntegerField(index=True)
    title = CharField(max_length=200)
    preamble = TextField(default="")
    rewards = TextField(default="")
    party_a = CharField(max_length=100)
    party_a_signatory = CharField(max_length=50)
    party_b = CharField(max_length=100)  # the unit's name when issued
    party_b_signatory = CharField(max_length=50, default="")  # its 一把手 when issued
    excellent_min = _points()
    good_min = _points()
    pass_min = _points()
    bonus_cap = _points()
    state = CharField(max_length=16, default="draft", index=True)
    version = IntegerField(default=1)  # optimistic concurrency: every change bumps it
    issued_at = DateTimeField(null=True)
    signed_at = DateTimeField(null=True)
    signed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    self_assessed_at = DateTimeField(null=True)
    assessed_at = DateTimeField(null=True)
    assessed_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    archived_at = DateTimeField(null=True)
    # Totals are computed from the item scores by the grading service, never typed.
    self_total = DecimalField(max_digits=6, decimal_places=1, null=True)
    total = DecimalField(max_digits=6, decimal_places=1, null=True)

    class Meta:
        table_name = "agreement"
        indexes = ((("template", "unit"), True),)

    @property
    def state_label(self):
        return AGREEMENT_STATES.get(self.state, self.state)

    @property
    def frozen(self):
        """Signed text never changes."""
        return self.state not in ("draft", "issued")


class AgreementItem(TargetItemFields):
    """An agreement's own copy of a target item, with the unit's and the bureau's scores."""

    agreement = ForeignKeyField(Agreement, backref="items", on_delete="RESTRICT")
    self_score = DecimalField(max_digits=6, decimal_places=1, null=True)
    self_note = TextField(default="")
    score = DecimalField(max_digits=6, decimal_places=1, null=True)
    score_note = TextField(default="")
    # For veto items: True when the item is judged failed (self / bureau).
    self_failed = BooleanField(default=False)
    failed = BooleanField(default=False)

    class Meta:
        table_name = "agreement_item"
