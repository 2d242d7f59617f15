"""Owns running numbers (e.g. a petition's 2026-0042): one counter row per series."""
from peewee import CharField, IntegerField

from ..db import BaseModel


class Counter(BaseModel):
    """编号计数器: the last number handed out in one series (e.g. "petition:2026")."""

    series = CharField(max_length=64, primary_key=True)
    value = IntegerField(default=0)

    class Meta:
        table_name = "counter"
