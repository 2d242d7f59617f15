"""Saved year-end summaries: drafting a year and scope, editing paragraph by paragraph, versions and
their diff, refusal of lost updates, "刷新数据", states, scope rules, audit and the two exports.

The tests bring their own figures and prose (a provider and a compose of their own), so they hold
whatever figures the modules declare and however the real compose phrases them."""
import io
import re
import subprocess

import pytest
from docx import Document

from portal import modules
from portal.models import AuditLog
from portal.models.summary import SummaryDraft
from portal.summary import compose as composer
from portal.summary import services
from portal.summary.document import PARTS, Paragraph, Section
from portal.summary.figures import Figure

YEAR = 2026


class Figures:
    """A figure provider whose values a test changes between drafting and refreshing."""

    def __init__(self):
        self.values = {"t.alpha": 3, "t.beta": 7}

    def __call__(self, year, unit):
        for key, value in self.values.items():
            yield Figure(key, f"测试数据{key.split('.')[1]}", value, "件", f"/petitions/?year={year}&k={key}")


def made_up_compose(year, unit, figures):
    """One sentence per figure in 一, in key order, and a sentence of 二 stating no figure."""
    sections = [Section(number, title) for number, title in PARTS]
    for key in sorted(figures):
        f = figures[key]
        sections[0].paragraphs.append(Paragraph(key, f"{year}年{unit.name}{f.label}{f.value}{f.unit}。", (key,)))
    sections[1].paragraphs.append(Paragraph("steady", "坚持定期排查，做到早发现、早化解。"))
    return sections


@pytest.fixture
def figures(app, monkeypatch):
    provider = Figures()
    # Only this provider's figures, whatever the modules declare.
    monkeypatch.setattr(modules, "collect",
                        lambda attr: [provider] if attr == "year_figures" else _collect(attr))
    monkeypatch.setattr(composer, "compose", made_up_compose)
    return provider


_collect = modules.collect


def draft_of(client, world, unit=None, year=YEAR):
    unit = unit or world.bureau
    response = client.post("/summary/new", data={"year": year, "unit": unit.id})
    assert response.status_code == 302, response.get_data(as_text=True)
    return SummaryDraft.get(SummaryDraft.year == year, SummaryDraft.unit == unit.id)


def text_of(draft, pid):
    return services.by_id(services.current(SummaryDraft.get_by_id(draft.id)).section_data)[pid]


def save(client, draft, pid, text, revision, htmx=True):
    return client.post(f"/summary/{draft.id}/save", data={"pid": pid, "text": text, "revision": revision}, htmx=htmx)


def test_office_drafts_the_bureau_summary_from_the_figures(login_as, world, figures):
    office = login_as("office")
    draft = draft_of(office, world)
    assert draft.revision == 1 and draft.state == "draft" and draft.title == f"测试商务局{YEAR}年度综治信访维稳工作总结"
    version = services.current(draft)
    assert [s["number"] for s in version.section_data] == ["一", "二", "三", "四"]
    assert set(version.figure_data) == {"t.alpha", "t.beta"}
    assert version.figure_data["t.alpha"]["value"] == 3
    page = office.get(f"/summary/{draft.id}").get_data(as_text=True)
    assert "测试数据alpha3件" in page
    # Each paragraph links to the list its figures were counted from.
    assert f'href="/petitions/?year={YEAR}&amp;k=t.alpha"' in page
    assert AuditLog.select().where(AuditLog.object_type == "summary", AuditLog.object_id == draft.id,
                                   AuditLog.action == "create").count() == 1
    # One draft per year and scope: asking again opens the existing one.
    again = office.post("/summary/new", data={"year": YEAR, "unit": world.bureau.id})
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/summary/{draft.id}")
    assert SummaryDraft.select().count() == 1


def test_the_new_draft_form_keeps_its_values_and_shows_errors_inline(login_as, world, figures):
    office = login_as("office")
    response = office.post("/summary/new", data={"year": "1999", "unit": world.branch.id})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "年度应在 2000 到 2100 之间" in body and 'value="1999"' in body
    # The office drafts the bureau's or a second-level body's, not a grassroots unit's.
    response = office.post("/summary/new", data={"year": YEAR, "unit": world.shop.id})
    assert response.status_code == 422 and "总结范围只能是全局或一个二级机构" in response.get_data(as_text=True)
    assert SummaryDraft.select().count() == 0
    assert office.post("/summary/new", data={"year": YEAR, "unit": world.branch.id}).status_code == 302


