"""The year-end summary's figures and prose: each of the issue's 14 items counted again here from the
records by plain queries (on the demo and on records added here, inside and outside the scope and the
year), the seed's phrasing with the right numbers, the conditional sentences switching when the records
change, a body's scope, compose as a pure function, and collect's statements flat in the records."""
import datetime
import re

import pytest

from portal import clock
from portal.models import (Accountability, Agreement, AssignedTask, Attendance, Finding, InspectionRound, LawReach,
                           LegalSession, Petition, PetitionCategory, Petitioner, PetitionVisit, RoundUnit, SessionLaw,
                           StaffMember, SupervisedItem, Unit, VetoEvent)
from portal.models.disputes import Dispute, DisputeCategory, InformantReport
from portal.models.keypersons import (AssistanceRequest, KeyPerson, KeyPersonCategory, KeyPersonCategoryLink,
                                      KeyPersonVisit)
from portal.models.governance import GroupMember, LeadingGroup, Meeting, MeetingDecision
from portal.models.supervision import OPEN_STATES as ITEM_OPEN
from portal.petitions import clocks
from portal.petitions import services as ps
from portal.summary.compose import compose
from portal.summary.figures import collect

YEAR = 2026
TODAY = datetime.date(YEAR, 12, 20)
D = datetime.timedelta
GOOD_ID = "430102198001011237"


def at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def values(figures):
    return {k: f.value for k, f in figures.items()}


def text_of(sections):
    return "\n".join(p.text for s in sections for p in s.paragraphs)


def paragraph(sections, pid):
    found = [p for s in sections for p in s.paragraphs if p.id == pid]
    return found[0] if found else None


# -- the figures counted again, independently: plain queries and Python over the rows ------------------

