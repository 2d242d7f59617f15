"""The year-end summary: one draft per year and scope unit, and every saved version of its text with the
figures snapshot it was drafted from."""
from peewee import *


def up(migrator, db):
    def ref(name):
        class Ref(Model):
            class Meta:
                database = db
                table_name = name
        return Ref

    Unit, User = ref('unit'), ref('user')

    class SummaryDraft(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        year = IntegerField()
        title = CharField(max_length=200)
        state = CharField(max_length=16, default='draft')
        version = IntegerField(default=1)
        revision = IntegerField(default=0)
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        updated_by = ForeignKeyField(User, on_delete='RESTRICT')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'summary_draft'
            indexes = ((('year', 'unit'), True),)

    class SummaryVersion(Model):
        draft = ForeignKeyField(SummaryDraft, on_delete='RESTRICT')
        number = IntegerField()
        sections = TextField()
        figures = TextField()
        note = CharField(max_length=255, default='')
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'summary_version'
            indexes = ((('draft', 'number'), True),)

    db.create_tables([SummaryDraft, SummaryVersion])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('summary_version'), migrator.drop_table('summary_draft'))
