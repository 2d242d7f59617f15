"""Letters and visits: statutory clocks at their boundaries, the case state machine per role, bad
input, repeat detection, masking and the audited reveal, scoping, extensions on the supervision
core, follow-up visits, escalation to one-veto, and tasks assigned from above."""
import datetime
import io
import re

import pytest

from portal import clock
from portal.models import (AssignedTask, AuditLog, Petition, PetitionCategory, SupervisedItem, VetoEvent)
from portal import privacy
from portal.petitions import clocks
from portal.petitions import services as ps
from portal.supervision import services as supervision
from portal.veto import services as veto
from portal.workflow import RuleError

TODAY = datetime.date(2026, 3, 2)
D = datetime.timedelta
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GOOD_ID = privacy.with_check_digit("43010219800101123")


class Storage:
    def __init__(self, name="答复意见书.pdf", data=PDF):
        self.filename, self.stream = name, io.BytesIO(data)


def at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def category(name="拖欠工资"):
    return PetitionCategory.get(PetitionCategory.name == name)


def register(world, day=TODAY, headcount=1, persons=None, unit=None, cat="拖欠工资", **kw):
    persons = persons or [ps.PersonInput("周立新", "13800001111", GOOD_ID, headcount >= 5)]
    with clock.frozen(at(day)):
        p, _ = ps.register(received_on=day, channel="visit", headcount=headcount, concerned_unit=unit or world.shop,
                           category=category(cat), title="反映拖欠工资", request="要求补发 2025 年工资",
                           persons=persons, user=world.user("office"), **kw)
    return p


def fresh(p):
    return Petition.get_by_id(p.id)


def walk(world, p, to, day=TODAY):
    """Drive a case from where it is to a later state through the services."""
    office, head = world.user("office"), world.user("unit_head")
    order = ["registered", "accepted", "assigned", "handling", "replied", "visited", "closed"]
    steps = {
        "accepted": lambda p: ps.accept(p, office, on=day, note="属本系统职责"),
        "assigned": lambda p: ps.assign(p, office, unit=world.shop, handler_name="承办人甲", on=day),
        "handling": lambda p: ps.start(p, head),
        "replied": lambda p: ps.reply(p, head, on=day, text="已补发工资", document=Storage()),
        "visited": lambda p: ps.visit(p, head, on=day, visitor="回访人乙", method="phone", satisfaction="satisfied",
                                      notes=""),
        "closed": lambda p: ps.close(p, office),
    }
    with clock.frozen(at(day)):
        for state in order[order.index(fresh(p).state) + 1:order.index(to) + 1]:
            steps[state](fresh(p))
    return fresh(p)


# -- clocks ---------------------------------------------------------------------------------------

def test_statutory_limits_are_counted_in_calendar_days(app):
    with app.app_context():
        received = datetime.date(2026, 1, 20)
        assert clocks.accept_due(received) == datetime.date(2026, 2, 4)
        assert clocks.reply_due(datetime.date(2026, 2, 4)) == datetime.date(2026, 4, 5)
        assert clocks.review_window_end(datetime.date(2026, 4, 1)) == datetime.date(2026, 5, 1)
        assert clocks.review_due(datetime.date(2026, 4, 10)) == datetime.date(2026, 5, 10)
        assert clocks.visit_due(datetime.date(2026, 4, 1)) == datetime.date(2026, 4, 16)
        app.config["PETITION_VISIT_DAYS"] = 7
        assert clocks.visit_due(datetime.date(2026, 4, 1)) == datetime.date(2026, 4, 8)


def test_acceptance_clock_colours_and_backlog_at_the_boundary(app, world):
    with app.app_context():
        p = register(world)
        assert p.accept_due == TODAY + D(15)
        assert clocks.urgency(p, TODAY).colour == "normal"
        assert clocks.urgency(p, TODAY + D(11)).colour == "yellow"  # two thirds gone
        assert clocks.urgency(p, TODAY + D(12)).colour == "blue"
        last = clocks.urgency(p, TODAY + D(15))
        assert (last.colour, last.countdown) == ("blue", "今天到期")
        assert not clocks.is_backlog(p, TODAY + D(15))
        late = clocks.urgency(p, TODAY + D(16))
        assert (late.colour, late.countdown) == ("red", "逾期 1 天")
        assert clocks.is_backlog(p, TODAY + D(16))
        assert clocks.backlog_since(p, TODAY + D(20)) == TODAY + D(16)


def test_reply_deadline_is_sixty_days_from_acceptance_and_a_late_reply_stays_counted_as_backlog(app, world):
    with app.app_context():
        p = walk(world, register(world), "handling")
        assert p.reply_due == TODAY + D(60)
        assert not clocks.is_backlog(p, TODAY + D(60))
        assert clocks.is_backlog(p, TODAY + D(61))
        late = TODAY + D(70)
        with clock.frozen(at(late)):
            p = ps.reply(fresh(p), world.user("unit_head"), on=late, text="答复", document=Storage())
        assert not clocks.is_backlog(p, late)
        assert clocks.backlog_since(p, late) == TODAY + D(61)
        assert p.visit_due == late + D(15)


# -- the state machine ------------------------------------------------------------------------------

@pytest.mark.parametrize("role,allowed", [("office", True), ("leader", True), ("unit_head", False),
                                          ("unit_clerk", False), ("inspector", False), ("admin", False)])
def test_who_may_accept(app, world, role, allowed):
    with app.app_context():
        p = register(world)
        assert (ps.may(world.user(role), p, "accept") is None) == allowed


@pytest.mark.parametrize("role,unit,allowed", [
    ("unit_head", "shop", True), ("unit_clerk", "shop", True), ("unit_head", "branch", True),
    ("unit_head", "other_shop", False), ("office", None, False), ("leader", None, False), ("inspector", None, False)])
def test_only_the_handling_units_subtree_signs_for_a_case(app, world, role, unit, allowed):
    with app.app_context():
        p = walk(world, register(world), "assigned")
        user = world.user(role, unit=getattr(world, unit) if unit else None)
        assert (ps.may(user, p, "start") is None) == allowed


