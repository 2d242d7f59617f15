"""Letters and visits, one deadline per thing: once a case or a task is handed to a unit its deadline
is its supervised item's due date (an approved extension moves it there), so the copies kept on the
case (reply_due) and on the task (due_date) go. Before assignment a case's reply date is counted from
its acceptance; an imported case reopened by a dissatisfied visit (imports are not supervised) now
records the day it was reopened, from which its new reply date is counted."""
import datetime

from peewee import *

REPLY_DAYS = 60


def _models(db):
    class Petition(Model):
        state = CharField(max_length=16)
        imported = BooleanField(default=False)
        accepted_on = DateField(null=True)
        replied_on = DateField(null=True)
        reopened_on = DateField(null=True)
        class Meta:
            database = db
            table_name = 'petition'

    class PetitionVisit(Model):
        petition = ForeignKeyField(Petition, on_delete='RESTRICT')
        visited_on = DateField()
        satisfaction = CharField(max_length=16)
        class Meta:
            database = db
            table_name = 'petition_visit'

    class SupervisedItem(Model):
        source_type = CharField(max_length=32)
        source_id = IntegerField(null=True)
        due_date = DateField()
        class Meta:
            database = db
            table_name = 'supervised_item'

    return Petition, PetitionVisit, SupervisedItem


def up(migrator, db):
    Petition, PetitionVisit, _ = _models(db)
    dissatisfied = PetitionVisit.select(PetitionVisit.petition).where(PetitionVisit.satisfaction == 'dissatisfied')
    last = (PetitionVisit.select(fn.MAX(PetitionVisit.visited_on))
            .where(PetitionVisit.petition == Petition.id, PetitionVisit.satisfaction == 'dissatisfied'))
    (Petition.update(reopened_on=last)
     .where(Petition.imported == True, Petition.reopened_on.is_null(), Petition.state == 'handling',
            Petition.replied_on.is_null(), Petition.id.in_(dissatisfied))
     .execute())
    migrator.migrate(migrator.drop_column('petition', 'reply_due'))
    migrator.migrate(migrator.drop_column('assigned_task', 'due_date'))


def down(migrator, db):
    Petition, _, SupervisedItem = _models(db)
    migrator.migrate(migrator.add_column('petition', 'reply_due', DateField(null=True)))
    migrator.migrate(migrator.add_column('assigned_task', 'due_date', DateField(null=True)))
    # Back to copies: the latest handling item's due date, else 60 days from acceptance.
    due = {}
    for item in (SupervisedItem.select().where(SupervisedItem.source_type.in_(('petition', 'petition_reopened')))
                 .order_by(SupervisedItem.id)):
        due[item.source_id] = item.due_date
    for p in Petition.select().where(Petition.accepted_on.is_null(False)):
        reply_due = due.get(p.id) or p.accepted_on + datetime.timedelta(days=REPLY_DAYS)
        db.execute_sql('UPDATE petition SET reply_due = %s WHERE id = %s' % (db.param, db.param), (reply_due, p.id))
    for item in SupervisedItem.select().where(SupervisedItem.source_type == 'assigned_task'):
        db.execute_sql('UPDATE assigned_task SET due_date = %s WHERE id = %s' % (db.param, db.param),
                       (item.due_date, item.source_id))
    migrator.migrate(migrator.add_not_null('assigned_task', 'due_date'))
