"""Initial schema: units, users, attachments and the append-only audit log."""
from peewee import *


def up(migrator, db):
    class Unit(Model):
        name = CharField(max_length=100)
        code = CharField(unique=True, max_length=32)
        kind = CharField(max_length=16)
        parent = ForeignKeyField('self', null=True, on_delete='RESTRICT')
        level = IntegerField(default=1)
        path = CharField(index=True, default='')
        head_name = CharField(max_length=50, default='')
        phone = CharField(max_length=32, default='')
        active = BooleanField(default=True)
        sort_order = IntegerField(default=0)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'unit'
    db.create_tables([Unit])

    class User(Model):
        username = CharField(unique=True, max_length=64)
        display_name = CharField(max_length=50)
        role = CharField(max_length=16)
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        phone = CharField(max_length=32, default='')
        password_hash = CharField()
        active = BooleanField(default=True)
        session_version = IntegerField(default=0)
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        last_login_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Attachment(Model):
        owner_type = CharField(max_length=32)
        owner_id = IntegerField()
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        filename = CharField()
        stored_name = CharField(unique=True, max_length=64)
        content_type = CharField(max_length=100)
        size = BigIntegerField()
        sha256 = CharField(max_length=64)
        description = CharField(max_length=200, default='')
        uploaded_by = ForeignKeyField(User, on_delete='RESTRICT')
        uploaded_at = DateTimeField()
        archived = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'attachment'
            indexes = ((('owner_type', 'owner_id'), False),)
    db.create_tables([Attachment])

    class AuditLog(Model):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        actor_name = CharField(max_length=64, default='')
        unit = ForeignKeyField(Unit, null=True, on_delete='RESTRICT')
        action = CharField(index=True, max_length=64)
        object_type = CharField(index=True, max_length=32)
        object_id = IntegerField(null=True)
        summary = CharField(default='')
        before = TextField(null=True)
        after = TextField(null=True)
        ip = CharField(max_length=45, default='')
        class Meta:
            database = db
            table_name = 'audit_log'
    db.create_tables([AuditLog])
    _forbid_audit_changes(db)


def _forbid_audit_changes(db):
    """The database itself refuses UPDATE and DELETE on audit_log."""
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$")
        db.execute_sql(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER audit_log_append_only ON audit_log")
        db.execute_sql("DROP FUNCTION audit_log_append_only()")
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('attachment'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('unit'))
