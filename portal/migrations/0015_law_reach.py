"""Legal education: the per-person, per-law, per-year reach summary behind coverage, filled from the
attendance recorded so far."""
from peewee import *


def up(migrator, db):
    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    class Law(Model):
        class Meta:
            database = db
            table_name = 'law'

    class LawReach(Model):
        staff = ForeignKeyField(StaffMember, backref='+', on_delete='CASCADE')
        law = ForeignKeyField(Law, backref='+', on_delete='RESTRICT')
        year = IntegerField()

        class Meta:
            database = db
            table_name = 'law_reach'
            indexes = ((('staff', 'year', 'law'), True), (('year', 'law', 'staff'), False))
    db.create_tables([LawReach])
    postgres = 'postgres' in type(db).__name__.lower()
    year = "CAST(EXTRACT(YEAR FROM s.held_on) AS INTEGER)" if postgres else "CAST(strftime('%Y', s.held_on) AS INTEGER)"
    db.execute_sql(
        'INSERT INTO "law_reach" ("staff_id", "law_id", "year") '
        f'SELECT DISTINCT a.staff_id, sl.law_id, {year} FROM "attendance" a '
        'JOIN "legal_session" s ON s.id = a.session_id JOIN "session_law" sl ON sl.session_id = s.id')


def down(migrator, db):
    migrator.migrate(migrator.drop_table('law_reach'))
