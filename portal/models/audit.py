"""Owns the append-only audit table (操作日志)."""
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel
from .org import Unit
from .users import User


class AppendOnlyError(RuntimeError):
    pass


class AuditLog(BaseModel):
    """操作日志: who did what to which record, when, from where; never updated or deleted."""

    at = DateTimeField(default=clock.now, index=True)
    actor = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="RESTRICT")
    actor_name = CharField(max_length=64, default="")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    action = CharField(max_length=64, index=True)
    object_type = CharField(max_length=32, index=True)
    object_id = IntegerField(null=True)
    summary = CharField(max_length=255, default="")
    before = TextField(null=True)
    after = TextField(null=True)
    ip = CharField(max_length=45, default="")

    class Meta:
        table_name = "audit_log"

    def save(self, *args, **kwargs):
        if self.id is not None:
            raise AppendOnlyError("audit records are append-only")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnlyError("audit records are append-only")

    def changes(self):
        """[(field, before, after)] for the fields that differ."""
        before = json.loads(self.before) if self.before else {}
        after = json.loads(self.after) if self.after else {}
        keys = list(dict.fromkeys(list(before) + list(after)))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
