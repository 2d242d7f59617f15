"""Year-end summary benchmark: the whole summary of the demo year — every module's figures
(portal.summary.figures.collect) and the draft composed from them (portal.summary.compose) — for the
whole bureau and for one second-level body, at 1× and 10× the demo, each a fresh SQLite instance.
Prints the median time of the summary at each size, the ratio to 1× and the number of SQL statements.

    .venv/bin/python bench/summary.py [--sizes 1,10] [--runs 5]

Sizes: 1× is portal.demo.seed(); n× is the demo plus n - 1 copies of its records (bench/data.py), and
here also of what the shared plan does not copy and the summary counts: disputes with their parties,
informants' reports, key persons with their categories, visits and requests, governance meetings with
their decisions (numbers made unique per copy). Units, accounts, rosters and laws stay as they are.

Targets: time at 10× at most 3× the time at 1×; the statement count flat (the same at every size).
"""
import argparse
import os
import statistics
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
sys.path.insert(0, os.path.dirname(BENCH))

import data  # noqa: E402
from portal import create_app  # noqa: E402
from portal.db import database  # noqa: E402

TIME_TARGET = 3.0  # the summary at 10× takes at most this many times the summary at 1×
BODY = "SYXB"  # a second-level body's own summary, measured beside the bureau's


def _extra_plan():
    from portal.models.disputes import Dispute, DisputeParty, InformantReport
    from portal.models.governance import Meeting, MeetingDecision
    from portal.models.keypersons import AssistanceRequest, KeyPerson, KeyPersonCategoryLink, KeyPersonVisit

    return [Dispute, DisputeParty, InformantReport, KeyPerson, KeyPersonCategoryLink, KeyPersonVisit,
            AssistanceRequest, Meeting, MeetingDecision]


def multiply_more(n):
    """Add n - 1 copies of the summary's tables that bench/data.py does not copy."""
    plan = _extra_plan()
    with database.connection_context(), database.atomic():
        stride = {model: (model.select(model.id).order_by(model.id.desc()).scalar() or 0) for model in plan}
        for model in plan:
            fields = model._meta.sorted_fields
            for k in range(1, n):
                def value(field):
                    if field.name == "number":  # unique per record: the copy's own
                        return field.concat(f"-{k}")
                    if field.name == "submit_token":
                        return None
                    return data._offset(model, field, k, stride) if model in stride else field

                stride_fields = [value(f) for f in fields]
                originals = model.select(*stride_fields).where(model._meta.primary_key <= stride[model])
                model.insert_from(originals, fields).execute()


def measure(path, runs):
    """(median seconds, statements) of the bureau's summary and the body's, run `runs` times each."""
    from portal import clock
    from portal.models import Unit
    from portal.summary.compose import compose
    from portal.summary.figures import collect

    app = create_app({"INSTANCE_PATH": path, **data.FAST_HASHES})
    results = {}
    with app.app_context(), database.connection_context():
        year = clock.today().year
        db = database.obj
        for code in ("SWJ", BODY):
            unit = Unit.get(Unit.code == code)
            collect(year, unit)  # warm: imports, compiled statements
            times, counts = [], []
            for _ in range(runs):
                statements = []
                original = db.execute_sql

                def counting(sql, params=None, *args, **kwargs):
                    statements.append(sql)
                    return original(sql, params, *args, **kwargs)

                db.execute_sql = counting
                try:
                    started = time.perf_counter()
                    compose(year, unit, collect(year, unit))
                    times.append(time.perf_counter() - started)
                finally:
                    db.execute_sql = original
                counts.append(len(statements))
            results[code] = (statistics.median(times), max(counts))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    base = data.demo_instance()
    rows = {}
    for size in sizes:
        path, counts = data.instance(size, base)
        if size > 1:
            app = create_app({"INSTANCE_PATH": path, **data.FAST_HASHES})
            with app.app_context():
                multiply_more(size)
        with create_app({"INSTANCE_PATH": path, **data.FAST_HASHES}).app_context(), database.connection_context():
            from portal.models import Petition
            from portal.models.disputes import Dispute
            from portal.models.keypersons import KeyPersonVisit

            records = (Petition.select().count(), Dispute.select().count(), KeyPersonVisit.select().count())
        rows[size] = (records, measure(path, args.runs))
    print(f"{'size':>5} {'scope':>6} {'petitions':>9} {'disputes':>8} {'kp visits':>9} {'median ms':>10} "
          f"{'ratio':>6} {'statements':>10}")
    ok = True
    for size, (records, results) in rows.items():
        for code, (seconds, statements) in results.items():
            base_seconds, base_statements = rows[sizes[0]][1][code]
            ratio = seconds / base_seconds
            flat = statements == base_statements
            ok &= flat and (size != 10 or ratio <= TIME_TARGET)
            print(f"{size:>4}× {code:>6} {records[0]:>9} {records[1]:>8} {records[2]:>9} {seconds * 1000:>10.1f} "
                  f"{ratio:>5.2f}× {statements:>10}{'' if flat else ' (not flat)'}")
    print(f"targets: time at 10× ≤ {TIME_TARGET:g}× the time at 1×; statements the same at every size: "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
