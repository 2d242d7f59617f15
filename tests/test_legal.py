"""Legal education: the law catalogue, roster import (preview, all-or-nothing), sessions and their
rules, coverage arithmetic and drill-down, scoping, Excel round trip and the summary PDF."""
import datetime
import io
import subprocess

import pytest
from openpyxl import Workbook, load_workbook

from portal import clock
from portal.legal import services as sv
from portal.models import Attendance, AuditLog, Law, LegalPlan, LegalSession, PlanLaw, StaffMember
from portal.workflow import RuleError

YEAR = clock.today().year
DAY = datetime.date(YEAR, 1, 15) if clock.today() > datetime.date(YEAR, 1, 15) else clock.today()


def workbook(rows, headers=("姓名", "职务", "工号", "在职")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, unit, data, name="花名册.xlsx"):
    return client.post(f"/legal/staff/{unit.id}/import", {"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_eight_laws_are_in_the_catalogue(app):
    names = [law.name for law in Law.select().order_by(Law.sort_order)]
    assert names == ["中华人民共和国公司法", "中华人民共和国劳动合同法", "中华人民共和国安全生产法",
                     "中华人民共和国治安管理处罚法", "中华人民共和国企业破产法", "中华人民共和国人口与计划生育法",
                     "中华人民共和国公务员法", "中华人民共和国保守国家秘密法"]


def test_import_preview_then_commit(login_as, world):
    clerk = login_as("unit_clerk")
    StaffMember.create(unit=world.shop, name="甲一", post="营业员", employee_no="001")
    response = upload(clerk, world.shop, workbook([("甲一", "组长", "001", "是"), ("乙二", "会计", "002", "是"),
                                                   ("丙三", "保管员", 3, "否")]))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "新增 2 人，变更 1 人" in body
    assert StaffMember.select().count() == 1  # nothing written before confirmation
    token = body.split("/import/")[1].split('"')[0]
    assert clerk.post(f"/legal/staff/{world.shop.id}/import/{token}").status_code == 302
    people = {s.employee_no: s for s in StaffMember.select()}
    assert people["001"].post == "组长" and people["002"].name == "乙二" and not people["3"].active


@pytest.mark.parametrize("rows,row,message", [
    ([("", "会计", "002", "是")], 3, "缺少姓名"),
    ([("乙二", "会计", "002", "是"), ("丙三", "会计", "002", "是")], 4, "工号 002 与第 3 行重复"),
    ([("乙二", "会计", "002", "在")], 3, "“在职”一栏应填“是”或“否”"),
])
def test_a_rejected_row_blocks_the_whole_import(login_as, world, rows, row, message):
    clerk = login_as("unit_clerk")
    body = upload(clerk, world.shop, workbook([("甲一", "会计", "001", "是")] + rows)).get_data(as_text=True)
    assert f"<td class=\"num\">第 {row} 行</td><td>{message}" in body
    token = body.split("/import/")[1].split('"')[0]
    response = clerk.post(f"/legal/staff/{world.shop.id}/import/{token}", follow_redirects=True)
    assert "未导入任何数据" in response.get_data(as_text=True)
    assert StaffMember.select().count() == 0


@pytest.mark.parametrize("data,message", [
    (b"this is not an excel file", "不是有效的 Excel"),
    (workbook([("甲", "会计", "1", "是")], headers=("名字", "岗位", "编号", "状态")), "表头应为：姓名、职务、工号、在职"),
])
def test_wrong_files_are_rejected(login_as, world, data, message):
    clerk = login_as("unit_clerk")
    response = clerk.post(f"/legal/staff/{world.shop.id}/import", {"file": (io.BytesIO(data), "花名册.xlsx")},
                          content_type="multipart/form-data", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert StaffMember.select().count() == 0


def test_excel_round_trip(login_as, world):
    clerk = login_as("unit_clerk")
    StaffMember.create(unit=world.shop, name="甲一", post="营业员", employee_no="001")
    StaffMember.create(unit=world.shop, name="乙二", post="会计", employee_no="002", active=False)
    data = clerk.get(f"/legal/staff/{world.shop.id}.xlsx").data
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows == [("姓名", "职务", "工号", "在职"), ("甲一", "营业员", "001", "是"), ("乙二", "会计", "002", "否")]
    body = upload(clerk, world.shop, data).get_data(as_text=True)
    assert "新增 0 人，变更 0 人，无变化 2 人" in body


def test_a_unit_cannot_import_into_another_units_roster(login_as, world):
    assert upload(login_as("unit_clerk"), world.other_shop, workbook([("甲", "", "1", "是")])).status_code == 404


@pytest.fixture
def staff(world):
    return {n: StaffMember.create(unit=world.shop, name=f"职工{n}", employee_no=f"{n:03d}") for n in range(1, 5)} | {
        "other": StaffMember.create(unit=world.other_shop, name="界外职工", employee_no="X01")}


def record(app, world, unit, laws, people, form="lecture"):
    with app.app_context():
        return sv.record_session(unit=unit, held_on=DAY, form=form, title="学习会", speaker="", notes="",
                                 laws=laws, attendees=people, user=world.user("office"))


def test_session_rules(app, world, staff):
    law = Law.select().first()
    with pytest.raises(RuleError, match="不属于测试商店"):
        record(app, world, world.shop, [law], [staff[1], staff["other"]])
    with pytest.raises(RuleError, match="请至少选择一部"):
        record(app, world, world.shop, [], [staff[1]])
    session = record(app, world, world.bureau, [law], [staff[1], staff["other"]], form="exam")  # bureau-wide: all units
    a = Attendance.get(Attendance.staff == staff[1].id)
    with app.app_context():
        with pytest.raises(RuleError, match="“职工1”的成绩应在 0 到 100 分之间"):
            sv.set_score(session, a, "101", world.user("office"))
        sv.set_score(session, a, "88.5", world.user("office"))
    assert Attendance.get_by_id(a.id).score == 88.5


def test_coverage_arithmetic_and_drill_down(app, login_as, world, staff):
    laws = list(Law.select().order_by(Law.sort_order))[:2]
    staff[4].active = False
    staff[4].save()  # left: not counted in the headcount
    record(app, world, world.shop, [laws[0]], [staff[1], staff[2]])
    record(app, world, world.shop, [laws[0], laws[1]], [staff[2], staff[3]])
    plan = LegalPlan.create(year=YEAR, target_rate=80)
    for law in laws:
        PlanLaw.create(plan=plan, law=law)
    with app.app_context():
        cov = sv.coverage(world.user("office"), YEAR)
    assert cov.headcount[world.shop.id] == 3
    assert cov.rate(world.shop.id, laws[0].id) == 100 and round(cov.rate(world.shop.id, laws[1].id)) == 67
    assert cov.rate(world.shop.id) == 100 and not cov.below_target(world.shop.id)
    assert [law.id for law in cov.laws] == [law.id for law in laws]
    body = login_as("office").get(f"/legal/coverage/{world.shop.id}/{laws[1].id}?year={YEAR}").get_data(as_text=True)
    assert "职工1" in body and "职工2" not in body and "职工4" not in body
    last_year = datetime.date(YEAR - 1, 6, 1)
    with app.app_context():
        sv.record_session(unit=world.other_shop, held_on=last_year, form="lecture", title="去年", speaker="", notes="",
                          laws=[laws[0]], attendees=[staff["other"]], user=world.user("office"))
        assert sv.coverage(world.user("office"), YEAR).rate(world.other_shop.id, laws[0].id) == 0


def test_the_reach_summary_counts_what_the_attendance_says(app, world, staff):
    """Coverage reads the per-person, per-law, per-year summary kept with attendance: it must count exactly
    the people the attendance rows and their sessions' laws reach, whatever the overlaps and years."""
    import random

    from portal.models import SessionLaw

    rng = random.Random(7)
    laws = list(Law.select().order_by(Law.sort_order))
    people = [staff[n] for n in (1, 2, 3, 4)]
    with app.app_context():
        for n in range(12):
            held_on = datetime.date(YEAR - (n % 3 == 0), 1 + n % 12, 1 + n)
            sv.record_session(unit=world.shop, held_on=min(held_on, DAY), form="lecture", title=f"第{n}次", speaker="",
                              notes="", laws=rng.sample(laws, rng.randint(1, 3)),
                              attendees=rng.sample(people, rng.randint(1, 4)), user=world.user("office"))
        cov = sv.coverage(world.user("office"), YEAR)
    expected = {}
    for a in Attendance.select().join(LegalSession).where(LegalSession.held_on.year == YEAR):
        for sl in SessionLaw.select().where(SessionLaw.session == a.session_id):
            if StaffMember.get_by_id(a.staff_id).active:
                expected.setdefault(sl.law_id, set()).add(a.staff_id)
    assert {law.id: cov.reached.get((world.shop.id, law.id), 0) for law in laws} == {
        law.id: len(expected.get(law.id, ())) for law in laws}
    assert cov.reached_any.get(world.shop.id, 0) == len(set().union(*expected.values()))


def test_a_deactivated_unit_leaves_the_coverage_figures(app, world, staff):
    from portal.models import Unit

    record(app, world, world.shop, [Law.select().first()], [staff[1]])
    with app.app_context():
        assert world.shop.id in [u.id for u in sv.coverage(world.user("office"), YEAR).units]
        Unit.update(active=False).where(Unit.id == world.shop.id).execute()
        cov = sv.coverage(world.user("office"), YEAR)
    assert world.shop.id not in [u.id for u in cov.units] and world.shop.id not in cov.headcount


def test_coverage_uses_a_few_queries_not_one_per_cell(app, world, staff):
    from portal.db import database

    record(app, world, world.shop, list(Law.select()), [staff[1]])
    office = world.user("office")
    statements = []
    original = database.obj.execute_sql

    def counting(sql, *args, **kwargs):
        statements.append(sql)
        return original(sql, *args, **kwargs)

    database.obj.execute_sql = counting
    try:
        with app.app_context():
            sv.coverage(office, YEAR)
    finally:
        database.obj.execute_sql = original
    assert len(statements) <= 6


def test_scoping_of_pages_search_and_exports(login_as, world, staff):
    head = login_as("unit_head")
    assert "界外职工" not in head.get("/legal/staff/search?q=职工").get_data(as_text=True)
    assert "职工1" in head.get("/legal/staff/search?q=职工").get_data(as_text=True)
    assert "界外" not in head.get(f"/legal/coverage?year={YEAR}").get_data(as_text=True)
    assert head.get(f"/legal/staff/person/{staff['other'].id}").status_code == 404
    assert head.get(f"/legal/staff/{world.other_shop.id}.xlsx").status_code == 404
    wb = load_workbook(io.BytesIO(head.get(f"/legal/export.xlsx?year={YEAR}").data))
    assert "界外" not in str([c.value for row in wb["受教育面"].iter_rows() for c in row])


def test_session_through_the_page_rejects_other_units_people(login_as, world, staff):
    law = Law.select().first()
    clerk = login_as("unit_clerk")
    response = clerk.post("/legal/sessions/new", {"unit": world.shop.id, "held_on": DAY.isoformat(), "form": "lecture",
                                                  "title": "学法", "law": [law.id], "attendee": [staff["other"].id]})
    assert response.status_code == 404  # out of scope: the clerk cannot even name that person
    response = clerk.post("/legal/sessions/new", {"unit": world.shop.id, "held_on": DAY.isoformat(), "form": "lecture",
                                                  "title": "学法", "law": [law.id], "attendee": [staff[1].id]})
    assert response.status_code == 302
    assert Attendance.select().count() == 1


def test_summary_pdf(app, login_as, world, staff, tmp_path):
    record(app, world, world.shop, [Law.select().first()], [staff[1], staff[2]])
    path = tmp_path / "s.pdf"
    path.write_bytes(login_as("office").get(f"/legal/summary.pdf?year={YEAR}").data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{YEAR}年度普法工作情况" in text and "中华人民共和国公司法" in text and "测试商店" in text
    flat = "".join(text.split())
    # One lecture: 讲座1场, the total in 次 (forms are counted in their own measure words); 落款 and date.
    today = clock.today()
    assert "讲座1场" in flat and "共开展活动1次" in flat
    assert f"测试商务局{today.year}年{today.month}月{today.day}日" in flat


def test_saving_the_plan_is_one_audited_transaction(app, login_as, world, monkeypatch):
    laws = list(Law.select().order_by(Law.sort_order))
    office = login_as("office")
    response = office.post("/legal/plan", {"year": YEAR, "target_rate": "85", "planned_sessions": "12", "notes": "重点",
                                           "law": [laws[0].id, laws[1].id]})
    assert response.status_code == 302
    plan = LegalPlan.get(LegalPlan.year == YEAR)
    assert (plan.target_rate, plan.planned_sessions) == (85, 12)
    assert sorted(pl.law_id for pl in plan.plan_laws) == sorted([laws[0].id, laws[1].id])
    audited = AuditLog.get(AuditLog.object_type == "legal_plan")
    assert audited.object_id == plan.id and "目标受教育面 85.0%" in audited.summary

    # A save that fails half-way (here: its audit row) leaves the plan and its laws as they were.
    from portal.legal import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.audit, "record", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        sv.save_plan(YEAR, target_rate="50", planned_sessions="1", notes="", law_ids=[laws[2].id],
                     user=world.user("office"))
    plan = LegalPlan.get(LegalPlan.year == YEAR)
    assert (plan.target_rate, plan.planned_sessions, plan.notes) == (85, 12, "重点")
    assert sorted(pl.law_id for pl in plan.plan_laws) == sorted([laws[0].id, laws[1].id])


@pytest.mark.parametrize("target,planned", [("NaN", "1"), ("Infinity", "1"), ("0", "1"), ("101", "1"), ("90", "-1"),
                                            ("90", "x")])
def test_a_bad_plan_is_refused_and_changes_nothing(login_as, target, planned):
    body = login_as("office").post("/legal/plan", {"year": YEAR, "target_rate": target, "planned_sessions": planned},
                                   follow_redirects=True).get_data(as_text=True)
    assert "目标受教育面应在 0 到 100 之间" in body
    assert LegalPlan.select().count() == 0 and AuditLog.select().where(AuditLog.object_type == "legal_plan").count() == 0


def test_adding_a_law_is_audited_and_a_duplicate_refused(login_as):
    office = login_as("office")
    office.post("/legal/plan", {"year": YEAR, "new_law": "中华人民共和国消防法", "category": "法律"})
    law = Law.get(Law.name == "中华人民共和国消防法")
    assert AuditLog.get(AuditLog.object_type == "law").object_id == law.id
    body = office.post("/legal/plan", {"year": YEAR, "new_law": "中华人民共和国消防法"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已在目录中" in body and Law.select().where(Law.name == "中华人民共和国消防法").count() == 1


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "sNaN"])
def test_a_score_that_is_not_a_finite_number_is_a_message(app, world, staff, value):
    session = record(app, world, world.shop, [Law.select().first()], [staff[1]], form="exam")
    a = Attendance.get()
    with app.app_context(), pytest.raises(RuleError, match="“职工1”的成绩必须是数字"):
        sv.set_score(session, a, value, world.user("office"))
    assert Attendance.get_by_id(a.id).score is None


def test_bureau_wide_sessions_are_the_offices_and_units_record_only_their_own(app, world, staff):
    law = Law.select().first()
    with app.app_context():
        with pytest.raises(RuleError, match="只有股室工作人员可以登记全系统"):
            sv.record_session(unit=world.bureau, held_on=DAY, form="lecture", title="学法", speaker="", notes="",
                              laws=[law], attendees=[staff[1]], user=world.user("unit_head"))
        with pytest.raises(RuleError, match="只能登记本单位"):
            sv.record_session(unit=world.other_shop, held_on=DAY, form="lecture", title="学法", speaker="", notes="",
                              laws=[law], attendees=[staff["other"]], user=world.user("unit_head"))


def test_in_a_bureau_wide_session_a_unit_sees_and_scores_only_its_own_people(app, login_as, world, staff):
    """The bureau's exam is readable by every unit, but another unit's attendees (their numbers and
    scores) are not theirs to see or change, nor are the bureau's materials theirs to add to."""
    session = record(app, world, world.bureau, [Law.select().first()], [staff[1], staff["other"]], form="exam")
    own = Attendance.get(Attendance.staff == staff[1].id)
    other = Attendance.get(Attendance.staff == staff["other"].id)
    with app.app_context():
        sv.set_score(session, other, "75", world.user("office"))
    head = login_as("unit_head")
    body = head.get(f"/legal/sessions/{session.id}").get_data(as_text=True)
    assert "职工1" in body and "界外职工" not in body and "X01" not in body and "参加人员（1）" in body
    assert "attachments/legal_session" not in body
    response = head.post(f"/legal/sessions/{session.id}/scores/{other.id}", {"score": "10"}, htmx=True)
    assert response.status_code == 404 and Attendance.get_by_id(other.id).score == 75
    response = head.post(f"/legal/sessions/{session.id}/scores/{own.id}", {"score": "90"}, htmx=True)
    assert response.status_code == 200 and Attendance.get_by_id(own.id).score == 90
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    response = head.post(f"/attachments/legal_session/{session.id}", {"file": (pdf, "签到表.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 404
    with app.app_context(), pytest.raises(RuleError, match="不是本单位的职工"):
        sv.set_score(session, other, "10", world.user("unit_head"))
    # The list counts the attendees the unit sees; the office sees them all.
    assert '<td class="num">1</td>' in head.get(f"/legal/?year={YEAR}", htmx=True).get_data(as_text=True)
    office = login_as("office").get(f"/legal/sessions/{session.id}").get_data(as_text=True)
    assert "界外职工" in office and "attachments/legal_session" in office


def test_the_sessions_list_costs_the_same_queries_at_any_size(app, login_as, world, staff, count_queries):
    laws = list(Law.select().order_by(Law.sort_order))
    office = login_as("office")
    counts = []
    for n in (2, 14):
        for k in range(n):
            record(app, world, world.shop if k % 2 else world.other_shop, laws[k % 3: k % 3 + 2],
                   [staff[1], staff[2]] if k % 2 else [staff["other"]])
        with count_queries() as q:
            body = office.get(f"/legal/?year={YEAR}", htmx=True).get_data(as_text=True)
        counts.append(q.count)
        assert f"{YEAR} 年共 {n if n == 2 else 16} 场" in body
    assert counts[0] == counts[1], counts


def test_the_sessions_list_pages_keep_their_filters(app, login_as, world, staff):
    app.config["PAGE_SIZE"] = 3
    laws = list(Law.select().order_by(Law.sort_order))
    for k in range(5):
        record(app, world, world.shop, [laws[0]], [staff[1]], form="exam")
    record(app, world, world.shop, [laws[0]], [staff[1]], form="lecture")
    office = login_as("office")
    body = office.get(f"/legal/?year={YEAR}&form=exam", htmx=True).get_data(as_text=True)
    assert "年共 5 场" in body and "第 1 / 2 页" in body and f"?year={YEAR}&amp;form=exam&amp;page=2" in body
    body = office.get(f"/legal/?year={YEAR}&form=exam&page=2", htmx=True).get_data(as_text=True)
    assert body.count("/legal/sessions/") == 2 and "讲座" not in body


def test_the_workbook_and_the_roster_template(app, login_as, world, staff):
    law = Law.select().order_by(Law.sort_order).first()
    record(app, world, world.bureau, [law], [staff[1], staff["other"]], form="exam")
    head = login_as("unit_head")
    wb = load_workbook(io.BytesIO(head.get(f"/legal/export.xlsx?year={YEAR}").data))
    rows = list(wb["活动"].iter_rows(values_only=True))
    assert rows[0] == ("日期", "单位", "形式", "名称", "主讲", "法律", "人数")
    assert rows[1][1:] == ("测试商务局", "考试", "学习会", None, law.name, 1)  # the unit's own attendee only
    attended = list(wb["签到与成绩"].iter_rows(values_only=True))
    assert [r[2:5] for r in attended[1:]] == [("测试商店", "职工1", "001")]
    template = load_workbook(io.BytesIO(head.get("/legal/staff/template.xlsx").data)).active
    rows = list(template.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "职务", "工号", "在职") and rows[1][0].startswith("（示例）张某某") and rows[1][1:] == ("营业员", "0001", "是")
