"""Owns attachment metadata (附件); the files live under the instance's uploads folder."""
from peewee import BigIntegerField, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from .. import clock
from .base import ScopedModel
from .org import Unit
from .users import User


class Attachment(ScopedModel):
    """附件: an evidence file of some record, stored under a server-generated name."""

    owner_type = CharField(max_length=32)
    owner_id = IntegerField()
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    filename = CharField(max_length=255)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = BigIntegerField()
    sha256 = CharField(max_length=64)
    description = CharField(max_length=200, default="")
    uploaded_by = ForeignKeyField(User, on_delete="RESTRICT")
    uploaded_at = DateTimeField(default=clock.now)
    archived = BooleanField(default=False)

    class Meta:
        table_name = "attachment"
        indexes = ((("owner_type", "owner_id"), False),)
