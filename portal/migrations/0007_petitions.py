"""Letters and visits: categories (the seed's list), cases, petitioners, follow-up visits, assigned tasks."""
from peewee import *

CATEGORIES = ["改制遗留", "养老保险", "医疗保险", "拖欠工资", "下岗安置", "退休调资", "军转/退伍待遇", "其他"]


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class AssignedTask(Model):
        year = IntegerField(index=True)
        source = CharField(max_length=16)
        ref_number = CharField(max_length=50, default='')
        title = CharField(max_length=200)
        content = TextField(default='')
        received_on = DateField()
        due_date = DateField()
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        state = CharField(index=True, max_length=16, default='open')
        replied_on = DateField(null=True)
        reply_text = TextField(default='')
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'assigned_task'
    db.create_tables([AssignedTask])

    class PetitionCategory(Model):
        name = CharField(unique=True, max_length=50)
        seq = IntegerField(default=0)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'petition_category'
    db.create_tables([PetitionCategory])
    for seq, name in enumerate(CATEGORIES, start=1):
        PetitionCategory.create(name=name, seq=seq, active=True)

    class Petition(Model):
        number = CharField(unique=True, max_length=20)
        year = IntegerField(index=True)
        received_on = DateField(index=True)
        channel = CharField(max_length=16)
        headcount = IntegerField(default=1)
        is_group = BooleanField(index=True, default=False)
        concerned_unit = ForeignKeyField(Unit, null=True, on_delete='RESTRICT')
        category = ForeignKeyField(PetitionCategory, on_delete='RESTRICT')
        title = CharField(max_length=200)
        request = TextField()
        escalated = BooleanField(default=False)
        escalated_note = TextField(default='')
        state = CharField(index=True, max_length=16, default='registered')
        version = IntegerField(default=1)
        accept_due = DateField()
        accepted_on = DateField(null=True)
        decision_note = TextField(default='')
        notice_on = DateField(null=True)
        unit = ForeignKeyField(Unit, null=True, on_delete='RESTRICT')
        handler_name = CharField(max_length=50, default='')
        assigned_on = DateField(null=True)
        reply_due = DateField(null=True)
        replied_on = DateField(null=True)
        reply_text = TextField(default='')
        visit_due = DateField(null=True)
        review_requested_on = DateField(null=True)
        review_due = DateField(null=True)
        review_reason = TextField(default='')
        review_answered_on = DateField(null=True)
        review_answer = TextField(default='')
        closed_on = DateField(null=True)
        reopened_on = DateField(null=True)
        backlog_from = DateField(null=True)
        repeat_of = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        imported = BooleanField(default=False)
        submit_token = CharField(unique=True, null=True, max_length=64)
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'petition'
    db.create_tables([Petition])

    class Petitioner(Model):
        petition = ForeignKeyField(Petition, on_delete='RESTRICT')
        seq = IntegerField(default=1)
        name = CharField(index=True, max_length=50)
        phone = CharField(max_length=20, default='')
        id_number = CharField(index=True, max_length=18, default='')
        is_leader = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'petitioner'
    db.create_tables([Petitioner])

    class PetitionVisit(Model):
        petition = ForeignKeyField(Petition, on_delete='RESTRICT')
        visited_on = DateField()
        visitor = CharField(max_length=100)
        method = CharField(max_length=16)
        satisfaction = CharField(max_length=16)
        notes = TextField(default='')
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'petition_visit'
    db.create_tables([PetitionVisit])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('petition_visit'))
    migrator.migrate(migrator.drop_table('petitioner'))
    migrator.migrate(migrator.drop_table('petition'))
    migrator.migrate(migrator.drop_table('petition_category'))
    migrator.migrate(migrator.drop_table('assigned_task'))
