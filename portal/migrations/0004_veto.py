"""One-veto accountability: veto events, sanctions, responsibility investigations."""
from peewee import *


def up(migrator, db):
    class Notice(Model):
        class Meta:
            database = db
            table_name = 'notice'

    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class VetoEvent(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        year = IntegerField(index=True)
        trigger = CharField(max_length=24)
        occurred_on = DateField()
        description = TextField()
        source_type = CharField(max_length=32, default='')
        source_id = IntegerField(null=True)
        state = CharField(index=True, max_length=16, default='proposed')
        version = IntegerField(default=1)
        proposed_by = ForeignKeyField(User, on_delete='RESTRICT')
        proposed_at = DateTimeField()
        decided_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default='')
        appeal_due = DateField(null=True)
        appealed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        appealed_at = DateTimeField(null=True)
        appeal_reason = TextField(default='')
        reviewed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        reviewed_at = DateTimeField(null=True)
        review_reason = TextField(default='')
        withdrawn_reason = TextField(default='')
        class Meta:
            database = db
            table_name = 'veto_event'
    db.create_tables([VetoEvent])

    class Sanction(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        year = IntegerField(index=True)
        kind = CharField(max_length=16)
        issued_on = DateField()
        reason = TextField()
        issued_by = ForeignKeyField(User, on_delete='RESTRICT')
        notice = ForeignKeyField(Notice, null=True, on_delete='RESTRICT')
        source_type = CharField(max_length=32, default='')
        source_id = IntegerField(null=True)
        state = CharField(max_length=16, default='active')
        withdrawn_reason = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'sanction'
    db.create_tables([Sanction])

    class Accountability(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        veto = ForeignKeyField(VetoEvent, null=True, on_delete='RESTRICT')
        sanction = ForeignKeyField(Sanction, null=True, on_delete='RESTRICT')
        measure = CharField(max_length=24)
        decided_on = DateField()
        decision = TextField()
        follow_up = TextField(default='')
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'accountability'
    db.create_tables([Accountability])

    class AccountablePerson(Model):
        accountability = ForeignKeyField(Accountability, on_delete='RESTRICT')
        name = CharField(max_length=50)
        post = CharField(max_length=50, default='')
        unit_name = CharField(max_length=100, default='')
        class Meta:
            database = db
            table_name = 'accountable_person'
    db.create_tables([AccountablePerson])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('accountable_person'))
    migrator.migrate(migrator.drop_table('accountability'))
    migrator.migrate(migrator.drop_table('sanction'))
    migrator.migrate(migrator.drop_table('veto_event'))
