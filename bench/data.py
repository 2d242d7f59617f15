"""Scratch instances for the benchmarks: the demo (1×) and the demo multiplied (10×, 100×).

    import data                            # from a script in bench/
    base = data.demo_instance()            # a fresh instance folder holding portal.demo.seed()'s demo
    path, counts = data.instance(100, base)  # an independent copy of it, its records ×100

`multiply(n)` adds n - 1 copies of every record the demo's modules made (petitions with their
petitioners, visits and supervised items; disputes with their parties, handling log and moves; tasks
from above; supervised items of every type with their history; inspection rounds, results and
findings; vetoes, sanctions, investigations; 普法 sessions with their laws and attendance; audit
entries and notifications; past years' agreement templates and agreements). Copies go in through the
models, one INSERT ... SELECT per table and copy (insert_many for petitions, disputes and their
people, which get new numbers), ids offset by the demo's largest id so every foreign key points into
the same copy. Units, accounts, rosters, laws, checklists and categories stay as they are: 100× the
work of the same bureau. Agreements are one per unit and year, so their copies are earlier years' (a
copy k years back, archived or not as the original). Not multiplied yet: key persons, governance
(groups, meetings, duty) and informants' reports, nor the supervised items of those records.
"""
import os
import random
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from peewee import ForeignKeyField, chunked  # noqa: E402

from portal import create_app, demo  # noqa: E402
from portal.db import database, is_postgres, migrate  # noqa: E402

# Cheap password hashes for the demo's accounts when the bench does not measure logins. A server
# with the default settings re-hashes such a password at its first login.
FAST_HASHES = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


def demo_instance(prefix="bench-demo-", config=None, fast_hashes=True):
    """A fresh instance folder with the migrated schema and the demo; returns its path."""
    path = tempfile.mkdtemp(prefix=prefix)
    app = create_app({"INSTANCE_PATH": path, **(FAST_HASHES if fast_hashes else {}), **(config or {})})
    with app.app_context():
        migrate()
        with database.connection_context():
            demo.seed()
    return path


def copy_instance(source, prefix="bench-copy-"):
    """An independent copy of a SQLite instance folder (the database through the backup API)."""
    target = tempfile.mkdtemp(prefix=prefix)
    shutil.copytree(source, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("portal.db", "portal.db-wal", "portal.db-shm"))
    with sqlite3.connect(os.path.join(source, "portal.db")) as src, \
            sqlite3.connect(os.path.join(target, "portal.db")) as dst:
        src.backup(dst)
    return target


def _plan():
    """The models copied, in insertion order: parents before the rows pointing at them."""
    from portal import models as m
    from portal.models import disputes as d

    # Supervised items before petitions: a case points at its items (their ids are remapped by stride).
    return [m.AgreementTemplate, m.TemplateItem, m.Agreement, m.AgreementItem, m.SupervisedItem,
            m.Petition, m.Petitioner, m.PetitionVisit, m.AssignedTask,
            d.Dispute, d.DisputeParty, d.DisputeLog, d.Escalation,
            m.InspectionRound, m.RoundMember, m.RoundUnit, m.ItemResult, m.Finding,
            m.SupervisionEvent, m.ExtensionRequest, m.Notice,
            m.VetoEvent, m.Sanction, m.Accountability, m.AccountablePerson,
            m.LegalSession, m.SessionLaw, m.Attendance,
            m.AuditLog, m.Notification]


def _source_models():
    """What a `source_type` names, for remapping `source_id` (supervised items, vetoes, sanctions)."""
    from portal import models as m
    from portal.models import disputes as d

    return {"agreement_sign": m.Agreement, "agreement_self_assess": m.Agreement, "rectification": m.Finding,
            "finding": m.Finding, "petition": m.Petition, "petition_reopened": m.Petition,
            "petition_visit": m.Petition, "assigned_task": m.AssignedTask, "supervision": m.SupervisedItem,
            "sanction": m.Sanction, "veto": m.VetoEvent, "dispute_tier": d.Dispute, "dispute_visit": d.Dispute}


