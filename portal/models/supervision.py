"""Owns supervised items (督办事项), their history, extension requests and notices of criticism."""
from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
                    TextField)

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .users import User

# state -> label. 交办 → 签收 → 办理中 → 办结报告 → 销号, or 驳回重办 back to the unit.
STATES = {
    "assigned": "已交办",
    "acknowledged": "已签收",
    "in_progress": "办理中",
    "reported": "已报办结",
    "returned": "驳回重办",
    "closed": "已销号",
}
OPEN_STATES = ("assigned", "acknowledged", "in_progress", "reported", "returned")


class SupervisedItem(ScopedModel):
    """督办事项: a task with a deadline, handed to one unit, attached to any module's record."""

    source_type = CharField(max_length=32, index=True)
    source_id = IntegerField(null=True)
    title = CharField(max_length=200)
    description = TextField(default="")
    unit = ForeignKeyField(Unit, backref="supervised_items", on_delete="RESTRICT")
    responsible_name = CharField(max_length=50, default="")  # 责任人
    assigned_by = ForeignKeyField(User, null=True, backref="assigned_items", on_delete="RESTRICT")
    start_date = DateField()
    due_date = DateField()
    original_due_date = DateField()
    state = CharField(max_length=16, default="assigned", index=True)
    acknowledged_at = DateTimeField(null=True)
    last_progress_at = DateTimeField(null=True)
    reported_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)
    # Bumped by every step and due-date change: a page acting on an older version is refused.
    version = IntegerField(default=0)

    class Meta:
        table_name = "supervised_item"
        indexes = ((("source_type", "source_id"), False),)

    def __str__(self):
        return self.title

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @classmethod
    def open(cls):
        return cls.state.in_(OPEN_STATES)


class SupervisionEvent(BaseModel):
    """督办记录: one step taken on an item (签收, 进展, 办结报告, 销号, 驳回, 催办, 延期 ...)."""

    item = ForeignKeyField(SupervisedItem, backref="events", on_delete="RESTRICT")
    actor = ForeignKeyField(User, null=True, backref="supervision_events", on_delete="RESTRICT")
    action = CharField(max_length=24)
    from_state = CharField(max_length=16, default="")
    to_state = CharField(max_length=16, default="")
    note = TextField(default="")
    at = DateTimeField(default=clock.now, index=True)

    class Meta:
        table_name = "supervision_event"


class ExtensionRequest(BaseModel):
    """延期申请: a request to move an item's due date, decided upward."""

    item = ForeignKeyField(SupervisedItem, backref="extensions", on_delete="RESTRICT")
    requested_by = ForeignKeyField(User, backref="extension_requests", on_delete="RESTRICT")
    reason = TextField()
    old_due_date = DateField()
    new_due_date = DateField()
    state = CharField(max_length=16, default="pending", index=True)  # pending / approved / refused / lapsed
    decided_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    decision_note = TextField(default="")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "extension_request"

    @classmethod
    def visible_to(cls, user):
        """Scoped through the item's unit."""
        return cls.select().where(cls.item.in_(SupervisedItem.visible_to(user, SupervisedItem.id)))

    @property
    def state_label(self):
        return {"pending": "待审批", "approved": "已批准", "refused": "未批准", "lapsed": "事项已办结，申请失效"}.get(
            self.state, self.state)


class Notice(ScopedModel):
    """通报: a notice of criticism against a unit, raised from supervision; feeds the one-veto module."""

    unit = ForeignKeyField(Unit, backref="notices", on_delete="RESTRICT")
    item = ForeignKeyField(SupervisedItem, null=True, backref="notices", on_delete="RESTRICT")
    year = IntegerField(index=True)
    reason = TextField()
    issued_by = ForeignKeyField(User, on_delete="RESTRICT")
    issued_at = DateTimeField(default=clock.now)
    # Set when the one-veto module turns the notice into a sanction or watch-list entry.
    handled = BooleanField(default=False)

    class Meta:
        table_name = "notice"
