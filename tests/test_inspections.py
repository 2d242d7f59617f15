"""Inspections: checklist versions, rounds, results saved item by item with a version check, findings
and their rectification on the supervision core, overdue by the clock, scoping, PDFs and Excel."""
import datetime
import io
import subprocess

import pytest
from openpyxl import load_workbook

from portal import clock
from portal.inspections import services as sv
from portal.models import AuditLog, ChecklistTemplate, Finding, ItemResult, SupervisedItem
from portal.supervision import services as supervision
from portal.supervision.urgency import urgency
from portal.workflow import RuleError

TEXT = "一把手负责制 | 领导小组成立、分工明确 | 查阅文件 | 10\n查岗值班 | 值班记录完整 | 现场查岗 | 20"
START = datetime.date(2026, 3, 2)


def at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def round_(app, world):
    world.user("unit_head"), world.user("unit_clerk")
    with app.app_context(), clock.frozen(at(START)):
        checklist = sv.save_checklist(None, "综治督查清单", TEXT, world.user("office"))
        r = sv.create_round(title="第一季度督查", start_date=START, end_date=START + datetime.timedelta(days=3),
                            template=checklist, inspectors=[world.user("inspector")],
                            units=[world.shop, world.other_shop], user=world.user("office"))
        sv.advance(r, world.user("office"))
    return type(r).get_by_id(r.id)


def items(round_):
    return list(round_.template.items.order_by(round_.template.items.model.seq))


def test_checklist_lines_are_validated_with_line_numbers(app, world):
    with app.app_context():
        with pytest.raises(RuleError, match="第 2 行应为"):
            sv.save_checklist(None, "清单", "类别 | 内容 | 方法 | 5\n只有一栏", world.user("office"))
        with pytest.raises(RuleError, match="第 1 行的分值“五”不是数字"):
            sv.save_checklist(None, "清单", "类别 | 内容 | 方法 | 五", world.user("office"))


def test_a_used_checklist_gets_a_new_version_and_rounds_keep_theirs(app, world, round_):
    with app.app_context():
        newer = sv.save_checklist(round_.template, "综治督查清单", TEXT + "\n安全生产 | 隐患整改到位 | 现场检查 | 15",
                                  world.user("office"))
    assert newer.id != round_.template_id and newer.version == 2 and newer.current
    assert not ChecklistTemplate.get_by_id(round_.template_id).current
    assert len(items(type(round_).get_by_id(round_.id))) == 2  # the round still uses version 1
    with app.app_context():
        same = sv.save_checklist(newer, "综治督查清单", TEXT, world.user("office"))  # unused: edited in place
    assert same.id == newer.id and same.items.count() == 2


def test_results_are_saved_item_by_item_and_racing_edits_are_caught(app, login_as, world, round_):
    first, second = items(round_)
    inspector = login_as("inspector")
    url = f"/inspections/rounds/{round_.id}/units/{world.shop.id}/checks"
    response = inspector.post(f"{url}/{first.id}", {"verdict": "partly", "score": "", "note": "分工不细", "version": "0"},
                              htmx=True)
    assert response.status_code == 200 and 'id="running-score"' in response.get_data(as_text=True)
    assert ItemResult.get().score == 5  # half of 10 for 基本符合
    # A second inspector's page still holds version 0: their save is refused and shows the latest.
    response = inspector.post(f"{url}/{first.id}", {"verdict": "yes", "score": "", "note": "", "version": "0"}, htmx=True)
    assert response.status_code == 422 and "刚被其他检查人员修改" in response.get_data(as_text=True)
    assert ItemResult.get().verdict == "partly"
    response = inspector.post(f"{url}/{second.id}", {"verdict": "yes", "score": "25", "version": "0"}, htmx=True)
    assert "得分应在 0 到 20 分之间" in response.get_data(as_text=True)
    assert AuditLog.select().where(AuditLog.object_type == "item_result", AuditLog.action == "denied").count() == 2
    # A page that sends no version, or a malformed one, is out of date: refused, never a server error.
    for data in ({"verdict": "no"}, {"verdict": "no", "version": ""}, {"verdict": "no", "version": "1.0"}):
        response = inspector.post(f"{url}/{first.id}", data, htmx=True)
        assert response.status_code == 422 and "页面已过期" in response.get_data(as_text=True)
    assert ItemResult.get().verdict == "partly"


