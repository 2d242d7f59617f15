"""Running numbers: one counter row per series, allocated by an atomic upsert."""
from peewee import *


def up(migrator, db):
    class Counter(Model):
        series = CharField(max_length=64, primary_key=True)
        value = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'counter'
    db.create_tables([Counter])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('counter'))
