"""Dispute screening and mediation: categories (the issue's list), disputes held by tiers, parties,
handling log, tier moves, joint consultations and their actions, informant reports, the screening
schedule per level (half-monthly, monthly, quarterly) and the screening reports."""
import datetime

from peewee import *

CATEGORIES = ["改制遗留", "劳动争议", "拖欠工资", "社会保险", "下岗安置", "合同纠纷", "邻里纠纷", "其他"]
SCHEDULE = [(3, "基层单位", "half_month", 3), (2, "二级机构", "month", 5), (1, "局机关", "quarter", 7)]


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Petition(Model):
        class Meta:
            database = db
            table_name = 'petition'

    class SupervisedItem(Model):
        class Meta:
            database = db
            table_name = 'supervised_item'

    class DisputeCategory(Model):
        name = CharField(unique=True, max_length=50)
        seq = IntegerField(default=0)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'dispute_category'
    db.create_tables([DisputeCategory])
    for seq, name in enumerate(CATEGORIES, start=1):
        DisputeCategory.create(name=name, seq=seq, active=True)

    class Dispute(Model):
        number = CharField(unique=True, max_length=20)
        year = IntegerField(index=True)
        reported_on = DateField(index=True)
        title = CharField(max_length=200)
        summary = TextField()
        category = ForeignKeyField(DisputeCategory, on_delete='RESTRICT')
        source = CharField(max_length=16)
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        headcount = IntegerField(default=1)
        organisations = CharField(max_length=500, default='')
        risk = CharField(index=True, max_length=8)
        risk_reasons = CharField(max_length=200, default='')
        complexity = CharField(max_length=8)
        state = CharField(index=True, max_length=16, default='open')
        tier = IntegerField(index=True, default=0)
        origin_tier = IntegerField(default=0)
        version = IntegerField(default=1)
        outcome = CharField(index=True, max_length=16, default='')
        outcome_on = DateField(null=True)
        outcome_tier = IntegerField(null=True)
        outcome_note = TextField(default='')
        agreement_text = TextField(default='')
        channel = CharField(max_length=16, default='')
        petition = ForeignKeyField(Petition, null=True, on_delete='RESTRICT')
        inflamed = BooleanField(index=True, default=False)
        inflamed_note = TextField(default='')
        warned_on = DateField(null=True)
        visited_on = DateField(null=True)
        visit_note = TextField(default='')
        submit_token = CharField(null=True, unique=True, max_length=64)
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'dispute'
    db.create_tables([Dispute])

    class DisputeParty(Model):
        dispute = ForeignKeyField(Dispute, on_delete='RESTRICT')
        seq = IntegerField(default=1)
        kind = CharField(max_length=8, default='person')
        name = CharField(index=True, max_length=100)
        id_number = CharField(index=True, max_length=18, default='')
        phone = CharField(max_length=20, default='')
        class Meta:
            database = db
            table_name = 'dispute_party'

    class DisputeLog(Model):
        dispute = ForeignKeyField(Dispute, on_delete='RESTRICT')
        tier = IntegerField(default=0)
        kind = CharField(max_length=16)
        on = DateField()
        people = CharField(max_length=300, default='')
        content = TextField()
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'dispute_log'

    class Escalation(Model):
        dispute = ForeignKeyField(Dispute, on_delete='RESTRICT')
        from_tier = IntegerField()
        to_tier = IntegerField()
        reason = TextField()
        actor = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'dispute_escalation'

    class InformantReport(Model):
        number = CharField(unique=True, max_length=20)
        year = IntegerField(index=True)
        kind = CharField(max_length=16)
        title = CharField(max_length=200)
        content = TextField()
        place = CharField(max_length=200, default='')
        people = CharField(max_length=300, default='')
        headcount = IntegerField(default=1)
        urgency = CharField(max_length=8, default='normal')
        concerned_unit = ForeignKeyField(Unit, null=True, on_delete='RESTRICT')
        reporter = ForeignKeyField(User, on_delete='RESTRICT')
        reported_at = DateTimeField()
        state = CharField(index=True, max_length=16, default='submitted')
        version = IntegerField(default=1)
        reply = TextField(default='')
        triaged_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        triaged_at = DateTimeField(null=True)
        dispute = ForeignKeyField(Dispute, null=True, on_delete='RESTRICT')
        petition = ForeignKeyField(Petition, null=True, on_delete='RESTRICT')
        task_item = ForeignKeyField(SupervisedItem, null=True, on_delete='RESTRICT')
        submit_token = CharField(null=True, unique=True, max_length=64)
        class Meta:
            database = db
            table_name = 'informant_report'

    class Consultation(Model):
        dispute = ForeignKeyField(Dispute, on_delete='RESTRICT')
        on = DateField()
        participants = TextField()
        opinion = TextField()
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'dispute_consultation'

    class ConsultationAction(Model):
        consultation = ForeignKeyField(Consultation, on_delete='RESTRICT')
        content = CharField(max_length=500)
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        due_date = DateField()
        class Meta:
            database = db
            table_name = 'dispute_action'

    class ScreeningSchedule(Model):
        level = IntegerField(unique=True)
        label = CharField(max_length=50)
        period = CharField(max_length=16)
        due_days = IntegerField(default=3)
        starts_on = DateField()
        class Meta:
            database = db
            table_name = 'screening_schedule'

    class ScreeningReport(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        period = CharField(index=True, max_length=16)
        starts_on = DateField()
        ends_on = DateField()
        due_on = DateField()
        zero = BooleanField(default=False)
        new_count = IntegerField(default=0)
        open_count = IntegerField(default=0)
        note = TextField(default='')
        signer = CharField(max_length=50)
        filed_by = ForeignKeyField(User, on_delete='RESTRICT')
        filed_on = DateField()
        class Meta:
            database = db
            table_name = 'screening_report'
            indexes = ((('unit', 'period'), True),)

    db.create_tables([DisputeParty, DisputeLog, Escalation, InformantReport, Consultation, ConsultationAction,
                      ScreeningSchedule, ScreeningReport])
    for level, label, period, due_days in SCHEDULE:
        ScreeningSchedule.create(level=level, label=label, period=period, due_days=due_days,
                                 starts_on=datetime.date.today())


def down(migrator, db):
    for table in ('screening_report', 'screening_schedule', 'dispute_action', 'dispute_consultation',
                  'informant_report', 'dispute_escalation', 'dispute_log', 'dispute_party', 'dispute',
                  'dispute_category'):
        migrator.migrate(migrator.drop_table(table))