def test_only_members_record_and_only_while_in_progress(app, login_as, world, round_):
    first = items(round_)[0]
    outsider = world.user("inspector", username="another_inspector")
    with app.app_context():
        with pytest.raises(RuleError, match="只有本轮督查组成员"):
            sv.record_result(round_, world.shop, first, outsider, verdict="yes", score="", note="", version=0)
        sv.advance(round_, world.user("office"))
        with pytest.raises(RuleError, match="已经完成"):
            sv.record_result(type(round_).get_by_id(round_.id), world.shop, first, world.user("inspector"),
                             verdict="yes", score="", note="", version=0)


@pytest.mark.parametrize("role", ["admin", "leader", "office", "inspector"])
def test_every_bureau_role_sees_every_round_but_only_the_team_records(app, login_as, world, round_, role):
    """The rule of README's role table: the bureau's people see every round; only the round's own team
    records results and raises findings (office and leaders manage rounds, they do not record)."""
    first = items(round_)[0]
    user = world.user(role, username=f"not_on_team_{role}")
    client = login_as(user)
    sheet = f"/inspections/rounds/{round_.id}/units/{world.shop.id}"
    assert client.get(f"/inspections/rounds/{round_.id}").status_code == 200
    body = client.get(sheet).get_data(as_text=True)
    assert "领导小组成立" in body and "check-form" not in body and "提出问题并交办整改" not in body
    response = client.post(f"{sheet}/checks/{first.id}", {"verdict": "yes", "score": "", "version": "0"}, htmx=True)
    assert response.status_code in (403, 422)
    response = client.post(f"{sheet}/findings", {"description": "值班记录缺失", "severity": "minor",
                                                 "requirement": "补齐", "deadline": ""}, htmx=True)
    assert response.status_code in (403, 422)
    assert ItemResult.select().count() == 0 and Finding.select().count() == 0
    with app.app_context(), pytest.raises(RuleError, match="只有本轮督查组成员可以记录检查结果"):
        sv.record_result(round_, world.shop, first, user, verdict="yes", score="", note="", version=0)
    with app.app_context(), pytest.raises(RuleError, match="只有本轮督查组成员可以提出问题"):
        sv.raise_finding(round_, world.shop, user, description="值班记录缺失", severity="minor", requirement="补齐",
                         deadline=clock.today() + datetime.timedelta(days=30))
    team = login_as("inspector")
    assert "check-form" in team.get(sheet).get_data(as_text=True)
    response = team.post(f"{sheet}/checks/{first.id}", {"verdict": "yes", "score": "", "version": "0"}, htmx=True)
    assert response.status_code == 200 and ItemResult.get().verdict == "yes"


def test_office_and_leaders_start_and_complete_rounds_with_the_pages_version(app, login_as, world):
    with app.app_context():
        checklist = sv.save_checklist(None, "综治督查清单", TEXT, world.user("office"))
        r = sv.create_round(title="第二季度督查", start_date=START, end_date=START, template=checklist,
                            inspectors=[world.user("inspector")], units=[world.shop], user=world.user("office"))
    url = f"/inspections/rounds/{r.id}"
    assert login_as("inspector").post(f"{url}/advance", {"version": "0"}).status_code == 403
    office, leader = login_as("office"), login_as("leader")
    assert 'name="version" value="0"' in office.get(url).get_data(as_text=True)
    assert office.post(f"{url}/advance", {"version": "0"}).status_code == 302
    assert type(r).get_by_id(r.id).state == "in_progress"
    # The leader's page still shows the planned round: their click must not complete it.
    for version in ("0", "", None, "abc"):
        body = leader.post(f"{url}/advance", {"version": version} if version is not None else {},
                           follow_redirects=True).get_data(as_text=True)
        assert "页面已过期" in body
    assert type(r).get_by_id(r.id).state == "in_progress"
    assert leader.post(f"{url}/advance", {"version": "1"}).status_code == 302
    done = type(r).get_by_id(r.id)
    assert (done.state, done.version) == ("completed", 2)
    assert "督查已完成" in office.post(f"{url}/advance", {"version": "2"}, follow_redirects=True).get_data(as_text=True)
    steps = [a.action for a in AuditLog.select().where(AuditLog.object_type == "round").order_by(AuditLog.id)]
    assert steps == ["create", "start_round", "denied", "denied", "denied", "denied", "complete_round", "denied"]