@pytest.mark.parametrize("role", ["unit_head", "unit_clerk"])
def test_a_unit_drafts_and_sees_only_its_own_scope(login_as, world, figures, role):
    office = login_as("office")
    bureau_draft = draft_of(office, world)
    branch_draft = draft_of(office, world, world.other_branch)
    user = login_as(role)
    # Only the unit's own scope is offered, and asking for another is refused.
    assert services.scope_choices(user.user) == [(world.shop.id, world.shop.name)]
    for unit in (world.bureau, world.branch, world.other_branch):
        response = user.post("/summary/new", data={"year": YEAR, "unit": unit.id})
        assert response.status_code == 422, unit.name
    assert SummaryDraft.select().count() == 2
    # The bureau's and another body's drafts are not there for the unit: 404, and not in its list.
    for other in (bureau_draft, branch_draft):
        assert user.get(f"/summary/{other.id}").status_code == 404
        assert user.get(f"/summary/{other.id}/summary.pdf").status_code == 404
        assert save(user, other, "t.alpha", "改", 1).status_code == 404
    own = draft_of(user, world, world.shop)
    listing = user.get("/summary/").get_data(as_text=True)
    assert own.title in listing and bureau_draft.title not in listing and branch_draft.title not in listing
    # The office sees every draft.
    listing = office.get("/summary/").get_data(as_text=True)
    assert all(d.title in listing for d in (own, bureau_draft, branch_draft))


def test_a_leader_reads_but_does_not_draft(login_as, world, figures):
    draft = draft_of(login_as("office"), world)
    leader = login_as("leader")
    assert leader.get(f"/summary/{draft.id}").status_code == 200
    assert "保存本段" not in leader.get(f"/summary/{draft.id}").get_data(as_text=True)
    assert leader.post("/summary/new", data={"year": YEAR, "unit": world.bureau.id}).status_code == 403
    assert save(leader, draft, "t.alpha", "改", 1).status_code == 403


def test_editing_a_paragraph_makes_a_version_the_history_shows(login_as, world, figures):
    office = login_as("office")
    draft = draft_of(office, world)
    response = save(office, draft, "t.alpha", f"{YEAR}年全系统共受理测试数据3件，均已办结。", 1)
    assert response.status_code == 200 and "已保存" in response.get_data(as_text=True)
    draft = SummaryDraft.get_by_id(draft.id)
    assert draft.revision == 2 and text_of(draft, "t.alpha")["text"] == f"{YEAR}年全系统共受理测试数据3件，均已办结。"
    # The first version is kept whole.
    assert services.by_id(services.version_of(draft, 1).section_data)["t.alpha"]["text"] == f"{YEAR}年测试商务局测试数据alpha3件。"
    history = office.get(f"/summary/{draft.id}/history").get_data(as_text=True)
    assert "第 2 版" in history and "修改 一、第1段" in history and "office测试员" in history
    diff = office.get(f"/summary/{draft.id}/versions/2").get_data(as_text=True)
    assert "<ins>全系统共受理</ins>" in diff and "<del>测试商务局</del>" in diff and "一、取得的主要成效 第 1 段" in diff
    assert office.get(f"/summary/{draft.id}/versions/3").status_code == 404
    audit = AuditLog.select().where(AuditLog.object_type == "summary", AuditLog.action == "update").get()
    assert "第2版" in audit.summary and audit.actor_id == office.user.id
    # Saving the same text again makes no version.
    save(office, draft, "t.alpha", f"{YEAR}年全系统共受理测试数据3件，均已办结。", 2)
    assert SummaryDraft.get_by_id(draft.id).revision == 2


def test_the_second_of_two_clerks_saving_one_paragraph_is_refused_and_keeps_the_text(login_as, world, figures):
    first = login_as("office")
    second = login_as(world.user("office", username="office_two"))
    draft = draft_of(first, world)
    # Both opened the draft at version 1.
    assert save(first, draft, "t.alpha", "第一位同志的修改。", 1).status_code == 200
    response = save(second, draft, "t.alpha", "第二位同志的修改。", 1)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "已被office测试员" in body and "您的修改尚未保存" in body
    assert "第二位同志的修改。</textarea>" in body and "第一位同志的修改。" in body  # kept, and the newest beside it
    assert text_of(draft, "t.alpha")["text"] == "第一位同志的修改。"
    # Another paragraph saved from the same old page is no conflict.
    assert save(second, draft, "steady", "第二位同志改的做法。", 1).status_code == 200
    assert text_of(draft, "t.alpha")["text"] == "第一位同志的修改。"
    # Having seen the newest text, the second clerk's next save (with the version it now holds) goes through.
    revision = re.search(r'name="revision" value="(\d+)"', body).group(1)
    assert save(second, draft, "t.alpha", "两位同志商定的文字。", revision).status_code == 200
    assert text_of(draft, "t.alpha")["text"] == "两位同志商定的文字。"
    # A plain form post gets the whole page back, the typed text in its box.
    response = save(first, draft, "t.alpha", "过期页面上的文字。", 2, htmx=False)
    assert response.status_code == 422 and "过期页面上的文字。</textarea>" in response.get_data(as_text=True)
    # A version number that is no version is refused, never a server error.
    assert save(first, draft, "t.alpha", "x", "abc").status_code == 422


