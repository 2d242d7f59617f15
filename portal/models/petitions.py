"""Owns letters and visits (信访): cases, petitioners, follow-up visits, categories, and tasks
assigned from above (上级交办)."""
from peewee import (JOIN, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField,
                    fn)

from .. import clock
from ..db import BaseModel
from .base import Category, ScopedModel
from .org import Unit
from .supervision import OPEN_STATES as ITEM_OPEN_STATES
from .supervision import SupervisedItem
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

# The supervised item types (督办) of a case and of a task; their due dates are the deadlines once
# the work is handed to a unit (an approved extension moves them there, and only there).
HANDLING_ITEM_TYPES = ("petition", "petition_reopened")  # the written reply, first or after a reopen
VISIT_ITEM_TYPE = "petition_visit"
CASE_ITEM_TYPES = HANDLING_ITEM_TYPES + (VISIT_ITEM_TYPE,)
TASK_ITEM_TYPE = "assigned_task"
# A case has an open item only in these states, and only once it was assigned.
ITEM_STATES = ("assigned", "handling", "replied")

# The aliases of the joins a list of cases or tasks selects with its rows.
CONCERNED_UNIT = Unit.alias("concerned_unit")
HANDLING_UNIT = Unit.alias("handling_unit")
HANDLING_ITEM = SupervisedItem.alias("handling_item")
OPEN_ITEM = SupervisedItem.alias("open_item")
TASK_ITEM = SupervisedItem.alias("task_item")


def _latest_item_id(source_id, types, open_only=False):
    """A correlated subquery: the id of a record's latest supervised item of these types."""
    item = SupervisedItem.alias("latest")
    query = item.select(fn.MAX(item.id)).where(item.source_type.in_(types), item.source_id == source_id)
    return query.where(item.state.in_(ITEM_OPEN_STATES)) if open_only else query


def _latest_item(types, source_id, open_only=False):
    query = SupervisedItem.select().where(SupervisedItem.source_type.in_(types), SupervisedItem.source_id == source_id)
    if open_only:
        query = query.where(SupervisedItem.open())
    return query.order_by(SupervisedItem.id.desc()).first()


class SupervisedItemOf:
    """A record's supervised item as an attribute: selected with the record by a list's query (the
    join's `attr`), else looked up on first use by `lookup(record)`."""

    def __init__(self, lookup, doc):
        self.lookup, self.__doc__ = lookup, doc

    def __set_name__(self, owner, name):
        self.key = f"_{name}"

    def __get__(self, record, owner=None):
        if record is None:
            return self
        if self.key not in record.__dict__:
            record.__dict__[self.key] = self.lookup(record)
        return record.__dict__[self.key]

    def __set__(self, record, item):
        # A LEFT JOIN that found nothing hands over an empty item.
        record.__dict__[self.key] = item if item is not None and item.id is not None else None


class PetitionCategory(Category):
    """问题类别: an editable list (改制遗留, 养老保险 ...); archived, never deleted."""

    class Meta:
        table_name = "petition_category"


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
    # Pointers to the case's supervised items, so a list joins them by key instead of looking for the
    # latest one per row: the latest handling item (first or after a reopen, open or closed) and the
    # open item (the handling, or the follow-up visit). Kept by point_items() in the transaction of every
    # step that puts a case's work under supervision or resolves it.
    handling_item = ForeignKeyField(SupervisedItem, null=True, backref="+", on_delete="RESTRICT")
    open_item = ForeignKeyField(SupervisedItem, null=True, backref="+", on_delete="RESTRICT")
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

    @classmethod
    def listed(cls, user):
        """The cases a user may see with what a row of a list shows, selected in the same query: the
        unit concerned, the handling unit, the category, and the case's supervised items (its reply
        deadline and its colour)."""
        return (cls.visible_to(user, cls, CONCERNED_UNIT, HANDLING_UNIT, PetitionCategory, HANDLING_ITEM, OPEN_ITEM)
                .join_from(cls, CONCERNED_UNIT, JOIN.LEFT_OUTER, on=(cls.concerned_unit == CONCERNED_UNIT.id),
                           attr="concerned_unit")
                .join_from(cls, HANDLING_UNIT, JOIN.LEFT_OUTER, on=(cls.unit == HANDLING_UNIT.id), attr="unit")
                .join_from(cls, PetitionCategory, on=(cls.category == PetitionCategory.id), attr="category")
                .join_from(cls, HANDLING_ITEM, JOIN.LEFT_OUTER, on=(cls.handling_item == HANDLING_ITEM.id),
                           attr="handling_item")
                .join_from(cls, OPEN_ITEM, JOIN.LEFT_OUTER, on=(cls.open_item == OPEN_ITEM.id), attr="open_item"))

    @classmethod
    def with_handling_item(cls, query):
        """A query of cases with their latest handling item selected (their reply deadline, in SQL too)."""
        return query.select_extend(HANDLING_ITEM).join_from(cls, HANDLING_ITEM, JOIN.LEFT_OUTER, attr="handling_item",
                                                             on=(cls.handling_item == HANDLING_ITEM.id))

    @classmethod
    def point_items(cls, petition_id):
        """Set the case's pointers to its latest handling item and its open item from its supervised
        items (one UPDATE); called in the same transaction as each supervise()/resolve() of them."""
        (cls.update(handling_item=_latest_item_id(petition_id, HANDLING_ITEM_TYPES),
                    open_item=_latest_item_id(petition_id, CASE_ITEM_TYPES, open_only=True))
         .where(cls.id == petition_id).execute())

    @property
    def reply_due(self):
        """答复期限, computed (portal.petitions.clocks.reply_due_of)."""
        from ..petitions.clocks import reply_due_of

        return reply_due_of(self)


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

    @classmethod
    def listed(cls, user=None):
        """The tasks a user may see (all of them without a user), with their unit and their supervised
        item selected in the same query."""
        fields = (cls, Unit, TASK_ITEM)
        query = cls.visible_to(user, *fields) if user is not None else cls.select(*fields)
        return (query.join_from(cls, Unit, on=(cls.unit == Unit.id), attr="unit")
                .join_from(cls, TASK_ITEM, JOIN.LEFT_OUTER, attr="item",
                           on=((TASK_ITEM.source_type == TASK_ITEM_TYPE) & (TASK_ITEM.source_id == cls.id))))

    item = SupervisedItemOf(lambda t: _latest_item((TASK_ITEM_TYPE,), t.id),
                            "The task's supervised item: its deadline, its extensions, its colour.")

    @property
    def due_date(self):
        """办理期限: the supervised item's due date (moved there by an approved extension)."""
        return self.item.due_date if self.item is not None else None

    @property
    def answered_on_time(self):
        return self.replied_on is not None and self.replied_on <= self.due_date

    @property
    def state_label(self):
        return TASK_STATES.get(self.state, self.state)
