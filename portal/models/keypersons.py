"""Owns the key-person register (一包一责任制): persons, their categories, responsible cadres and
handovers, contact visits, and requests for assistance."""
from peewee import (BooleanField, CharField, DateField, DateTimeField, DecimalField, ForeignKeyField, IntegerField,
                    TextField)

from .. import clock
from ..db import BaseModel
from .base import Category, ScopedModel
from .org import Unit
from .users import User

SEXES = {"m": "男", "f": "女"}
# 稳控级别, from the least to the most watched.
LEVELS = {"stable": "稳定", "watch": "关注", "key": "重点"}
LEVEL_ORDER = {"key": 0, "watch": 1, "stable": 2}
STATUSES = {"active": "在册", "resolved": "已化解", "moved": "迁出", "deceased": "去世"}
VISIT_FORMS = {"home": "上门", "phone": "电话", "meeting": "座谈", "reception": "来访接待"}
MOODS = {"calm": "平稳", "worried": "有顾虑", "agitated": "情绪激动"}
REQUEST_KINDS = {"pension": "养老保险", "medical": "医疗保险", "wages": "拖欠工资补发", "retirement": "退休办理",
                 "salary": "调资", "relief": "困难救助", "other": "其他"}
OUTCOMES = {"solved": "解决", "partial": "部分解决", "refused": "不符合政策"}
REQUEST_STATES = {"open": "办理中", "done": "已办结"}

# The supervised item types (督办) of a person's next visit and of a request.
VISIT_ITEM_TYPE = "keyperson_visit"
REQUEST_ITEM_TYPE = "keyperson_request"


class KeyPersonCategory(Category):
    """人员类别: an editable list (企业军转干部, 抗美援朝老兵 ...); deactivated, never deleted."""

    class Meta:
        table_name = "keyperson_category"


class KeyPerson(ScopedModel):
    """重点人员: one person of the register (一人一档), kept by the unit they belong to and one
    responsible cadre (包保责任人). Never deleted: the status records how they left the register."""

    name = CharField(max_length=50, index=True)
    sex = CharField(max_length=1, default="")
    birth_date = DateField(null=True)
    id_number = CharField(max_length=18, default="", index=True)
    phone = CharField(max_length=20, default="")
    address = CharField(max_length=200, default="")
    unit = ForeignKeyField(Unit, backref="key_persons", on_delete="RESTRICT")
    family = TextField(default="")  # 家庭情况
    income = TextField(default="")  # 收入情况
    health = TextField(default="")  # 健康状况
    level = CharField(max_length=8, default="stable", index=True)
    level_reason = TextField(default="")
    state = CharField(max_length=16, default="active", index=True)
    state_note = TextField(default="")
    cadre = ForeignKeyField(User, null=True, backref="key_persons", on_delete="RESTRICT")
    cadre_since = DateField(null=True)
    # The next visit's due date is the open visit item's (lists join it); the last visit is its start.
    last_visit_on = DateField(null=True)
    registered_on = DateField()
    imported = BooleanField(default=False)
    version = IntegerField(default=1)
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "keyperson"

    def __str__(self):
        return self.name

    @classmethod
    def visible_to(cls, user, *fields):
        """The person's unit subtree (the usual scope) and the person's own cadre."""
        query = cls.select(*fields)
        scope = Unit.scope_of(user)
        if scope is not None:
            query = query.where(cls.unit.in_(scope) | (cls.cadre == getattr(user, "id", None)))
        return query

    @property
    def level_label(self):
        return LEVELS.get(self.level, self.level)

    @property
    def state_label(self):
        return STATUSES.get(self.state, self.state)

    @property
    def sex_label(self):
        return SEXES.get(self.sex, "")

    @property
    def is_active(self):
        return self.state == "active"


class KeyPersonCategoryLink(BaseModel):
    """A person's place in one category (a person may be in several)."""

    person = ForeignKeyField(KeyPerson, backref="category_links", on_delete="RESTRICT")
    category = ForeignKeyField(KeyPersonCategory, backref="person_links", on_delete="RESTRICT")

    class Meta:
        table_name = "keyperson_category_link"
        indexes = ((("person", "category"), True),)


class CadreAssignment(BaseModel):
    """包保责任人移交: who took over a person from whom, when and why; the history stays."""

    person = ForeignKeyField(KeyPerson, backref="cadre_history", on_delete="RESTRICT")
    cadre = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    previous = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    on = DateField()
    reason = TextField(default="")
    by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "keyperson_cadre"


class _OfPerson(BaseModel):
    """A record of one person: scoped through the person."""

    __abstract__ = True

    @classmethod
    def visible_to(cls, user, *fields):
        return cls.select(*fields).where(cls.person.in_(KeyPerson.visible_to(user, KeyPerson.id)))

    @property
    def attachment_unit(self):
        return self.person.unit


class KeyPersonVisit(_OfPerson):
    """走访: a contact visit to a person, with what was said, the mood and the level reassessed."""

    person = ForeignKeyField(KeyPerson, backref="visits", on_delete="RESTRICT")
    visited_on = DateField(index=True)
    form = CharField(max_length=16)
    visitor = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    content = TextField()
    requests_raised = TextField(default="")
    mood = CharField(max_length=16)
    # The due date the visit answered (on time when visited_on <= due_on) and the level before/after.
    due_on = DateField(null=True)
    level_before = CharField(max_length=8)
    level_after = CharField(max_length=8)
    level_reason = TextField(default="")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "keyperson_visit"

    @property
    def form_label(self):
        return VISIT_FORMS.get(self.form, self.form)

    @property
    def mood_label(self):
        return MOODS.get(self.mood, self.mood)

    @property
    def on_time(self):
        return self.due_on is None or self.visited_on <= self.due_on


class AssistanceRequest(_OfPerson):
    """诉求与帮扶: one request of a person, handled by an owner unit by a due date (a supervised item),
    with its outcome, the explanation given to the person and the amount paid."""

    person = ForeignKeyField(KeyPerson, backref="requests", on_delete="RESTRICT")
    year = IntegerField(index=True)
    kind = CharField(max_length=16)
    content = TextField()
    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")  # 责任单位
    raised_on = DateField()  # its due date is its supervised item's
    state = CharField(max_length=8, default="open", index=True)
    outcome = CharField(max_length=16, default="")
    explanation = TextField(default="")
    amount = DecimalField(max_digits=12, decimal_places=2, null=True)
    closed_on = DateField(null=True)
    version = IntegerField(default=1)
    created_by = ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "keyperson_request"

    @property
    def kind_label(self):
        return REQUEST_KINDS.get(self.kind, self.kind)

    @property
    def outcome_label(self):
        return OUTCOMES.get(self.outcome, "")

    @property
    def state_label(self):
        return REQUEST_STATES.get(self.state, self.state)
