"""Inspection team: checklist versions, rounds, item results, findings."""
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

    class ChecklistTemplate(Model):
        name = CharField(max_length=100)
        version = IntegerField(default=1)
        current = BooleanField(default=True)
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'checklist_template'
            indexes = ((('name', 'version'), True),)
    db.create_tables([ChecklistTemplate])

    class ChecklistItem(Model):
        template = ForeignKeyField(ChecklistTemplate, on_delete='CASCADE')
        seq = IntegerField()
        category = CharField(max_length=50)
        what = TextField()
        how = TextField(default='')
        points = DecimalField(max_digits=6, decimal_places=1)
        class Meta:
            database = db
            table_name = 'checklist_item'
    db.create_tables([ChecklistItem])

    class InspectionRound(Model):
        title = CharField(max_length=200)
        start_date = DateField()
        end_date = DateField()
        template = ForeignKeyField(ChecklistTemplate, on_delete='RESTRICT')
        state = CharField(max_length=16, default='planned')
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'inspection_round'
    db.create_tables([InspectionRound])

    class Finding(Model):
        round = ForeignKeyField(InspectionRound, on_delete='RESTRICT')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        item = ForeignKeyField(ChecklistItem, null=True, on_delete='RESTRICT')
        description = TextField()
        severity = CharField(max_length=8)
        requirement = TextField()
        responsible_person = CharField(max_length=50, default='')
        raised_by = ForeignKeyField(User, on_delete='RESTRICT')
        raised_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'finding'
    db.create_tables([Finding])

    class ItemResult(Model):
        round = ForeignKeyField(InspectionRound, on_delete='RESTRICT')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        item = ForeignKeyField(ChecklistItem, on_delete='RESTRICT')
        verdict = CharField(max_length=8, default='')
        score = DecimalField(null=True, max_digits=6, decimal_places=1)
        note = TextField(default='')
        version = IntegerField(default=0)
        updated_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        updated_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'item_result'
            indexes = ((('round', 'unit', 'item'), True),)
    db.create_tables([ItemResult])

    class RoundMember(Model):
        round = ForeignKeyField(InspectionRound, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'round_member'
            indexes = ((('round', 'user'), True),)
    db.create_tables([RoundMember])

    class RoundUnit(Model):
        round = ForeignKeyField(InspectionRound, on_delete='CASCADE')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'round_unit'
            indexes = ((('round', 'unit'), True),)
    db.create_tables([RoundUnit])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('round_unit'))
    migrator.migrate(migrator.drop_table('round_member'))
    migrator.migrate(migrator.drop_table('item_result'))
    migrator.migrate(migrator.drop_table('finding'))
    migrator.migrate(migrator.drop_table('inspection_round'))
    migrator.migrate(migrator.drop_table('checklist_item'))
    migrator.migrate(migrator.drop_table('checklist_template'))