def expected(year, unit):
    """The 14 items' figures of `year` over `unit`'s subtree, counted here from the records."""
    whole = unit.parent_id is None
    ids = {u.id for u in Unit.select() if u.path.startswith(unit.path)}
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    today = clock.today()

    def mine(unit_id):
        return whole or unit_id in ids

    e = {}
    # 1. group petitions
    cases = [p for p in Petition.select() if whole or p.unit_id in ids or p.concerned_unit_id in ids]
    this_year = [p for p in cases if p.year == year]
    groups = [p for p in this_year if p.is_group]
    e["petitions.group_cases"] = len(groups)
    e["petitions.group_people"] = sum(p.headcount for p in groups)
    e["petitions.group_escalated"] = sum(1 for p in groups if p.escalated)
    # 2. individual and backlog cases resolved (the module's own Python rule of a backlog case)
    answered = ("replied", "visited", "closed")
    e["petitions.individual_resolved"] = sum(1 for p in this_year if not p.is_group and p.state in answered)
    resolved = [p for p in cases if clocks.backlog_since(p, today) and not p.is_open
                and (p.closed_on or p.replied_on) and start <= (p.closed_on or p.replied_on) <= end]
    e["petitions.backlog_resolved"] = len(resolved)
    e["petitions.backlog_resolved_units"] = sorted({(p.concerned_unit or p.unit).name for p in resolved})
    e["petitions.backlog_open"] = sum(1 for p in this_year if clocks.is_backlog(p, today))
    # 3. tasks from above by kind, answered on time
    tasks = [t for t in AssignedTask.select() if t.year == year and mine(t.unit_id)]
    for source, key in (("npc", "tasks_npc"), ("cppcc", "tasks_cppcc"), ("leading_group", "tasks_leading_group"),
                        ("county_leader", "tasks_county_leader")):
        e[f"petitions.{key}"] = sum(1 for t in tasks if t.source == source)
    e["petitions.tasks_on_time"] = sum(1 for t in tasks if t.replied_on and t.replied_on <= t.due_date)
    e["petitions.tasks_late"] = sum(1 for t in tasks if (t.replied_on and t.replied_on > t.due_date)
                                    or (t.replied_on is None and t.due_date < today))
    # 4. follow-up visits and satisfaction
    visits = {}
    for v in PetitionVisit.select().order_by(PetitionVisit.id):
        visits[v.petition_id] = v.satisfaction  # the latest
    e["petitions.visited"] = sum(1 for p in this_year if p.id in visits)
    e["petitions.satisfied"] = sum(1 for p in this_year if visits.get(p.id) in ("satisfied", "basic"))
    # 5. key persons under 一包一
    persons = [k for k in KeyPerson.select() if k.state == "active" and mine(k.unit_id)]
    e["keypersons.registered"] = len(persons)
    for category in KeyPersonCategory.select():
        e[f"keypersons.category_{category.id}"] = sum(
            1 for link in KeyPersonCategoryLink.select().where(KeyPersonCategoryLink.category == category.id)
            if link.person_id in {k.id for k in persons})
    in_scope = {k.id for k in KeyPerson.select() if mine(k.unit_id)}
    year_visits = [v for v in KeyPersonVisit.select() if v.person_id in in_scope and start <= v.visited_on <= end]
    e["keypersons.visits"] = len(year_visits)
    e["keypersons.visits_on_time"] = sum(1 for v in year_visits if v.due_on is None or v.visited_on <= v.due_on)
    requests = [r for r in AssistanceRequest.select() if r.person_id in in_scope and r.year == year]
    e["keypersons.requests_solved"] = sum(1 for r in requests if r.outcome == "solved")
    e["keypersons.amount_paid"] = float(sum(r.amount or 0 for r in requests))
    numbers = {k.id_number for k in KeyPerson.select() if k.id in in_scope and k.id_number}
    e["keypersons.group_petitions"] = len({p.petition_id for p in Petitioner.select() if p.id_number in numbers
                                           and p.petition.is_group and p.petition.year == year})
    # 6. legal education
    held = [s for s in LegalSession.select() if start <= s.held_on <= end and mine(s.unit_id)]
    e["legal.sessions"] = len(held)
    for form in ("lecture", "training", "contest", "exam", "board", "leaflet"):
        e[f"legal.form_{form}"] = sum(1 for s in held if s.form == form)
    taught = {sl.law_id for sl in SessionLaw.select() if sl.session_id in {s.id for s in held}}
    from portal.models import Law
    e["legal.laws"] = [law.name for law in Law.select().order_by(Law.sort_order, Law.id) if law.id in taught]
    from portal.legal.services import plan_for
    plan_laws = {law.id for law in plan_for(year)[1]}
    staff = [s for s in StaffMember.select() if s.active and s.unit.active and mine(s.unit_id)]
    reached = {r.staff_id for r in LawReach.select() if r.year == year and r.law_id in plan_laws}
    e["legal.headcount"] = len(staff)
    e["legal.reached"] = sum(1 for s in staff if s.id in reached)
    # 7. leading groups, duties
    active_groups = [g for g in LeadingGroup.select() if g.active and mine(g.unit_id)]
    e["governance.groups_bureau"] = sum(1 for g in active_groups if g.unit.level == 1)
    e["governance.groups_bodies"] = sum(1 for g in active_groups if g.unit.level == 2)
    day = min(today, end)
    members = [m for m in GroupMember.select() if m.group_id in {g.id for g in active_groups}
               and m.start_date <= day and (m.end_date is None or m.end_date > day)]
    e["governance.members"] = len(members)
    e["governance.duties"] = sum(1 for m in members if m.duty)
    # 8. agreements signed by every unit's 一把手
    agreements = [a for a in Agreement.select() if a.year == year and a.state != "draft" and mine(a.unit_id)]
    e["agreements.issued"] = len(agreements)
    e["agreements.signed"] = sum(1 for a in agreements if a.signed_at)
    e["agreements.unsigned_units"] = sorted(a.unit.name for a in agreements if not a.signed_at)
    # 9. disputes, the two tier rates, county, 激化
    disputes = [d for d in Dispute.select() if d.year == year and mine(d.unit_id)]
    settled = [d for d in disputes if d.outcome == "settled"]
    ordinary = [d for d in settled if d.complexity in ("simple", "ordinary")]
    e["disputes.screened"] = len(disputes)
    e["disputes.settled"] = len(settled)
    e["disputes.second_level_rate"] = (round(100.0 * sum(1 for d in ordinary if d.outcome_tier <= 1) / len(ordinary), 1)
                                       if ordinary else None)
    e["disputes.bureau_rate"] = (round(100.0 * sum(1 for d in settled if d.outcome_tier <= 2) / len(settled), 1)
                                 if settled else None)
    e["disputes.county"] = sum(1 for d in disputes if d.tier == 3)
    e["disputes.inflamed"] = sum(1 for d in disputes if d.inflamed)
    e["disputes.high_open"] = sum(1 for d in disputes if d.risk == "high" and d.state == "open")
    # 10. informants and their reports adopted
    reports = [r for r in InformantReport.select() if r.year == year and mine(r.reporter.unit_id)]
    e["disputes.reports"] = len(reports)
    e["disputes.reports_adopted"] = sum(1 for r in reports if r.state in ("dispute", "petition", "task"))
    e["disputes.informants"] = len({r.reporter_id for r in reports})
    # 11. quarterly meetings held, decisions carried out
    meetings = [m for m in Meeting.select() if m.year == year and mine(m.unit_id)]
    e["governance.meetings"] = len(meetings)
    decisions = [d for d in MeetingDecision.select() if d.meeting_id in {m.id for m in meetings} and d.item_id]
    e["governance.decisions"] = len(decisions)
    e["governance.decisions_done"] = sum(1 for d in decisions if d.item.state not in ITEM_OPEN)
    # 12. inspection rounds to the grassroots and findings rectified
    rounds = [r for r in InspectionRound.select() if start <= r.start_date <= end and r.state != "planned"
              and any(mine(t.unit_id) for t in RoundUnit.select().where(RoundUnit.round == r.id))]
    e["inspections.rounds"] = len(rounds)
    year_rounds = {r.id for r in InspectionRound.select() if start <= r.start_date <= end}
    findings = [f for f in Finding.select() if f.round_id in year_rounds and mine(f.unit_id)]
    e["inspections.findings"] = len(findings)
    state = {i.source_id: i.state for i in SupervisedItem.select().where(SupervisedItem.source_type == "rectification")}
    e["inspections.findings_closed"] = sum(1 for f in findings if state.get(f.id) == "closed")
    # 14. vetoes and responsibility investigations
    vetoes = [v for v in VetoEvent.select() if v.year == year and v.state in ("confirmed", "appealed", "upheld")
              and mine(v.unit_id)]
    e["veto.vetoes"] = len(vetoes)
    e["veto.units"] = sorted({v.unit.name for v in vetoes}, key=lambda n: Unit.get(Unit.name == n).path)
    e["veto.trigger_mass_incident"] = sum(1 for v in vetoes if v.trigger == "mass_incident")
    e["veto.accountabilities"] = sum(1 for a in Accountability.select() if start <= a.decided_on <= end
                                     and mine(a.unit_id))
    return e


