"""The leaders' year view and the wall display: figures beside last year's, each chart series against a
count taken here from the records one by one, the red items, the display-only session (it loads the
display and is refused everything else), and a query count flat in the number of records."""
import datetime
import itertools
from collections import Counter

import pytest
from conftest import PortalClient, login
from test_access import _fill, fingerprint, routes

from portal import clock, modules
from portal.agreements import grading
from portal.models import (Agreement, AuditLog, ExtensionRequest, Finding, InspectionRound, Petition,
                           PetitionCategory, StaffMember, SupervisedItem, VetoEvent)
from portal.models.disputes import Dispute, DisputeCategory
from portal.models.governance import ContactUnit
from portal.models.supervision import STATES
from portal.summary.charts import Chart, Row, Series
from portal.summary.figures import Figure
from portal.summary.yearview import (TIER_LABELS, agreement_grades, disputes_by_tier, findings_by_state,
                                     legal_coverage, petitions_by_month, red_items)

YEAR = clock.today().year
SERIAL = itertools.count()


@pytest.fixture
def provider(monkeypatch):
    """A module's figures as a module would declare them (`@module.figures`): a count that depends on the
    year, a rate, and a list of names."""
    calls = []

    def figures(year, unit):
        calls.append((year, unit.id))
        return [Figure("test.cases", "测试登记件次", 40 + year - YEAR, "件", f"/petitions/?year={year}"),
                Figure("test.rate", "测试按期率", 87.5 if year == YEAR else 90.0, "%"),
                Figure("test.names", "测试单位", ["甲单位", "乙单位"] if year == YEAR else ["丙单位"])]

    summary = next(m for m in modules.manifests() if m.name == "summary")
    monkeypatch.setattr(summary, "year_figures", [figures])
    return calls


