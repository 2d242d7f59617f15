"""Agreements: templates, issuing with an item snapshot, the lifecycle per role, scores and grades,
optimistic version checks, the PDF contract, bulk printing, Excel and scoping."""
import io
import re
import subprocess
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.agreements import grading
from portal.agreements import services as sv
from portal.models import Agreement, AgreementItem, AgreementTemplate, AuditLog, SupervisedItem, TemplateItem
from portal.workflow import RuleError

D = Decimal


def make_template(app, world, items=None, year=2026):
    items = items or [
        {"category": "组织领导", "content": "落实一把手负责制", "points": D("40"), "scoring_rule": "未落实扣10分", "kind": "standard"},
        {"category": "信访工作", "content": "按期答复来信来访", "points": D("60"), "scoring_rule": "逾期每件扣1分", "kind": "standard"},
        {"category": "表彰加分", "content": "受到县级表彰", "points": D("5"), "scoring_rule": "每次加1分", "kind": "bonus"},
        {"category": "单项否决", "content": "发生重大群体性事件", "points": D("0"), "scoring_rule": "", "kind": "veto"},
    ]
    with app.app_context():
        return sv.save_template(AgreementTemplate(), world.user("office"), items=items, year=year, title="综治维稳目标管理责任书",
                                party_a="测试商务局", party_a_signatory="局长", preamble="为落实综治责任，签订本责任书。",
                                rewards="优秀的通报表彰。\n不合格的诫勉谈话。", excellent_min=D("90"), good_min=D("80"),
                                pass_min=D("60"), bonus_cap=D("3"), sign_due=None, self_assess_due=None)


@pytest.fixture
def issued(app, world):
    """This year's agreement of 测试商店 (and of 界外基层单位乙), just issued."""
    world.user("unit_head"), world.user("unit_head", unit=world.other_shop)
    template = make_template(app, world)
    with app.app_context():
        mine, other = sv.issue(template, [world.shop, world.other_shop], world.user("office"))
    return mine, other


def fresh(a):
    return Agreement.get_by_id(a.id)


def scores_for(agreement, values, failed=()):
    out = {}
    for item in agreement.items.order_by(AgreementItem.seq):
        if item.kind == "veto":
            out[item.id] = {"failed": item.seq in failed}
        else:
            out[item.id] = {"score": values.get(item.seq, ""), "note": ""}
    return out


def walk_to(app, world, agreement, stage, self_scores=None, scores=None, failed=()):
    head, office, leader = world.user("unit_head", unit=agreement.unit), world.user("office"), world.user("leader")
    with app.app_context():
        if stage in ("signed", "self_assessed", "assessed", "archived"):
            sv.sign(fresh(agreement), head, fresh(agreement).version)
        if stage in ("self_assessed", "assessed", "archived"):
            a = fresh(agreement)
            sv.save_scores(a, head, a.version, scores_for(a, self_scores or {1: "38", 2: "55", 3: "1"}), "self", submit=True)
        if stage in ("assessed", "archived"):
            a = fresh(agreement)
            sv.save_scores(a, office, a.version, scores_for(a, scores or {1: "36", 2: "50", 3: "2"}, failed), "bureau",
                           submit=True)
        if stage == "archived":
            sv.archive(fresh(agreement), leader, fresh(agreement).version)
    return fresh(agreement)


# -- templates and issuing ---------------------------------------------------------------------------

def test_issue_snapshots_items_and_supervises_signing(app, world, issued):
    mine, _ = issued
    assert mine.state == "issued" and mine.party_b == "测试商店"
    assert [i.content for i in mine.items.order_by(AgreementItem.seq)][:2] == ["落实一把手负责制", "按期答复来信来访"]
    # Later template edits never reach an issued agreement.
    TemplateItem.update(content="改过的内容").execute()
    assert "改过的内容" not in [i.content for i in fresh(mine).items]
    item = SupervisedItem.get(SupervisedItem.source_type == "agreement_sign", SupervisedItem.source_id == mine.id)
    assert item.unit_id == world.shop.id and item.state == "assigned"
    assert [r.action for r in AuditLog.select().where(AuditLog.object_type == "agreement", AuditLog.object_id == mine.id)] == ["issue"]


