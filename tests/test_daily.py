"""Daily use (issue 14): one record per task from above, notifications, and the smaller things users hit."""
import datetime

import pytest

from portal import clock
from portal.models import AssignedTask, SupervisedItem, User
from portal.models.petitions import TASK_ITEM_TYPE


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


# -- 确定…？ before irreversible steps ------------------------------------------------------------------

def test_the_irreversible_steps_of_the_issue_declare_what_they_do(app):
    from portal.workflow import confirm_text

    with app.app_context():
        from portal import modules

        modules.manifests()
        for object_type, action, label in [
                ("agreement", "issue", "下发"), ("agreement", "sign", "签订"), ("agreement", "self_assess", "提交自评"),
                ("agreement", "assess", "考核评分"), ("agreement", "archive", "审定归档"), ("veto", "confirm", "确认否决"),
                ("veto", "overturn", "撤销否决"), ("veto", "uphold", "维持否决"), ("supervision", "close", "销号"),
                ("supervision", "return", "驳回重办")]:
            text = confirm_text(object_type, action, "《甲》")
            assert text.startswith(f"确定{label}《甲》？") and len(text) > len(label) + 8, text
        assert confirm_text("supervision", "progress") == ""  # a progress report is not irreversible


def test_step_buttons_carry_the_question(login_as, world, app):
    from portal.veto.services import propose

    with app.app_context():
        veto = propose(unit=world.shop, year=2026, trigger="escalated_petition", occurred_on=datetime.date(2026, 3, 1),
                       description="越级群体访", user=world.user("office"))
    html = login_as("leader").get(f"/veto/{veto.id}").get_data(as_text=True)
    assert 'data-confirm="确定确认否决（测试商店2026年度）？确认后该单位本年度考核等次为不合格' in html
    assert 'data-confirm="确定不予确认' in html


# -- notifications ---------------------------------------------------------------------------------------

def test_notifications_newest_first_without_doubled_prefixes_and_settled_when_the_work_is_done(app, world, login_as):
    from portal import notify
    from portal.models import Notification
    from portal.supervision import services as sv

    head = world.user("unit_head")
    with app.app_context():
        office = world.user("office")
        first = sv.supervise("task", unit=world.shop, title="第一件", assigned_by=office,
                             due_date=clock.today() + datetime.timedelta(days=9))
        second = sv.supervise("task", unit=world.shop, title="交办事项：第二件", assigned_by=office,
                              due_date=clock.today() + datetime.timedelta(days=9))
        titles = [n.title for n in Notification.select().where(Notification.user == head.id)]
        assert "新的交办事项：第一件" in titles and "新的交办事项：第二件" in titles  # not 交办事项：交办事项：
        assert notify.unread_count(head) == 2
        sv.take_step(first, "acknowledge", head)
        sv.take_step(first, "report", head, "办完了")
        sv.take_step(first, "close", office)
        # The message that handed the work down is old news now; the close-out message is new.
        unread = [n.title for n in Notification.select().where(Notification.user == head.id,
                                                               Notification.read_at.is_null())]
        assert sorted(unread) == ["交办事项已销号：第一件", "新的交办事项：第二件"]
        assert second.state == "assigned"
    page = login_as(head).get("/notifications").get_data(as_text=True)
    # Newest first, read or not.
    assert page.index("交办事项已销号：第一件") < page.index("新的交办事项：第二件") < page.index("新的交办事项：第一件")


# -- forms keep what was typed and say everything at once -------------------------------------------------

