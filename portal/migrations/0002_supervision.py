"""Supervision core: supervised items, their history, extensions, notices, notifications; user email."""
from peewee import *


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class SupervisedItem(Model):
        source_type = CharField(index=True, max_length=32)
        source_id = IntegerField(null=True)
        title = CharField(max_length=200)
        description = TextField(default='')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        responsible_name = CharField(max_length=50, default='')
        assigned_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        start_date = DateField()
        due_date = DateField()
        original_due_date = DateField()
        state = CharField(index=True, max_length=16, default='assigned')
        acknowledged_at = DateTimeField(null=True)
        last_progress_at = DateTimeField(null=True)
        reported_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'supervised_item'
            indexes = ((('source_type', 'source_id'), False),)
    db.create_tables([SupervisedItem])

    class ExtensionRequest(Model):
        item = ForeignKeyField(SupervisedItem, on_delete='RESTRICT')
        requested_by = ForeignKeyField(User, on_delete='RESTRICT')
        reason = TextField()
        old_due_date = DateField()
        new_due_date = DateField()
        state = CharField(index=True, max_length=16, default='pending')
        decided_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        decided_at = DateTimeField(null=True)
        decision_note = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'extension_request'
    db.create_tables([ExtensionRequest])

    class Notice(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        item = ForeignKeyField(SupervisedItem, null=True, on_delete='RESTRICT')
        year = IntegerField(index=True)
        reason = TextField()
        issued_by = ForeignKeyField(User, on_delete='RESTRICT')
        issued_at = DateTimeField()
        handled = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'notice'
    db.create_tables([Notice])

    class Notification(Model):
        user = ForeignKeyField(User, on_delete='RESTRICT')
        kind = CharField(index=True, max_length=24, default='info')
        title = CharField(max_length=200)
        body = TextField(default='')
        url = CharField(default='')
        created_at = DateTimeField(index=True)
        read_at = DateTimeField(null=True)
        emailed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'notification'
    db.create_tables([Notification])

    class SupervisionEvent(Model):
        item = ForeignKeyField(SupervisedItem, on_delete='RESTRICT')
        actor = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        action = CharField(max_length=24)
        from_state = CharField(max_length=16, default='')
        to_state = CharField(max_length=16, default='')
        note = TextField(default='')
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'supervision_event'
    db.create_tables([SupervisionEvent])

    migrator.migrate(migrator.add_column('user', 'email', CharField(max_length=120, default='')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('user', 'email'))
    migrator.migrate(migrator.drop_table('supervision_event'))
    migrator.migrate(migrator.drop_table('notification'))
    migrator.migrate(migrator.drop_table('notice'))
    migrator.migrate(migrator.drop_table('extension_request'))
    migrator.migrate(migrator.drop_table('supervised_item'))
