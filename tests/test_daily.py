"""Daily use (issue 14): one record per task from above, notifications, and the smaller things users hit."""
import datetime

import pytest

from portal import clock
from portal.models import AssignedTask, SupervisedItem, User
from portal.models.petitions import TASK_ITEM_TYPE


@pytest.fixture
def demo(app):
    with app.app_context():
        from portal.demo import seed

        seed()
    return app


# -- one record type for tasks from above (上级交办) ------------------------------------------------------

def test_the_demo_holds_each_task_from_above_once_and_the_rate_counts_the_overdue_one(demo):
    from portal.petitions.services import task_on_time_rate
    from portal.supervision.forms import FROM_ABOVE

    with demo.app_context():
        # The 督办 core's own tasks are not NPC/CPPCC/leaders' letters: those live as 上级交办 only.
        plain = [i.title for i in SupervisedItem.select().where(SupervisedItem.source_type == "task")]
        assert plain and not [t for t in plain if any(word in t for word in FROM_ABOVE)]
        # Each task from above is one record with one supervised item (the board shows that item).
        tasks = list(AssignedTask.select())
        items = SupervisedItem.select().where(SupervisedItem.source_type == TASK_ITEM_TYPE)
        assert sorted(i.source_id for i in items) == sorted(t.id for t in tasks)
        refs = [(t.source, t.ref_number) for t in tasks]
        assert len(refs) == len(set(refs)), "a reference number appears twice"
        assert ("npc", "建议第 12 号") in refs and ("cppcc", "提案第 3 号") in refs
        # The overdue, unanswered letter is counted: the rate is not 100 %.
        overdue = [t for t in tasks if t.state == "open" and t.due_date < clock.today()]
        assert len(overdue) == 1
        on_time, counted = task_on_time_rate(clock.today().year)
        due = [t for t in tasks if t.state == "replied" or t.due_date < clock.today()]
        assert counted == len(due) and on_time == counted - 1


def test_the_supervision_form_sends_tasks_from_above_to_their_one_place(login_as, world):
    office = login_as("office")
    page = office.get("/supervision/new").get_data(as_text=True)
    assert "人大代表建议" not in page.split('placeholder="')[1].split('"')[0]
    assert "/petitions/tasks/new" in page
    response = office.post("/supervision/new", {"title": "县人大代表建议第12号办理", "unit": world.shop.id,
                                                "description": "请在期限内答复", "start_date": "2026-03-02",
                                                "due_date": "2026-04-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "信访 → 上级交办" in html
    assert "请在期限内答复" in html  # nothing typed is lost
    assert not SupervisedItem.select().where(SupervisedItem.title.contains("人大代表建议")).exists()
