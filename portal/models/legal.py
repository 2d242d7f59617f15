"""Owns legal education (普法): the law catalogue, yearly plans, staff rosters, sessions, attendance."""
from peewee import BooleanField, CharField, DateField, DateTimeField, DecimalField, ForeignKeyField, IntegerField, TextField

from .. import clock
from ..db import BaseModel
from .base import ScopedModel
from .org import Unit
from .users import User

FORMS = {"lecture": "讲座", "training": "培训", "contest": "知识竞赛", "exam": "考试", "board": "宣传栏",
         "leaflet": "发放资料"}
# How each form is counted in prose (讲座3场、培训2期、考试1次).
MEASURE_WORDS = {"lecture": "场", "training": "期", "contest": "场", "exam": "次", "board": "期", "leaflet": "次"}
SCORED_FORMS = ("contest", "exam")


class Law(BaseModel):
    """法律法规: an entry of the catalogue."""

    name = CharField(max_length=100, unique=True)
    category = CharField(max_length=50, default="")
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)

    class Meta:
        table_name = "law"

    @classmethod
    def visible_to(cls, user):
        return cls.select()


class LegalPlan(BaseModel):
    """年度普法计划: laws to cover, target coverage per unit, planned sessions."""

    year = IntegerField(unique=True)
    target_rate = DecimalField(max_digits=5, decimal_places=1, default=90)
    planned_sessions = IntegerField(default=0)
    notes = TextField(default="")

    class Meta:
        table_name = "legal_plan"


class PlanLaw(BaseModel):
    plan = ForeignKeyField(LegalPlan, backref="plan_laws", on_delete="CASCADE")
    law = ForeignKeyField(Law, on_delete="RESTRICT", backref="+")

    class Meta:
        table_name = "plan_law"
        indexes = ((("plan", "law"), True),)


class StaffMember(ScopedModel):
    """职工花名册: one person of a unit's roster; people who leave are deactivated."""

    unit = ForeignKeyField(Unit, backref="staff", on_delete="RESTRICT")
    name = CharField(max_length=50)
    post = CharField(max_length=50, default="")
    employee_no = CharField(max_length=32)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "staff_member"
        indexes = ((("unit", "employee_no"), True),)


class LegalSession(ScopedModel):
    """普法活动: a lecture, training, contest, exam, notice board or leaflets, covering some laws."""

    unit = ForeignKeyField(Unit, backref="legal_sessions", on_delete="RESTRICT")  # the bureau = bureau-wide
    held_on = DateField(index=True)
    form = CharField(max_length=16)
    title = CharField(max_length=200)
    speaker = CharField(max_length=50, default="")
    notes = TextField(default="")
    created_by = ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "legal_session"

    @classmethod
    def visible_to(cls, user, *fields):
        """A unit's own subtree's sessions, and the bureau-wide ones its people may have attended (whose
        attendees it sees only as far as they are its own: Attendance.visible_to)."""
        from ..access import unit_scope

        scope = unit_scope(user)
        query = cls.select(*fields)
        if scope is not None:
            query = query.where(cls.unit.in_(scope) | cls.unit.in_(Unit.select(Unit.id).where(Unit.level == 1)))
        return query

    @classmethod
    def organised_within(cls, user, *fields):
        """The sessions the user's subtree organised (every session for the bureau's people): those whose
        materials the user may add to."""
        return super().visible_to(user, *fields)

    @property
    def form_label(self):
        return FORMS.get(self.form, self.form)


class SessionLaw(BaseModel):
    session = ForeignKeyField(LegalSession, backref="session_laws", on_delete="CASCADE")
    law = ForeignKeyField(Law, on_delete="RESTRICT", backref="+")

    class Meta:
        table_name = "session_law"
        indexes = ((("session", "law"), True),)


class Attendance(BaseModel):
    """签到: a person at a session, with an exam score where the form has one."""

    session = ForeignKeyField(LegalSession, backref="attendance", on_delete="CASCADE")
    staff = ForeignKeyField(StaffMember, backref="attendance", on_delete="RESTRICT")
    score = DecimalField(max_digits=5, decimal_places=1, null=True)

    class Meta:
        table_name = "attendance"
        indexes = ((("session", "staff"), True),)

    @classmethod
    def visible_to(cls, user, *fields):
        """Attendance of the people the user may see: in a bureau-wide session a unit's users see (and
        score) only their own subtree's attendees."""
        return cls.select(*fields).where(cls.staff.in_(StaffMember.visible_to(user, StaffMember.id)))


class LawReach(BaseModel):
    """普法覆盖: one row per person, law and year the person was reached by a session covering the law.
    Kept in the transaction that records attendance, so coverage counts these rows instead of joining
    every attendance row with its session's laws on every request."""

    staff = ForeignKeyField(StaffMember, backref="+", on_delete="CASCADE")
    law = ForeignKeyField(Law, on_delete="RESTRICT", backref="+")
    year = IntegerField()

    class Meta:
        table_name = "law_reach"
        # Unique per person, year and law (the EXISTS probe of "reached by any law" reads it in this
        # order); the second index serves the counts per law.
        indexes = ((("staff", "year", "law"), True), (("year", "law", "staff"), False))
