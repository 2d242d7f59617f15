"""The organisation behind the work: quarters and their supervised meetings under a frozen clock,
decisions as supervised items in their owners' to-do, leading groups as of a day and their flags, the
roster grid's version check, spot checks raising a 通报批评, the leader's view of open work, scoping,
printables and the yearly archive."""
import datetime
import io
import re
import subprocess
import zipfile

import pytest

from portal import clock
from portal.disputes import services as ds
from portal.governance import services as sv
from portal.models import AuditLog, PrintJob, Sanction, SupervisedItem
from portal.models.disputes import DisputeCategory
from portal.models.governance import DutyShift, GroupMember, LeadingGroup, Meeting, MeetingDue, SpotCheck
from portal.supervision import services as supervision
from portal.supervision.urgency import urgency
from portal.workflow import STALE, RuleError


def at(day, hour=10):
    """A local calendar day and hour as the naive UTC the clock stores."""
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(hour)))


def freeze(day):
    clock.set_frozen(at(day))


def pdf_text(data):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def office(world):
    return world.user("office")


# -- quarters -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day,expected", [
    (datetime.date(2026, 1, 1), (2026, 1)), (datetime.date(2026, 3, 31), (2026, 1)), (datetime.date(2026, 4, 1), (2026, 2)),
    (datetime.date(2026, 6, 30), (2026, 2)), (datetime.date(2026, 9, 30), (2026, 3)), (datetime.date(2026, 10, 1), (2026, 4)),
    (datetime.date(2026, 12, 31), (2026, 4)),
])
def test_quarter_of_a_day(day, expected):
    assert sv.quarter_of(day) == expected
    year, quarter = expected
    assert sv.quarter_start(year, quarter) <= day <= sv.quarter_end(year, quarter)


def test_quarter_ends():
    assert [sv.quarter_end(2028, q) for q in range(1, 5)] == [
        datetime.date(2028, 3, 31), datetime.date(2028, 6, 30), datetime.date(2028, 9, 30), datetime.date(2028, 12, 31)]


def test_a_body_owes_one_meeting_a_quarter_red_the_day_after_quarter_end(app, world, office):
    with app.app_context():
        freeze(datetime.date(2026, 2, 10))
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        due = MeetingDue.get(MeetingDue.body == body.id)
        item = SupervisedItem.get_by_id(due.item_id)
        assert (due.year, due.quarter) == (2026, 1)
        assert item.source_type == "governance.meeting" and item.unit_id == world.branch.id
        assert item.start_date == datetime.date(2026, 1, 1) and item.due_date == datetime.date(2026, 3, 31)
        assert sv.open_quarter(2026, 1, office) == 0  # idempotent
        assert urgency(item, datetime.date(2026, 3, 31)).colour == "blue"
        assert urgency(item, datetime.date(2026, 4, 1)).colour == "red"
        freeze(datetime.date(2026, 4, 1))
        cells = dict(sv.quarter_table(office, 2026))[body]
        assert [c.state for c in cells] == ["missed", "none", "future", "future"]
        with pytest.raises(RuleError):
            sv.open_quarter(2026, 3, office)  # not yet begun
        assert sv.open_quarter(2026, 2, office) == 1
        assert [c.state for c in dict(sv.quarter_table(office, 2026))[body]][:2] == ["missed", "due"]


def test_the_daily_run_opens_a_new_quarter_by_itself(app, world, office, runner):
    """`flask --app portal remind` (cron, daily) runs every module's daily jobs before the digest: on the
    first day of a quarter each body's meeting due appears without anybody pressing a button."""
    with app.app_context():
        freeze(datetime.date(2026, 2, 10))
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        freeze(datetime.date(2026, 4, 1))
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 0 and "opened 1 meeting due(s)" in result.output, result.output
    assert [(d.year, d.quarter) for d in MeetingDue.select().where(MeetingDue.body == body.id)
            .order_by(MeetingDue.quarter)] == [(2026, 1), (2026, 2)]
    assert "opened 0 meeting due(s)" in runner.invoke(args=["remind"]).output  # again the same day: nothing new


