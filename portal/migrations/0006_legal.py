"""Legal education: laws, plans, rosters, sessions, attendance; the eight laws of the seed."""
from peewee import *


EIGHT_LAWS = [
    "中华人民共和国公司法",
    "中华人民共和国劳动合同法",
    "中华人民共和国安全生产法",
    "中华人民共和国治安管理处罚法",
    "中华人民共和国企业破产法",
    "中华人民共和国人口与计划生育法",
    "中华人民共和国公务员法",
    "中华人民共和国保守国家秘密法",
]


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class LegalSession(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        held_on = DateField(index=True)
        form = CharField(max_length=16)
        title = CharField(max_length=200)
        speaker = CharField(max_length=50, default='')
        notes = TextField(default='')
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'legal_session'
    db.create_tables([LegalSession])

    class StaffMember(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        name = CharField(max_length=50)
        post = CharField(max_length=50, default='')
        employee_no = CharField(max_length=32)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'staff_member'
            indexes = ((('unit', 'employee_no'), True),)
    db.create_tables([StaffMember])

    class Attendance(Model):
        session = ForeignKeyField(LegalSession, on_delete='CASCADE')
        staff = ForeignKeyField(StaffMember, on_delete='RESTRICT')
        score = DecimalField(null=True, max_digits=5, decimal_places=1)
        class Meta:
            database = db
            table_name = 'attendance'
            indexes = ((('session', 'staff'), True),)
    db.create_tables([Attendance])

    class Law(Model):
        name = CharField(unique=True, max_length=100)
        category = CharField(max_length=50, default='')
        active = BooleanField(default=True)
        sort_order = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'law'
    db.create_tables([Law])
    # The eight laws of the seed's year, under their current official names.
    for order, name in enumerate(EIGHT_LAWS):
        Law.create(name=name, category="法律", active=True, sort_order=order)

    class LegalPlan(Model):
        year = IntegerField(unique=True)
        target_rate = DecimalField(max_digits=5, decimal_places=1, default=90)
        planned_sessions = IntegerField(default=0)
        notes = TextField(default='')
        class Meta:
            database = db
            table_name = 'legal_plan'
    db.create_tables([LegalPlan])

    class PlanLaw(Model):
        plan = ForeignKeyField(LegalPlan, on_delete='CASCADE')
        law = ForeignKeyField(Law, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'plan_law'
            indexes = ((('plan', 'law'), True),)
    db.create_tables([PlanLaw])

    class SessionLaw(Model):
        session = ForeignKeyField(LegalSession, on_delete='CASCADE')
        law = ForeignKeyField(Law, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'session_law'
            indexes = ((('session', 'law'), True),)
    db.create_tables([SessionLaw])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('session_law'))
    migrator.migrate(migrator.drop_table('plan_law'))
    migrator.migrate(migrator.drop_table('legal_plan'))
    migrator.migrate(migrator.drop_table('law'))
    migrator.migrate(migrator.drop_table('attendance'))
    migrator.migrate(migrator.drop_table('staff_member'))
    migrator.migrate(migrator.drop_table('legal_session'))
