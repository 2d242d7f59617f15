"""Inspection rounds carry a version, so starting and completing one is checked against the page."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('inspection_round', 'version', IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('inspection_round', 'version'))