@pytest.mark.parametrize("score", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "1e999"])
def test_a_score_that_is_not_a_finite_number_is_a_message(app, login_as, world, round_, score):
    first = items(round_)[0]
    inspector = login_as("inspector")
    response = inspector.post(f"/inspections/rounds/{round_.id}/units/{world.shop.id}/checks/{first.id}",
                              {"verdict": "", "score": score, "version": "0"}, htmx=True)
    assert response.status_code == 422 and "第 1 项得分必须是数字" in response.get_data(as_text=True)
    assert ItemResult.select().where(ItemResult.score.is_null(False)).count() == 0


@pytest.mark.parametrize("points", ["NaN", "Infinity", "-inf", "sNaN"])
def test_checklist_points_that_are_not_a_finite_number_are_a_message(app, login_as, world, points):
    office = login_as("office")
    response = office.post("/inspections/checklists/new", {"name": "清单", "items": f"类别 | 内容 | 方法 | {points}"})
    assert response.status_code == 422 and f"第 1 行的分值“{points}”不是数字" in response.get_data(as_text=True)
    assert ChecklistTemplate.select().count() == 0


@pytest.mark.parametrize("field,value,message", [
    ("requirement", "", "请填写整改要求"), ("deadline", None, "请填写整改期限"),
    ("deadline", START - datetime.timedelta(days=1), "不能早于督查开始日期"),
])
def test_finding_needs_requirement_and_a_sensible_deadline(app, world, round_, field, value, message):
    data = {"description": "值班记录缺失", "severity": "serious", "requirement": "补齐记录",
            "deadline": START + datetime.timedelta(days=15), field: value}
    with app.app_context(), clock.frozen(at(START)), pytest.raises(RuleError, match=message):
        sv.raise_finding(round_, world.shop, world.user("inspector"), **data)
    assert Finding.select().count() == 0


def test_default_deadlines_by_severity_are_settings(app):
    with app.app_context():
        assert sv.default_deadline("grave", START) == START + datetime.timedelta(days=7)
        app.config["INSPECTION_DEADLINE_DAYS"] = {"minor": 60, "serious": 30, "grave": 10}
        assert sv.default_deadline("minor", START) == START + datetime.timedelta(days=60)


@pytest.fixture
def finding(app, world, round_):
    with app.app_context(), clock.frozen(at(START)):
        return sv.raise_finding(round_, world.shop, world.user("inspector"), description="值班记录缺失",
                                severity="serious", requirement="补齐记录", deadline=START + datetime.timedelta(days=15))


def upload_evidence(app, item, user):
    from portal.attachments.services import save

    class Storage:
        filename, stream = "佐证.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n")

    with app.app_context():
        save("supervision", item, Storage, user)


def test_rectification_lifecycle_with_evidence_and_round_inspector(app, world, finding):
    item = sv.item_of(finding)
    head, inspector = world.user("unit_head"), world.user("inspector")
    other_inspector = world.user("inspector", username="another_inspector")
    with app.app_context():
        supervision.take_step(item, "acknowledge", head)
        with pytest.raises(RuleError, match="请先上传整改佐证材料"):
            supervision.take_step(SupervisedItem.get_by_id(item.id), "report", head, "已整改")
    upload_evidence(app, item, head)
    with app.app_context():
        supervision.take_step(SupervisedItem.get_by_id(item.id), "report", head, "已整改")
        with pytest.raises(RuleError, match="只有本轮督查组成员可以验收"):
            supervision.take_step(SupervisedItem.get_by_id(item.id), "close", other_inspector)
        with pytest.raises(RuleError, match="您的角色不能销号"):
            supervision.take_step(SupervisedItem.get_by_id(item.id), "close", world.user("office"))
        supervision.take_step(SupervisedItem.get_by_id(item.id), "return", inspector, "记录不完整")
        supervision.take_step(SupervisedItem.get_by_id(item.id), "report", head, "已补充")
        supervision.take_step(SupervisedItem.get_by_id(item.id), "close", inspector)
    assert SupervisedItem.get_by_id(item.id).state == "closed"


