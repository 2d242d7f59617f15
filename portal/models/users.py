"""Owns user accounts and roles."""
from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from .. import clock
from ..permissions import PERMISSIONS
from .base import ScopedModel
from .org import Unit

# role -> label, exactly the roles of DOMAIN.md.
ROLES = {
    "admin": "系统管理员",
    "leader": "局领导",
    "office": "股室工作人员",
    "inspector": "督查组成员",
    "unit_head": "单位一把手",
    "unit_clerk": "单位联络员",
    "informant": "信息员",
}


class User(UserMixin, ScopedModel):
    """用户: one person's account, in one unit, with one role."""

    username = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=50)
    role = CharField(max_length=16)
    unit = ForeignKeyField(Unit, backref="users", on_delete="RESTRICT")
    phone = CharField(max_length=32, default="")
    email = CharField(max_length=120, default="")  # for reminders by email, when SMTP is configured
    password_hash = CharField(max_length=255)
    active = BooleanField(default=True)
    # Bumped on logout, disable and password reset: every older session cookie stops working.
    session_version = IntegerField(default=0)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "user"

    @classmethod
    def holding(cls, permission, unit=None):
        """Active users whose role holds a permission (of one unit, when given)."""
        query = cls.select().where(cls.role.in_(tuple(PERMISSIONS[permission])), cls.active == True)  # noqa: E712
        if unit is not None:
            query = query.where(cls.unit == getattr(unit, "id", unit))
        return query

    def __str__(self):
        return self.display_name

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)

    def is_locked(self, at=None):
        return self.locked_until is not None and self.locked_until > (at or clock.now())