def assert_matches(year, unit):
    got = values(collect(year, unit))
    want = expected(year, unit)
    for key in ("petitions.backlog_resolved_units", "agreements.unsigned_units"):
        got[key] = sorted(got[key])
    assert {k: got[k] for k in want} == want
    return got


# -- records the tests add -------------------------------------------------------------------------

def add_case(unit, *, year=YEAR, group=True, headcount=8, escalated=False, state="registered", concerned=None,
             id_number=""):
    day = datetime.date(year, 6, 1)
    number = f"T{year}-{Petition.select().count() + 1:05d}"
    p = Petition.create(number=number, year=year, received_on=day, channel="visit", headcount=headcount,
                        is_group=group, concerned_unit=concerned or unit, unit=unit,
                        category=PetitionCategory.select().first(), title="测试来访", request="测试诉求",
                        escalated=escalated, state=state, accept_due=day + D(15), accepted_on=day + D(3),
                        replied_on=day + D(20) if state in ("replied", "visited", "closed") else None)
    Petitioner.create(petition=p, name="测试信访人", id_number=id_number, is_leader=True)
    return p


def add_dispute(unit, *, year=YEAR, inflamed=False, risk="low", state="open", outcome="", tier=0,
                complexity="ordinary"):
    return Dispute.create(number=f"纠T{Dispute.select().count() + 1:05d}", year=year,
                          reported_on=datetime.date(year, 5, 1), title="测试纠纷", summary="测试",
                          category=DisputeCategory.select().first(), source="screening", unit=unit, risk=risk,
                          complexity=complexity, state=state, outcome=outcome, outcome_tier=tier if outcome else None,
                          tier=tier, inflamed=inflamed)