def test_issuing_twice_skips_units_that_have_one(app, world, issued):
    template = AgreementTemplate.get()
    with app.app_context():
        assert sv.issue(template, [world.shop, world.branch], world.user("office"))[0].unit_id == world.branch.id
    assert Agreement.select().count() == 3


def test_an_issued_template_is_locked_and_can_be_copied(app, world, issued):
    template = AgreementTemplate.get()
    with app.app_context():
        with pytest.raises(RuleError, match="已经下发"):
            sv.save_template(template, world.user("office"), items=[{"category": "x", "content": "y", "points": D("1"),
                             "kind": "standard"}], year=2026, title="t", party_a="a", party_a_signatory="s",
                             preamble="", rewards="", excellent_min=D("90"), good_min=D("80"), pass_min=D("60"),
                             bonus_cap=D("0"), sign_due=None, self_assess_due=None)
        copy = sv.copy_template(template, 2027, world.user("office"))
        with pytest.raises(RuleError, match="2027年度的模板已存在"):
            sv.copy_template(template, 2027, world.user("office"))
    assert copy.year == 2027 and copy.editable and copy.items.count() == 4


def test_template_thresholds_must_be_ordered(app, world):
    with pytest.raises(RuleError, match="优秀 > 良好 > 合格"):
        with app.app_context():
            sv.check_thresholds(D("80"), D("90"), D("60"))


def test_default_issue_targets_every_active_body(app, world):
    with app.app_context():
        units = sv.default_units()
    assert {u.name for u in units} == {"测试行办", "测试商店", "界外总公司", "界外基层单位乙"}  # not the bureau or its offices


# -- lifecycle and permissions ---------------------------------------------------------------------------

@pytest.mark.parametrize("role,action,allowed", [
    ("unit_head", "sign", True), ("unit_clerk", "sign", False), ("office", "sign", False), ("leader", "sign", False),
])
def test_who_may_sign(app, world, issued, role, action, allowed):
    mine, _ = issued
    with app.app_context():
        assert (sv.WORKFLOW.refusal(action, world.user(role), mine) is None) == allowed


def test_a_head_cannot_sign_for_another_unit(app, world, issued):
    _, other = issued
    with app.app_context(), pytest.raises(RuleError, match="只能签订本单位"):
        sv.sign(other, world.user("unit_head"), other.version)


def test_full_lifecycle_resolves_deadlines_and_is_audited(app, world, issued):
    mine, _ = issued
    a = walk_to(app, world, mine, "archived")
    assert a.state == "archived" and a.self_total == D("94") and a.total == D("88")  # bonus capped at 3? 36+50+2
    actions = [r.action for r in AuditLog.select().where(AuditLog.object_type == "agreement", AuditLog.object_id == a.id)
               .order_by(AuditLog.id)]
    assert actions == ["issue", "sign", "self_assess", "assess", "archive"]
    states = {i.source_type: i.state for i in SupervisedItem.select().where(SupervisedItem.source_id == a.id)}
    assert states == {"agreement_sign": "closed", "agreement_self_assess": "closed"}


def test_transitions_out_of_order_and_second_signature(app, world, issued):
    mine, _ = issued
    with app.app_context():
        with pytest.raises(RuleError, match="不能考核评分"):
            sv.save_scores(mine, world.user("office"), mine.version, {}, "bureau", submit=True)
    a = walk_to(app, world, mine, "signed")
    with app.app_context(), pytest.raises(RuleError, match="已经签订，不能重复签订"):
        sv.sign(a, world.user("unit_head"), a.version)