def test_a_finding_with_fields_missing_keeps_what_was_typed_and_marks_each_problem(app, login_as, world):
    from portal.inspections import services as isv
    from portal.models import Finding

    inspector = world.user("inspector")
    with app.app_context():
        checklist = isv.save_checklist(None, "清单", "一把手负责制 | 领导小组成立 | 查阅文件 | 10", world.user("office"))
        round_ = isv.create_round(title="第四季度督查", start_date=clock.today(), end_date=clock.today(),
                                  template=checklist, inspectors=[inspector], units=[world.shop], user=world.user("office"))
        isv.advance(round_, world.user("office"))
        item = checklist.items.get()
    client = login_as(inspector)
    sheet = f"/inspections/rounds/{round_.id}/units/{world.shop.id}"
    response = client.post(f"{sheet}/findings", {"check": str(item.id), "severity": "serious", "deadline": "",
                                                 "responsible_person": "丙主任", "description": "",
                                                 "requirement": "一周内补齐值班记录"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="raise-finding" open' in html  # the form stays open
    assert 'value="丙主任"' in html and "一周内补齐值班记录</textarea>" in html
    assert f'<option value="{item.id}" selected' in html and '<option value="serious" selected' in html
    assert html.count('class="error"') == 1 and "请填写发现的问题。" in html
    response = client.post(f"{sheet}/findings", {"severity": "minor", "description": "", "requirement": "",
                                                 "deadline": "2001-01-01"}, htmx=True)
    html = response.get_data(as_text=True)
    assert "请填写发现的问题。" in html and "请填写整改要求。" in html  # both at once
    assert Finding.select().count() == 0

    # An item marked 不符合 offers to raise a finding on it; the link opens the form on that item.
    row = client.post(f"{sheet}/checks/{item.id}", {"verdict": "no", "score": "0", "version": "0"}, htmx=True)
    assert f"raise={item.id}#raise-finding" in row.get_data(as_text=True)
    page = client.get(f"{sheet}?raise={item.id}").get_data(as_text=True)
    assert 'id="raise-finding" open' in page and f'<option value="{item.id}" selected' in page


def test_a_new_legal_session_says_every_problem_at_once_beside_its_field(login_as, world, app):
    clerk = login_as("unit_clerk")
    response = clerk.post("/legal/sessions/new", {"unit": world.shop.id, "held_on": "2026-13-40", "form": "lecture",
                                                  "title": "", "speaker": "乙老师", "notes": "带好笔记本"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("请填写正确的活动日期。", "请填写活动名称。", "请至少选择一部学习的法律。"):
        assert message in html
    assert html.count("has-error") == 3
    assert 'value="乙老师"' in html and "带好笔记本</textarea>" in html and 'value="2026-13-40"' in html


# -- bulk work and smaller things --------------------------------------------------------------------------

def demo_client(app, username):
    """A client signed in as a demo account."""
    from conftest import PortalClient, login
    from portal.demo import DEMO_PASSWORD

    client = app.test_client()
    assert login(client, username, DEMO_PASSWORD).status_code == 302
    return PortalClient(client, None)


def test_the_petition_ledger_finds_a_case_by_number_or_petitioner_name(demo):
    from portal.models import Petition, Petitioner

    with demo.app_context():
        office = User.get(User.username == "office")
        person = Petitioner.select().join(Petition).where(Petition.is_group == False).first()  # noqa: E712
        case = person.petition
        others = [p.number for p in Petition.select().where(Petition.id != case.id, Petition.id.not_in(
            Petitioner.select(Petitioner.petition).where(Petitioner.name.contains(person.name))))]
    client = demo_client(demo, office.username)
    by_name = client.get(f"/petitions/?q={person.name}", htmx=True).get_data(as_text=True)
    assert case.number in by_name and not [n for n in others if f">{n}<" in by_name]
    by_number = client.get(f"/petitions/?q={case.number}", htmx=True).get_data(as_text=True)
    assert f">{case.number}<" in by_number and "共 1 件" in by_number
    page = client.get(f"/petitions/?q={person.name}").get_data(as_text=True)
    assert f'name="q" value="{person.name}"' in page


def test_scores_round_half_up_refuse_extra_decimals_and_name_the_items_range(app, world):
    from decimal import Decimal

    from portal.inspections.services import _result_value
    from portal.models import ChecklistItem

    item = ChecklistItem(seq=3, points=Decimal("2.5"))
    assert _result_value(item, "partly", "") == (Decimal("1.3"), None)  # half up, not to even
    assert _result_value(item, "", "2.50") == (Decimal("2.5"), None)  # a trailing zero is no extra decimal
    value, problem = _result_value(item, "", "1.25")
    assert value is None and "最多保留一位小数" in problem
    value, problem = _result_value(item, "", "-1")
    assert value is None and "0 到 2.5 分" in problem

    from portal.agreements.services import _parse_scores
    from portal.workflow import RuleError

    class Item:
        id, seq, category, kind, points = 1, 2, "矛盾纠纷排查", "score", Decimal("10")

    class Agreement:
        items = [Item()]

    assert _parse_scores(Agreement(), {1: {"score": "6.0"}})[1][0] == Decimal("6.0")
    with pytest.raises(RuleError, match="最多保留一位小数"):
        _parse_scores(Agreement(), {1: {"score": "6.04"}})
    with pytest.raises(RuleError, match="第 2 条“矛盾纠纷排查”得分应在 0 到 10 分之间"):
        _parse_scores(Agreement(), {1: {"score": "-1"}})


def test_a_draft_bureau_score_shows_no_grade_until_submitted(app):
    from decimal import Decimal

    from portal.agreements import grading
    from portal.models import Agreement

    with app.app_context():
        draft = Agreement(state="self_assessed", total=Decimal("95"), excellent_min=90, good_min=80, pass_min=60)
        assert grading.grade(draft, items=[], overrides=[]).grade is None
        draft.state = "assessed"
        assert grading.grade(draft, items=[], overrides=[]).grade == "优秀"


def test_a_used_up_extension_is_not_offered_again_and_a_signing_notice_says_sign(app, world):
    from portal.models import Notification
    from portal.supervision import services as sv

    head, office, leader = world.user("unit_head"), world.user("office"), world.user("leader")
    with app.app_context():
        item = sv.supervise("task", unit=world.shop, title="整改", assigned_by=office,
                            due_date=clock.today() + datetime.timedelta(days=5))
        assert sv.extension_panel(head, item)["may_request"]
        ext = sv.request_extension(item, head, item.due_date + datetime.timedelta(days=3), "材料未齐")
        assert not sv.extension_panel(head, item)["may_request"]  # one is waiting
        sv.decide_extension(ext, leader, True)
        item = SupervisedItem.get_by_id(item.id)
        assert sv.extension_panel(head, item)["may_request"]  # the type allows two
        ext = sv.request_extension(item, head, item.due_date + datetime.timedelta(days=3), "仍需时间")
        sv.decide_extension(ext, leader, True)
        item = SupervisedItem.get_by_id(item.id)
        assert not sv.extension_panel(head, item)["may_request"]  # both used

        from portal.agreements.services import SIGN

        sv.supervise(SIGN.key, unit=world.shop, title="签订2026年度综治维稳目标管理责任书", assigned_by=office,
                     due_date=clock.today() + datetime.timedelta(days=15), source_id=1)
        body = Notification.select().where(Notification.user == head.id).order_by(Notification.id.desc()).get().body
        assert "签订目标责任书" in body and "签收" not in body


def test_a_whole_roster_is_added_to_a_session_in_one_step_then_unticked(app, world, login_as):
    from portal.models import Attendance, Law, LegalSession, StaffMember

    with app.app_context():
        here = [StaffMember.create(unit=world.shop, name=f"职工{n}", employee_no=f"A{n:03d}") for n in range(12)]
        StaffMember.create(unit=world.shop, name="已离职", employee_no="X001", active=False)
        StaffMember.create(unit=world.other_shop, name="界外职工", employee_no="B001")
        law = Law.select().first()
    clerk = login_as("unit_clerk")
    chips = clerk.get(f"/legal/staff/roster?unit={world.shop.id}", htmx=True).get_data(as_text=True)
    assert chips.count('name="attendee"') == 12 and "已离职" not in chips and "界外职工" not in chips
    assert "全体在职 12 人" in chips
    # Someone else's unit gives nobody.
    other = clerk.get(f"/legal/staff/roster?unit={world.other_shop.id}", htmx=True).get_data(as_text=True)
    assert 'name="attendee"' not in other
    # Untick two, register: ten attend.
    came = [str(m.id) for m in here[2:]]
    response = clerk.post("/legal/sessions/new", {"unit": world.shop.id, "held_on": clock.today().isoformat(),
                                                  "form": "lecture", "title": "宪法学习", "law": str(law.id),
                                                  "attendee": came})
    assert response.status_code in (302, 204), response.get_data(as_text=True)[:500]
    with app.app_context():
        assert Attendance.select().where(Attendance.session == LegalSession.get().id).count() == 10


def test_the_roster_templates_sample_row_is_marked_and_never_imported(app, world, login_as):
    import io

    from openpyxl import load_workbook

    from portal.models import StaffMember

    head = login_as("unit_head")
    data = head.get("/legal/staff/template.xlsx").data
    wb = load_workbook(io.BytesIO(data))
    assert wb.active.cell(2, 1).value.startswith("（示例）")
    wb.active.append(["李四", "会计", "0002", "是"])
    out = io.BytesIO()
    wb.save(out)
    response = head.post(f"/legal/staff/{world.shop.id}/import", {"file": (io.BytesIO(out.getvalue()), "花名册.xlsx")},
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "示例行，未导入" in html
    token = html.split("/import/")[1].split('"')[0] if "/import/" in html else None
    assert token
    head.post(f"/legal/staff/{world.shop.id}/import/{token}")
    with app.app_context():
        assert [s.name for s in StaffMember.select()] == ["李四"]


def test_a_vetos_occurrence_falls_in_its_year_or_before_that_years_assessment(app, world):
    from portal.veto.services import propose
    from portal.workflow import RuleError

    office = world.user("office")
    clock.set_frozen(datetime.datetime(2027, 1, 20, 2, 0))
    with app.app_context():
        kwargs = dict(unit=world.shop, trigger="escalated_petition", description="越级访", user=office)
        with pytest.raises(RuleError, match="不在 2027 年度内"):
            propose(year=2027, occurred_on=datetime.date(2026, 12, 30), **kwargs)
        with pytest.raises(RuleError, match="考核之后"):
            propose(year=2025, occurred_on=datetime.date(2027, 1, 5), **kwargs)
        assert propose(year=2026, occurred_on=datetime.date(2027, 1, 5), **kwargs).year == 2026  # not assessed yet
        assert propose(year=2026, occurred_on=datetime.date(2026, 6, 1), **kwargs).year == 2026


# -- printouts -----------------------------------------------------------------------------------------

def pdf_text(data, tmp_path, layout=False):
    import subprocess

    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_the_checklist_printout_has_a_total_room_for_findings_and_numbers_pages_per_unit(app, world, login_as,
                                                                                         tmp_path):
    import re

    from portal.inspections import services as isv

    office, inspector = world.user("office"), world.user("inspector")
    text = "\n".join(f"类别{n} | 检查内容第{n}项，检查制度是否健全、记录是否完整 | 查阅台账 | 2.5" for n in range(1, 41))
    with app.app_context():
        checklist = isv.save_checklist(None, "四十项清单", text, office)
        round_ = isv.create_round(title="年终督查", start_date=clock.today(), end_date=clock.today(), template=checklist,
                                  inspectors=[inspector], units=[world.shop, world.other_shop], user=office)
        round_ = isv.advance(round_, office)
        first = checklist.items.order_by(checklist.items.model.seq).first()
        isv.record_result(round_, world.shop, first, inspector, verdict="partly", score="", note="", version=0)
    client = login_as("office")
    raw = client.get(f"/inspections/rounds/{round_.id}/units/{world.shop.id}/checklist.pdf").data
    one = pdf_text(raw, tmp_path,
                   layout=True)
    assert re.search(r"合计\s+100\s+1\.3", one)  # the 合计 row: the points and the score so far (1.25 half up)
    assert "发现的问题及整改要求" in one
    for line in [l for l in one.splitlines() if "（签字）" in l]:
        assert re.search(r"年\s+月\s+日", line), line  # the date stays on its signature's line
    pages_one = len(re.findall(r"—\s*\d+\s*—", one))
    assert pages_one <= 4  # 40 items of a dense form, not a page per six items
    both = pdf_text(client.get(f"/inspections/rounds/{round_.id}/checklists.pdf").data, tmp_path)
    numbers = [int(n) for n in re.findall(r"—\s*(\d+)\s*—", both)]
    assert numbers == list(range(1, pages_one + 1)) * 2  # each unit's sheet is numbered from 1


def test_veto_documents_are_official_with_a_number_an_imprint_and_no_date_before_the_act(app, world, login_as,
                                                                                          tmp_path):
    from portal.veto import services as vs
    from portal.workflow import RuleError

    office, leader = world.user("office"), world.user("leader")
    clock.set_frozen(datetime.datetime(2026, 5, 10, 2, 0))
    with app.app_context():
        veto = vs.propose(unit=world.shop, year=2026, trigger="escalated_petition", occurred_on=datetime.date(2026, 5, 1),
                          description="职工越级上访。", user=office)
        assert login_as("leader").get(f"/veto/{veto.id}/decision.pdf").status_code == 302  # not confirmed yet
        veto = vs.act(veto, "confirm", leader, "事实清楚。")
        criticism = vs.issue_sanction(unit=world.shop, kind="criticism", reason="未按期报送排查情况。", user=office)
        with pytest.raises(RuleError, match="不能早于所依据的一票否决确认日期（2026-05-10）"):
            vs.record_accountability(veto=veto, persons=[{"name": "丙经理"}], measure="admonition",
                                     decided_on=datetime.date(2026, 5, 9), decision="诫勉谈话", follow_up="", user=leader)
        record = vs.record_accountability(veto=veto, persons=[{"name": "丙经理"}], measure="admonition",
                                          decided_on=datetime.date(2026, 5, 10), decision="诫勉谈话", follow_up="",
                                          user=leader)
    client = login_as("leader")
    raw = client.get(f"/veto/{veto.id}/decision.pdf").data
    decision = "".join(pdf_text(raw, tmp_path).split())
    for part in ("测试商务局文件", "县商务综否〔2026〕1号", "关于对测试商店2026年度", "实行一票否决的决定",
                 "年度目标管理考核等次为不合格", "2026年5月25日前", "抄送：", "2026年5月10日印发"):
        assert part in decision, part
    notice = "".join(pdf_text(client.get(f"/veto/sanctions/{criticism.id}/notice.pdf").data, tmp_path).split())
    for part in ("县商务综通〔2026〕1号", "关于对测试商店的通报批评", "局属各单位：", "未按期报送排查情况。", "印发"):
        assert part in notice, part
    investigation = "".join(pdf_text(client.get(f"/veto/accountability/{record.id}/notice.pdf").data, tmp_path).split())
    assert "县商务综查〔2026〕1号" in investigation and "抄送：" in investigation and "2026年5月10日印发" in investigation


def test_a_sign_in_sheet_adds_the_people_found_and_lists_the_rest(app, world, login_as):
    import io

    from openpyxl import Workbook

    from portal.models import StaffMember

    with app.app_context():
        a = StaffMember.create(unit=world.shop, name="王甲", employee_no="001")
        b = StaffMember.create(unit=world.shop, name="李乙", employee_no="002")
        StaffMember.create(unit=world.other_shop, name="界外丙", employee_no="003")
    wb = Workbook()
    for row in (("姓名", "工号"), ("王甲", "001"), ("李乙", None), ("界外丙", "003"), ("查无此人", "999")):
        wb.active.append(row)
    data = io.BytesIO()
    wb.save(data)
    clerk = login_as("unit_clerk")
    response = clerk.post("/legal/sessions/sign-in", {"unit": str(world.shop.id), "sheet": (io.BytesIO(data.getvalue()),
                                                                                             "签到表.xlsx")},
                          content_type="multipart/form-data", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{a.id}" checked' in html and f'value="{b.id}" checked' in html  # by number, and by a unique name
    assert "找到 2 人" in html and "第 4 行：工号 003不在测试商店在职人员名单中" in html and "第 5 行" in html
    assert "界外丙" not in html.split("hx-swap-oob")[-1]
    bad = clerk.post("/legal/sessions/sign-in", {"unit": str(world.shop.id), "sheet": (io.BytesIO(b"not excel"), "x.xlsx")},
                     content_type="multipart/form-data", htmx=True)
    assert "不是有效的 Excel" in bad.get_data(as_text=True)


def test_the_petition_ledger_sorts_by_a_clicked_column_header(demo):
    import re

    client = demo_client(demo, "office")
    page = client.get("/petitions/").get_data(as_text=True)
    assert 'aria-sort="none"><a class="sort" href="/petitions/?sort=number"' in page

    def numbers(url):
        html = client.get(url, htmx=True).get_data(as_text=True)
        return re.findall(r'id="petition-\d+"[^>]*>.*?>(\d{4}-\d{4})</a>', html, re.S)

    ascending = numbers("/petitions/?sort=number")
    assert ascending == sorted(ascending) and len(ascending) > 5
    descending = numbers("/petitions/?sort=-number")
    assert descending[0] == max(ascending + descending)
    assert numbers("/petitions/?sort=no_such_column")  # an unknown key keeps the ledger's own order
    second = client.get("/petitions/?sort=number", htmx=True).get_data(as_text=True)
    assert 'aria-sort="ascending"' in second and 'href="/petitions/?sort=-number"' in second


def test_opening_a_message_reads_it_in_one_click(app, world, login_as):
    from portal import notify
    from portal.models import Notification

    head = world.user("unit_head")
    with app.app_context():
        mine = notify.notify([head], "新的交办事项：甲", url="/supervision/1")[0]
        other = notify.notify([world.user("unit_clerk", unit=world.other_shop)], "界外", url="/supervision/2")[0]
    client = login_as(head)
    assert f'href="/notifications/{mine.id}/open"' in client.get("/notifications").get_data(as_text=True)
    response = client.get(f"/notifications/{mine.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/supervision/1")
    assert Notification.get_by_id(mine.id).read_at is not None
    assert client.get(f"/notifications/{other.id}/open").status_code == 404  # someone else's
    assert Notification.get_by_id(other.id).read_at is None