def test_the_due_is_in_the_bodys_todo_and_a_meeting_resolves_it(app, world, office, login_as):
    head = world.user("unit_head", unit=world.branch)
    with app.app_context():
        freeze(datetime.date(2026, 5, 6))
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        assert any("第2季度综治工作议事会议" in t.title for t in supervision.todo_for(head))
        meeting = sv.record_meeting(body, held_on=datetime.date(2026, 5, 6), chair="甲主任", attendees="甲、乙、丙",
                                    topics="分析二季度稳定形势", user=office)
        assert meeting.quarter == 2 and meeting.number >= 1
        due = MeetingDue.get(MeetingDue.body == body.id)
        assert SupervisedItem.get_by_id(due.item_id).state == "closed"
        assert not any("议事会议" in t.title for t in supervision.todo_for(head))
        assert [c.state for c in dict(sv.quarter_table(office, 2026))[body]][:2] == ["none", "held"]


def test_a_meeting_late_in_the_quarter_still_counts_on_its_last_day(app, world, office):
    with app.app_context():
        freeze(datetime.date(2026, 9, 30))
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        sv.record_meeting(body, held_on=datetime.date(2026, 9, 30), chair="甲", attendees="甲、乙", topics="议题",
                          user=office)
        freeze(datetime.date(2026, 10, 1))
        cells = dict(sv.quarter_table(office, 2026))[body]
        assert cells[2].state == "held" and cells[3].state == "none"


def test_the_meeting_table_as_excel(app, world, office, login_as):
    from openpyxl import load_workbook

    with app.app_context():
        freeze(datetime.date(2026, 5, 6))
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        sv.record_meeting(body, held_on=datetime.date(2026, 5, 6), chair="甲", attendees="甲", topics="议题", user=office,
                          decisions=[sv.DecisionInput("决定", world.shop)])
    rows = list(load_workbook(io.BytesIO(login_as("office").get("/governance/meetings/export?year=2026").get_data()))
                .active.values)
    assert rows[0] == ("议事主体", "单位", "第1季度", "第2季度", "第3季度", "第4季度")
    assert rows[1] == ("测试支部", "测试行办", "未开启", "已召开（决定未办结 1）", "未到期", "未到期")


def test_the_quarter_is_opened_from_the_command_line(app, runner, world, office):
    with app.app_context():
        freeze(datetime.date(2026, 3, 20))
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        freeze(datetime.date(2026, 4, 1))
    result = runner.invoke(args=["governance", "open-quarter"])
    assert "opened 1" in result.output
    assert runner.invoke(args=["governance", "open-quarter"]).output.strip() == "opened 0 meeting due(s)"
    with app.app_context():
        assert [(d.year, d.quarter) for d in MeetingDue.select().where(MeetingDue.body == body.id)
                .order_by(MeetingDue.quarter)] == [(2026, 1), (2026, 2)]


# -- decisions as supervised items ------------------------------------------------------------------------

