"""Owns in-portal notifications (消息) of each user."""
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .. import clock
from .base import OwnedModel
from .users import User


class Notification(OwnedModel):
    """消息: something a user should know; read in the notification centre, optionally emailed."""

    user = ForeignKeyField(User, backref="notifications", on_delete="RESTRICT")
    kind = CharField(max_length=24, default="info", index=True)
    title = CharField(max_length=200)
    body = TextField(default="")
    url = CharField(max_length=255, default="")
    created_at = DateTimeField(default=clock.now, index=True)
    read_at = DateTimeField(null=True)
    emailed_at = DateTimeField(null=True)

    class Meta:
        table_name = "notification"
        # The bell badge counts a user's unread messages on every page: from this index alone.
        indexes = ((("user", "read_at"), False),)