def test_a_unit_cannot_submit_for_another_unit(app, world, finding):
    item = sv.item_of(finding)
    other_head = world.user("unit_head", unit=world.other_shop)
    with app.app_context(), pytest.raises(RuleError, match="只能签收本单位"):
        supervision.take_step(item, "acknowledge", other_head)


def test_overdue_is_computed_from_the_clock(app, world, finding):
    item = sv.item_of(finding)
    assert urgency(item, today=START + datetime.timedelta(days=15)).colour != "red"
    assert urgency(item, today=START + datetime.timedelta(days=16)).colour == "red"
    with app.app_context(), clock.frozen(at(START + datetime.timedelta(days=16))):
        from portal.veto import services as veto

        assert any(c.source_id == item.id for c in veto.watchlist())  # feeds "议而不决、决而不办"


def test_findings_table_filters_and_scoping(app, login_as, world, round_, finding):
    with app.app_context(), clock.frozen(at(START)):
        sv.raise_finding(round_, world.other_shop, world.user("inspector"), description="界外问题", severity="grave",
                         requirement="整改", deadline=START + datetime.timedelta(days=7))
    office = login_as("office")
    body = office.get("/inspections/findings?severity=grave", htmx=True).get_data(as_text=True)
    assert "界外问题" in body and "值班记录缺失" not in body
    with clock.frozen(at(START + datetime.timedelta(days=10))):
        office = login_as("office")
        body = office.get("/inspections/findings?overdue=1", htmx=True).get_data(as_text=True)
        assert "界外问题" in body and "值班记录缺失" not in body
    head = login_as("unit_head")
    body = head.get("/inspections/findings").get_data(as_text=True)
    assert "值班记录缺失" in body and "界外问题" not in body
    other = Finding.get(Finding.description == "界外问题")
    assert head.get(f"/inspections/findings/{other.id}").status_code == 404
    # Inspectors see everything, like every bureau role: also the rounds whose team they are not on.
    outsider = login_as(world.user("inspector", username="another_inspector"))
    assert outsider.get(f"/inspections/rounds/{round_.id}").status_code == 200
    assert "值班记录缺失" in outsider.get("/inspections/findings").get_data(as_text=True)


def test_the_findings_ledger_costs_the_same_queries_at_any_size(app, login_as, world, round_, count_queries):
    """One page of the ledger: its rows with their unit, round and rectification joined, the count and the
    per-unit table as aggregates — not a query per row."""
    def add(n):
        with app.app_context(), clock.frozen(at(START)):
            for k in range(n):
                sv.raise_finding(round_, world.shop if k % 2 else world.other_shop, world.user("inspector"),
                                 description=f"问题{k}", severity="minor", requirement="整改",
                                 deadline=START + datetime.timedelta(days=k))
    office = login_as("office")
    counts = []
    for n in (2, 12):
        add(n)
        with clock.frozen(at(START + datetime.timedelta(days=5))), count_queries() as q:
            body = office.get("/inspections/findings?status=open", htmx=True).get_data(as_text=True)
        counts.append(q.count)
        assert body.count('id="finding-') == Finding.select().count()
    assert counts[0] == counts[1], counts


def test_the_rounds_list_costs_the_same_queries_at_any_size(app, login_as, world, round_, count_queries):
    office = login_as("office")
    counts = []
    for n in (1, 6):
        with app.app_context():
            for k in range(n):
                sv.create_round(title=f"督查{k}", start_date=START, end_date=START, template=round_.template,
                                inspectors=[world.user("inspector")], units=[world.shop], user=world.user("office"))
        with count_queries() as q:
            body = office.get("/inspections/", htmx=True).get_data(as_text=True)
        counts.append(q.count)
        assert body.count("/inspections/rounds/") == type(round_).select().count()
    assert counts[0] == counts[1], counts


def test_the_findings_ledger_pages_keep_their_filters(app, login_as, world, round_):
    app.config["PAGE_SIZE"] = 3
    with app.app_context(), clock.frozen(at(START)):
        for k in range(7):
            sv.raise_finding(round_, world.shop, world.user("inspector"), description=f"问题{k}",
                             severity="grave" if k < 5 else "minor", requirement="整改",
                             deadline=START + datetime.timedelta(days=30))
    office = login_as("office")
    body = office.get("/inspections/findings?severity=grave", htmx=True).get_data(as_text=True)
    assert "第 1 / 2 页，共 5 条" in body and "?severity=grave&amp;page=2" in body
    body = office.get("/inspections/findings?severity=grave&page=2", htmx=True).get_data(as_text=True)
    assert body.count('id="finding-') == 2 and "问题5" not in body and "问题0" in body
    # The per-unit table counts every matching row, not only the page's.
    assert '<td class="num">5</td>' in body


