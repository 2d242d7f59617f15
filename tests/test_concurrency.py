"""Writers at once through the pages (threads, each with its own session and database connection, on
SQLite and PostgreSQL alike): no 5xx, no lost write, running numbers never shared, and a "check then
write" step taken by several people at the same moment happens once, the others told why."""
import threading

from portal import clock
from portal.models import AuditLog, Petition, PetitionCategory

TITLE = "并发登记"


def run_all(work, count):
    """Run work(n) in `count` threads at once; returns the exceptions raised."""
    errors, start = [], threading.Barrier(count)

    def run(n):
        try:
            start.wait()
            work(n)
        except Exception as exc:  # noqa: BLE001 - asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def intake(world, n, k, category):
    return {"token": f"tok-{n}-{k}", "received_on": clock.today().isoformat(), "channel": "letter", "headcount": "1",
            "concerned_unit": str(world.shop.id), "category": str(category), "title": f"{TITLE}{n}-{k}",
            "request": "要求补发工资", "persons-0-name": f"并发{n}号"}


def test_registrations_at_once_are_all_kept_with_numbers_of_their_own(app, world, login_as):
    with app.app_context():
        category = PetitionCategory.select().first().id
    clients = [login_as("office") for _ in range(6)]
    statuses = []

    def work(n):
        for k in range(5):
            statuses.append(clients[n].post("/petitions/new", data=intake(world, n, k, category)).status_code)

    assert run_all(work, len(clients)) == []
    assert statuses == [302] * 30
    with app.app_context():
        cases = list(Petition.select().where(Petition.title.startswith(TITLE)))
        assert sorted(p.title for p in cases) == sorted(f"{TITLE}{n}-{k}" for n in range(6) for k in range(5))
        assert len({p.number for p in cases}) == 30


def test_one_case_accepted_by_four_people_at_once_is_accepted_once(app, world, login_as):
    with app.app_context():
        category = PetitionCategory.select().first().id
    clients = [login_as("office") for _ in range(4)]
    assert clients[0].post("/petitions/new", data=intake(world, 0, 0, category)).status_code == 302
    with app.app_context():
        case = Petition.get(Petition.title == f"{TITLE}0-0")
    answers = []

    def work(n):
        answers.append(clients[n].post(f"/petitions/{case.id}/step/accept", htmx=True,
                                       data={"version": str(case.version), "on": clock.today().isoformat(),
                                             "note": f"受理{n}"}))

    assert run_all(work, len(clients)) == []
    assert sorted(a.status_code for a in answers) == [200, 422, 422, 422]
    # Each other one is told: the case moved on before (不能受理) or while (已过期) they took the step.
    assert all("不能受理" in a.get_data(as_text=True) or "已过期" in a.get_data(as_text=True)
               for a in answers if a.status_code == 422)
    with app.app_context():
        assert Petition.get_by_id(case.id).state == "accepted"
        assert AuditLog.select().where(AuditLog.object_type == "petition", AuditLog.object_id == case.id,
                                       AuditLog.action == "accept").count() == 1