def add_task(user, unit, *, source="npc", due, replied_on=None, received=datetime.date(YEAR, 3, 1)):
    with clock.frozen(at(received)):
        task = ps.create_task(source=source, ref_number="", title="测试交办", content="", received_on=received,
                              due_date=due, unit=unit, user=user)
    if replied_on:
        AssignedTask.update(state="replied", replied_on=replied_on).where(AssignedTask.id == task.id).execute()
    return task


def add_key_person(unit, id_number=GOOD_ID, category="企业军转干部"):
    person = KeyPerson.create(name="测试人员", id_number=id_number, unit=unit, level="watch", state="active",
                              registered_on=datetime.date(YEAR, 1, 5))
    KeyPersonCategoryLink.create(person=person, category=KeyPersonCategory.get(KeyPersonCategory.name == category))
    return person


def add_veto(user, unit, trigger, year=YEAR, state="confirmed"):
    return VetoEvent.create(unit=unit, year=year, trigger=trigger, occurred_on=datetime.date(year, 4, 1),
                            description="测试", state=state, proposed_by=user)


# -- the demo: every item against the records, then against records added in and out of scope --------

def test_the_figures_of_the_demo_equal_the_records_counted_again(app):
    from portal import demo
    from portal.models import User

    with app.app_context(), clock.frozen(at(TODAY)):
        demo.seed()
        office = User.get(User.username == "office")
        bureau = Unit.get(Unit.code == "SWJ")
        body, other = Unit.get(Unit.code == "SYXB"), Unit.get(Unit.code == "WZZGS")
        shop = Unit.get(Unit.code == "SD315")
        before = assert_matches(YEAR, bureau)
        assert before["petitions.group_cases"] > 0 and before["legal.sessions"] > 0  # the demo has the records
        body_before = assert_matches(YEAR, body)
        assert body_before["petitions.group_cases"] < before["petitions.group_cases"]
        assert_matches(YEAR, other)

        # Records inside the body, in another body, and in the year before.
        add_case(shop, headcount=9)
        add_case(other, headcount=7, escalated=True)
        add_case(shop, year=YEAR - 1, headcount=20)
        add_case(shop, group=False, headcount=1, state="closed")
        add_dispute(shop, inflamed=True, risk="high")
        add_dispute(other, state="settled", outcome="settled", tier=1)
        add_dispute(shop, year=YEAR - 1, inflamed=True)
        add_task(office, shop, source="cppcc", due=TODAY - D(3))  # overdue, unanswered
        add_task(office, other, source="npc", due=TODAY + D(5), replied_on=TODAY - D(1))
        add_key_person(shop)
        add_case(shop, headcount=6, id_number=GOOD_ID)  # a group petition by the key person
        add_veto(office, other, "accident")
        add_veto(office, shop, "dispute", year=YEAR - 1)

        after = assert_matches(YEAR, bureau)
        body_after = assert_matches(YEAR, body)
        assert_matches(YEAR, other)
        assert after["petitions.group_cases"] == before["petitions.group_cases"] + 3
        assert body_after["petitions.group_cases"] == body_before["petitions.group_cases"] + 2
        assert body_after["petitions.group_escalated"] == body_before["petitions.group_escalated"]
        assert after["petitions.group_escalated"] == before["petitions.group_escalated"] + 1
        assert body_after["disputes.inflamed"] == body_before["disputes.inflamed"] + 1
        assert body_after["petitions.tasks_late"] == body_before["petitions.tasks_late"] + 1
        assert body_after["keypersons.group_petitions"] == body_before["keypersons.group_petitions"] + 1
        assert after["veto.trigger_accident"] == before["veto.trigger_accident"] + 1
        assert body_after["veto.trigger_accident"] == body_before["veto.trigger_accident"]
        assert_matches(YEAR - 1, bureau)

        # The draft of the demo year reads like the seed, with the numbers of the records.
        figures = collect(YEAR, bureau)
        text = text_of(compose(YEAR, bureau, figures))
        v = values(figures)
        assert f"群体性上访全年共{v['petitions.group_cases']}件次、{v['petitions.group_people']}人次" in text
        assert "等八部法律" in text and "《公司法》" in text and "中华人民共和国" not in text
        assert f"化解积案{v['petitions.backlog_resolved']}件，如315商店的积案问题" in text
        assert "一般矛盾不出二级机构的占" in text and "特殊复杂矛盾不出局系统的占" in text
        assert f"先后{v['inspections.rounds']}次派督查组到基层" in text
        assert "把单位稳定工作的好坏作为年度考核下属单位的主要依据" in text
        people = {p.name for p in Petitioner.select()} | {k.name for k in KeyPerson.select()}
        assert len(people) > 10 and not [name for name in people if name in text]  # never a person's name


