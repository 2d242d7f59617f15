"""Target-responsibility agreements: templates, agreements with their own items, print jobs."""
from peewee import *
import decimal


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class AgreementTemplate(Model):
        year = IntegerField(unique=True)
        title = CharField(max_length=200)
        preamble = TextField(default='')
        rewards = TextField(default='')
        party_a = CharField(max_length=100, default='')
        party_a_signatory = CharField(max_length=50, default='局长')
        excellent_min = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        good_min = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        pass_min = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        bonus_cap = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        sign_due = DateField(null=True)
        self_assess_due = DateField(null=True)
        issued_at = DateTimeField(null=True)
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'agreement_template'
    db.create_tables([AgreementTemplate])

    class Agreement(Model):
        template = ForeignKeyField(AgreementTemplate, on_delete='RESTRICT')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        year = IntegerField(index=True)
        title = CharField(max_length=200)
        preamble = TextField(default='')
        rewards = TextField(default='')
        party_a = CharField(max_length=100)
        party_a_signatory = CharField(max_length=50)
        party_b = CharField(max_length=100)
        party_b_signatory = CharField(max_length=50, default='')
        excellent_min = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        good_min = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        pass_min = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        bonus_cap = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        state = CharField(index=True, max_length=16, default='draft')
        version = IntegerField(default=1)
        issued_at = DateTimeField(null=True)
        signed_at = DateTimeField(null=True)
        signed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        self_assessed_at = DateTimeField(null=True)
        assessed_at = DateTimeField(null=True)
        assessed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        archived_at = DateTimeField(null=True)
        self_total = DecimalField(null=True, max_digits=6, decimal_places=1)
        total = DecimalField(null=True, max_digits=6, decimal_places=1)
        class Meta:
            database = db
            table_name = 'agreement'
            indexes = ((('template', 'unit'), True),)
    db.create_tables([Agreement])

    class AgreementItem(Model):
        agreement = ForeignKeyField(Agreement, on_delete='RESTRICT')
        seq = IntegerField()
        category = CharField(max_length=50)
        content = TextField()
        points = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        scoring_rule = TextField(default='')
        kind = CharField(max_length=10, default='standard')
        self_score = DecimalField(null=True, max_digits=6, decimal_places=1)
        self_note = TextField(default='')
        score = DecimalField(null=True, max_digits=6, decimal_places=1)
        score_note = TextField(default='')
        self_failed = BooleanField(default=False)
        failed = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'agreement_item'
    db.create_tables([AgreementItem])

    class PrintJob(Model):
        requested_by = ForeignKeyField(User, on_delete='RESTRICT')
        kind = CharField(max_length=8)
        title = CharField(max_length=200)
        agreement_ids = TextField()
        total = IntegerField(default=0)
        done = IntegerField(default=0)
        state = CharField(max_length=8, default='queued')
        error = TextField(default='')
        filename = CharField(max_length=100, default='')
        created_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'print_job'
    db.create_tables([PrintJob])

    class TemplateItem(Model):
        template = ForeignKeyField(AgreementTemplate, on_delete='CASCADE')
        seq = IntegerField()
        category = CharField(max_length=50)
        content = TextField()
        points = DecimalField(max_digits=6, decimal_places=1, default=decimal.Decimal('0'))
        scoring_rule = TextField(default='')
        kind = CharField(max_length=10, default='standard')
        class Meta:
            database = db
            table_name = 'template_item'
    db.create_tables([TemplateItem])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('template_item'))
    migrator.migrate(migrator.drop_table('print_job'))
    migrator.migrate(migrator.drop_table('agreement_item'))
    migrator.migrate(migrator.drop_table('agreement'))
    migrator.migrate(migrator.drop_table('agreement_template'))