def multiply(n, seed=1):
    """Add n - 1 copies of the demo's records (call inside an app context, on the demo instance).
    Returns {table: rows after}."""
    from portal import models as m
    from portal.models import disputes as d

    plan = _plan()
    counts = {}
    with database.connection_context():
        stride = {model: (model.select(model.id).order_by(model.id.desc()).scalar() or 0) for model in plan}
        with database.atomic():
            for model in plan:
                if model in (m.Petition, m.Petitioner, d.Dispute, d.DisputeParty):
                    _copy_rows(model, n, stride, random.Random(seed))
                else:
                    for k in range(1, n):
                        _copy_in_sql(model, k, stride)
                if is_postgres():
                    table = model._meta.table_name
                    database.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                         f"(SELECT MAX(id) FROM \"{table}\"))")
                counts[model._meta.table_name] = model.select().count()
    return counts


def _offset(model, field, k, stride):
    """The expression of a field in copy k: ids moved by k strides, the rest as it was."""
    from peewee import Case

    from portal import models as m

    if field is model._meta.primary_key:
        return field + k * stride[model]
    if isinstance(field, ForeignKeyField) and field.rel_model in stride:
        return field + k * stride[field.rel_model]  # NULL stays NULL
    if field.name == "source_id":
        targets = [(key, target) for key, target in _source_models().items() if target in stride]
        return Case(model.source_type, [(key, field + k * stride[target]) for key, target in targets], field)
    if field.name == "year" and model in (m.AgreementTemplate, m.Agreement):
        return field - k
    return field


def _copied_items():
    """The supervised items copied: the core's own and those of the records copied. Items of records that
    are not (disputes, key persons, governance) stay single, else every copy would point at one record."""
    from portal import models as m

    item = m.SupervisedItem
    return item.source_id.is_null() | item.source_type.in_(list(_source_models()))


def _copy_in_sql(model, k, stride):
    """Copy k of a table's original rows in one INSERT ... SELECT."""
    from portal import models as m

    fields = model._meta.sorted_fields
    originals = model.select(*[_offset(model, f, k, stride) for f in fields]).where(
        model._meta.primary_key <= stride[model])
    if model is m.SupervisedItem:
        originals = originals.where(_copied_items())
    elif "item" in model._meta.fields and model._meta.fields["item"].rel_model is m.SupervisedItem:
        copied = m.SupervisedItem.select(m.SupervisedItem.id).where(_copied_items())
        originals = originals.where(model.item.is_null() | model.item.in_(copied))
    model.insert_from(originals, fields).execute()


def _copy_rows(model, n, stride, rng):
    """All copies of a table whose rows need new unique values (petition numbers, ID numbers), row by row."""
    from portal import privacy

    fields = model._meta.sorted_fields
    at = {f.name: i for i, f in enumerate(fields)}
    remap = [(i, f.rel_model) for i, f in enumerate(fields) if isinstance(f, ForeignKeyField) and f.rel_model in stride]
    originals = list(model.select().where(model.id <= stride[model]).order_by(model.id).tuples())
    last_number = {}  # numbers (2026-0007, 纠2026-0007) go on after the demo's, per prefix and year
    numbered = "number" in at
    if numbered:
        for row in originals:
            year, seq = row[at["number"]].rsplit("-", 1)
            last_number[year] = max(last_number.get(year, 0), int(seq))
    rows = []
    for k in range(1, n):
        for original in originals:
            row = list(original)
            row[at["id"]] += k * stride[model]
            for i, target in remap:
                if row[i] is not None:
                    row[i] += k * stride[target]
            if numbered:
                year = row[at["number"]].rsplit("-", 1)[0]
                last_number[year] += 1
                row[at["number"]] = f"{year}-{last_number[year]:04d}"
                row[at["submit_token"]] = None
            elif row[at["id_number"]]:
                # Other people than the demo's: same region and birth date, another serial number.
                row[at["id_number"]] = privacy.with_check_digit(row[at["id_number"]][:14] + f"{rng.randrange(1000):03d}")
            rows.append(row)
    for batch in chunked(rows, max(1, 8000 // len(fields))):
        model.insert_many(batch, fields=fields).execute()


def instance(multiplier, base):
    """A fresh instance at `multiplier` × the demo: a copy of `base` (a demo instance), multiplied.
    Returns (path, {table: rows}) (the counts empty at 1×)."""
    path = copy_instance(base, prefix=f"bench-{multiplier}x-")
    counts = {}
    if multiplier > 1:
        app = create_app({"INSTANCE_PATH": path, **FAST_HASHES})
        with app.app_context():
            counts = multiply(multiplier)
    return path, counts