def test_refresh_redrafts_untouched_paragraphs_and_flags_edited_ones(login_as, world, figures):
    office = login_as("office")
    draft = draft_of(office, world)
    save(office, draft, "t.beta", "经逐件核实，测试数据共7件。", 1)
    figures.values.update({"t.alpha": 4, "t.beta": 9, "t.gamma": 1})
    preview = office.get(f"/summary/{draft.id}/refresh").get_data(as_text=True)
    assert "测试数据alpha" in preview and "<td>3件</td><td><b>4</b>件</td>" in preview
    assert "<td>7件</td><td><b>9</b>件</td>" in preview and "<td>—</td><td><b>1</b>件</td>" in preview
    assert SummaryDraft.get_by_id(draft.id).revision == 2  # a preview saves nothing
    response = office.post(f"/summary/{draft.id}/refresh", data={"version": SummaryDraft.get_by_id(draft.id).version})
    assert response.status_code == 302
    draft = SummaryDraft.get_by_id(draft.id)
    assert draft.revision == 3
    paragraphs = services.by_id(services.current(draft).section_data)
    assert paragraphs["t.alpha"]["text"] == f"{YEAR}年测试商务局测试数据alpha4件。" and not paragraphs["t.alpha"]["flags"]
    assert paragraphs["t.beta"]["text"] == "经逐件核实，测试数据共7件。"
    assert [(f["key"], f["old"], f["new"]) for f in paragraphs["t.beta"]["flags"]] == [("t.beta", "7", "9")]
    assert paragraphs["t.gamma"]["text"] == f"{YEAR}年测试商务局测试数据gamma1件。"
    assert services.current(draft).figure_data["t.beta"]["value"] == 9
    page = office.get(f"/summary/{draft.id}").get_data(as_text=True)
    assert "数据已变化，请核对本段文字" in page and "7 → <b>9</b>" in page
    assert AuditLog.select().where(AuditLog.object_type == "summary", AuditLog.action == "refresh").count() == 1
    # Saving the flagged paragraph clears its flag; a refresh with nothing changed makes no version.
    save(office, draft, "t.beta", "经逐件核实，测试数据共9件。", 3)
    assert text_of(draft, "t.beta")["flags"] == []
    office.post(f"/summary/{draft.id}/refresh", data={"version": SummaryDraft.get_by_id(draft.id).version})
    assert SummaryDraft.get_by_id(draft.id).revision == 4
    # A refresh from a stale page is refused.
    figures.values["t.alpha"] = 5
    office.post(f"/summary/{draft.id}/refresh", data={"version": 1})
    assert SummaryDraft.get_by_id(draft.id).revision == 4


def test_refresh_keeps_an_edited_paragraph_whose_figure_is_gone(login_as, world, figures):
    office = login_as("office")
    draft = draft_of(office, world)
    save(office, draft, "t.alpha", "改过的一段。", 1)
    del figures.values["t.alpha"]
    del figures.values["t.beta"]
    plan = services.plan_refresh(SummaryDraft.get_by_id(draft.id))
    assert plan.removed == ["t.beta"] and plan.flagged == ["t.alpha"]
    kept = services.by_id(plan.sections)
    assert kept["t.alpha"]["text"] == "改过的一段。" and "t.beta" not in kept
    assert kept["t.alpha"]["flags"][0]["new"] == "—"