def test_decisions_become_supervised_items_of_their_owners(app, world, office):
    head = world.user("unit_head")  # 测试商店
    other = world.user("unit_head", unit=world.other_shop)
    with app.app_context():
        freeze(datetime.date(2026, 5, 6))
        body = sv.add_body(unit=world.bureau, name="局党组", user=office)
        meeting = sv.record_meeting(body, held_on=datetime.date(2026, 5, 6), chair="甲局长", attendees="班子成员",
                                    topics="研究改制遗留问题", user=office, decisions=[
                                        sv.DecisionInput("摸清改制职工底数", world.shop, "丙经理", datetime.date(2026, 5, 31)),
                                        sv.DecisionInput("化解欠薪矛盾", world.other_shop, "")])
        decisions = sv.decisions_of(meeting)
        assert [(d.unit.id, d.item.source_type, d.item.state) for d in decisions] == [
            (world.shop.id, "governance.decision", "assigned"), (world.other_shop.id, "governance.decision", "assigned")]
        assert decisions[0].item.due_date == datetime.date(2026, 5, 31)
        assert decisions[0].item.responsible_name == "丙经理"
        assert decisions[1].item.due_date == datetime.date(2026, 6, 5)  # default: 30 days after the meeting
        mine = [t.title for t in supervision.todo_for(head)]
        assert any("摸清改制职工底数" in t for t in mine) and not any("化解欠薪矛盾" in t for t in mine)
        assert any("化解欠薪矛盾" in t.title for t in supervision.todo_for(other))
        # The owner works the item through the supervision core; the meeting table counts what is open.
        item = decisions[0].item
        for action, note in (("acknowledge", ""), ("report", "已摸清底数")):
            item = supervision.take_step(item, action, head, note=note)
        supervision.take_step(item, "close", office)
        cell = dict(sv.quarter_table(office, 2026))[body][1]
        assert (cell.state, cell.open_decisions, cell.overdue_decisions) == ("held", 1, 0)
        freeze(datetime.date(2026, 6, 6))
        cell = dict(sv.quarter_table(office, 2026))[body][1]
        assert (cell.open_decisions, cell.overdue_decisions) == (1, 1)
        assert SupervisedItem.get_by_id(decisions[1].item.id) in list(supervision.overdue_items())
        # Reported and awaiting close-out: still open, no longer the owner's delay.
        item = SupervisedItem.get_by_id(decisions[1].item.id)
        supervision.take_step(item, "acknowledge", other)
        supervision.take_step(item, "report", other, note="方案已制定")
        cell = dict(sv.quarter_table(office, 2026))[body][1]
        assert (cell.open_decisions, cell.overdue_decisions) == (1, 0)


@pytest.mark.parametrize("decision,message", [
    (sv.DecisionInput("", None), "请填写决定事项"),
    (sv.DecisionInput("内容", None), "请选择责任单位"),
])
def test_a_decision_needs_content_and_an_owner(app, world, office, decision, message):
    with app.app_context():
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        with pytest.raises(RuleError, match=message):
            sv.record_meeting(body, held_on=clock.today(), chair="甲", attendees="甲", topics="议题", user=office,
                              decisions=[decision])
        assert Meeting.select().count() == 0


def test_a_decision_due_before_the_meeting_is_refused(app, world, office):
    with app.app_context():
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
        with pytest.raises(RuleError, match="完成期限不能早于会议日期"):
            sv.record_meeting(body, held_on=clock.today(), chair="甲", attendees="甲", topics="议题", user=office,
                              decisions=[sv.DecisionInput("内容", world.shop, "", clock.today() - datetime.timedelta(days=1))])


def test_recording_a_meeting_through_the_page(app, world, office, login_as):
    client = login_as("office")
    with app.app_context():
        body = sv.add_body(unit=world.branch, name="测试支部", user=office)
    today = clock.today()
    form = {"held_on": today.isoformat(), "chair": "甲主任", "attendees": "甲、乙", "topics": "分析形势",
            "decisions-0-content": "落实值班制度", "decisions-0-unit": str(world.shop.id),
            "decisions-0-owner_name": "乙", "decisions-0-due_date": (today + datetime.timedelta(days=10)).isoformat(),
            "decisions-1-content": "", "decisions-1-unit": "0"}
    response = client.post(f"/governance/bodies/{body.id}/meetings/new", form)
    assert response.status_code == 302
    meeting = Meeting.get()
    page = client.get(f"/governance/meetings/{meeting.id}").get_data(as_text=True)
    assert "落实值班制度" in page and "已交办" in page and world.shop.name in page
    # Bad input: the message next to the field, and nothing typed is lost.
    response = client.post(f"/governance/bodies/{body.id}/meetings/new", {**form, "held_on": "2026-13-45"})
    body_html = response.get_data(as_text=True)
    assert response.status_code == 422 and "落实值班制度" in body_html and "甲主任" in body_html
    assert Meeting.select().count() == 1


