"""Background print jobs: the column holding what a job builds is a generic JSON payload (a list of
agreement ids for a bulk contract print, the year, unit and documents of a governance archive)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.rename_column('print_job', 'agreement_ids', 'payload'))


def down(migrator, db):
    migrator.migrate(migrator.rename_column('print_job', 'payload', 'agreement_ids'))
