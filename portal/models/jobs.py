"""Owns background print jobs (批量打印任务) and their progress."""
import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import clock
from .base import OwnedModel
from .users import User

JOB_STATES = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败"}


class PrintJob(OwnedModel):
    """批量打印任务: a ZIP or merged PDF built in the background, with progress."""

    requested_by = ForeignKeyField(User, backref="print_jobs", on_delete="RESTRICT")
    kind = CharField(max_length=8)  # zip / pdf
    title = CharField(max_length=200)
    # What the job builds, as JSON, fixed (and scoped) when the job is requested: e.g. a list of agreement
    # ids, or an archive's year, unit and documents. Each job kind's module reads its own.
    payload = TextField()
    total = IntegerField(default=0)
    done = IntegerField(default=0)
    state = CharField(max_length=8, default="queued")
    error = TextField(default="")
    filename = CharField(max_length=100, default="")
    created_at = DateTimeField(default=clock.now)
    finished_at = DateTimeField(null=True)

    owner_field = "requested_by"  # a job and its file belong to the user who asked for it

    class Meta:
        table_name = "print_job"

    @property
    def state_label(self):
        return JOB_STATES.get(self.state, self.state)

    @classmethod
    def start(cls, user, kind, title, payload, total):
        return cls.create(requested_by=user, kind=kind, title=title, total=total,
                          payload=json.dumps(payload, ensure_ascii=False))

    @property
    def spec(self):
        return json.loads(self.payload)

    @property
    def percent(self):
        return int(self.done * 100 / self.total) if self.total else (100 if self.state == "done" else 0)