def test_minutes_pdf_in_the_official_layout(app, world, office, login_as):
    with app.app_context():
        body = sv.add_body(unit=world.bureau, name="局党组", user=office)
        meeting = sv.record_meeting(body, held_on=clock.today(), chair="甲局长", attendees="班子成员", topics="研究信访积案",
                                    analysis="本季度群体访有所下降", user=office,
                                    decisions=[sv.DecisionInput("化解信访积案", world.shop, "丙经理")])
    response = login_as("office").get(f"/governance/meetings/{meeting.id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.get_data())
    assert "综治工作议事会议纪要" in text and "化解信访积案" in text and "测试商店" in text
    assert re.search(r"—\s*1\s*—", text)


# -- leading groups ----------------------------------------------------------------------------------------

def test_a_group_as_it_stood_on_a_day(app, world, office):
    with app.app_context():
        group = sv.create_group(unit=world.bureau, name="维护稳定工作领导小组", offices="政工股、改制股",
                                established_on=datetime.date(2026, 1, 5), user=office)
        old = sv.add_member(group, name="甲", post="局长", position="leader", duty="全面负责",
                            start_date=datetime.date(2026, 1, 5), user=office)
        sv.add_member(group, name="乙", post="副局长", position="deputy", duty="分管综治", in_charge=True,
                      start_date=datetime.date(2026, 1, 5), user=office)
        sv.end_member(old, end_date=datetime.date(2026, 6, 1), user=office)
        sv.add_member(group, name="丙", post="局长", position="leader", duty="全面负责",
                      start_date=datetime.date(2026, 6, 1), user=office)
        names = lambda day: [(m.position, m.name) for m in sv.members_on(group, day)]  # noqa: E731
        assert names(datetime.date(2026, 1, 4)) == []
        assert names(datetime.date(2026, 5, 31)) == [("leader", "甲"), ("deputy", "乙")]
        assert names(datetime.date(2026, 6, 1)) == [("leader", "丙"), ("deputy", "乙")]
        assert GroupMember.select().count() == 3  # nothing deleted: the old place is dated
        with pytest.raises(RuleError, match="已于"):
            sv.end_member(GroupMember.get_by_id(old.id), end_date=datetime.date(2026, 7, 1), user=office)
        assert AuditLog.select().where(AuditLog.object_type == "leading_group").count() == 5


def test_flags_no_group_and_no_leader(app, world, office):
    with app.app_context():
        freeze(datetime.date(2026, 3, 1))
        group = sv.create_group(unit=world.branch, name="综治领导小组", offices="", established_on=clock.today(),
                                user=office)
        sv.add_member(group, name="乙", post="副主任", position="deputy", duty="", start_date=clock.today(), user=office)
        missing, leaderless = sv.group_flags(office)
        assert {u.id for u in missing} == {world.bureau.id, world.other_branch.id}
        assert [g.id for g in leaderless] == [group.id]
        leader = sv.add_member(group, name="甲", post="主任", position="leader", duty="", start_date=clock.today(),
                               user=office)
        assert sv.group_flags(office)[1] == []
        sv.end_member(leader, end_date=datetime.date(2026, 4, 1), user=office)
        assert sv.group_flags(office, datetime.date(2026, 4, 1))[1] == [group]
        # A unit's user sees only the flags of their own subtree.
        clerk = world.user("unit_clerk", unit=world.branch)
        assert sv.group_flags(clerk, datetime.date(2026, 4, 1)) == ([], [group])


def test_the_unit_page_shows_its_group_contact_leader_and_quarters(app, world, office, login_as):
    leader = world.user("leader")
    with app.app_context():
        group = sv.create_group(unit=world.branch, name="测试行办综治领导小组", offices="", established_on=clock.today(),
                                user=office)
        sv.add_member(group, name="甲主任", post="主任", position="leader", duty="", start_date=clock.today(), user=office)
        sv.assign_contact(leader=leader, unit=world.branch, year=clock.today().year, user=office)
        sv.add_body(unit=world.branch, name="测试行办党支部", user=office)
    assert login_as("unit_head").get(f"/units/{world.branch.id}").status_code == 404  # above a shop's subtree
    html = login_as(world.user("unit_head", unit=world.branch)).get(f"/units/{world.branch.id}").get_data(as_text=True)
    assert "测试行办综治领导小组" in html and "组长：甲主任" in html and leader.display_name in html
    assert "测试行办党支部" in html and "待召开" in html


def test_group_notice_pdf_and_excel(app, world, office, login_as):
    with app.app_context():
        group = sv.create_group(unit=world.bureau, name="维护稳定工作领导小组", offices="政工股、改制股",
                                established_on=clock.today(), user=office)
        sv.add_member(group, name="甲局长", post="局长", position="leader", duty="全面负责", start_date=clock.today(),
                      user=office)
    client = login_as("office")
    text = pdf_text(client.get(f"/governance/groups/{group.id}/notice.pdf").get_data())
    assert "关于调整维护稳定工作领导小组" in text and "甲局长" in text and "政工股、改制股" in text
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(f"/governance/groups/{group.id}/export").get_data()))
    rows = list(wb.active.values)
    assert rows[0][:2] == ("小组职务", "姓名") and rows[1][:2] == ("组长", "甲局长")