def test_editing_a_signed_agreement_is_refused(app, world, issued):
    mine, _ = issued
    item = mine.items.first()
    with app.app_context():
        sv.edit_items(mine, world.user("office"), mine.version, {item.id: {"content": "调整后的内容"}})
        assert AgreementItem.get_by_id(item.id).content == "调整后的内容"
        a = walk_to(app, world, mine, "signed")
        with pytest.raises(RuleError, match="已签订，内容已冻结"):
            sv.edit_items(a, world.user("office"), a.version, {item.id: {"content": "再改"}})
    assert AgreementItem.get_by_id(item.id).content == "调整后的内容"


def test_stale_form_is_detected(app, world, issued):
    mine, _ = issued
    stale_version = mine.version
    item = mine.items.first()
    with app.app_context():
        sv.edit_items(mine, world.user("office"), stale_version, {item.id: {"content": "甲改的"}})
        with pytest.raises(RuleError, match="已被他人修改"):
            sv.edit_items(fresh(mine), world.user("office"), stale_version, {item.id: {"content": "乙改的"}})
    assert AgreementItem.get_by_id(item.id).content == "甲改的"


@pytest.mark.parametrize("value,message", [("41", "应在 0 到 40 分之间"), ("-1", "应在 0 到 40 分之间"),
                                           ("38.25", "最多保留一位小数"),
                                           ("abc", "必须是数字")])
def test_scores_out_of_range_change_nothing(app, world, issued, value, message):
    a = walk_to(app, world, issued[0], "signed")
    with app.app_context(), pytest.raises(RuleError, match=message):
        sv.save_scores(a, world.user("unit_head"), a.version, scores_for(a, {1: value, 2: "50", 3: "0"}), "self")
    assert fresh(a).self_total is None and fresh(a).items.first().self_score is None


def test_submitting_needs_every_item_scored(app, world, issued):
    a = walk_to(app, world, issued[0], "signed")
    with app.app_context():
        sv.save_scores(a, world.user("unit_head"), a.version, scores_for(a, {1: "38"}), "self")  # draft save is fine
        a = fresh(a)
        with pytest.raises(RuleError, match="第 2、3 条"):
            sv.save_scores(a, world.user("unit_head"), a.version, scores_for(a, {1: "38"}), "self", submit=True)
    assert fresh(a).state == "signed"


# -- grading --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("first,second,grade", [("40", "50", "优秀"), ("39", "50", "良好"), ("30", "50", "良好"),
                                                ("29", "50", "合格"), ("10", "50", "合格"), ("9", "50", "不合格")])
def test_grade_thresholds(app, world, issued, first, second, grade):
    a = walk_to(app, world, issued[0], "assessed", scores={1: first, 2: second, 3: "0"})
    assert grading.grade(a).grade == grade


def test_bonus_is_capped(app, world, issued):
    a = walk_to(app, world, issued[0], "assessed", scores={1: "30", 2: "50", 3: "5"})
    assert a.total == D("83")  # 80 + min(5, cap 3)


def test_a_failed_veto_item_fails_the_unit_whatever_the_score(app, world, issued):
    a = walk_to(app, world, issued[0], "assessed", scores={1: "40", 2: "60", 3: "3"}, failed=(4,))
    result = grading.grade(a)
    assert a.total == D("103") and result.grade == "不合格" and not result.eligible_for_awards
    assert "发生重大群体性事件" in result.reasons[0]


def test_registered_override_forces_fail(app, world, issued):
    a = walk_to(app, world, issued[0], "assessed", scores={1: "40", 2: "60", 3: "0"})

    def veto(agreements):
        return {agreement.id: "一票否决：测试" for agreement in agreements if agreement.unit_id == world.shop.id}

    grading.register_override(veto)
    try:
        assert grading.grade(a).grade == "不合格" and grading.grade(a).reasons == ["一票否决：测试"]
    finally:
        grading.OVERRIDES.remove(veto)
    assert grading.grade(a).grade == "优秀"


# -- pages, PDF, Excel, bulk print, scoping ----------------------------------------------------------------