# -- item 1 and 13: group petitions, escalation and the 三个没有 ------------------------------------------

def test_group_petitions_in_the_prose_and_the_three_nones_switch_with_the_records(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        bureau = world.bureau
        add_case(world.shop, headcount=12)
        add_case(world.other_shop, headcount=5)
        add_case(world.shop, year=YEAR - 1, headcount=40)
        draft = compose(YEAR, bureau, collect(YEAR, bureau))
        text = text_of(draft)
        assert "群体性上访全年共2件次、17人次" in text
        assert "没有发生矛盾激化和较大事件" in text
        stability = paragraph(draft, "results.stability")
        assert "没有出现重大的不良信访事件，没有出现重大责任事故，没有出现重大的矛盾纠纷" in stability.text
        assert "disputes.inflamed" in stability.keys

        add_dispute(world.shop, inflamed=True)  # 激化: the third part moves to 四
        draft = compose(YEAR, bureau, collect(YEAR, bureau))
        stability = paragraph(draft, "results.stability")
        assert "没有出现重大的矛盾纠纷" not in stability.text and "没有出现重大责任事故" in stability.text
        assert "没有发生矛盾激化和较大事件" not in text_of(draft)
        problem = paragraph(draft, "problems.stability")
        assert "1起矛盾激化" in problem.text and "重大的矛盾纠纷" in problem.text
        assert "disputes.inflamed" in problem.keys

        add_veto(office, world.other_shop, "accident")
        add_veto(office, world.shop, "accident", state="rejected")  # not in force: not counted
        add_case(world.shop, headcount=30, escalated=True)
        draft = compose(YEAR, bureau, collect(YEAR, bureau))
        assert paragraph(draft, "results.stability") is None  # no part of the 三个没有 holds
        problem = paragraph(draft, "problems.stability").text
        assert "发生重大责任事故1起" in problem and "1件次越级上访" in problem
        assert problem.endswith("出现了重大的不良信访事件、重大责任事故和重大的矛盾纠纷。")


# -- items 2 and 4: cases and backlog cases resolved, follow-up visits --------------------------------

def test_backlog_cases_resolved_name_their_units_and_visits_count_satisfaction(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        late = add_case(world.shop, group=False, headcount=1, state="closed")
        # Accepted after its 15 days: a backlog case, closed this year.
        Petition.update(accepted_on=late.accept_due + D(2), closed_on=datetime.date(YEAR, 8, 1)).where(
            Petition.id == late.id).execute()
        add_case(world.other_shop, group=False, headcount=1, state="replied")
        for p, satisfaction in ((late, "satisfied"), (Petition.select().order_by(Petition.id.desc()).first(),
                                                      "dissatisfied")):
            PetitionVisit.create(petition=p, visited_on=datetime.date(YEAR, 9, 1), visitor="回访人", method="phone",
                                 satisfaction=satisfaction)
        v = values(collect(YEAR, world.bureau))
        assert v == {**v, "petitions.backlog_resolved": 1, "petitions.backlog_resolved_units": ["测试商店"],
                     "petitions.individual_resolved": 2, "petitions.visited": 2, "petitions.satisfied": 1,
                     "petitions.satisfaction_rate": 50.0}
        text = text_of(compose(YEAR, world.bureau, collect(YEAR, world.bureau)))
        assert "化解积案1件，如测试商店的积案问题" in text
        assert "全年回访2件，满意（含基本满意）1件，满意率50%" in text
        assert values(collect(YEAR, world.other_branch))["petitions.backlog_resolved"] == 0


# -- item 3: 件件有落实、事事有回音 only when every task was answered on time ------------------------------

def test_one_overdue_task_removes_every_task_answered(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        add_task(office, world.shop, source="npc", due=datetime.date(YEAR, 4, 1), replied_on=datetime.date(YEAR, 3, 20))
        add_task(office, world.shop, source="cppcc", due=datetime.date(YEAR, 4, 1), replied_on=datetime.date(YEAR, 3, 25))
        add_task(office, world.other_shop, source="leading_group", due=datetime.date(YEAR, 5, 1),
                 replied_on=datetime.date(YEAR, 4, 2))
        add_task(office, world.shop, source="county_leader", due=TODAY + D(10))  # not yet due
        draft = compose(YEAR, world.bureau, collect(YEAR, world.bureau))
        tasks = paragraph(draft, "results.tasks")
        assert "县人大代表建议和县政协委员提案共2件（建议1件、提案1件），县信访领导小组和县领导交办的信件2件" in tasks.text
        assert "做到了件件有落实，事事有回音" in tasks.text and "另有1件正在办理" in tasks.text
        assert "及时做好完成了上级交办的任务" in tasks.text
        assert paragraph(draft, "problems.tasks") is None

        add_task(office, world.other_shop, source="county_leader", due=TODAY - D(1))  # overdue by a day
        draft = compose(YEAR, world.bureau, collect(YEAR, world.bureau))
        assert "件件有落实" not in paragraph(draft, "results.tasks").text
        assert re.match(r"\d+、认真办理上级交办的任务。", paragraph(draft, "results.tasks").text)
        assert "已按期书面回复3件" in paragraph(draft, "results.tasks").text
        assert "1件未按期书面回复" in paragraph(draft, "problems.tasks").text
        # The other branch's summary has the failure, the shop's branch does not.
        branch = compose(YEAR, world.branch, collect(YEAR, world.branch))
        assert "做到了件件有落实，事事有回音" in paragraph(branch, "results.tasks").text


# -- item 5: key persons under 一包一 and "没有出现群体上访事件" ------------------------------------------

def test_a_group_petition_by_a_key_person_moves_the_sentence_to_the_problems(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        person = add_key_person(world.shop)
        add_key_person(world.other_shop, id_number="", category="退伍转业军人")
        KeyPersonVisit.create(person=person, visited_on=datetime.date(YEAR, 3, 1), form="home", content="走访",
                              mood="calm", due_on=datetime.date(YEAR, 3, 31), level_before="watch", level_after="watch")
        AssistanceRequest.create(person=person, year=YEAR, kind="wages", content="补发工资", unit=world.shop,
                                 raised_on=datetime.date(YEAR, 3, 1), state="done", outcome="solved", amount=12000)
        draft = compose(YEAR, world.bureau, collect(YEAR, world.bureau))
        keyp = paragraph(draft, "results.keypersons")
        assert "在册重点人员2人（企业军转干部1人、退伍转业军人1人）" in keyp.text
        assert "全年走访联系1次，其中按期走访1次，帮助解决诉求1件，落实资金1.2万元" in keyp.text
        assert keyp.text.endswith("使各类重点人员没有出现群体上访事件。")

        add_case(world.other_shop, headcount=6, id_number=GOOD_ID)  # the shop's key person joins a group visit
        draft = compose(YEAR, world.bureau, collect(YEAR, world.bureau))
        assert "没有出现群体上访事件" not in paragraph(draft, "results.keypersons").text
        assert "集体访1件" in paragraph(draft, "problems.keypersons").text
        # Counted where the person is registered: the other branch's summary keeps the sentence.
        other = compose(YEAR, world.other_branch, collect(YEAR, world.other_branch))
        assert "没有出现群体上访事件" in paragraph(other, "results.keypersons").text


# -- items 6–12 and 14 on a small world, with the prose ---------------------------------------------------

def test_legal_groups_agreements_disputes_meetings_inspections_and_vetoes_in_the_prose(app, world):
    from portal.agreements import services as agreements
    from portal.models import AgreementTemplate, Law

    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        laws = list(Law.select().order_by(Law.sort_order, Law.id))[:2]
        staff = [StaffMember.create(unit=world.shop, name=f"职工{i}", employee_no=f"S{i}") for i in range(4)]
        session = LegalSession.create(unit=world.shop, held_on=datetime.date(YEAR, 5, 1), form="lecture", title="讲座",
                                      created_by=office)
        for law in laws:
            SessionLaw.create(session=session, law=law)
        for s in staff[:3]:
            Attendance.create(session=session, staff=s)
            for law in laws:
                LawReach.create(staff=s, law=law, year=YEAR)
        LegalSession.create(unit=world.other_shop, held_on=datetime.date(YEAR - 1, 5, 1), form="exam", title="去年",
                            created_by=office)
        add_dispute(world.shop, state="closed", outcome="settled", tier=1)
        add_dispute(world.shop, state="closed", outcome="settled", tier=2, complexity="complex")
        add_dispute(world.other_shop, state="open", risk="high")
        add_veto(office, world.shop, "mass_incident")
        group = LeadingGroup.create(unit=world.branch, name="综治领导小组", established_on=datetime.date(YEAR, 1, 1))
        GroupMember.create(group=group, name="组长甲", position="leader", duty="全面负责", start_date=datetime.date(YEAR, 1, 1))
        GroupMember.create(group=group, name="成员乙", position="member", duty="", start_date=datetime.date(YEAR, 1, 1))
        template = AgreementTemplate.create(year=YEAR, title="目标管理责任书", party_a="测试商务局")
        for unit, signed in ((world.shop, True), (world.other_shop, False)):
            Agreement.create(template=template, unit=unit, year=YEAR, title="责任书", party_a="测试商务局",
                             party_a_signatory="局长", party_b=unit.name, state="signed" if signed else "issued",
                             signed_at=at(datetime.date(YEAR, 2, 1)) if signed else None)
        assert agreements is not None

        v = values(collect(YEAR, world.bureau))
        assert v["legal.laws"] == [law.name for law in laws] and v["legal.sessions"] == 1
        assert (v["legal.headcount"], v["legal.reached"], v["legal.coverage"]) == (4, 3, 75.0)
        assert v["legal.below_target_units"] == ["测试商店"]
        assert (v["disputes.screened"], v["disputes.settled"], v["disputes.high_open"]) == (3, 2, 1)
        assert (v["disputes.second_level_rate"], v["disputes.bureau_rate"]) == (100.0, 100.0)
        assert (v["governance.groups_bodies"], v["governance.members"], v["governance.duties"]) == (1, 2, 1)
        assert (v["agreements.issued"], v["agreements.signed"], v["agreements.unsigned_units"]) == (2, 1, ["界外基层单位乙"])
        assert (v["veto.vetoes"], v["veto.units"]) == (1, ["测试商店"])

        draft = compose(YEAR, world.bureau, collect(YEAR, world.bureau))
        text = text_of(draft)
        short = [name.removeprefix("中华人民共和国") for name in v["legal.laws"]]
        assert "采取讲座1场等不同形式开展法制教育1场次" in text  # each form with its own measure word
        assert f"主要宣传《{short[0]}》、《{short[1]}》等二部法律，受教育职工3人，受教育面达到75%" in text
        assert "测试商店1个单位的受教育面低于90%的年度目标" in paragraph(draft, "problems.legal").text
        assert "一般矛盾不出二级机构的占100%，特殊复杂矛盾不出局系统的占100%" in text
        assert "领导小组成员2人，其中1人明确了分工" in text
        assert "向2个单位下达了目标管理责任书，1个单位的一把手已签定" in text
        assert "界外基层单位乙1个单位的一把手尚未签定目标管理责任书" in paragraph(draft, "problems.agreements").text
        assert "对测试商店实行一票否决，年度考核定为不合格" in paragraph(draft, "features.basis").text
        assert "测试商店因稳定工作出现问题被实行一票否决" in paragraph(draft, "problems.vetoes").text
        assert "尚有1件高风险矛盾纠纷正在调处" in paragraph(draft, "problems.high_risk").text
        assert "发生重大群体性事件1起" in paragraph(draft, "problems.stability").text
        # Every paragraph names the figures it states, and they exist.
        figures = collect(YEAR, world.bureau)
        for section in draft:
            for p in section.paragraphs:
                assert set(p.keys) <= set(figures), p.id


def test_a_body_summary_counts_its_subtree_and_names_the_body(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        add_case(world.shop, headcount=10)
        add_case(world.other_shop, headcount=50)
        add_case(world.other_branch, headcount=6, concerned=world.shop)  # concerning the shop: the branch's too
        add_dispute(world.other_shop, inflamed=True)
        add_task(office, world.other_shop, due=TODAY - D(2))
        branch = values(collect(YEAR, world.branch))
        assert (branch["petitions.group_cases"], branch["petitions.group_people"]) == (2, 16)
        assert branch["disputes.inflamed"] == 0 and branch["petitions.tasks_late"] == 0
        other = values(collect(YEAR, world.other_branch))
        assert (other["petitions.group_cases"], other["disputes.inflamed"], other["petitions.tasks_late"]) == (2, 1, 1)
        draft = compose(YEAR, world.branch, collect(YEAR, world.branch))
        text = text_of(draft)
        assert "今年，测试行办的群体性上访全年共2件次、16人次" in text
        assert "测试行办内没有出现重大的不良信访事件" in text
        assert "商务系统" not in text and "本系统" not in text
        assert "测试行办" in paragraph(draft, "methods.leadership").text


def test_the_drill_down_lists_show_the_records_counted(app, world, login_as):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        add_case(world.shop, headcount=10, escalated=True)
        add_case(world.other_shop, headcount=7)
        add_case(world.shop, group=False, headcount=1, state="closed")
        add_task(office, world.shop, due=TODAY - D(2))
        add_task(office, world.other_shop, due=TODAY + D(2))
        figures = collect(YEAR, world.branch)
    with clock.frozen(at(TODAY)):
        office = login_as("office")
        for key in ("petitions.group_cases", "petitions.group_escalated", "petitions.individual_resolved"):
            response = office.get(figures[key].url)
            body = response.get_data(as_text=True)
            assert response.status_code == 200, (figures[key].url, body[:3000])
            assert re.search(r"共 (\d+) 件", body).group(1) == str(figures[key].value), key
        body = office.get(figures["petitions.tasks_late"].url).get_data(as_text=True)
        assert body.count("测试交办") == figures["petitions.tasks_late"].value == 1


def test_compose_is_a_pure_function_of_the_figures(app, world, count_queries):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        add_case(world.shop)
        figures = collect(YEAR, world.bureau)
        with count_queries() as q:
            first = compose(YEAR, world.bureau, figures)
        assert q.count == 0
        with clock.frozen(at(TODAY + D(40))):
            again = compose(YEAR, world.bureau, figures)
        assert [(p.id, p.text, p.keys) for s in first for p in s.paragraphs] == \
               [(p.id, p.text, p.keys) for s in again for p in s.paragraphs]
        ids = [p.id for s in first for p in s.paragraphs]
        assert len(ids) == len(set(ids))
        # A snapshot of the figures as saved (dicts) composes the same text.
        snapshot = {k: f.as_dict() for k, f in figures.items()}
        assert text_of(compose(YEAR, world.bureau, snapshot)) == text_of(first)


def test_collect_costs_the_same_statements_whatever_the_records(app, world, count_queries):
    def cost(unit):
        with count_queries() as q:
            collect(YEAR, unit)
        return q.count

    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")
        add_case(world.shop)
        add_dispute(world.shop)
        add_task(office, world.shop, due=TODAY + D(3))
        add_key_person(world.shop)
        small = cost(world.bureau), cost(world.branch)
        for k in range(15):
            p = add_case(world.shop if k % 2 else world.other_shop, group=bool(k % 3), state="closed")
            PetitionVisit.create(petition=p, visited_on=datetime.date(YEAR, 9, 1), visitor="回访人", method="phone",
                                 satisfaction="satisfied")
            add_dispute(world.shop, inflamed=k % 4 == 0, outcome="settled" if k % 2 else "", state="closed")
            add_task(office, world.other_shop, due=TODAY - D(k), replied_on=TODAY - D(k + 1) if k % 2 else None)
            add_key_person(world.shop, id_number="", category="退伍转业军人")
            add_veto(office, world.shop, "accident")
        assert (cost(world.bureau), cost(world.branch)) == small