# -- duty roster grid ------------------------------------------------------------------------------------------

def test_roster_grid_saves_with_the_version_check(app, world, office, login_as):
    with app.app_context():
        roster = sv.create_roster(unit=world.shop, title="春节值班表", kind="holiday",
                                  start_date=datetime.date(2026, 2, 16), end_date=datetime.date(2026, 2, 18), user=office)
        shifts = sv.shifts_of(roster)
    clerk = login_as("unit_clerk")
    form = {"version": "1", f"person-{shifts[0].id}": "甲", f"leader-{shifts[0].id}": "乙", f"phone-{shifts[0].id}": "0731-1234"}
    assert clerk.post(f"/governance/rosters/{roster.id}", form).status_code == 302
    assert (DutyShift.get_by_id(shifts[0].id).person, DutyShift.get_by_id(shifts[0].id).phone) == ("甲", "0731-1234")
    # A second page loaded at version 1 is refused, keeps what it typed, changes nothing.
    stale = {"version": "1", f"person-{shifts[1].id}": "丙"}
    response = clerk.post(f"/governance/rosters/{roster.id}", stale, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and STALE in html and 'value="丙"' in html
    assert DutyShift.get_by_id(shifts[1].id).person == ""
    assert clerk.post(f"/governance/rosters/{roster.id}", {**stale, "version": "2"}, htmx=True).status_code == 200
    assert DutyShift.get_by_id(shifts[1].id).person == "丙"
    assert clerk.post(f"/governance/rosters/{roster.id}", {"version": "abc"}).status_code == 422


def test_roster_grid_refuses_overlong_values(app, world, office):
    with app.app_context():
        roster = sv.create_roster(unit=world.shop, title="值班表", kind="regular", start_date=clock.today(),
                                  end_date=clock.today(), user=office)
        shift = sv.shifts_of(roster)[0]
        with pytest.raises(RuleError, match="不能超过"):
            sv.save_grid(roster, {shift.id: ("甲" * 51, "", "")}, office, roster.version)
        assert sv.save_grid(roster, {shift.id: ("甲", "", ""), 999999: ("x", "", "")}, office, roster.version) == 1


def test_roster_scope_and_period_limits(app, world, office):
    clerk = world.user("unit_clerk")
    with app.app_context():
        with pytest.raises(RuleError, match="本单位"):
            sv.create_roster(unit=world.other_shop, title="值班表", kind="regular", start_date=clock.today(),
                             end_date=clock.today(), user=clerk)
        with pytest.raises(RuleError, match="最多"):
            sv.create_roster(unit=world.shop, title="全年", kind="regular", start_date=datetime.date(2026, 1, 1),
                             end_date=datetime.date(2026, 12, 31), user=clerk)


def test_holiday_roster_pdf_and_excel(app, world, office, login_as):
    with app.app_context():
        roster = sv.create_roster(unit=world.branch, title="2026年国庆节值班表", kind="holiday",
                                  start_date=datetime.date(2026, 10, 1), end_date=datetime.date(2026, 10, 7), user=office,
                                  shifts={datetime.date(2026, 10, 1): ("值班甲", "带班乙", "0731-5550001")})
    client = login_as("office")
    text = pdf_text(client.get(f"/governance/rosters/{roster.id}/pdf").get_data())
    assert "2026年国庆节值班表" in text and "值班甲" in text and "10月7日" in text
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(client.get(f"/governance/rosters/{roster.id}/export").get_data())).active.values)
    assert len(rows) == 8 and rows[1][2:] == ("值班甲", "带班乙", "0731-5550001")