def test_unit_users_see_only_their_subtree(login_as, world, issued):
    mine, other = issued
    head = login_as("unit_head")
    body = head.get("/agreements/?year=2026").get_data(as_text=True)
    assert "测试商店" in body and "界外基层单位乙" not in body
    assert head.get(f"/agreements/{other.id}").status_code == 404
    assert head.get(f"/agreements/{other.id}/contract.pdf").status_code == 404
    assert head.get(f"/agreements/{other.id}/scores.xlsx").status_code == 404
    assert head.get("/agreements/ranking").status_code == 403
    assert head.get("/agreements/ranking.xlsx").status_code == 403


def test_list_filters_by_level_state_and_grade(app, login_as, world, issued):
    walk_to(app, world, issued[0], "assessed", scores={1: "40", 2: "60", 3: "0"})
    office = login_as("office")
    body = office.get("/agreements/?year=2026&state=assessed", htmx=True).get_data(as_text=True)
    assert "测试商店" in body and "界外基层单位乙" not in body and "<html" not in body
    body = office.get("/agreements/?year=2026&grade=优秀").get_data(as_text=True)
    assert "测试商店" in body and "界外基层单位乙" not in body
    assert "没有符合条件" in office.get("/agreements/?year=2026&level=2", htmx=True).get_data(as_text=True)


def pdf_text(data, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_contract_pdf_has_the_official_parts(app, login_as, world, issued, tmp_path):
    response = login_as("unit_head").get(f"/agreements/{issued[0].id}/contract.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    for part in ("2026年度综治维稳目标管理责任书", "甲方：测试商务局", "乙方：测试商店", "落实一把手负责制",
                 "一式两份", "甲方（盖章）", "乙方（盖章）"):
        assert part in text, part
    assert re.search(r"—\s*1\s*—", text)
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4


def test_contract_pdf_uses_the_gb2312_cuts_and_falls_back_for_rarer_characters(app, login_as, world, issued, tmp_path):
    """The setup cuts the CJK faces to GB 2312 (scripts/vendor-fonts.py) so each render subsets small fonts;
    a character outside GB 2312 (in a unit's name, say) still prints, from the full Debian face."""
    import subprocess

    from portal.models import Unit

    Unit.update(name="测试商店（珺琇分店）").where(Unit.id == world.shop.id).execute()
    Agreement.update(party_b="测试商店（珺琇分店）").where(Agreement.id == issued[0].id).execute()
    data = login_as("office").get(f"/agreements/{issued[0].id}/contract.pdf").data
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Portal-Serif-SC-Bold" in fonts and "Portal-Serif-SC" in fonts and "Portal-Sans-SC" in fonts
    assert "Noto-Serif-CJK-SC" in fonts  # 珺琇 are not in GB 2312: taken from the full face
    assert "珺琇" in pdf_text(data, tmp_path)


def test_signing_on_the_page_renders_the_contract_ahead_of_need(app, login_as, world, issued, monkeypatch):
    """Signing queues the contract's rendering (run in-process here), so the first print is a cache hit."""
    from portal import pdf

    head = login_as("unit_head")
    mine = issued[0]
    assert head.post(f"/agreements/{mine.id}/sign", {"version": str(mine.version)}, htmx=True).status_code == 200
    renders = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: renders.append(html) or b"%PDF-none")
    response = head.get(f"/agreements/{mine.id}/contract.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-1") and renders == []


