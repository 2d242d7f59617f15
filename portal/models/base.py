"""Owns the base classes of scoped records: those a unit owns, and those one user owns."""
from peewee import BooleanField, CharField, IntegerField

from ..db import BaseModel
from .org import Unit


class ScopedModel(BaseModel):
    """A record owned by one unit; visible_to() is the only way lists of it are queried."""

    __abstract__ = True  # a base of models, not a table

    # Name of the foreign key to Unit that decides who may see the record.
    unit_field = "unit"

    @classmethod
    def visible_to(cls, user, *fields):
        query = cls.select(*fields)
        scope = Unit.scope_of(user)
        if scope is not None:
            query = query.where(getattr(cls, cls.unit_field).in_(scope))
        return query


class OwnedModel(BaseModel):
    """A record that belongs to one user, not to a unit: only that user ever sees it."""

    __abstract__ = True  # a base of models, not a table

    owner_field = "user"

    @classmethod
    def visible_to(cls, user):
        return cls.select().where(getattr(cls, cls.owner_field) == user.id)


NAME_LENGTH = 50  # of a category's name


class Category(BaseModel):
    """An entry of a module's editable category list (portal.categories); each list is a table of its own."""

    __abstract__ = True

    name = CharField(max_length=NAME_LENGTH, unique=True)
    seq = IntegerField(default=0)
    active = BooleanField(default=True)

    def __str__(self):
        return self.name