# -- spot checks -----------------------------------------------------------------------------------------------

def test_a_failed_check_raises_one_criticism(app, world, office):
    inspector = world.user("inspector")
    with app.app_context():
        with pytest.raises(RuleError, match="政工股或局领导"):
            sv.record_check(unit=world.shop, checked_at=clock.now(), method="phone", result="absent",
                            on_duty="值班丁", note="电话无人接听", raise_notice=True, user=inspector)
        assert SpotCheck.select().count() == 0  # one step: nothing kept when the criticism is refused
        check = sv.record_check(unit=world.shop, checked_at=clock.now(), method="phone", result="absent",
                                on_duty="值班丁", note="电话无人接听", raise_notice=True, user=office)
        sanction = Sanction.get_by_id(check.sanction_id)
        assert (sanction.kind, sanction.unit_id, sanction.source_type, sanction.source_id) == (
            "criticism", world.shop.id, "governance.spotcheck", check.id)
        with pytest.raises(RuleError, match="已作出"):
            sv.criticise(SpotCheck.get_by_id(check.id), office)
        ok = sv.record_check(unit=world.shop, checked_at=clock.now(), method="onsite", result="present", user=office)
        with pytest.raises(RuleError, match="不在岗"):
            sv.criticise(ok, office)
        with pytest.raises(RuleError, match="不在岗"):
            sv.record_check(unit=world.branch, checked_at=clock.now(), method="onsite", result="other",
                            raise_notice=True, user=office)
        later = sv.record_check(unit=world.branch, checked_at=clock.now(), method="phone", result="absent", user=office)
        assert later.sanction_id is None
        sv.criticise(later, office)
        assert Sanction.select().where(Sanction.kind == "criticism").count() == 2
        assert sv.check_figures(office, clock.today().year) == {"checks": 3, "failures": 2, "units": 2, "criticised": 2}
        assert sv.check_figures_by_unit(office, clock.today().year) == [(world.shop.name, 2, 1), (world.branch.name, 1, 1)]
        clerk = world.user("unit_clerk")  # a shop's user sees only the shop's checks
        assert sv.check_figures(clerk, clock.today().year) == {"checks": 2, "failures": 1, "units": 1, "criticised": 1}
        assert sv.check_figures(office, clock.today().year - 1) == {"checks": 0, "failures": 0, "units": 0,
                                                                   "criticised": 0}


def test_a_unit_role_cannot_check_or_criticise(app, world, login_as):
    clerk = login_as("unit_clerk")
    response = clerk.post("/governance/checks/new", {"unit": str(world.shop.id), "result": "absent"})
    assert response.status_code == 403


# -- contact units, visits and the leader's view ------------------------------------------------------------------

