"""Disputes: each dispute points at its open supervised item (the holding tier's clock or the follow-up
visit), so the list joins it by key instead of a correlated MAX per row; filled from the items so far."""
from peewee import *

ITEM_TYPES = ('dispute_tier', 'dispute_visit')
OPEN_STATES = ('assigned', 'acknowledged', 'in_progress', 'reported', 'returned')


def up(migrator, db):
    class SupervisedItem(Model):
        class Meta:
            database = db
            table_name = 'supervised_item'

    open_ = ForeignKeyField(SupervisedItem, null=True, field=SupervisedItem.id, on_delete='RESTRICT')
    migrator.migrate(migrator.add_column('dispute', 'open_item_id', open_))
    fill(db)


def fill(db):
    """Point every dispute at its open item as Dispute.point_items() does, in one UPDATE."""
    db.execute_sql(
        'UPDATE "dispute" SET "open_item_id" = (SELECT MAX(i.id) FROM "supervised_item" i WHERE i.source_type IN '
        f'({", ".join(repr(t) for t in ITEM_TYPES)}) AND i.source_id = "dispute".id '
        f'AND i.state IN ({", ".join(repr(s) for s in OPEN_STATES)}))')


def down(migrator, db):
    migrator.migrate(migrator.drop_column('dispute', 'open_item_id'))
