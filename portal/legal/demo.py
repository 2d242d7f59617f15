"""Demo data of legal education: rosters and a year of sessions covering the eight laws unevenly."""
import datetime

from .. import clock
from ..demo import GIVEN, SURNAMES
from ..models import Unit, User


def seed():
    """Rosters of realistic sizes and a year's sessions that cover the eight laws unevenly."""
    import random

    from ..legal import services as legal
    from ..models import Law, LegalSession, StaffMember

    if StaffMember.select().exists():
        return 0
    rng = random.Random(2026)
    office = User.get(User.username == "office")
    units = list(Unit.select().where(Unit.kind.not_in(("bureau", "office"))).order_by(Unit.path))
    for unit in units:
        size = rng.randint(10, 80) if unit.level == 3 else rng.randint(6, 15)
        for n in range(1, size + 1):
            name = rng.choice(SURNAMES) + GIVEN[rng.randrange(0, len(GIVEN) - 1, 2)] + \
                (GIVEN[rng.randrange(0, len(GIVEN) - 1, 2) + 1] if rng.random() < 0.6 else "")
            StaffMember.create(unit=unit, name=name, post=rng.choice(["营业员", "会计", "保管员", "驾驶员", "经理", "职工"]),
                               employee_no=f"{unit.code}-{n:03d}", active=rng.random() > 0.05)
    laws = list(Law.select().order_by(Law.sort_order))
    year = clock.today().year
    # Laws further down the catalogue were taught less: coverage falls unevenly, some units miss the target.
    weights = [0.95, 0.9, 0.92, 0.7, 0.55, 0.45, 0.35, 0.5]
    forms = ["lecture", "training", "exam", "contest", "board", "leaflet"]
    for unit in units:
        staff = list(StaffMember.select().where(StaffMember.unit == unit, StaffMember.active == True))  # noqa: E712
        # A few units organised little: only three laws, half their people.
        lagging = unit.code in ("SD315", "RLGS", "ZSHS", "WMCC")
        diligence = 0.5 if lagging else rng.choice([1.0, 1.0, 0.95, 0.8])
        for index, law in enumerate(laws[:3] if lagging else laws):
            share = (0.6 if lagging else weights[index % len(weights)]) * diligence
            people = [s for s in staff if rng.random() < share]
            if not people:
                continue
            held_on = min(datetime.date(year, 1 + (index * 5 + unit.id) % 10, 1 + unit.id % 27), clock.today())
            legal.record_session(unit=unit, held_on=held_on,
                                 form=forms[(index + unit.id) % len(forms)],
                                 title=f"《{law.name.replace('中华人民共和国', '')}》学习", speaker="", notes="",
                                 laws=[law], attendees=people, user=office)
    for session in LegalSession.select().where(LegalSession.form.in_(("exam", "contest"))):
        for attendance in session.attendance:
            attendance.score = rng.randint(62, 100)
            attendance.save()
    return 1


def outside(ctx):
    """A staff member and an exam session of a unit outside the test user's scope (access matrix)."""
    from ..models import Law, StaffMember
    from . import services as legal

    person = StaffMember.create(unit=ctx.unit, name="界外职工", employee_no="X-001")
    law = Law.select().first()
    session = legal.record_session(unit=ctx.unit, held_on=clock.today(), form="exam", title="界外普法", speaker="",
                                   notes="", laws=[law], attendees=[person], user=ctx.office)
    return {"staff_id": person.id, "session_id": session.id, "attendance_id": session.attendance.first().id,
            "law_id": law.id}