def test_long_agreement_repeats_the_table_header_and_wraps_long_text(app, login_as, world, tmp_path):
    long_name = "县某某某某商贸有限责任公司第一分公司" + "0123456789" * 4
    items = [{"category": f"类别{n}", "content": f"第{n}条目标：" + "落实综治维稳工作责任，" * 6 + "编号" + "9" * 40,
              "points": D("4"), "scoring_rule": "未落实扣分", "kind": "standard"} for n in range(1, 26)]
    template = make_template(app, world, items=items)
    with app.app_context():
        from portal.units.services import create_unit

        unit = create_unit(name=long_name[:100], code="T-LONG", kind="grassroots", parent=world.branch)
        agreement = sv.issue(template, [unit], world.user("office"))[0]
    data = login_as("office").get(f"/agreements/{agreement.id}/contract.pdf").data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    page2 = reader.pages[1].extract_text()
    assert "序号" in page2 and "目标内容" in page2 and "考核办法" in page2  # the header again on page 2
    text = pdf_text(data, tmp_path)
    assert re.search(r"—\s*2\s*—", text) and "9999999999" in text
    assert "9" * 40 not in text  # the 40-digit number is broken across lines inside its cell
    # Nothing runs past the right edge of the text block (595pt - 26mm margin).
    for page in reader.pages:
        xs = []
        page.extract_text(visitor_text=lambda t, cm, tm, fd, fs: xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])
                          if t.strip() else None)
        assert max(xs) < 595.28 - 26 * 72 / 25.4


def test_unchanged_pdf_is_served_from_the_cache(app, login_as, world, issued, monkeypatch):
    office = login_as("office")
    first = office.get(f"/agreements/{issued[0].id}/contract.pdf").data
    from portal import pdf

    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: pytest.fail("re-rendered an unchanged document"))
    assert office.get(f"/agreements/{issued[0].id}/contract.pdf").data == first


