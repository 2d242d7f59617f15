"""Coverage page benchmark: the 普法 coverage matrix at the demo's size, at the reference size
(20 units × 8 laws × 2,000 staff × 10,000 attendance rows) and at 10× the reference, each in a
fresh SQLite instance, in one run. Prints the median page time of each and the ratios to the demo.

    .venv/bin/python bench/coverage.py [--runs 5]

The coverage is three aggregate queries whatever the size (no query per cell), so the time should
grow far less than the data.
"""
import argparse
import datetime
import os
import random
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from portal import clock, create_app  # noqa: E402
from portal.db import database, migrate  # noqa: E402

PASSWORD = "bench-password-1"


def build(units, staff, attendance):
    """A fresh instance with the given volumes; returns a logged-in test client."""
    # Enough sessions that every unit has more (session, person) pairs than attendance rows to draw.
    sessions_per_unit = max(4, 2 * attendance // staff + 1)
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-coverage-"), "ARGON2_TIME_COST": 1,
                      "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})
    with app.app_context():
        migrate()
        from portal.legal import services as legal
        from portal.models import Law, LegalSession, SessionLaw, StaffMember
        from portal.units.services import create_unit
        from portal.users.services import create_user

        rng = random.Random(1)
        bureau = create_unit(name="局", code="B", kind="bureau", parent=None)
        office = create_user(username="office", display_name="办", role="office", unit=bureau, password=PASSWORD)
        unit_rows = [create_unit(name=f"单位{n}", code=f"U{n}", kind="grassroots", parent=bureau) for n in range(units)]
        laws = list(Law.select())
        year = clock.today().year
        with database.atomic():
            people = [{"unit": unit_rows[i % units].id, "name": f"职工{i}", "employee_no": f"{i:06d}",
                       "active": True, "post": "", "created_at": clock.now()} for i in range(staff)]
            for start in range(0, staff, 2000):  # stay under SQLite's bound-parameter limit
                StaffMember.insert_many(people[start:start + 2000]).execute()
            session_ids, sessions = [], {}
            for unit in unit_rows:
                for k in range(sessions_per_unit):
                    s = LegalSession.create(unit=unit, held_on=datetime.date(year, 1 + k % 12, 1), form="lecture",
                                            title="学习", created_by=office)
                    chosen = [law.id for law in rng.sample(laws, 3)]
                    SessionLaw.insert_many([{"session": s.id, "law": law_id} for law_id in chosen]).execute()
                    session_ids.append((unit.id, s.id))
                    sessions[s.id] = (s, chosen)
            by_unit = {}
            for sid, uid in StaffMember.select(StaffMember.id, StaffMember.unit).tuples():
                by_unit.setdefault(uid, []).append(sid)
            people_at, seen = {}, set()
            while len(seen) < attendance:
                unit_id, session_id = rng.choice(session_ids)
                person = rng.choice(by_unit[unit_id])
                if (session_id, person) not in seen:
                    seen.add((session_id, person))
                    people_at.setdefault(session_id, []).append(person)
            for session_id, people in people_at.items():  # through the service: it keeps the reach summary
                session, law_ids = sessions[session_id]
                legal.add_attendees(session, law_ids, people)
    client = app.test_client()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "office", "password": PASSWORD, "csrf_token": token})
    return client


def page_time(client, runs):
    year = clock.today().year
    assert client.get(f"/legal/coverage?year={year}").status_code == 200  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(f"/legal/coverage?year={year}", headers={"HX-Request": "true"})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = [("demo", 22, 836, 2500), ("reference", 20, 2000, 10000), ("10x reference", 20, 20000, 100000)]
    results = []
    for label, units, staff, attendance in sizes:
        client = build(units, staff, attendance)
        results.append((label, units, staff, attendance, page_time(client, args.runs)))
    base = results[0][4]
    for label, units, staff, attendance, seconds in results:
        print(f"{label:14s} {units:3d} units {staff:6d} staff {attendance:7d} attendance: "
              f"{seconds * 1000:7.1f} ms  ({seconds / base:.1f}x demo)")


if __name__ == "__main__":
    main()
