"""Letters and visits: each case points at its latest handling item and at its open supervised item, so
the ledger joins them by key instead of a correlated MAX per row; filled from the items recorded so far."""
from peewee import *

HANDLING_TYPES = ('petition', 'petition_reopened')
CASE_TYPES = HANDLING_TYPES + ('petition_visit',)
OPEN_STATES = ('assigned', 'acknowledged', 'in_progress', 'reported', 'returned')


def up(migrator, db):
    class SupervisedItem(Model):
        class Meta:
            database = db
            table_name = 'supervised_item'

    handling = ForeignKeyField(SupervisedItem, null=True, field=SupervisedItem.id, on_delete='RESTRICT')
    open_ = ForeignKeyField(SupervisedItem, null=True, field=SupervisedItem.id, on_delete='RESTRICT')
    migrator.migrate(migrator.add_column('petition', 'handling_item_id', handling),
                     migrator.add_column('petition', 'open_item_id', open_))
    fill(db)


def fill(db):
    """Point every case at its items as Petition.point_items() does, for all cases in one UPDATE."""
    def latest(types, open_only=False):
        states = f' AND i.state IN ({", ".join(repr(s) for s in OPEN_STATES)})' if open_only else ''
        return (f'(SELECT MAX(i.id) FROM "supervised_item" i WHERE i.source_type IN '
                f'({", ".join(repr(t) for t in types)}) AND i.source_id = "petition".id{states})')

    db.execute_sql(f'UPDATE "petition" SET "handling_item_id" = {latest(HANDLING_TYPES)}, '
                   f'"open_item_id" = {latest(CASE_TYPES, open_only=True)}')


def down(migrator, db):
    migrator.migrate(migrator.drop_column('petition', 'handling_item_id'),
                     migrator.drop_column('petition', 'open_item_id'))