def test_pdf_fetcher_refuses_files_and_network(app):
    from portal.pdf import BASE_URL, StaticOnlyFetcher

    fetcher = StaticOnlyFetcher(app.static_folder)
    assert b"@page" in fetcher.fetch(BASE_URL + "static/css/pdf-official.css").read()
    for url in ("file:///etc/passwd", "http://example.com/x.css", BASE_URL + "static/../portal/settings.py",
                BASE_URL + "login"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_print_friendly_html(login_as, issued):
    response = login_as("unit_head").get(f"/agreements/{issued[0].id}/print")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "pdf-official.css" in body and "一式两份" in body


def test_bulk_zip_is_scoped_and_complete(app, login_as, world, issued):
    head = login_as("unit_head")
    response = head.post("/agreements/print", {"year": "2026", "kind": "zip"}, htmx=True)
    assert "下载ZIP" in response.get_data(as_text=True)
    from portal.models import PrintJob

    job = PrintJob.get()
    assert job.state == "done" and job.done == job.total == 1
    data = head.get(f"/agreements/print/{job.id}/download").data
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["001-测试商店.pdf"]
    assert login_as("office").get(f"/agreements/print/{job.id}/download").status_code == 404  # not theirs


def test_bulk_merged_pdf(app, login_as, world, issued):
    office = login_as("office")
    office.post("/agreements/print", {"year": "2026", "kind": "pdf"}, htmx=True)
    from portal.models import PrintJob

    job = PrintJob.get()
    reader = PdfReader(io.BytesIO(office.get(f"/agreements/print/{job.id}/download").data))
    single = len(PdfReader(io.BytesIO(office.get(f"/agreements/{issued[0].id}/contract.pdf").data)).pages)
    assert len(reader.pages) == 2 * single


def test_a_failing_print_job_is_reported(app, login_as, world, issued, monkeypatch):
    from portal import pdf
    from portal.models import PrintJob

    monkeypatch.setattr(pdf, "render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("字体缺失")))
    office = login_as("office")
    office.post("/agreements/print", {"year": "2026", "kind": "zip"}, htmx=True)
    job = PrintJob.get()
    assert job.state == "failed" and "字体缺失" in job.error
    assert "生成失败" in office.get(f"/agreements/print/{job.id}").get_data(as_text=True)


def test_ranking_and_excel_exports(app, login_as, world, issued):
    walk_to(app, world, issued[0], "assessed", scores={1: "40", 2: "60", 3: "0"})
    walk_to(app, world, issued[1], "assessed", scores={1: "20", 2: "30", 3: "0"}, failed=(4,))
    office = login_as("office")
    body = office.get("/agreements/ranking?year=2026").get_data(as_text=True)
    assert body.index("测试商店") < body.index("界外基层单位乙") and "取消评先评优资格" in body
    wb = load_workbook(io.BytesIO(office.get("/agreements/ranking.xlsx?year=2026").data))
    ws = wb.active
    assert [c.value for c in ws[1]][:6] == ["名次", "单位", "层级", "自评得分", "考核得分", "等次"]
    assert ws["B2"].value == "测试商店" and ws["E2"].value == 100 and ws["E2"].number_format == "0.0"
    assert ws["F3"].value == "不合格" and "否决项" in ws["G3"].value
    wb = load_workbook(io.BytesIO(office.get(f"/agreements/{issued[0].id}/scores.xlsx").data))
    assert wb.active["C2"].value == "落实一把手负责制" and wb.active["G2"].value == 40


def test_excel_neutralises_formula_injection(app):
    from portal import excel

    sheet = excel.Sheet("t", [excel.Column("a", lambda row: row)], ["=HYPERLINK(\"x\")", "正常", "控制\x01字符\x0b"])
    wb = load_workbook(excel.workbook([sheet]))
    assert wb.active["A2"].value == "'=HYPERLINK(\"x\")" and wb.active["A2"].data_type == "s"
    assert wb.active["A4"].value == "控制字符"  # control characters no cell may hold are dropped, not a 500


def test_sign_through_the_page_with_a_stale_version(login_as, world, issued):
    head = login_as("unit_head")
    mine = issued[0]
    response = head.post(f"/agreements/{mine.id}/sign", {"version": str(mine.version - 1)}, htmx=True)
    assert response.status_code == 422 and "已被他人修改" in response.get_data(as_text=True)
    response = head.post(f"/agreements/{mine.id}/sign", {"version": str(mine.version)}, htmx=True)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "agreementsChanged"
    assert fresh(mine).state == "signed"


def test_template_pages(login_as, world):
    office = login_as("office")
    response = office.post("/agreements/templates/new", {
        "year": "2026", "title": "综治维稳目标管理责任书", "party_a": "测试商务局", "party_a_signatory": "局长",
        "excellent_min": "90", "good_min": "80", "pass_min": "60", "bonus_cap": "5",
        "items-0-category": "组织领导", "items-0-content": "落实一把手负责制", "items-0-points": "100",
        "items-0-kind": "standard", "items-0-scoring_rule": "未落实扣分"})
    assert response.status_code == 302
    template = AgreementTemplate.get(AgreementTemplate.year == 2026)
    assert template.items.count() == 1
    response = office.post(f"/agreements/templates/{template.id}/issue", {"unit": [str(world.shop.id)]})
    assert response.status_code == 302 and Agreement.select().count() == 1
    assert login_as("leader").post(f"/agreements/templates/{template.id}", {}).status_code == 403
    assert login_as("unit_head").get("/agreements/templates").status_code == 403


def test_template_items_are_a_table_of_the_module():
    """A template's items are a real table: checked against the migrations and the access matrix."""
    from portal import modules

    assert TemplateItem in modules.all_models() and AgreementItem in modules.all_models()


# -- a page's version, refusals audited, numbers that are not numbers (issue #12) ------------------------

def _item_edit(agreement, version, points="30"):
    item = agreement.items.order_by(AgreementItem.seq).first()
    return {"version": version, f"content-{item.id}": "改过的内容", f"points-{item.id}": points}


@pytest.mark.parametrize("version", ["", "abc", "1.5", "９", "1" * 30, None])
def test_a_missing_or_malformed_version_is_a_stale_page_not_an_error(app, login_as, world, issued, version):
    mine = issued[0]
    office, head = login_as("office"), login_as("unit_head")
    form = {} if version is None else {"version": version}
    response = office.post(f"/agreements/{mine.id}/items", {**_item_edit(mine, version), **form}, htmx=True)
    assert response.status_code == 422 and "页面已过期" in response.get_data(as_text=True)
    assert "改过的内容" not in [i.content for i in fresh(mine).items]
    response = head.post(f"/agreements/{mine.id}/sign", form, htmx=True)
    assert response.status_code == 422 and "页面已过期" in response.get_data(as_text=True)
    assert fresh(mine).state == "issued"
    a = walk_to(app, world, mine, "signed")
    item = a.items.order_by(AgreementItem.seq).first()
    for submit in ("0", "1"):
        response = head.post(f"/agreements/{a.id}/scores/self", {**form, f"score-{item.id}": "30", "submit": submit},
                             htmx=True)
        assert response.status_code == 422 and "页面已过期" in response.get_data(as_text=True)
    assert fresh(a).version == a.version and fresh(a).state == "signed" and AgreementItem.get_by_id(item.id).self_score is None


def test_a_refused_step_is_audited(app, login_as, world, issued):
    mine, other = issued
    with app.app_context():
        with pytest.raises(RuleError, match="只能签订本单位"):
            sv.sign(other, world.user("unit_head"), other.version)
        with pytest.raises(RuleError, match="您的角色不能审定归档"):
            sv.archive(mine, world.user("office"), mine.version)
        with pytest.raises(RuleError, match="您的角色不能下发"):
            sv.issue(AgreementTemplate.get(), [world.branch], world.user("leader"))
    response = login_as("unit_head").post(f"/agreements/{mine.id}/sign", {"version": str(mine.version - 1)}, htmx=True)
    assert response.status_code == 422
    denied = [(r.object_id, r.summary) for r in AuditLog.select().where(AuditLog.object_type == "agreement",
                                                                           AuditLog.action == "denied").order_by(AuditLog.id)]
    assert [object_id for object_id, _ in denied] == [other.id, mine.id, None, mine.id]
    assert denied[0][1].startswith("签订未执行：只能签订本单位") and "页面已过期" in denied[3][1]
    assert Agreement.select().count() == 2
    assert fresh(mine).state == "issued" and fresh(other).state == "issued"


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "1e999"])
def test_numbers_that_are_not_scores_are_refused_in_chinese(app, login_as, world, issued, value):
    mine = issued[0]
    response = login_as("office").post(f"/agreements/{mine.id}/items", _item_edit(mine, mine.version, value), htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and ("必须是数字" in body or "应在 0 到 1000 之间" in body)
    assert fresh(mine).version == mine.version
    a = walk_to(app, world, mine, "signed")
    item = a.items.order_by(AgreementItem.seq).first()
    response = login_as("unit_head").post(f"/agreements/{a.id}/scores/self",
                                          {"version": a.version, f"score-{item.id}": value}, htmx=True)
    body = response.get_data(as_text=True)
    # A huge number is a number: refused with the item's own range.
    assert response.status_code == 422 and ("必须是数字" in body or f"应在 0 到 {item.points.normalize():f} 分之间" in body)
    assert AgreementItem.get_by_id(item.id).self_score is None and fresh(a).version == a.version


@pytest.mark.parametrize("field", ["excellent_min", "good_min", "pass_min"])
def test_a_template_threshold_that_is_not_a_number_is_refused(login_as, world, field):
    data = {"year": "2026", "title": "综治维稳目标管理责任书", "party_a": "测试商务局", "party_a_signatory": "局长",
            "excellent_min": "90", "good_min": "80", "pass_min": "60", "bonus_cap": "5", "items-0-category": "组织领导",
            "items-0-content": "落实一把手负责制", "items-0-points": "100", "items-0-kind": "standard", field: "NaN"}
    response = login_as("office").post("/agreements/templates/new", data)
    assert response.status_code == 422 and "请输入有效的数字" in response.get_data(as_text=True)
    assert AgreementTemplate.select().count() == 0


def test_a_unit_name_that_is_no_sheet_title_still_exports(app, login_as, world):
    template = make_template(app, world)
    with app.app_context():
        from portal.units.services import create_unit

        unit = create_unit(name="商贸/物流[一]?*公司:\\分部", code="T-ODD", kind="grassroots", parent=world.branch)
        agreement = sv.issue(template, [unit], world.user("office"))[0]
    response = login_as("office").get(f"/agreements/{agreement.id}/scores.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.active.title == "商贸_物流_一___公司__分部" and wb.active["C2"].value == "落实一把手负责制"
    assert wb.active["B6"].value == "合计"


# -- lists cost the same few queries whatever their size ---------------------------------------------------

def _add_agreements(app, world, template, first, count):
    """Issue the template to `count` new units; two of them assessed, one of those failed by a veto."""
    from portal import clock
    from portal.units.services import create_unit
    from portal.veto import services as veto

    with app.app_context():
        units = [create_unit(name=f"测试基层单位{k:02d}", code=f"T-N{k:02d}", kind="grassroots", parent=world.branch)
                 for k in range(first, first + count)]
        agreements = sv.issue(template, units, world.user("office"))
    for a in agreements[:2]:
        world.user("unit_head", unit=a.unit)
        walk_to(app, world, a, "assessed", scores={1: "40", 2: "60", 3: "0"})
    with app.app_context():
        event = veto.propose(unit=agreements[0].unit, year=2026, trigger="other", occurred_on=clock.today(),
                             description="测试", user=world.user("office"))
        veto.act(event, "confirm", world.user("leader"), "确认", event.version)


@pytest.mark.parametrize("url", ["/agreements/?year=2026", "/agreements/?year=2026&grade=优秀",
                                 "/agreements/?year=2026&sort=score&state=assessed", "/agreements/ranking?year=2026"])
def test_agreement_lists_do_not_query_per_row(app, login_as, world, count_queries, url):
    template = make_template(app, world)
    client = login_as("office")
    counts = []
    for first, count in ((0, 3), (3, 27)):  # 3 agreements, then 30
        _add_agreements(app, world, template, first, count)
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert Agreement.select().count() == 30 and counts[0] == counts[1], counts


# -- background jobs: called by name, no import cycle, nothing created at import --------------------------

def test_the_jobs_module_imports_no_feature_module_and_creates_nothing(tmp_path):
    import os
    import pathlib
    import sys

    code = ("import sys, portal.tasks as tasks; print(tasks.huey.storage.filename); "
            "print(sorted(m for m in sys.modules if m.startswith('portal.agreements')))")
    instance = tmp_path / "instance"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PORTAL_INSTANCE": str(instance)},
                         cwd=pathlib.Path(__file__).resolve().parent.parent, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == [str(instance / "huey.db"), "[]"] and not instance.exists()


def test_a_queued_print_job_finds_its_handler_by_name(app, login_as, world, issued):
    from huey.storage import MemoryStorage

    from portal import tasks
    from portal.models import PrintJob

    tasks.huey.immediate = False
    tasks.huey.storage = MemoryStorage("portal")  # a queue, as the worker sees it, without a file
    try:
        login_as("office").post("/agreements/print", {"year": "2026", "kind": "zip"}, htmx=True)
        job = PrintJob.get()
        assert job.state == "queued" and len(tasks.huey) == 1
        with app.app_context():
            tasks.huey.execute(tasks.huey.dequeue())
    finally:
        tasks.huey.immediate = True
    job = PrintJob.get_by_id(job.id)
    assert job.state == "done" and job.done == 2


def test_the_templates_page_counts_agreements_in_one_query(app, login_as, world, count_queries):
    office, counts = login_as("office"), []
    for year in (2026, 2027, 2028, 2029):
        make_template(app, world, year=year)
        if year == 2026:
            with app.app_context():
                sv.issue(AgreementTemplate.get(AgreementTemplate.year == 2026), [world.shop, world.other_shop],
                         world.user("office"))
        with count_queries() as q:
            body = office.get("/agreements/templates").get_data(as_text=True)
        counts.append(q.count)
    assert counts[0] == counts[-1], counts
    assert re.search(r"2026.*?<td class=\"num\">2</td>", body, re.S) and '<td class="num">0</td>' in body
