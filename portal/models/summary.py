"""Owns the saved year-end summaries: one draft per year and scope (a unit's subtree), its state, and
every saved version of its text with the figures it was drafted from."""
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .users import User

DRAFT_STATES = {"draft": "草稿", "final": "定稿"}


class SummaryDraft(ScopedModel):
    """年度工作总结: the summary of one year over one unit's subtree (the bureau's, or a body's own)."""

    unit = ForeignKeyField(Unit, backref="+", on_delete="RESTRICT")
    year = IntegerField()
    title = CharField(max_length=200)
    state = CharField(max_length=16, default="draft")
    # Bumped by every saved text and every step: the lost-update check of the pages.
    version = IntegerField(default=1)
    # The number of the latest SummaryVersion (1, 2, ...).
    revision = IntegerField(default=0)
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)
    updated_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "summary_draft"
        indexes = ((("year", "unit"), True),)

    def __str__(self):
        return self.title

    @property
    def state_label(self):
        return DRAFT_STATES.get(self.state, self.state)


class SummaryVersion(BaseModel):
    """总结版本: the whole text of a draft as saved once, the figures it was drafted from, who and when."""

    draft = ForeignKeyField(SummaryDraft, backref="versions", on_delete="RESTRICT")
    number = IntegerField()
    # [{"number", "title", "paragraphs": [{"id", "text", "keys", "flags"}]}] (portal/summary/document.py).
    sections = TextField()
    # {figure key: Figure.as_dict()} at the time the text was drafted or refreshed.
    figures = TextField()
    # What this save changed, in words ("修改 一、第2段"), so the history list needs no diff.
    note = CharField(max_length=255, default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "summary_version"
        indexes = ((("draft", "number"), True),)

    @property
    def section_data(self):
        return json.loads(self.sections)

    @property
    def figure_data(self):
        return json.loads(self.figures)
