"""Supervised items get a version: every step on an item is checked against the page that asked for it."""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column('supervised_item', 'version', IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('supervised_item', 'version'))
