"""The key-person register (一包一责任制): categories (the seed's list), persons, category links, cadre
handovers, contact visits and requests for assistance."""
from peewee import *

CATEGORIES = ["企业军转干部", "抗美援朝老兵", "退伍转业军人", "改制下岗困难职工", "重点信访人员"]


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class KeyPersonCategory(Model):
        name = CharField(unique=True, max_length=50)
        seq = IntegerField(default=0)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'keyperson_category'

    class KeyPerson(Model):
        name = CharField(index=True, max_length=50)
        sex = CharField(max_length=1, default='')
        birth_date = DateField(null=True)
        id_number = CharField(index=True, max_length=18, default='')
        phone = CharField(max_length=20, default='')
        address = CharField(max_length=200, default='')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        family = TextField(default='')
        income = TextField(default='')
        health = TextField(default='')
        level = CharField(index=True, max_length=8, default='stable')
        level_reason = TextField(default='')
        state = CharField(index=True, max_length=16, default='active')
        state_note = TextField(default='')
        cadre = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        cadre_since = DateField(null=True)
        last_visit_on = DateField(null=True)
        registered_on = DateField()
        imported = BooleanField(default=False)
        version = IntegerField(default=1)
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'keyperson'

    class KeyPersonCategoryLink(Model):
        person = ForeignKeyField(KeyPerson, on_delete='RESTRICT')
        category = ForeignKeyField(KeyPersonCategory, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'keyperson_category_link'
            indexes = ((('person', 'category'), True),)

    class CadreAssignment(Model):
        person = ForeignKeyField(KeyPerson, on_delete='RESTRICT')
        cadre = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        previous = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        on = DateField()
        reason = TextField(default='')
        by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'keyperson_cadre'

    class KeyPersonVisit(Model):
        person = ForeignKeyField(KeyPerson, on_delete='RESTRICT')
        visited_on = DateField(index=True)
        form = CharField(max_length=16)
        visitor = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        content = TextField()
        requests_raised = TextField(default='')
        mood = CharField(max_length=16)
        due_on = DateField(null=True)
        level_before = CharField(max_length=8)
        level_after = CharField(max_length=8)
        level_reason = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'keyperson_visit'

    class AssistanceRequest(Model):
        person = ForeignKeyField(KeyPerson, on_delete='RESTRICT')
        year = IntegerField(index=True)
        kind = CharField(max_length=16)
        content = TextField()
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        raised_on = DateField()
        state = CharField(index=True, max_length=8, default='open')
        outcome = CharField(max_length=16, default='')
        explanation = TextField(default='')
        amount = DecimalField(null=True, max_digits=12, decimal_places=2)
        closed_on = DateField(null=True)
        version = IntegerField(default=1)
        created_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'keyperson_request'

    db.create_tables([KeyPersonCategory, KeyPerson, KeyPersonCategoryLink, CadreAssignment, KeyPersonVisit,
                      AssistanceRequest])
    for seq, name in enumerate(CATEGORIES, start=1):
        KeyPersonCategory.create(name=name, seq=seq, active=True)


def down(migrator, db):
    for table in ('keyperson_request', 'keyperson_visit', 'keyperson_cadre', 'keyperson_category_link', 'keyperson',
                  'keyperson_category'):
        migrator.migrate(migrator.drop_table(table))
