"""Organisation behind the work: leading groups and dated members, bodies that meet each quarter, their
dues, meetings and decisions, leaders' contact units and visits, duty rosters and shifts, spot checks."""
from peewee import *


def up(migrator, db):
    def ref(name):
        class Ref(Model):
            class Meta:
                database = db
                table_name = name
        return Ref

    Unit, User, SupervisedItem, Sanction = ref('unit'), ref('user'), ref('supervised_item'), ref('sanction')

    class LeadingGroup(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        name = CharField(max_length=100)
        offices = CharField(max_length=200, default='')
        established_on = DateField()
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'leading_group'

    class GroupMember(Model):
        group = ForeignKeyField(LeadingGroup, on_delete='RESTRICT')
        user = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        name = CharField(max_length=50)
        post = CharField(max_length=100, default='')
        position = CharField(max_length=16)
        duty = TextField(default='')
        in_charge = BooleanField(default=False)
        start_date = DateField(index=True)
        end_date = DateField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'group_member'

    class MeetingBody(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        name = CharField(max_length=100)
        active = BooleanField(default=True)
        sort_order = IntegerField(default=0)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting_body'

    class MeetingDue(Model):
        body = ForeignKeyField(MeetingBody, on_delete='RESTRICT')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        year = IntegerField()
        quarter = IntegerField()
        item = ForeignKeyField(SupervisedItem, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting_due'
            indexes = ((('body', 'year', 'quarter'), True),)

    class Meeting(Model):
        body = ForeignKeyField(MeetingBody, on_delete='RESTRICT')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        year = IntegerField(index=True)
        quarter = IntegerField()
        held_on = DateField()
        place = CharField(max_length=100, default='')
        chair = CharField(max_length=50)
        attendees = TextField()
        absentees = TextField(default='')
        topics = TextField()
        analysis = TextField(default='')
        number = IntegerField(default=0)
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'meeting'

    class MeetingDecision(Model):
        meeting = ForeignKeyField(Meeting, on_delete='RESTRICT')
        seq = IntegerField()
        content = TextField()
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        owner_name = CharField(max_length=50, default='')
        due_date = DateField()
        item = ForeignKeyField(SupervisedItem, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'meeting_decision'

    class ContactUnit(Model):
        leader = ForeignKeyField(User, on_delete='RESTRICT')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        year = IntegerField(index=True)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contact_unit'
            indexes = ((('leader', 'unit', 'year'), True),)

    class SupervisoryVisit(Model):
        leader = ForeignKeyField(User, on_delete='RESTRICT')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        visited_on = DateField(index=True)
        checked = TextField()
        problems = TextField(default='')
        item = ForeignKeyField(SupervisedItem, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'supervisory_visit'

    class DutyRoster(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        title = CharField(max_length=100)
        kind = CharField(max_length=16, default='regular')
        start_date = DateField(index=True)
        end_date = DateField()
        created_by = ForeignKeyField(User, on_delete='RESTRICT')
        created_at = DateTimeField()
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'duty_roster'

    class DutyShift(Model):
        roster = ForeignKeyField(DutyRoster, on_delete='RESTRICT')
        day = DateField()
        person = CharField(max_length=50, default='')
        leader = CharField(max_length=50, default='')
        phone = CharField(max_length=32, default='')
        class Meta:
            database = db
            table_name = 'duty_shift'
            indexes = ((('roster', 'day'), True),)

    class SpotCheck(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        roster = ForeignKeyField(DutyRoster, null=True, on_delete='RESTRICT')
        checked_at = DateTimeField(index=True)
        year = IntegerField(index=True)
        checker = ForeignKeyField(User, on_delete='RESTRICT')
        method = CharField(max_length=16, default='phone')
        on_duty = CharField(max_length=50, default='')
        result = CharField(max_length=16)
        note = TextField(default='')
        sanction = ForeignKeyField(Sanction, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'spot_check'

    db.create_tables([LeadingGroup, GroupMember, MeetingBody, MeetingDue, Meeting, MeetingDecision, ContactUnit,
                      SupervisoryVisit, DutyRoster, DutyShift, SpotCheck])


def down(migrator, db):
    for table in ('spot_check', 'duty_shift', 'duty_roster', 'supervisory_visit', 'contact_unit', 'meeting_decision',
                  'meeting', 'meeting_due', 'meeting_body', 'group_member', 'leading_group'):
        migrator.migrate(migrator.drop_table(table))