def test_year_page_shows_this_and_last_years_figures(login_as, world, provider):
    page = login_as("leader").get(f"/summary/year?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html[html.index("测试登记件次"):html.index("测试按期率")]
    assert ">40 件<" in row and ">39 件<" in row and "+1" in row and f'href="/petitions/?year={YEAR}"' in row
    row = html[html.index("测试按期率"):html.index("测试单位")]
    assert "87.5 %" in row and "90 %" in row and "-2.5" in row
    assert "甲单位、乙单位" in html and "丙单位" in html
    # Counted over the whole bureau (its root unit), for the year shown and the one before.
    assert sorted(provider) == [(YEAR - 1, world.bureau.id), (YEAR, world.bureau.id)]
    # Another year switches both columns.
    html = login_as("office").get(f"/summary/year?year={YEAR - 3}").get_data(as_text=True)
    assert ">37 件<" in html and ">36 件<" in html


@pytest.mark.parametrize("role", ["unit_head", "unit_clerk", "informant", "inspector"])
def test_only_leaders_office_and_admin_open_the_year_page(login_as, role):
    assert login_as(role).get("/summary/year").status_code == 403


# -- records for the charts and red items -----------------------------------------------------------------

def _petition(world, office, on, headcount):
    from portal.petitions import services as ps

    p, _ = ps.register(received_on=on, channel="visit", headcount=headcount, concerned_unit=world.shop,
                       category=PetitionCategory.select().first(), title="测试信访", request="测试诉求", user=office,
                       persons=[ps.PersonInput("测试信访人", "", "", True)])
    return p


def _dispute(world, office, unit, risk="low"):
    from portal.disputes import services as ds

    d, _ = ds.register(reported_on=clock.today(), title="测试纠纷", summary="测试纠纷概况",
                       category=DisputeCategory.select().first(), source="screening", unit=unit, headcount=2,
                       risk=risk, reasons=["group"] if risk == "high" else [], complexity="simple",
                       parties=[ds.PartyInput("测试当事人", "person", "", "")], user=office)
    return d


def _finding(world, office, inspector, unit, n):
    from portal.inspections import services as insp

    n = f"{n}-{next(SERIAL)}"
    checklist = insp.save_checklist(None, f"测试清单{n}", "组织领导 | 一把手负责制落实 | 查阅资料 | 10", office)
    round_ = insp.create_round(title=f"测试督查{n}", start_date=clock.today(), end_date=clock.today(),
                               template=checklist, inspectors=[inspector], units=[unit], user=office)
    round_ = insp.advance(round_, office)
    return insp.raise_finding(round_, unit, inspector, description="测试问题", severity="minor",
                              requirement="限期整改", deadline=clock.today())


def make_records(app, world, size=1):
    """Petitions in several months (some group), disputes held and settled at different tiers, findings
    in different states, staff and a session for coverage; `size` times over."""
    office, inspector = world.user("office"), world.user("inspector")
    with app.app_context():
        for n in range(size):
            for month, headcount in ((1, 1), (1, 6), (3, 7), (5, 1), (11, 2)):
                _petition(world, office, datetime.date(YEAR, month, 10 + n % 10), headcount)
            for unit, risk in ((world.shop, "low"), (world.branch, "high"), (world.other_shop, "medium")):
                _dispute(world, office, unit, risk)
            settled = _dispute(world, office, world.shop)
            Dispute.update(state="closed", outcome="settled", outcome_tier=1).where(Dispute.id == settled.id).execute()
            partly = _dispute(world, office, world.other_shop)
            Dispute.update(state="partly", outcome="partly", outcome_tier=2).where(Dispute.id == partly.id).execute()
            moved = _dispute(world, office, world.shop)
            Dispute.update(tier=2).where(Dispute.id == moved.id).execute()
            for unit, state in ((world.shop, "closed"), (world.other_shop, "assigned"), (world.branch, "reported")):
                finding = _finding(world, office, inspector, unit, f"{n}{state}")
                SupervisedItem.update(state=state).where(SupervisedItem.source_type == "rectification",
                                                         SupervisedItem.source_id == finding.id).execute()


def test_each_chart_series_equals_a_count_of_the_records(app, world, outside):
    make_records(app, world)
    office = world.user("office")
    with app.app_context():
        # 信访 per month: the cases of the year one by one.
        months = Counter((p.received_on.month, p.is_group) for p in Petition.select().where(Petition.year == YEAR))
        chart = petitions_by_month(office, YEAR)
        for m in range(1, 13):
            assert chart.value_of(f"{m}月", 0) == months[(m, False)]
            assert chart.value_of(f"{m}月", 1) == months[(m, True)]
        assert sum(chart.totals()) == Petition.select().where(Petition.year == YEAR).count() >= 6

        # Disputes by tier and outcome.
        chart = disputes_by_tier(office, YEAR)
        expected = Counter()
        for d in Dispute.select().where(Dispute.year == YEAR):
            tier = d.outcome_tier if d.outcome_tier is not None else d.tier
            expected[(tier, "open" if d.state == "open" else d.outcome)] += 1
        series = ["open", "settled", "partly", "transferred"]
        for tier, label in enumerate(TIER_LABELS):
            for i, key in enumerate(series):
                assert chart.value_of(label, i) == expected[(tier, key)], (label, key)
        assert chart.value_of("二级机构", 1) == 1 and chart.value_of("二级机构", 0) == 1

        # Findings of the year's rounds by the state of their rectification, overdue apart.
        chart = findings_by_state(office, YEAR)
        states = Counter()
        for f in Finding.select().join(InspectionRound).where(InspectionRound.start_date.year == YEAR):
            item = SupervisedItem.get(SupervisedItem.source_type == "rectification", SupervisedItem.source_id == f.id)
            states[item.state] += 1
        for key, label in STATES.items():
            assert chart.value_of(label, 0) + chart.value_of(label, 1) == states[key], key
        assert chart.value_of("已销号", 0) == 1


def test_agreement_grades_and_coverage_charts(app, world, outside):
    office, clerk = world.user("office"), world.user("unit_clerk")
    with app.app_context():
        from portal.agreements import services as agreements
        from portal.legal import services as legal
        from portal.models import AgreementTemplate, Law, TemplateItem

        template = AgreementTemplate.get(AgreementTemplate.year == 2026)
        issued = agreements.issue(template, [world.shop, world.branch, world.other_branch], office)
        for agreement, total in zip(issued, (95, 85, 50)):
            Agreement.update(state="assessed", total=total).where(Agreement.id == agreement.id).execute()
        chart = agreement_grades(office, 2026)
        graded = Counter(grading.grade(a).grade or "未考核"
                         for a in Agreement.select().where(Agreement.year == 2026, Agreement.state != "draft"))
        for grade in grading.GRADES:
            assert chart.value_of(grade) == graded[grade]
        assert graded["未考核"] == 1  # the one issued in `outside`, not assessed: said under the chart
        assert chart.note == "另有 1 份责任书尚未考核。"
        assert (chart.value_of("优秀"), chart.value_of("良好"), chart.value_of("不合格")) == (1, 1, 1)

        staff = [StaffMember.create(unit=world.shop, name=f"职工{n}", employee_no=f"{n}") for n in range(4)]
        law = Law.select().order_by(Law.sort_order).first()
        legal.record_session(unit=world.shop, held_on=clock.today(), form="lecture", title="测试讲座", speaker="",
                             notes="", laws=[law], attendees=staff[:3], user=clerk)
        chart = legal_coverage(office, YEAR)
        assert chart.value_of(world.shop.name, 1) == 75.0  # 3 of 4 people, below the 90% target
        assert chart.value_of(world.shop.name, 0) == 0


def test_red_items_are_counted(app, world, outside, login_as):
    leader = world.user("leader")
    with app.app_context():
        from portal.supervision.services import supervise

        _dispute(world, world.user("office"), world.branch, "high")
        past = clock.today() - datetime.timedelta(days=5)
        ContactUnit.create(leader=leader, unit=world.shop, year=YEAR)
        supervise("task", unit=world.shop, title="逾期事项", due_date=past, start_date=past - datetime.timedelta(days=9))
        supervise("task", unit=world.branch, title="非联系单位逾期", due_date=past,
                  start_date=past - datetime.timedelta(days=9))
        red = {r.label: r for r in red_items(leader)}
    assert red["待确认的一票否决"].count == VetoEvent.select().where(VetoEvent.state == "proposed").count() == 1
    pending = ExtensionRequest.select().where(ExtensionRequest.state == "pending").count()
    assert red["待审批的延期申请"].count == pending == 1
    assert red["在办的高风险矛盾纠纷"].count == Dispute.select().where(
        Dispute.risk == "high", Dispute.state == "open").count() == 1
    # Only the leader's own contact unit's overdue item.
    assert red["我联系单位的逾期事项"].count == 1
    html = login_as(leader).get("/summary/year").get_data(as_text=True)
    assert 'href="/veto/?state=proposed"' in html and 'href="/governance/leader"' in html


def test_the_year_page_and_the_display_cost_the_same_queries_with_more_records(app, world, outside, login_as,
                                                                               count_queries):
    client = login_as("leader")
    make_records(app, world)
    client.get("/summary/year")  # warm: settings and categories read once
    counts = []
    for size in (0, 3):
        make_records(app, world, size=size)
        with count_queries() as year_page:
            assert client.get("/summary/year").status_code == 200
        with count_queries() as display:
            assert client.get("/summary/display", htmx=True).status_code == 200
        counts.append((year_page.count, display.count))
    assert counts[0] == counts[1], counts
    assert Petition.select().count() >= 20


# -- the display-only session ---------------------------------------------------------------------------

def open_display(app, world, role="office"):
    user = world.user(role)
    flask_client = app.test_client()
    login(flask_client, user.username)
    client = PortalClient(flask_client, user)
    response = client.post("/summary/display/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/summary/display")
    return client


def test_display_session_loads_the_display_and_is_audited(app, world):
    client = open_display(app, world)
    row = AuditLog.select().where(AuditLog.action == "display_open").get()
    assert row.actor_id == world.user("office").id
    page = client.get("/summary/display")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "数据大屏" in html and 'hx-trigger="every 60s"' in html
    # No form, link or script of its own; only the local htmx.
    assert "<form" not in html and "<a " not in html and "https://" not in html.replace("https://www.w3.org", "")
    fragment = client.get("/summary/display", htmx=True)
    assert fragment.status_code == 200 and fragment.get_data(as_text=True).lstrip().startswith("<main id=\"wall\"")


def test_display_session_is_refused_every_other_route(app, world, outside):
    client = open_display(app, world)
    # A CSRF token, so that POSTs reach the access check rather than stop at the token check.
    refused = client.raw.get("/").get_data(as_text=True)
    token = refused.split('"X-CSRFToken": "')[1].split('"')[0]
    assert "<form" not in refused and "mainnav" not in refused  # the refusal offers no menu, no logout
    before = fingerprint()
    allowed = []
    for rule, method in routes(app):
        url = _fill(rule, outside)
        if method == "GET":
            response = client.raw.get(url)
        else:
            response = client.raw.post(url, data={"csrf_token": token}, headers={"X-CSRFToken": token})
        if response.status_code != 403:
            allowed.append((method, url, response.status_code))
    assert allowed == [("GET", "/summary/display", 200)]
    assert fingerprint() == before
    assert client.raw.get("/summary/display").status_code == 200  # still the display, after all that


def test_display_session_does_not_idle_out_and_ends_with_a_logout(app, world):
    client = open_display(app, world)
    normal = PortalClient(app.test_client(), world.user("leader"))
    login(normal.raw, "leader_t-zg")
    assert normal.get("/summary/year").status_code == 200 and client.get("/summary/display").status_code == 200
    clock.set_frozen(clock.now() + app.config["IDLE_TIMEOUT"] * 3)
    assert client.get("/summary/display").status_code == 200
    assert normal.get("/summary/year").status_code == 302  # an ordinary session has timed out
    # The account logs out elsewhere: the display ends, and its next poll goes to the login page.
    with app.app_context():
        from portal.auth.services import logout

        logout(world.user("office"))
    response = client.get("/summary/display", htmx=True)
    assert response.headers.get("HX-Redirect", "").startswith("/login")
    assert client.get("/summary/display").status_code == 302


@pytest.mark.parametrize("role", ["unit_head", "unit_clerk", "informant", "inspector"])
def test_only_authorised_accounts_open_the_display(login_as, role):
    client = login_as(role)
    assert client.post("/summary/display/open").status_code == 403
    assert client.get("/summary/display").status_code == 403
    assert AuditLog.select().where(AuditLog.action == "display_open").count() == 0


# -- the chart helper -------------------------------------------------------------------------------------

def test_charts_scale_bars_to_a_rounded_maximum_and_draw_the_target():
    from portal.summary.charts import columns, hbars, nice_max

    assert [nice_max(v) for v in (0, 1, 7, 12, 50, 51)] == [1, 1, 10, 20, 50, 100]
    chart = Chart("测试", [Series("甲", "#000"), Series("乙", "#111")], [Row("一", (2, 3), "/x"), Row("二", (10, 0))])
    drawing = hbars(chart, width=600, font=10)
    one, two = [r for r in drawing.rects if r.tip.startswith("一")], [r for r in drawing.rects if r.tip.startswith("二")]
    assert len(one) == 2 and one[1].x == one[0].x + one[0].w and one[0].url == "/x"
    assert sum(r.w for r in one) == pytest.approx(two[0].w / 2, abs=0.2)  # 5 of 10
    assert "二 乙" not in " ".join(r.tip for r in drawing.rects)  # a zero draws nothing
    percent = Chart("覆盖", [Series("率", "#000")], [Row("单位", (45.0,))], percent=True, target=90)
    drawing = hbars(percent, width=600, font=10)
    assert "目标 90%" in [t.text for t in drawing.texts] and len(drawing.lines) == 1
    assert not columns(Chart("空", [Series("件", "#000")], [Row("1月", (0,))])).rects