def test_finalise_freezes_the_text_until_reopened(login_as, world, figures):
    office = login_as("office")
    draft = draft_of(office, world)
    assert office.post(f"/summary/{draft.id}/state", data={"action": "finalise", "version": draft.version}).status_code == 302
    draft = SummaryDraft.get_by_id(draft.id)
    assert draft.state == "final"
    response = save(office, draft, "t.alpha", "定稿后的修改。", draft.revision)
    assert response.status_code == 422 and "已定稿" in response.get_data(as_text=True)
    assert "定稿后的修改" not in text_of(draft, "t.alpha")["text"]
    office.post(f"/summary/{draft.id}/state", data={"action": "reopen", "version": draft.version})
    assert SummaryDraft.get_by_id(draft.id).state == "draft"
    actions = [a.action for a in AuditLog.select().where(AuditLog.object_type == "summary").order_by(AuditLog.id)]
    assert actions == ["create", "finalise", "reopen"]
    # A unit clerk may not finalise; a unit head only the unit's own.
    clerk_draft = draft_of(login_as("unit_clerk"), world, world.shop)
    assert login_as("unit_clerk").post(f"/summary/{clerk_draft.id}/state",
                                       data={"action": "finalise", "version": clerk_draft.version}).status_code == 403
    head = login_as("unit_head")
    head.post(f"/summary/{clerk_draft.id}/state", data={"action": "finalise", "version": clerk_draft.version})
    assert SummaryDraft.get_by_id(clerk_draft.id).state == "final"
    branch_head = world.user("unit_head", unit=world.branch, username="branch_head")
    assert services.WORKFLOW.refusal("reopen", branch_head, SummaryDraft.get_by_id(clerk_draft.id)) == "只能退回修改本单位的总结。"


def pdf_text(data, tmp_path):
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_is_the_official_document(login_as, world, figures, tmp_path):
    office = login_as("office")
    draft = draft_of(office, world)
    save(office, draft, "t.alpha", "第一行。\n第二行另起一段。", 1)
    response = office.get(f"/summary/{draft.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(response.data, tmp_path))
    assert draft.title in text
    for number, title in PARTS:
        assert f"{number}、{title}" in text
    assert "第一行。第二行另起一段。" in text and "—1—" in text
    from pypdf import PdfReader

    fonts = {str(f) for page in PdfReader(io.BytesIO(response.data)).pages
             for f in (page["/Resources"].get("/Font") or {}).values() for f in [f.get_object()["/BaseFont"]]}
    assert any("Sans" in f for f in fonts) and any("Serif" in f for f in fonts)  # 黑体 headings, 仿宋-like body


def test_the_docx_has_the_same_structure(login_as, world, figures):
    office = login_as("office")
    draft = draft_of(office, world)
    save(office, draft, "steady", "坚持定期排查。\n做到早发现、早化解。", 1)
    response = office.get(f"/summary/{draft.id}/summary.docx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert paragraphs[0] == ("Title", draft.title)
    assert [t for s, t in paragraphs if s == "Heading 1"] == [f"{n}、{t}" for n, t in PARTS]
    body = [t for s, t in paragraphs if s == "Normal"]
    assert f"{YEAR}年测试商务局测试数据alpha3件。" in body
    assert body.index("坚持定期排查。") + 1 == body.index("做到早发现、早化解。")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", body[-1])  # the date closes it
    assert "测试商务局" in body[-2]
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        assert "PAGE" in footer._element.xml and "— " in footer.paragraphs[0].text
    # 黑体 headings, 仿宋 body, no theme font overriding either.
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for style, face in (("Heading 1", "黑体"), ("Normal", "仿宋_GB2312")):
        fonts = document.styles[style].element.rPr.rFonts
        assert fonts.get(f"{w}eastAsia") == face and fonts.get(f"{w}eastAsiaTheme") is None


def test_the_drafts_list_costs_the_same_queries_for_more_drafts(login_as, world, figures, count_queries):
    office = login_as("office")
    draft_of(office, world, year=2020)

    def cost():
        with count_queries() as q:
            assert office.get("/summary/").status_code == 200
        return q.count

    few = cost()
    for year in range(2021, 2026):
        draft_of(office, world, year=year)
        draft_of(office, world, world.branch, year=year)
    assert cost() == few


def test_the_history_costs_the_same_queries_for_more_versions(login_as, world, figures, count_queries):
    office = login_as("office")
    draft = draft_of(office, world)
    save(office, draft, "t.alpha", "第一次修改。", 1)

    def cost():
        with count_queries() as q:
            body = office.get(f"/summary/{draft.id}/history").get_data(as_text=True)
        return q.count, body

    few, _ = cost()
    for n in range(2, 9):
        save(office, draft, "t.alpha", f"第{n}次修改。", n)
    many, body = cost()
    assert many == few and "第 9 版" in body and "第 1 版" in body