def test_the_whole_life_of_a_case_is_audited_and_runs_on_the_supervision_core(app, world):
    with app.app_context():
        p = walk(world, register(world), "assigned")
        item = SupervisedItem.get(SupervisedItem.source_type == "petition", SupervisedItem.source_id == p.id)
        assert (item.unit_id, item.due_date, item.state) == (world.shop.id, p.reply_due, "assigned")
        todos = supervision.todo_for(world.user("unit_head"))
        assert any(t.action == "办理并书面答复信访事项" and f"/petitions/{p.id}" in t.url for t in todos)
        p = walk(world, p, "closed")
        assert p.state == "closed" and p.closed_on == TODAY
        assert SupervisedItem.get_by_id(item.id).state == "closed"
        visit_item = SupervisedItem.get(SupervisedItem.source_type == "petition_visit", SupervisedItem.source_id == p.id)
        assert visit_item.state == "closed"
        actions = [a.action for a in AuditLog.select().where(AuditLog.object_type == "petition",
                                                              AuditLog.object_id == p.id).order_by(AuditLog.id)]
        assert actions == ["register", "accept", "assign", "start", "reply", "visit", "conclude"]


def test_not_accepted_needs_a_reason_and_ends_the_case(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        p = register(world)
        with pytest.raises(RuleError, match="理由"):
            ps.not_accept(p, world.user("office"), on=TODAY, reason=" ")
        p = ps.not_accept(fresh(p), world.user("office"), on=TODAY, reason="不属于本系统职责，已告知向人社部门反映")
        assert (p.state, p.closed_on, p.is_open) == ("not_accepted", TODAY, False)
        assert ps.available(world.user("office"), p) == []


def test_a_dissatisfied_visit_reopens_the_case_with_a_new_reply_clock(app, world):
    with app.app_context():
        p = walk(world, register(world), "replied")
        day = TODAY + D(10)
        head = world.user("unit_head")
        with clock.frozen(at(day)):
            with pytest.raises(RuleError, match="不满意时"):
                ps.visit(fresh(p), world.user("unit_clerk"), on=day, visitor="乙", method="home",
                         satisfaction="dissatisfied", notes="")
            p = ps.visit(fresh(p), world.user("unit_clerk"), on=day, visitor="乙", method="home",
                         satisfaction="dissatisfied", notes="工资只补发了一半")
            assert (p.state, p.reply_due, p.replied_on, p.reopened_on) == ("handling", day + D(30), None, day)
            item = ps.handling_item(p)
            assert (item.source_type, item.state, item.due_date) == ("petition_reopened", "assigned", day + D(30))
            assert [v.satisfaction for v in p.visits] == ["dissatisfied"]
            # The case's one statutory extension does not come back with the reopen.
            with pytest.raises(RuleError, match="最多可延期 0 次"):
                supervision.request_extension(item, head, day + D(40), "再核实")
            # The clock counts from the reopen: not yellow on its first day.
            assert clocks.urgency(p, day).colour == "normal"
            with pytest.raises(RuleError, match="不能早于上次回访日期"):
                ps.reply(fresh(p), head, on=day - D(1), text="再答复", document=Storage())
            p = ps.reply(fresh(p), head, on=day, text="差额已补发", document=Storage())
        assert ps.handling_item(p).state == "closed" and p.state == "replied"


def test_a_late_first_reply_stays_a_backlog_case_after_a_reopen(app, world):
    with app.app_context():
        p = walk(world, register(world), "handling")
        late = TODAY + D(65)
        head = world.user("unit_head")
        with clock.frozen(at(late)):
            p = ps.reply(fresh(p), head, on=late, text="答复", document=Storage())
            p = ps.visit(fresh(p), head, on=late, visitor="乙", method="phone", satisfaction="dissatisfied",
                         notes="不认可")
        assert p.backlog_from == TODAY + D(61)
        assert clocks.backlog_since(p, late) == TODAY + D(61)


def test_assigning_after_the_reply_date_starts_the_case_overdue_and_an_inactive_unit_is_refused(app, world):
    with app.app_context():
        office = world.user("office")
        p = walk(world, register(world), "accepted")
        late = TODAY + D(75)
        with clock.frozen(at(late)):
            p = ps.assign(fresh(p), office, unit=world.shop, handler_name="甲", on=late)
            assert clocks.is_backlog(p, late) and ps.handling_item(p).due_date == TODAY + D(60)
            q = walk(world, register(world, persons=[ps.PersonInput("何芳")], day=late), "accepted", day=late)
            world.other_shop.active = False
            world.other_shop.save()
            with pytest.raises(RuleError, match="已停用"):
                ps.assign(fresh(q), office, unit=world.other_shop, handler_name="乙", on=late)
            assert fresh(q).state == "accepted"
            r = walk(world, register(world, persons=[ps.PersonInput("郑明")], day=late), "handling", day=late)
            world.shop.active = False
            world.shop.save()
            with pytest.raises(RuleError, match="已停用"):
                ps.reply(fresh(r), world.user("unit_head"), on=late, text="答复", document=Storage())
            assert fresh(r).state == "handling"


def test_review_within_thirty_days_reopens_and_is_answered_with_a_document(app, world):
    with app.app_context():
        p = walk(world, register(world), "closed")
        office = world.user("office")
        with clock.frozen(at(TODAY + D(33))):  # entered late, dated within the window: accepted below
            with pytest.raises(RuleError, match="30 日内"):
                ps.request_review(fresh(p), office, on=TODAY + D(31), reason="对补发金额有异议")
        with clock.frozen(at(TODAY + D(30))):
            p = ps.request_review(fresh(p), office, on=TODAY + D(30), reason="对补发金额有异议")
            assert (p.state, p.review_due) == ("review", TODAY + D(60))
            assert clocks.current_limit(p)[1] == TODAY + D(60)
            with pytest.raises(RuleError, match="复查意见书"):
                ps.answer_review(fresh(p), office, on=TODAY + D(30), text="维持原答复", document=None)
            p = ps.answer_review(fresh(p), office, on=TODAY + D(30), text="维持原答复", document=Storage("复查.pdf"))
        assert (p.state, p.review_answered_on) == ("closed", TODAY + D(30))
        assert "复核" in ps.may(office, p, "request_review")


# -- bad input ---------------------------------------------------------------------------------------

def test_intake_rejects_bad_input_with_chinese_messages(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        office = world.user("office")

        def problems(**kw):
            args = dict(received_on=TODAY, channel="visit", headcount=1, category=category(), title="摘要",
                        request="诉求", persons=[ps.PersonInput("周立新")])
            args.update(kw)
            return "；".join(ps.intake_problems(**args))

        assert problems() == ""
        assert "不能晚于今天" in problems(received_on=TODAY + D(1))
        bad = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
        assert "校验位不正确" in problems(persons=[ps.PersonInput("周立新", "", bad)])
        assert "18 位" in problems(persons=[ps.PersonInput("周立新", "", "1234")])
        assert "为首带头人" in problems(headcount=12, persons=[ps.PersonInput("周立新")])
        assert "少于" in problems(headcount=1, persons=[ps.PersonInput("甲"), ps.PersonInput("乙")])
        assert "至少填写一名信访人" in problems(persons=[ps.PersonInput(" ")])
        with pytest.raises(RuleError):
            ps.register(received_on=TODAY + D(1), channel="visit", headcount=1, concerned_unit=None, category=category(),
                        title="t", request="r", persons=[ps.PersonInput("甲")], user=office)
        assert Petition.select().count() == 0


def test_id_check_digit_follows_gb_11643(app):
    assert privacy.id_number_problem("11010519491231002X") is None  # the standard's own example
    assert privacy.id_number_problem("110105194912310021") is not None
    assert privacy.id_number_problem("") is None


def test_step_dates_may_not_be_in_the_future_or_before_the_earlier_step(app, world):
    with app.app_context():
        p = register(world)
        office, head = world.user("office"), world.user("unit_head")
        with clock.frozen(at(TODAY)):
            with pytest.raises(RuleError, match="不能早于收件日期"):
                ps.accept(p, office, on=TODAY - D(1), note="")
            with pytest.raises(RuleError, match="不能晚于今天"):
                ps.accept(fresh(p), office, on=TODAY + D(1), note="")
        p = walk(world, p, "handling")
        with clock.frozen(at(TODAY)):
            with pytest.raises(RuleError, match="尚未书面答复"):
                ps.visit(fresh(p), head, on=TODAY, visitor="乙", method="phone", satisfaction="satisfied", notes="")
            with pytest.raises(RuleError, match="答复意见书"):
                ps.reply(fresh(p), head, on=TODAY, text="答复", document=None)
        with clock.frozen(at(TODAY + D(5))):
            p = ps.reply(fresh(p), head, on=TODAY + D(5), text="答复", document=Storage())
            with pytest.raises(RuleError, match="不能早于答复日期"):
                ps.visit(fresh(p), head, on=TODAY + D(4), visitor="乙", method="phone", satisfaction="satisfied",
                         notes="")
        denied = AuditLog.select().where(AuditLog.object_type == "petition", AuditLog.action == "denied").count()
        assert denied >= 5


def test_a_stale_version_is_refused(app, world):
    with app.app_context(), clock.frozen(at(TODAY)):
        p = register(world)
        with pytest.raises(RuleError, match="他人修改"):
            ps.accept(p, world.user("office"), on=TODAY, note="", version=p.version + 1)


# -- extensions on the supervision core ------------------------------------------------------------

def test_one_extension_of_at_most_thirty_days_with_a_leaders_approval(app, world):
    with app.app_context():
        p = walk(world, register(world), "handling")
        item = ps.handling_item(p)
        head, leader, office = world.user("unit_head"), world.user("leader"), world.user("office")
        with clock.frozen(at(TODAY + D(50))):
            with pytest.raises(RuleError, match="不能超过 30 天"):
                supervision.request_extension(item, head, p.reply_due + D(31), "需要核实历史档案")
            ext = supervision.request_extension(item, head, p.reply_due + D(30), "需要核实历史档案")
            assert fresh(p).reply_due == TODAY + D(60)  # not moved without approval
            with pytest.raises(RuleError, match="不能审批"):
                supervision.decide_extension(ext, office, True)
            supervision.decide_extension(ext, leader, True, "同意")
        assert fresh(p).reply_due == TODAY + D(90)
        assert not clocks.is_backlog(fresh(p), TODAY + D(75))
        with clock.frozen(at(TODAY + D(70))):
            with pytest.raises(RuleError, match="最多可延期 1 次"):
                supervision.request_extension(ps.handling_item(p), head, TODAY + D(95), "再延")


# -- repeats, escalation, privacy ----------------------------------------------------------------------

def test_repeats_are_linked_by_id_number_or_name_and_phone_and_suggested_by_unit_and_category(app, world):
    with app.app_context():
        first = register(world, day=TODAY)
        same_id = register(world, day=TODAY + D(3), persons=[ps.PersonInput("周立新", "", GOOD_ID)])
        assert same_id.repeat_of_id == first.id
        same_phone = register(world, day=TODAY + D(4), persons=[ps.PersonInput("周立新", "13800001111", "")])
        assert same_phone.repeat_of_id == first.id
        other = register(world, day=TODAY + D(5), persons=[ps.PersonInput("吴晓兰", "13900002222", "")])
        assert other.repeat_of_id is None
        likely = ps.repeat_candidates(other)
        assert {c.petition.id for c in likely} == {first.id, same_id.id, same_phone.id}
        assert not any(c.strong for c in likely)
        elsewhere = register(world, day=TODAY + D(5), unit=world.other_shop, persons=[ps.PersonInput("郑明", "", "")])
        assert ps.repeat_candidates(elsewhere) == []
        outside_window = register(world, day=TODAY + D(120), persons=[ps.PersonInput("何芳", "", "")])
        assert ps.repeat_candidates(outside_window) == []
        with clock.frozen(at(TODAY + D(6))):
            ps.link_repeat(fresh(other), first, world.user("office"))
        assert fresh(other).repeat_of_id == first.id


def test_an_escalated_group_petition_proposes_a_veto_once(app, world):
    with app.app_context():
        leaders = [ps.PersonInput(f"代表{n}", "", "", n == 1) for n in range(1, 4)]
        individual = register(world, escalated=True)
        group = register(world, headcount=25, persons=leaders, cat="改制遗留")
        office = world.user("office")
        with clock.frozen(at(TODAY)):
            with pytest.raises(RuleError, match="越级群体访"):
                ps.propose_veto(individual, office)
            with pytest.raises(RuleError, match="越级群体访"):
                ps.propose_veto(group, office)
            ps.mark_escalated(group, office, "到市信访局上访，约 20 人")
            event = ps.propose_veto(fresh(group), office)
            assert (event.unit_id, event.trigger, event.state, event.source_type) == (
                world.shop.id, "escalated_petition", "proposed", "petition")
            with pytest.raises(RuleError, match="已据此"):
                ps.propose_veto(fresh(group), office)
            veto.act(event, "confirm", world.user("leader"), "属实", event.version)
        assert VetoEvent.get_by_id(event.id).effective


def test_masking_keeps_prefix_and_last_four(app):
    assert privacy.mask_id("430102198001011234") == "4301**********1234"
    assert privacy.mask_phone("13800001111") == "138****1111"
    assert privacy.mask_id("") == "" and privacy.mask_phone("") == ""


def test_pages_mask_id_numbers_and_a_reveal_is_audited_for_office_only(app, world, login_as):
    with app.app_context():
        p = walk(world, register(world), "assigned")
    office = login_as("office")
    page = office.get(f"/petitions/{p.id}").get_data(as_text=True)
    assert GOOD_ID not in page and privacy.mask_id(GOOD_ID) in page and "13800001111" not in page
    shown = office.post(f"/petitions/{p.id}/reveal", htmx=True).get_data(as_text=True)
    assert GOOD_ID in shown and "13800001111" in shown
    with app.app_context():
        reveal = AuditLog.get(AuditLog.action == "reveal")
        assert (reveal.object_id, reveal.actor_id) == (p.id, world.user("office").id)
    head = login_as("unit_head")
    assert GOOD_ID not in head.get(f"/petitions/{p.id}").get_data(as_text=True)
    assert head.post(f"/petitions/{p.id}/reveal", htmx=True).status_code == 403


# -- pages -----------------------------------------------------------------------------------------------

def test_cases_are_visible_to_the_handling_units_subtree_only(app, world, login_as):
    with app.app_context():
        assigned = walk(world, register(world), "assigned")
        unassigned = register(world, day=TODAY, persons=[ps.PersonInput("何芳")])
    head, other = login_as("unit_head"), login_as(world.user("unit_head", unit=world.other_shop))
    assert head.get(f"/petitions/{assigned.id}").status_code == 200
    assert head.get(f"/petitions/{unassigned.id}").status_code == 404
    assert other.get(f"/petitions/{assigned.id}").status_code == 404
    ledger = other.get("/petitions/?year=2026").get_data(as_text=True)
    assert assigned.number not in ledger
    assert assigned.number in head.get("/petitions/?year=2026").get_data(as_text=True)


def test_intake_form_registers_once_even_when_submitted_twice(app, world, login_as):
    office = login_as("office")
    with app.app_context():
        cat = category("养老保险").id
    form = {"token": "tok-123", "received_on": "2026-03-02", "channel": "letter", "headcount": "1",
            "concerned_unit": str(world.shop.id), "category": str(cat), "title": "养老保险断缴",
            "request": "要求补缴养老保险", "persons-0-name": "周立新", "persons-0-id_number": GOOD_ID,
            "persons-0-phone": "13800001111"}
    clock.set_frozen(at(TODAY))
    try:
        first = office.post("/petitions/new", data=form)
        assert first.status_code == 302
        again = office.post("/petitions/new", data=form, follow_redirects=True)
        assert "未重复登记" in again.get_data(as_text=True)
        bad = office.post("/petitions/new", data=dict(form, token="tok-456", **{"persons-0-id_number": GOOD_ID[:17] + "0"
                                                                                  if GOOD_ID[17] != "0" else GOOD_ID[:17] + "1"}))
        assert bad.status_code == 422 and "校验位不正确" in bad.get_data(as_text=True)
        assert "要求补缴养老保险" in bad.get_data(as_text=True)  # nothing typed is lost
    finally:
        clock.set_frozen(None)
    with app.app_context():
        assert Petition.select().count() == 1
        assert AuditLog.select().where(AuditLog.action == "duplicate").count() == 1


def test_ledger_filters_and_overdue_visits(app, world, login_as):
    with app.app_context():
        replied = walk(world, register(world), "replied")
        group = register(world, headcount=8, persons=[ps.PersonInput("代表甲", "", "", True)], cat="改制遗留")
    office = login_as("office")
    clock.set_frozen(at(TODAY + D(16)))
    try:
        late = office.get("/petitions/?year=2026&visit_overdue=1").get_data(as_text=True)
        assert replied.number in late and group.number not in late
        groups = office.get("/petitions/?year=2026&kind=group").get_data(as_text=True)
        assert group.number in groups and replied.number not in groups
        backlog = office.get("/petitions/?year=2026&backlog=1", htmx=True).get_data(as_text=True)
        assert group.number in backlog and replied.number not in backlog  # not accepted within 15 days
        march = office.get("/petitions/?year=2026&month=3").get_data(as_text=True)
        assert group.number in march and "没有符合条件" not in march
        assert "没有符合条件" in office.get("/petitions/?year=2026&month=4").get_data(as_text=True)
    finally:
        clock.set_frozen(None)


def test_reply_through_the_page_requires_the_document(app, world, login_as):
    with app.app_context():
        p = walk(world, register(world), "handling")
    head = login_as("unit_head")
    clock.set_frozen(at(TODAY))
    try:
        refused = head.post(f"/petitions/{p.id}/step/reply", htmx=True,
                            data={"version": p.version, "on": "2026-03-02", "note": "已补发"})
        assert refused.status_code == 422 and "答复意见书" in refused.get_data(as_text=True)
        done = head.post(f"/petitions/{p.id}/step/reply", htmx=True, content_type="multipart/form-data",
                         data={"version": p.version, "on": "2026-03-02", "note": "已补发",
                               "document": (io.BytesIO(PDF), "答复.pdf")})
        assert done.status_code == 200 and "已答复，待回访" in done.get_data(as_text=True)
    finally:
        clock.set_frozen(None)


# -- tasks assigned from above ---------------------------------------------------------------------------

def test_an_unanswered_task_past_its_deadline_lands_on_the_watch_list(app, world):
    with app.app_context():
        office, head = world.user("office"), world.user("unit_head")
        with clock.frozen(at(TODAY)):
            with pytest.raises(RuleError, match="不能早于收到日期"):
                ps.create_task(source="npc", ref_number="建议第 12 号", title="关于改制企业职工医保的建议", content="",
                               received_on=TODAY, due_date=TODAY - D(1), unit=world.shop, user=office)
            task = ps.create_task(source="npc", ref_number="建议第 12 号", title="关于改制企业职工医保的建议",
                                  content="", received_on=TODAY, due_date=TODAY + D(30), unit=world.shop, user=office)
            late = ps.create_task(source="county_leader", ref_number="", title="县领导批转来信", content="",
                                  received_on=TODAY, due_date=TODAY + D(10), unit=world.shop, user=office)
        with clock.frozen(at(TODAY + D(11))):
            titles = [c.title for c in veto.watchlist()]
            assert any("县领导批转来信" in t for t in titles) and not any("医保" in t for t in titles)
            with pytest.raises(RuleError, match="书面答复"):
                ps.reply_task(task, head, on=TODAY + D(11), text="已答复", document=None)
            ps.reply_task(task, head, on=TODAY + D(11), text="已答复", document=Storage())
            ps.reply_task(AssignedTask.get_by_id(late.id), head, on=TODAY + D(11), text="已答复", document=Storage())
            assert veto.watchlist() == []
            assert ps.task_on_time_rate(2026) == (1, 2)
            with pytest.raises(RuleError, match="已答复"):
                ps.reply_task(AssignedTask.get_by_id(task.id), head, on=TODAY + D(11), text="again", document=Storage())


def test_task_pages_scope_and_reply(app, world, login_as):
    with app.app_context(), clock.frozen(at(TODAY)):
        task = ps.create_task(source="cppcc", ref_number="提案第 3 号", title="关于下岗职工再就业的提案", content="",
                              received_on=TODAY, due_date=TODAY + D(30), unit=world.shop, user=world.user("office"))
    head, other = login_as("unit_head"), login_as(world.user("unit_clerk", unit=world.other_shop))
    assert "关于下岗职工再就业的提案" in head.get("/petitions/tasks?year=2026").get_data(as_text=True)
    assert "关于下岗职工再就业的提案" not in other.get("/petitions/tasks?year=2026").get_data(as_text=True)
    assert other.get(f"/petitions/tasks/{task.id}").status_code == 404
    clock.set_frozen(at(TODAY + D(2)))
    try:
        done = head.post(f"/petitions/tasks/{task.id}/reply", htmx=True, content_type="multipart/form-data",
                         data={"on": "2026-03-04", "note": "已协调人社部门", "document": (io.BytesIO(PDF), "答复.pdf")})
        assert done.status_code == 200 and "按期" in done.get_data(as_text=True)
    finally:
        clock.set_frozen(None)


def test_the_task_list_is_searched_and_sorted_by_its_headers(app, world, login_as):
    with app.app_context(), clock.frozen(at(TODAY)):
        for n, (source, title) in enumerate((("npc", "关于农贸市场改造的建议"), ("cppcc", "关于下岗职工再就业的提案"),
                                             ("npc", "关于冷链物流的建议"))):
            ps.create_task(source=source, ref_number=f"第 {n + 1} 号", title=title, content="", received_on=TODAY - D(n),
                           due_date=TODAY + D(30 - 10 * n), unit=world.shop, user=world.user("office"))
    office = login_as("office")

    def titles(query):
        html = office.get(f"/petitions/tasks?year=2026&{query}").get_data(as_text=True)
        return [t for t in re.findall(r"关于[^<]*?(?:建议|提案)", html)]

    assert titles("q=再就业") == ["关于下岗职工再就业的提案"]
    assert titles("q=第 3 号") == ["关于冷链物流的建议"]
    assert titles("sort=received") == ["关于冷链物流的建议", "关于下岗职工再就业的提案", "关于农贸市场改造的建议"]
    assert titles("sort=-received") == ["关于农贸市场改造的建议", "关于下岗职工再就业的提案", "关于冷链物流的建议"]
    # A filter keeps the sort: the header link carries the filter, and the table the sort for the form.
    html = office.get("/petitions/tasks?year=2026&source=npc&sort=-received").get_data(as_text=True)
    assert 'name="sort" value="-received" form="filters"' in html
    assert titles("source=npc&sort=-received") == ["关于农贸市场改造的建议", "关于冷链物流的建议"]


# -- every transition per role ----------------------------------------------------------------------------

BEFORE = {"accept": "registered", "not_accept": "registered", "assign": "accepted", "start": "assigned",
          "reply": "handling", "visit": "replied", "conclude": "visited", "request_review": "replied"}
MAY = {
    "accept": {"office", "leader"}, "not_accept": {"office", "leader"}, "assign": {"office", "leader"},
    "start": {"unit_head", "unit_clerk"}, "reply": {"unit_head", "unit_clerk", "office"},
    "visit": {"unit_head", "unit_clerk", "office"}, "conclude": {"office", "leader"},
    "request_review": {"office", "leader"},
}


@pytest.mark.parametrize("action", sorted(BEFORE))
def test_every_transition_per_role(app, world, action):
    with app.app_context():
        p = walk(world, register(world), BEFORE[action])
        with clock.frozen(at(TODAY)):
            for role in ("admin", "leader", "office", "inspector", "unit_head", "unit_clerk", "informant"):
                assert (ps.may(world.user(role), p, action) is None) == (role in MAY[action]), (action, role)
            assert ps.may(world.user("unit_head", unit=world.other_shop), p, action) is not None
            if action not in ("accept", "not_accept"):  # a fresh case: too early, refused with the reason
                early = register(world, persons=[ps.PersonInput("何芳")])
                assert "不能" in ps.may(world.user(sorted(MAY[action])[0]), early, action)


def test_letters_filed_at_intake_follow_the_case_to_its_unit(app, world, login_as):
    from portal.attachments.services import save

    with app.app_context(), clock.frozen(at(TODAY)):
        p = register(world)
        letter = save("petition", p, Storage("来信.pdf"), world.user("office"))
    head = login_as("unit_head")
    assert head.get(f"/attachments/{letter.id}").status_code == 404  # not yet the unit's case
    with app.app_context():
        walk(world, p, "assigned")
    assert head.get(f"/attachments/{letter.id}").status_code == 200
    other = login_as(world.user("unit_head", unit=world.other_shop))
    assert other.get(f"/attachments/{letter.id}").status_code == 404


def test_office_todo_lists_cases_to_accept_and_the_unit_page_lists_open_cases(app, world, login_as):
    with app.app_context():
        waiting = register(world)
        assigned = walk(world, register(world, persons=[ps.PersonInput("何芳")]), "assigned")
        with clock.frozen(at(TODAY + D(14))):
            todos = supervision.todo_for(world.user("office"))
        mine = [t for t in todos if t.url.endswith(f"/petitions/{waiting.id}")]
        assert [(t.action, t.due, t.urgency.colour) for t in mine] == [("受理或不予受理", TODAY + D(15), "blue")]
        assert not any(t.url.endswith(f"/petitions/{assigned.id}") for t in todos)  # the unit's turn now
    page = login_as("unit_head").get(f"/units/{world.shop.id}").get_data(as_text=True)
    assert assigned.number in page and waiting.number not in page


def test_extension_requested_and_approved_on_the_case_page(app, world, login_as):
    with app.app_context():
        p = walk(world, register(world), "handling")
        item = ps.handling_item(p)
    head, leader = login_as("unit_head"), login_as("leader")
    # The case page shows the supervision core's extension partial, which posts to the core's routes.
    form = {"version": item.version, "next": f"/petitions/{p.id}"}
    clock.set_frozen(at(TODAY + D(50)))
    try:
        assert f"/supervision/{item.id}/extension" in head.get(f"/petitions/{p.id}").get_data(as_text=True)
        refused = head.post(f"/supervision/{item.id}/extension", htmx=True,
                            data={**form, "new_due_date": (TODAY + D(95)).isoformat(), "reason": "需调取档案"})
        assert refused.status_code == 422 and "不能超过 30 天" in refused.get_data(as_text=True)
        asked = head.post(f"/supervision/{item.id}/extension", htmx=True,
                          data={**form, "new_due_date": (TODAY + D(80)).isoformat(), "reason": "需调取档案"})
        assert asked.status_code == 200 and "等待局领导审批" in asked.get_data(as_text=True)
        assert 'id="petition-live"' in asked.get_data(as_text=True)  # the case's own fragment
        with app.app_context():
            ext = ps.handling_item(p).extensions.get()
        assert head.post(f"/supervision/extension/{ext.id}/approve", form, htmx=True).status_code == 422
        approved = leader.post(f"/supervision/extension/{ext.id}/approve", htmx=True, data={**form, "note": "同意"})
        assert approved.status_code == 200 and "原期限 2026-05-01" in approved.get_data(as_text=True)
    finally:
        clock.set_frozen(None)
    with app.app_context():
        assert fresh(p).reply_due == TODAY + D(80)


# -- found in review ------------------------------------------------------------------------------------

def test_linked_cases_of_other_units_are_counted_not_shown(app, world, login_as):
    with app.app_context():
        office = world.user("office")
        elsewhere = register(world, unit=world.other_shop)
        with clock.frozen(at(TODAY)):
            ps.accept(elsewhere, office, on=TODAY, note="")
            ps.assign(fresh(elsewhere), office, unit=world.other_shop, handler_name="乙", on=TODAY)
        mine = walk(world, register(world, day=TODAY + D(1)), "assigned", day=TODAY + D(1))
        assert mine.repeat_of_id == elsewhere.id
    page = login_as("unit_head").get(f"/petitions/{mine.id}").get_data(as_text=True)
    assert elsewhere.number not in page and "另有 1 件关联信访不在本单位范围内" in page
    assert elsewhere.number in login_as("office").get(f"/petitions/{mine.id}").get_data(as_text=True)


def test_bad_requests_get_messages_not_errors(app, world, login_as):
    with app.app_context():
        p = register(world)
    office = login_as("office")
    review = office.post(f"/petitions/{p.id}/step/request_review", htmx=True,
                         data={"version": p.version, "on": TODAY.isoformat(), "note": "复查"})
    assert review.status_code == 422 and "不能登记复查申请" in review.get_data(as_text=True)
    huge = "9" * 30
    for url in (f"/petitions/?year={huge}", f"/petitions/?unit={huge}&category={huge}&month={huge}",
                f"/petitions/export.xlsx?unit={huge}", f"/petitions/tasks?year={huge}"):
        assert office.get(url).status_code == 200, url


def test_intake_names_a_row_that_has_an_id_but_no_name(app, world):
    with app.app_context():
        problems = ps.intake_problems(received_on=TODAY, channel="visit", headcount=2, category=category(),
                                      title="t", request="r",
                                      persons=[ps.PersonInput("甲"), ps.PersonInput("", "", GOOD_ID)])
        assert any("第 2 位信访人" in x for x in problems)
        assert not any(GOOD_ID in x for x in problems)
        bad = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
        message = privacy.id_number_problem(bad)
        assert bad not in message and privacy.mask_id(bad) in message  # messages never repeat a full ID


def test_a_refused_task_reply_keeps_the_text(app, world, login_as):
    with app.app_context(), clock.frozen(at(TODAY)):
        task = ps.create_task(source="npc", ref_number="", title="建议", content="", received_on=TODAY,
                              due_date=TODAY + D(30), unit=world.shop, user=world.user("office"))
    refused = login_as("unit_head").post(f"/petitions/tasks/{task.id}/reply", htmx=True,
                                         data={"on": TODAY.isoformat(), "note": "已协调落实，详见附件"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "书面答复" in body and "已协调落实，详见附件" in body


def test_untimely_acceptance_counts_against_the_rate_while_undecided(app, world):
    from portal.petitions import stats

    with app.app_context():
        walk(world, register(world), "accepted")
        register(world, persons=[ps.PersonInput("何芳")])
        with clock.frozen(at(TODAY + D(40))):
            rate = stats.year_stats(world.user("office"), 2026).timely_accept
        assert (rate.num, rate.den) == (1, 2)


def test_a_pending_extension_lapses_when_the_case_is_answered(app, world):
    with app.app_context():
        p = walk(world, register(world), "handling")
        head, leader = world.user("unit_head"), world.user("leader")
        with clock.frozen(at(TODAY + D(30))):
            ext = supervision.request_extension(ps.handling_item(p), head, TODAY + D(80), "需调取档案")
            ps.reply(fresh(p), head, on=TODAY + D(30), text="答复", document=Storage())
            assert type(ext).get_by_id(ext.id).state == "lapsed"
            assert not any(t.action == "审批延期申请" for t in supervision.todo_for(leader))


# -- one workflow, one deadline, lists in SQL (issue #12) ------------------------------------------------

def _badge(html, after):
    """The urgency badge's label (红黄蓝牌 · countdown) in the first badge after a marker."""
    import re

    found = re.search(re.escape(after) + r'.*?<span class="badge u-\w+"[^>]*>([^<]+)</span>', html, re.S)
    assert found, after
    return found.group(1)


def _board_badge(html, title):
    """The badge of a row of the 督办 board, found by the item's title."""
    import re

    rows = [row for row in html.split("<tr>") if title in row]
    assert len(rows) == 1, title
    return re.search(r'<span class="badge u-\w+"[^>]*>([^<]+)</span>', rows[0]).group(1)


def _day_41_badges(app, world, login_as):
    """(case page, 督办 board, the unit's to-do) labels of a case at day 41 of its 60-day reply."""
    with app.app_context():
        p = walk(world, register(world), "handling")
    clock.set_frozen(at(TODAY + D(41)))
    try:
        office = login_as("office")
        case_page = office.get(f"/petitions/{p.id}").get_data(as_text=True)
        board = office.get("/supervision/").get_data(as_text=True)
        with app.app_context():
            todo = next(t for t in supervision.todo_for(world.user("unit_head")) if t.url.endswith(f"/petitions/{p.id}"))
    finally:
        clock.set_frozen(None)
    return (_badge(case_page, '<p class="clock">'), _board_badge(board, f"信访 {p.number}"),
            f"{todo.urgency.label} · {todo.urgency.countdown}")


def test_the_case_page_shows_the_colour_of_its_supervised_item(app, world, login_as):
    """The case page counted its own colour (黄牌 at day 41 of 60) while the board and the to-do list
    showed the item's (正常): the page now shows the item's."""
    case_page, board, todo = _day_41_badges(app, world, login_as)
    assert case_page == board == todo


def test_day_41_of_a_60_day_reply_is_yellow_on_the_case_page_and_the_board(app, world, login_as):
    """Two thirds of the time gone: 黄牌 everywhere (needs supervision.urgency's two-thirds rule for
    module-driven items, landing with the supervision core's own change)."""
    assert _day_41_badges(app, world, login_as) == ("黄牌 · 剩 19 天",) * 3


def test_the_supervised_item_holds_the_one_deadline_of_a_case_and_of_a_task(app, world, login_as):
    """Once handed to a unit, the case's reply date and the task's deadline are their items' due dates:
    wherever the item's date is moved, the case page, the ledger, the export and the rate follow, and
    no copy is left behind to disagree."""
    from openpyxl import load_workbook

    with app.app_context():
        p = walk(world, register(world), "handling")
        with clock.frozen(at(TODAY)):
            task = ps.create_task(source="npc", ref_number="建议第 1 号", title="关于网点改造的建议", content="",
                                  received_on=TODAY, due_date=TODAY + D(30), unit=world.shop, user=world.user("office"))
        moved = TODAY + D(75)
        SupervisedItem.update(due_date=moved).where(SupervisedItem.id == ps.handling_item(p).id).execute()
        SupervisedItem.update(due_date=moved).where(SupervisedItem.id == task.item.id).execute()
        assert "reply_due" not in Petition._meta.fields and "due_date" not in AssignedTask._meta.fields
        assert fresh(p).reply_due == moved and AssignedTask.get_by_id(task.id).due_date == moved
        assert not clocks.is_backlog(fresh(p), TODAY + D(70))
    clock.set_frozen(at(TODAY + D(70)))
    try:
        office = login_as("office")
        assert f"答复期限 {moved}" in office.get(f"/petitions/{p.id}").get_data(as_text=True)
        assert p.number not in office.get("/petitions/?year=2026&backlog=1").get_data(as_text=True)
        ws = load_workbook(io.BytesIO(office.get("/petitions/export.xlsx?year=2026").data)).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[1][rows[0].index("答复期限")].date() == moved
        assert str(moved) in office.get(f"/petitions/tasks/{task.id}").get_data(as_text=True)
        ws = load_workbook(io.BytesIO(office.get("/petitions/tasks/export.xlsx?year=2026").data)).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[1][rows[0].index("办理期限")].date() == moved and rows[1][rows[0].index("是否按期")] == "未到期"
        with app.app_context():
            assert ps.task_on_time_rate(2026) == (0, 0)  # not yet due
    finally:
        clock.set_frozen(None)


def _cases(world, n, day=TODAY):
    """n cases in every state a ledger row can show, each with its own petitioner."""
    states = ["registered", "accepted", "assigned", "handling", "replied", "closed"]
    with clock.frozen(at(day)):
        for k in range(n):
            p = register(world, day=day, persons=[ps.PersonInput(f"信访人{k}", "", "")])
            walk(world, p, states[k % len(states)], day=day)


def test_the_ledger_and_task_list_cost_the_same_statements_whatever_their_size(app, world, login_as, count_queries):
    office = login_as("office")

    def cost(url):
        with count_queries() as q:
            assert office.get(url).status_code == 200
        return q.count

    def tasks(n):
        with app.app_context(), clock.frozen(at(TODAY)):
            for k in range(n):
                ps.create_task(source="npc", ref_number="", title=f"建议{k}", content="", received_on=TODAY,
                               due_date=TODAY + D(30), unit=world.shop, user=world.user("office"))

    with app.app_context():
        _cases(world, 6)
    tasks(2)
    small = [cost("/petitions/?year=2026"), cost("/petitions/?year=2026&backlog=1&kind=individual"),
             cost("/petitions/tasks?year=2026")]
    with app.app_context():
        _cases(world, 24, day=TODAY + D(1))
    tasks(10)
    large = [cost("/petitions/?year=2026"), cost("/petitions/?year=2026&backlog=1&kind=individual"),
             cost("/petitions/tasks?year=2026")]
    assert large == small, (small, large)


def test_the_ledger_pages_keep_the_filters_and_the_most_urgent_first(app, world, login_as):
    app.config["PAGE_SIZE"] = 2
    with app.app_context():
        office = world.user("office")
        oldest = register(world, day=TODAY - D(20), persons=[ps.PersonInput("甲")])  # acceptance overdue
        older = register(world, day=TODAY - D(10), persons=[ps.PersonInput("乙")])
        newest = register(world, day=TODAY, persons=[ps.PersonInput("丙")])
        refused = register(world, day=TODAY, persons=[ps.PersonInput("丁")])
        with clock.frozen(at(TODAY)):
            ps.not_accept(refused, office, on=TODAY, reason="不属于本系统职责")
        group = register(world, day=TODAY - D(30), headcount=6, persons=[ps.PersonInput("戊", "", "", True)])
    client = login_as("office")
    clock.set_frozen(at(TODAY))
    try:
        pages = [client.get(f"/petitions/?year=2026&kind=individual&page={n}").get_data(as_text=True)
                 for n in (1, 2)]
    finally:
        clock.set_frozen(None)
    first, second = pages
    order = [p.number for p in (oldest, older, newest, refused)]
    assert first.index(order[0]) < first.index(order[1]) and order[2] not in first
    assert second.index(order[2]) < second.index(order[3]) and order[0] not in second
    assert group.number not in first + second
    assert "共 4 件" in first and "第 1 / 2 页" in first
    assert "kind=individual" in first.split('class="pager"')[1] and "page=2" in first.split('class="pager"')[1]


def test_a_case_points_at_its_latest_handling_item_and_its_open_item_at_every_step(app, world):
    """The ledger joins these pointers (no per-row MAX); each step that supervises or resolves a case's
    work keeps them equal to what the case's items say."""
    def items(p, types):
        return list(SupervisedItem.select().where(SupervisedItem.source_type.in_(types), SupervisedItem.source_id == p.id)
                    .order_by(SupervisedItem.id))

    with app.app_context():
        p = register(world)
        assert (p.handling_item_id, p.open_item_id) == (None, None)
        p = fresh(walk(world, p, "assigned"))
        [handling] = items(p, ("petition",))
        assert (p.handling_item_id, p.open_item_id) == (handling.id, handling.id)
        p = fresh(walk(world, p, "replied"))
        [visit_item] = items(p, ("petition_visit",))
        assert (p.handling_item_id, p.open_item_id) == (handling.id, visit_item.id)
        with clock.frozen(at(TODAY + D(10))):
            p = ps.visit(fresh(p), world.user("unit_clerk"), on=TODAY + D(10), visitor="乙", method="home",
                         satisfaction="dissatisfied", notes="工资只补发了一半")
        [reopened] = items(p, ("petition_reopened",))
        assert (fresh(p).handling_item_id, fresh(p).open_item_id) == (reopened.id, reopened.id)
        listed = Petition.listed(world.user("office")).where(Petition.id == p.id).get()
        assert listed.handling_item.id == listed.open_item.id == reopened.id
        assert listed.reply_due == reopened.due_date


def test_migration_0017_fills_the_pointers_of_existing_cases(app, world):
    import importlib

    from portal.db import database

    fill = importlib.import_module("portal.migrations.0017_petition_item_pointers").fill
    with app.app_context():
        cases = [walk(world, register(world), state) for state in ("registered", "assigned", "replied", "closed")]
        expected = {p.id: (fresh(p).handling_item_id, fresh(p).open_item_id) for p in cases}
        assert len({v for v in expected.values()}) == 4
        Petition.update(handling_item=None, open_item=None).execute()
        fill(database.obj)
        assert {p.id: (fresh(p).handling_item_id, fresh(p).open_item_id) for p in cases} == expected
