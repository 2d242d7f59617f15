"""The registration point of the supervision core: modules declare the item types they supervise."""
from dataclasses import dataclass, field
from typing import Callable, Optional

from flask import current_app



@dataclass(frozen=True)
class SourceType:
    """How one kind of supervised item behaves: who acts at each step (permissions of the one table),
    and its extension limits."""

    key: str
    label: str
    # Held by the owner unit's users who acknowledge, report progress and report completion.
    unit_permission: str = "supervision.handle"
    # Held by those who close out (销号) or send back (驳回重办), remind (催办) and issue notices (通报).
    assigner_permission: str = "supervision.assign"
    # Held by those who approve or refuse extension requests.
    extension_permission: str = "supervision.approve"
    # At most this many approved extensions, adding at most this many days over the original date.
    max_extensions: int = 1
    max_extension_days: int = 30
    # Where the user acts on an item of this type; None means the item's own page.
    url: Optional[Callable] = field(default=None, compare=False)
    # Who closes out (销号) or sends back; None means the assigner permission.
    close_permission: Optional[str] = None
    # A module's own guard on top of the workflow's rules: (user, item, action) -> Chinese reason or None.
    check: Optional[Callable] = field(default=None, compare=False)
    # What `check` decides about closing out, as SQL: user -> a condition over SupervisedItem selecting the
    # items of this type the user may close; lets 待办 and its badge pick them in SQL, not item by item.
    closable_by: Optional[Callable] = field(default=None, compare=False)
    # Module-driven types: the unit acts in the module (e.g. signs an agreement), which then
    # resolves the item; the unit side has no manual steps and its to-do reads todo_label.
    todo_label: Optional[str] = None
    # Keeps a module record's pointers to its items current (e.g. Petition.point_items, so a list joins
    # a case's open item by key): source_id -> None, called by the core in the transaction of every
    # supervise, resolve and step of an item of this type.
    on_items_change: Optional[Callable] = field(default=None, compare=False)

    @property
    def closer_permission(self):
        return self.close_permission or self.assigner_permission

    @property
    def module_driven(self):
        return self.todo_label is not None

    def limits(self):
        """(max_extensions, max_extension_days), overridable per type in SUPERVISION_EXTENSION_LIMITS."""
        override = current_app.config.get("SUPERVISION_EXTENSION_LIMITS", {}).get(self.key)
        return tuple(override) if override else (self.max_extensions, self.max_extension_days)


TYPES = {}


def register(source_type):
    """Declare an item type; modules call this at import time."""
    TYPES[source_type.key] = source_type
    return source_type


def get(key):
    try:
        return TYPES[key]
    except KeyError:
        raise KeyError(f"unknown supervised item type {key!r}; register it with supervision.registry.register")


# The core's own type: tasks handed down directly (会议决定, 领导批示, 上级部门交办 ...). NPC suggestions,
# CPPCC proposals and leaders' letters are tasks from above with their own record (petitions, 上级交办).
TASK = register(SourceType("task", "交办事项", max_extensions=2, max_extension_days=30))
