"""Every step that waits on a person is on that person's 待办: every transition of every module's
workflow names the to-do that covers it (portal/workflow.py), and the demo's waiting work shows up."""
from portal import modules, workflow
from portal.models import User
from portal.supervision import services as supervision
from portal.workflow import OPTIONAL, Transition, Workflow


def module_workflows():
    """The workflows of the modules in portal.modules.MODULES (not the ones tests declare for themselves)."""
    models = set(modules.all_models())
    return [flow for flow in workflow.REGISTRY if flow.model in models]


def gaps(flows, keys):
    """'object.action: why' for each transition without a to-do, or naming one that does not exist."""
    found = []
    for flow in flows:
        for action, t in flow.transitions.items():
            if t.todo is None:
                found.append(f"{flow.object_type}.{action}（{t.label}）: no to-do declared")
            elif t.todo not in keys | {workflow.OPTIONAL, workflow.AUTOMATIC}:
                found.append(f"{flow.object_type}.{action}（{t.label}）: unknown to-do {t.todo!r}")
    return found


def test_every_transition_of_every_module_names_an_existing_todo(app):
    with app.app_context():
        flows = module_workflows()
        # The walk reaches every module with states (a module added later is walked the same way).
        assert {"agreement", "veto", "round", "item_result", "petition", "supervision"} <= {
            f.object_type for f in flows}
        assert gaps(flows, supervision.todo_keys()) == []


def test_the_walk_fails_on_a_step_without_a_todo_and_on_an_unknown_one(app):
    with app.app_context():
        from portal.models import VetoEvent

        flow = Workflow(VetoEvent, "veto_test_gap", {
            "covered": Transition("确认", ("a",), "b", "veto.decide", todo="veto.leader_todos"),
            "optional": Transition("撤回", ("a",), "c", "veto.withdraw", todo=OPTIONAL),
            "forgotten": Transition("审核", ("b",), "d", "veto.decide"),
            "misspelt": Transition("复核", ("b",), "e", "veto.decide", todo="veto.no_such_provider"),
        })
        try:
            found = gaps([flow], supervision.todo_keys())
        finally:
            workflow.REGISTRY.remove(flow)
        assert len(found) == 2
        assert found[0].startswith("veto_test_gap.forgotten") and "no to-do" in found[0]
        assert found[1].startswith("veto_test_gap.misspelt") and "unknown" in found[1]


def test_providers_counts_match_their_lists(app, demo):
    """The nav badge counts what the list shows, for every provider that counts in SQL."""
    with app.app_context():
        for user in User.select():
            for provider in modules.collect("todo_providers"):
                if hasattr(provider, "count"):
                    assert provider.count(user) == len(provider(user)), (provider.todo_key, user.username)
            assert supervision.todo_count(user) == len(supervision.todo_for(user)), user.username


def test_the_demo_waiting_work_is_on_each_persons_todo(app, demo):
    """Office scores the self-assessed agreements, the leader approves the assessed ones, 315商店's head has
    the open appeal window of its confirmed veto, the inspector the round under way."""
    with app.app_context():
        from portal.models import Agreement, InspectionRound, VetoEvent


        def actions(username):
            return [(t.action, t.title, t.urgency.colour if t.urgency else None)
                    for t in supervision.todo_for(User.get(User.username == username))]

        office, leader = actions("office"), actions("leader")
        self_assessed = Agreement.select().where(Agreement.state == "self_assessed").count()
        assessed = Agreement.select().where(Agreement.state == "assessed").count()
        assert self_assessed and assessed
        assert sum(1 for a in office if a[0] == "考核评分") == self_assessed
        assert sum(1 for a in leader if a[0] == "审定归档") == assessed
        assert not any(a[0] == "审定归档" for a in office)

        veto = VetoEvent.get(VetoEvent.state == "confirmed")
        head = actions("head_315")
        appeal = [a for a in head if a[0].startswith("确认或申诉")]
        assert len(appeal) == 1 and appeal[0][2] in ("normal", "blue")
        assert not any(a[0].startswith("确认或申诉") for a in actions("head_waimao"))

        under_way = InspectionRound.get(InspectionRound.state == "in_progress")
        inspector = actions("inspector")
        assert ("记录检查结果", under_way.title) in [(a[0], a[1]) for a in inspector]
        assert veto.appeal_due is not None


def test_each_sources_first_rows_merge_into_the_same_pages_as_the_whole_list(app, demo):
    """待办 pages merge every source's first (page × size) to-dos, limited in SQL: the same rows in the
    same order as slicing the whole list, for every user, page and page size; and each provider keeps
    to its limit."""
    with app.app_context():
        checked = 0
        for user in User.select():
            whole = supervision.todo_for(user)
            for size in (1, 3, 7):
                for number in range(1, len(whole) // size + 2):
                    top = supervision.todo_for(user, limit=number * size)
                    assert top[(number - 1) * size: number * size] == whole[(number - 1) * size: number * size], (
                        user.username, size, number)
                    checked += 1
            for provider in modules.collect("todo_providers"):
                assert len(provider(user, limit=2)) <= 2 * 2  # a provider with two kinds of work gives 2 of each
        assert checked > 100


def test_the_todo_page_runs_as_many_statements_whatever_waits(app, world, login_as, count_queries):
    """The office's 待办 page: the statement count does not grow with the petitions waiting at the desk,
    and the page shows the most pressing (the overdue acceptance first)."""
    import datetime

    from portal import clock
    from portal.models import Petition, PetitionCategory

    def waiting(n, received_on, prefix):
        with app.app_context():
            category = PetitionCategory.get_or_create(name="拖欠工资")[0]
            for k in range(n):
                Petition.create(number=f"2026-{prefix}{k:03d}", year=2026, received_on=received_on, channel="letter",
                                category=category, title=f"待受理{prefix}{k}", request="补发工资",
                                accept_due=received_on + datetime.timedelta(days=15))

    today = clock.today()
    office = login_as("office")
    waiting(3, today, "1")
    office.get("/todo")
    with count_queries() as few:
        assert office.get("/todo").status_code == 200
    waiting(60, today, "2")
    waiting(1, today - datetime.timedelta(days=30), "3")  # overdue: first on page 1
    with count_queries() as many:
        body = office.get("/todo").get_data(as_text=True)
    assert many.count <= few.count + 1
    assert "待受理30" in body and body.index("待受理30") < body.index("待受理1")
    assert body.count("待受理") == app.config["PAGE_SIZE"]