def test_findings_excel_has_the_status_history(app, login_as, world, finding):
    with app.app_context():
        supervision.take_step(sv.item_of(finding), "acknowledge", world.user("unit_head"))
    wb = load_workbook(io.BytesIO(login_as("office").get("/inspections/findings.xlsx").data))
    ws = wb.active
    assert ws["E2"].value == "值班记录缺失" and "交办" in ws["K2"].value and "签收" in ws["K2"].value


def pdf_text(data, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_checklist_pdfs_and_report(app, login_as, world, round_, finding, tmp_path):
    office = login_as("office")
    text = pdf_text(office.get(f"/inspections/rounds/{round_.id}/units/{world.shop.id}/checklist.pdf").data, tmp_path)
    for part in ("第一季度督查", "督查清单", "测试商店", "领导小组成立", "符合", "基本符合", "不符合", "督查组成员（签字）"):
        assert part in text
    from pypdf import PdfReader

    bulk = PdfReader(io.BytesIO(office.get(f"/inspections/rounds/{round_.id}/checklists.pdf").data))
    assert len(bulk.pages) >= 2 and "界外基层单位乙" in bulk.pages[-1].extract_text()
    report = pdf_text(office.get(f"/inspections/rounds/{round_.id}/report.pdf").data, tmp_path)
    assert "值班记录缺失" in report and "整改率" in report
    today = clock.today()
    assert f"测试商务局{today.year}年{today.month}月{today.day}日" in "".join(report.split())  # 落款 and date
    assert login_as("unit_head").get(f"/inspections/rounds/{round_.id}/checklists.pdf").status_code == 403


def test_long_checklist_repeats_its_header(app, login_as, world, tmp_path):
    text = "\n".join(f"类别{n} | 第{n}项检查内容：" + "逐项核实综治工作落实情况，" * 4 + " | 查阅资料 | 5" for n in range(1, 41))
    with app.app_context():
        checklist = sv.save_checklist(None, "长清单", text, world.user("office"))
        r = sv.create_round(title="长清单督查", start_date=clock.today(), end_date=clock.today(), template=checklist,
                            inspectors=[world.user("inspector")], units=[world.shop], user=world.user("office"))
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(login_as("office").get(f"/inspections/rounds/{r.id}/units/{world.shop.id}/checklist.pdf").data))
    assert len(reader.pages) >= 3
    assert "检查内容与方法" in reader.pages[1].extract_text() and "检查内容与方法" in reader.pages[2].extract_text()


def test_only_the_rounds_inspectors_get_the_verification_todo(app, login_as, world, finding):
    item = sv.item_of(finding)
    head = world.user("unit_head")
    with app.app_context():
        supervision.take_step(item, "acknowledge", head)
    upload_evidence(app, item, head)
    with app.app_context():
        supervision.take_step(SupervisedItem.get_by_id(item.id), "report", head, "已整改")
    assert "审核办结报告" in login_as("inspector").get("/todo").get_data(as_text=True)
    outsider = login_as(world.user("inspector", username="another_inspector"))
    assert "审核办结报告" not in outsider.get("/todo").get_data(as_text=True)
    assert "审核办结报告" not in login_as("office").get("/todo").get_data(as_text=True)


def test_who_may_verify_a_rectification_is_decided_alike_in_sql_and_per_item(app, demo):
    """closable_by (待办 and its badge, in SQL) says what _rectification_check says item by item."""
    from portal.inspections import services as ins
    from portal.models import SupervisedItem, User

    with app.app_context():
        items = list(SupervisedItem.select().where(SupervisedItem.source_type == "rectification"))
        answers = set()
        for user in User.select():
            in_sql = {i.id for i in SupervisedItem.select().where(SupervisedItem.source_type == "rectification",
                                                                  ins._verifiable_by(user))}
            for item in items:
                per_item = ins._rectification_check(user, item, "close") is None
                assert (item.id in in_sql) == per_item, (user.username, item.id)
                answers.add(per_item)
        assert answers == {True, False}