def test_leader_sees_open_work_of_their_units_and_a_visit_task(app, world, office, login_as):
    leader = world.user("leader")
    year = clock.today().year
    with app.app_context():
        sv.assign_contact(leader=leader, unit=world.shop, year=year, user=office)
        with pytest.raises(RuleError, match="已是"):
            sv.assign_contact(leader=leader, unit=world.shop, year=year, user=office)
        supervision.supervise("task", unit=world.shop, title="逾期事项", due_date=clock.today(),
                              start_date=clock.today() - datetime.timedelta(days=10), assigned_by=office)
        ds.register(reported_on=clock.today(), title="拖欠货款纠纷", summary="供货商要求结清货款",
                    category=DisputeCategory.get(DisputeCategory.name == "拖欠工资"), source="screening",
                    unit=world.shop, headcount=1, risk="low", reasons=[], complexity="simple",
                    parties=[ds.PartyInput("测试公司", "org")], user=world.user("unit_head"))
        freeze(clock.today() + datetime.timedelta(days=1))
        work = sv.open_work([world.shop], year)[0]
        assert (work.overdue_items, work.open_petitions, work.open_disputes, work.vetoes) == (1, 0, 1, 0)
        assert sv.open_work([world.other_shop], year)[0].open_disputes == 0
        clock.set_frozen(None)
        with pytest.raises(RuleError, match="定点联系单位"):
            sv.log_visit(leader=leader, unit=world.other_shop, visited_on=clock.today(), checked="值班", user=leader)
    client = login_as(leader)
    response = client.post("/governance/visits/new", {
        "unit": str(world.shop.id), "visited_on": clock.today().isoformat(), "checked": "查看值班记录",
        "problems": "值班记录不全", "task": "y", "task_due": (clock.today() + datetime.timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    item = SupervisedItem.get(SupervisedItem.source_type == "governance.visit")
    assert item.unit_id == world.shop.id and "值班记录不全" in item.title
    head = world.user("unit_head")
    with app.app_context():
        assert any("值班记录不全" in t.title for t in supervision.todo_for(head))
    page = client.get("/governance/leader").get_data(as_text=True)
    assert world.shop.name in page and "查看值班记录" in page


def test_a_visit_task_needs_its_due_date_and_keeps_what_was_typed(app, world, office, login_as):
    leader = world.user("leader")
    with app.app_context():
        sv.assign_contact(leader=leader, unit=world.shop, year=clock.today().year, user=office)
    client = login_as(leader)
    response = client.post("/governance/visits/new", {"unit": str(world.shop.id), "visited_on": clock.today().isoformat(),
                                                        "checked": "查阅台账", "problems": "台账缺页", "task": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写整改期限" in html and "台账缺页" in html
    assert not SupervisedItem.select().where(SupervisedItem.source_type == "governance.visit").exists()


def test_leader_page_queries_do_not_grow_with_units(app, world, office, login_as, count_queries):
    leader = world.user("leader")
    client = login_as(leader)
    year = clock.today().year

    def measure():
        with count_queries() as q:
            assert client.get("/governance/leader").status_code == 200
        return q.count

    with app.app_context():
        sv.assign_contact(leader=leader, unit=world.shop, year=year, user=office)
    small = measure()
    with app.app_context():
        for unit in (world.branch, world.other_shop, world.other_branch):
            sv.assign_contact(leader=leader, unit=unit, year=year, user=office)
            supervision.supervise("task", unit=unit, title="事项", due_date=clock.today(), assigned_by=office)
    assert measure() == small


def test_meeting_table_queries_do_not_grow_with_bodies(app, world, office, login_as, count_queries):
    client = login_as("office")

    def measure():
        with count_queries() as q:
            assert client.get("/governance/meetings").status_code == 200
        return q.count

    with app.app_context():
        body = sv.add_body(unit=world.branch, name="支部一", user=office)
        sv.record_meeting(body, held_on=clock.today(), chair="甲", attendees="甲", topics="议题", user=office,
                          decisions=[sv.DecisionInput("决定", world.shop)])
    small = measure()
    with app.app_context():
        for n, unit in enumerate((world.shop, world.other_branch, world.other_shop)):
            b = sv.add_body(unit=unit, name=f"支部{n + 2}", user=office)
            sv.record_meeting(b, held_on=clock.today(), chair="甲", attendees="甲", topics="议题", user=office,
                              decisions=[sv.DecisionInput("决定", unit), sv.DecisionInput("决定二", unit)])
    assert measure() == small


# -- scoping ------------------------------------------------------------------------------------------------------

def test_unit_users_see_and_record_only_their_subtree(app, world, office, login_as):
    with app.app_context():
        mine = sv.add_body(unit=world.shop, name="商店支部", user=office)
        theirs = sv.add_body(unit=world.other_shop, name="界外支部", user=office)
    clerk = login_as("unit_clerk")
    page = clerk.get("/governance/meetings").get_data(as_text=True)
    assert "商店支部" in page and "界外支部" not in page
    assert clerk.get(f"/governance/bodies/{theirs.id}/meetings/new").status_code == 404
    response = clerk.post(f"/governance/bodies/{mine.id}/meetings/new", {
        "held_on": clock.today().isoformat(), "chair": "甲", "attendees": "甲、乙", "topics": "议题"})
    assert response.status_code == 302
    with app.app_context():
        with pytest.raises(RuleError):
            sv.record_meeting(theirs, held_on=clock.today(), chair="甲", attendees="甲", topics="议题",
                              user=world.user("unit_clerk"))
        with pytest.raises(RuleError, match="只能交办给本单位"):
            sv.record_meeting(mine, held_on=clock.today(), chair="甲", attendees="甲", topics="议题",
                              user=world.user("unit_clerk"), decisions=[sv.DecisionInput("界外事项", world.other_shop)])
    form = clerk.get(f"/governance/bodies/{mine.id}/meetings/new").get_data(as_text=True)
    assert "测试商店" in form and world.other_shop.name not in form


# -- the yearly archive ----------------------------------------------------------------------------------------------

def test_the_archive_zip_holds_a_contents_page_and_each_modules_documents(app, world, office, login_as):
    year = clock.today().year
    with app.app_context():
        group = sv.create_group(unit=world.branch, name="测试行办综治领导小组", offices="办公室",
                                established_on=datetime.date(year, 1, 1), user=office)
        sv.add_member(group, name="甲主任", post="主任", position="leader", duty="全面负责",
                      start_date=datetime.date(year, 1, 1), user=office)
        body = sv.add_body(unit=world.branch, name="测试行办支部", user=office)
        sv.record_meeting(body, held_on=clock.today(), chair="甲主任", attendees="甲、乙", topics="季度议事", user=office)
        sv.create_roster(unit=world.shop, title="测试商店春节值班表", kind="holiday", start_date=clock.today(),
                         end_date=clock.today(), user=office)
        # Another branch's records stay out of this branch's archive.
        other = sv.add_body(unit=world.other_branch, name="界外支部", user=office)
        sv.record_meeting(other, held_on=clock.today(), chair="乙", attendees="乙", topics="界外", user=office)
    client = login_as("office")
    response = client.post("/governance/archive", {"year": str(year), "unit": str(world.branch.id)}, htmx=True)
    assert response.status_code == 200 and "已完成" in response.get_data(as_text=True)
    job = PrintJob.get()
    spec = job.spec
    assert spec["year"] == year and spec["unit"] == world.branch.id
    download = client.get(f"/agreements/print/{job.id}/download")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
    names = archive.namelist()
    assert names[0] == "00-目录.pdf"
    assert any(n.startswith("01-01-关于调整测试行办综治领导小组") for n in names)
    assert any(n.startswith("03-01-测试行办支部") for n in names)
    assert any(n.startswith("07-01-") and n.endswith(".xlsx") for n in names)
    assert any(n.startswith("08-01-测试商店春节值班表") for n in names)
    assert not any("界外" in n for n in names)
    contents = re.sub(r"\s+", "", pdf_text(archive.read("00-目录.pdf")))
    assert "综治工作档案" in contents and "目录" in contents
    for name in names[1:]:
        assert re.sub(r"\s+", "", name) in contents  # every file is listed by its name on the contents page
        assert archive.read(name)[:4] in (b"%PDF", b"PK\x03\x04")
    minutes = pdf_text(archive.read(next(n for n in names if n.startswith("03-01"))))
    assert "综治工作议事会议纪要" in minutes
    # Another office user cannot download it.
    other_office = login_as(world.user("office", username="office2"))
    assert other_office.get(f"/agreements/print/{job.id}/download").status_code == 404


def test_a_unit_user_cannot_start_an_archive(app, world, login_as):
    assert login_as("unit_head").post("/governance/archive", {"year": "2026", "unit": str(world.shop.id)}).status_code == 403
