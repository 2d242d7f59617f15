"""Notifications: an index on (user, read_at), so the bell badge on every page counts a user's unread
messages from the index alone."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index('notification', ('user_id', 'read_at'), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('notification', 'notification_user_id_read_at'))
