"""Views of agreements: list and ranking (live tables), templates, issuing, the agreement page with
its lifecycle steps and scores, the printable contract, bulk printing and Excel exports."""
from types import SimpleNamespace

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user
from peewee import fn

from .. import audit, clock, excel, htmx, pdf
from ..attachments import services as attachments
from ..access import can, get_or_404, permission
from ..attachments.services import attachments_of, register_owner
from ..excel import Column, Sheet
from ..forms import int_arg, year_arg
from ..models import (AGREEMENT_STATES, Agreement, AgreementItem, AgreementTemplate, PrintJob,
                      TemplateItem, Unit)
from ..pagination import paginate, paginate_list, sorted_by
from ..workflow import RuleError
from . import bp, module, grading, printing, services
from .forms import TemplateForm

CHANGED = "agreementsChanged"
register_owner("agreement", Agreement, "目标责任书")
GRADE_CHOICES = grading.GRADES


def _years():
    years = [t.year for t in AgreementTemplate.select(AgreementTemplate.year).order_by(AgreementTemplate.year.desc())]
    return years or [clock.today().year]


def _year(args):
    return year_arg(args) or _years()[0]


def list_query(args, user):
    """The user's agreements of the list's year with their units, filtered by the column filters
    (level, state) and sorted, in SQL."""
    query = Agreement.visible_to(user, Agreement, Unit).join(Unit).where(Agreement.year == _year(args))
    if args.get("level") in ("2", "3"):
        query = query.where(Unit.level == int(args["level"]))
    if args.get("state") in AGREEMENT_STATES:
        query = query.where(Agreement.state == args["state"])
    if args.get("signed") in ("0", "1"):  # the year-end summary's drill-down: signed by the 一把手, or not
        query = query.where(Agreement.signed_at.is_null(args["signed"] == "0"))
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        query = query.where(Unit.path.startswith(unit.path) if unit is not None else False)
    return sorted_by(query, args, SORTS, (Unit.path,), (Unit.path,))


# The list's sortable column headers (sort_th); unsorted, in the units' order. 考核得分 sorts the highest
# first at the first click, agreements not scored yet last.
SORTS = {"unit": Unit.path, "level": Unit.level, "state": Agreement.state,
         "self": (Agreement.self_total.is_null(), Agreement.self_total * -1),
         "score": (Agreement.total.is_null(), Agreement.total * -1)}


def filtered(args, user):
    """Every agreement matching the list filters, with their grades. A grade is computed (scores,
    thresholds, a confirmed veto), not a column, so the grade filter runs in Python over rows fetched
    in a constant number of queries."""
    agreements = list(list_query(args, user))
    grades = grading.grades_for(agreements)
    if args.get("grade") in GRADE_CHOICES:
        agreements = [a for a in agreements if grades[a.id].grade == args["grade"]]
    return agreements, grades


@module.card
def agreements_card(user, year):
    query = Agreement.visible_to(user).where(Agreement.year == year)
    total = query.count()
    if not total:
        return None
    signed = query.where(Agreement.state != "issued").count()
    return {"title": f"{year}年度目标责任书", "value": total, "note": f"已签订 {signed} 份，待签订 {total - signed} 份",
            "url": url_for("agreements.index", year=year)}


@bp.get("/")
@permission("agreements.view")
def index():
    """Agreements of a year, filtered by level, status and grade, sortable by score; live."""
    if request.args.get("grade") in GRADE_CHOICES:
        agreements, grades = filtered(request.args, current_user)
        page = paginate_list(agreements)
    else:
        page = paginate(list_query(request.args, current_user))
        grades = grading.grades_for(page.items)
    return htmx.render("agreements/index.html", "agreements/_table.html", rows=page.items, grades=grades, page=page,
                       total=page.total, args=request.args, years=_years(), year=_year(request.args),
                       states=AGREEMENT_STATES, grade_choices=GRADE_CHOICES)


@bp.get("/ranking")
@permission("agreements.ranking")
def ranking():
    """Annual assessment ranking (年度考核排名) of assessed units."""
    query = _ranked(_year(request.args))
    if request.args.get("level") in ("2", "3"):
        query = query.where(Unit.level == int(request.args["level"]))
    rows = services.ranking(query)
    if request.args.get("grade") in GRADE_CHOICES:
        rows = [(a, g) for a, g in rows if g.grade == request.args["grade"]]
    return htmx.render("agreements/ranking.html", "agreements/_ranking_table.html", rows=rows, args=request.args,
                       years=_years(), year=_year(request.args), grade_choices=GRADE_CHOICES)


def _ranked(year):
    # The ranking is the bureau's view of every unit (the page needs agreements.ranking).
    return Agreement.select(Agreement, Unit).join(Unit).where(Agreement.year == year).order_by(Unit.path)


RANKING_COLUMNS = [
    Column("名次", lambda row: row[0], 8, "0"),
    Column("单位", lambda row: row[1].party_b, 28),
    Column("层级", lambda row: row[1].unit.level_label, 10),
    Column("自评得分", lambda row: row[1].self_total, 12, "0.0"),
    Column("考核得分", lambda row: row[1].total, 12, "0.0"),
    Column("等次", lambda row: row[2].grade, 10),
    Column("说明", lambda row: "；".join(row[2].reasons) + ("（取消评先评优资格）" if row[2].reasons else ""), 40),
]


@bp.get("/ranking.xlsx")
@permission("agreements.ranking")
def ranking_xlsx():
    """The ranking as an Excel workbook."""
    year = _year(request.args)
    rows = [(n, a, g) for n, (a, g) in enumerate(services.ranking(_ranked(year)), start=1)]
    return excel.response(f"{year}年度目标责任考核排名.xlsx", [Sheet(f"{year}年度考核排名", RANKING_COLUMNS, rows)])


def _detail_context(agreement):
    items = list(agreement.items.order_by(AgreementItem.seq))
    return {
        "a": agreement, "items": items, "result": grading.grade(agreement, items),
        "history": audit.history("agreement", agreement.id),
        "attachments": attachments_of("agreement", agreement, current_user),
        "may": services.WORKFLOW.may(current_user, agreement),
        "base_points": grading.base_points(items),
        "states": AGREEMENT_STATES,
    }


@bp.get("/<int:agreement_id>")
@permission("agreements.view")
def detail(agreement_id):
    """One agreement: its frozen text, scores, history, scan and the next step for this user."""
    agreement = get_or_404(Agreement, agreement_id)
    return htmx.render("agreements/detail.html", "agreements/_detail_live.html", **_detail_context(agreement))


def _after(agreement, message=None, error=None):
    return htmx.outcome("agreements/_detail_live.html", lambda: _detail_context(Agreement.get_by_id(agreement.id)),
                        url_for("agreements.detail", agreement_id=agreement.id), message=message, error=error,
                        trigger=CHANGED)


def _attempt(agreement, action, message):
    """Take a step (a RuleError becomes the error answer) and answer with the refreshed agreement."""
    return htmx.attempt(action, "agreements/_detail_live.html",
                        lambda: _detail_context(Agreement.get_by_id(agreement.id)),
                        url_for("agreements.detail", agreement_id=agreement.id), message=message, trigger=CHANGED)


@bp.post("/<int:agreement_id>/sign")
@permission("agreements.act")
def sign(agreement_id):
    """The unit head signs the agreement (optionally with a scan of the signed paper copy)."""
    agreement = get_or_404(Agreement, agreement_id)
    try:
        services.sign(agreement, current_user._get_current_object(), request.form.get("version"))
    except RuleError as exc:
        return _after(agreement, error=str(exc))
    printing.prerender(agreement)  # the frozen text is printed next: have the PDF ready
    scan = request.files.get("scan")
    if scan is not None and scan.filename:
        try:
            attachments.save("agreement", agreement, scan, current_user._get_current_object(), "签字盖章扫描件")
        except RuleError as exc:
            return _after(agreement, error=f"责任书已签订，但扫描件未上传：{exc}")
    return _after(agreement, "责任书已签订。")


def _scores_from_form(agreement):
    form = request.form
    return {item.id: {"score": form.get(f"score-{item.id}", ""), "note": form.get(f"note-{item.id}", ""),
                      "failed": form.get(f"failed-{item.id}") == "1"} for item in agreement.items}


@bp.post("/<int:agreement_id>/scores/<side>")
@permission("agreements.act")
def scores(agreement_id, side):
    """Save or submit the unit's self-assessment (side=self) or the bureau's scores (side=bureau)."""
    agreement = get_or_404(Agreement, agreement_id)
    if side not in ("self", "bureau"):
        abort(404)
    submit = request.form.get("submit") == "1"
    return _attempt(agreement, lambda: services.save_scores(
        agreement, current_user._get_current_object(), request.form.get("version"), _scores_from_form(agreement),
        side, submit=submit), ("自评已提交。" if side == "self" else "考核评分已提交。") if submit else "评分已暂存。")


@bp.post("/<int:agreement_id>/archive")
@permission("agreements.act")
def archive(agreement_id):
    """The leader approves the assessment result and archives the agreement."""
    agreement = get_or_404(Agreement, agreement_id)
    return _attempt(agreement, lambda: services.archive(agreement, current_user._get_current_object(),
                                                        request.form.get("version")), "考核结果已审定归档。")


@bp.post("/<int:agreement_id>/items")
@permission("agreements.manage")
def edit_items(agreement_id):
    """Office adjusts an agreement's items before it is signed."""
    agreement = get_or_404(Agreement, agreement_id)
    changes = {}
    for item in agreement.items:
        if f"content-{item.id}" in request.form:
            changes[item.id] = {"content": request.form[f"content-{item.id}"].strip() or item.content,
                                "points": request.form.get(f"points-{item.id}", item.points),
                                "scoring_rule": request.form.get(f"rule-{item.id}", item.scoring_rule).strip()}
    return _attempt(agreement, lambda: services.edit_items(agreement, current_user._get_current_object(),
                                                           request.form.get("version"), changes), "条目已修改。")


@bp.get("/<int:agreement_id>/contract.pdf")
@permission("agreements.view")
def contract_pdf(agreement_id):
    """The printable contract, A4 in the official layout."""
    agreement = get_or_404(Agreement, agreement_id)
    data = pdf.render("agreements/pdf/contract.html", **printing.contract_context(agreement))
    return pdf.response(data, f"{agreement.year}年度目标管理责任书-{agreement.party_b}.pdf")


@bp.get("/<int:agreement_id>/print")
@permission("agreements.view")
def contract_print(agreement_id):
    """The contract as print-friendly HTML (the browser prints it with the same page rules)."""
    agreement = get_or_404(Agreement, agreement_id)
    return htmx.render("agreements/pdf/contract.html", **printing.contract_context(agreement))


def _veto_cell(failed, assessed):
    return "未达标" if failed else ("达标" if assessed else None)


@bp.get("/<int:agreement_id>/scores.xlsx")
@permission("agreements.view")
def scores_xlsx(agreement_id):
    """An agreement's items and scores as an Excel workbook, with a totals row."""
    agreement = get_or_404(Agreement, agreement_id)
    items = list(agreement.items.order_by(AgreementItem.seq))
    result = grading.grade(agreement, items)
    total = SimpleNamespace(seq="", category="合计", content="", kind_label="", kind="total", points=None,
                            self_score=agreement.self_total, score=agreement.total,
                            score_note=f"等次：{result.grade or '未考核'}"
                            + ("；" + "；".join(result.reasons) if result.reasons else ""))
    columns = [
        Column("序号", lambda i: i.seq, 6, "0"),
        Column("类别", lambda i: i.category, 14),
        Column("目标内容", lambda i: i.content, 50),
        Column("类型", lambda i: i.kind_label, 8),
        Column("分值", lambda i: None if i.kind == "veto" else i.points, 8, "0.0"),
        Column("自评得分", lambda i: _veto_cell(i.self_failed, False) if i.kind == "veto" else i.self_score, 10, "0.0"),
        Column("考核得分", lambda i: _veto_cell(i.failed, agreement.total is not None) if i.kind == "veto" else i.score,
               10, "0.0"),
        Column("说明", lambda i: i.score_note, 40),
    ]
    return excel.response(f"{agreement.year}年度责任书评分-{agreement.party_b}.xlsx",
                          [Sheet(agreement.party_b, columns, items + [total])])


# -- bulk printing ----------------------------------------------------------------------------------

@bp.post("/print")
@permission("agreements.view")
def print_all():
    """Start building one ZIP of PDFs or one merged PDF of the listed agreements, in the background."""
    kind = "pdf" if request.form.get("kind") == "pdf" else "zip"
    agreements, _ = filtered(request.form, current_user)
    if not agreements:
        flash("当前筛选条件下没有责任书。", "error")
        return htmx.fragment("agreements/_print_job.html", status=422, job=None)
    job = printing.start(current_user._get_current_object(), kind, [a.id for a in agreements],
                         f"{_year(request.form)}年度目标管理责任书（{len(agreements)} 份）")
    return htmx.fragment("agreements/_print_job.html", job=PrintJob.get_by_id(job.id))


@bp.get("/print/<int:job_id>")
@permission("agreements.view")
def print_job(job_id):
    """Progress of a bulk print job (polled by its progress bar)."""
    return htmx.render("agreements/print_job.html", "agreements/_print_job.html", job=get_or_404(PrintJob, job_id))


@bp.get("/print/<int:job_id>/download")
@permission("agreements.view")
def print_download(job_id):
    """The finished ZIP or PDF."""
    job = get_or_404(PrintJob, job_id)
    if job.state != "done":
        abort(404)
    return send_file(printing.path_of(job), as_attachment=True, download_name=printing.download_name(job),
                     mimetype="application/zip" if job.kind == "zip" else "application/pdf")


# -- templates ---------------------------------------------------------------------------------------

@bp.get("/templates")
@permission("agreements.templates")
def templates():
    """Yearly templates."""
    rows = list(AgreementTemplate.select().order_by(AgreementTemplate.year.desc()))
    counts = dict(Agreement.select(Agreement.template, fn.COUNT(Agreement.id)).group_by(Agreement.template).tuples())
    items = dict(TemplateItem.select(TemplateItem.template, fn.COUNT(TemplateItem.id))
                 .group_by(TemplateItem.template).tuples())
    return htmx.render("agreements/templates.html", rows=rows, counts=counts, items=items)


def _template_form(template=None):
    if request.method == "POST":
        return TemplateForm()
    if template is None:
        return TemplateForm(data={"year": clock.today().year, "party_a": "县商务局", "party_a_signatory": "局长",
                                  "title": "综治维稳目标管理责任书", "excellent_min": 90, "good_min": 80,
                                  "pass_min": 60, "bonus_cap": 10})
    form = TemplateForm(obj=template)
    items = list(template.items.order_by(TemplateItem.seq))
    while len(form.items) < len(items):
        form.items.append_entry()
    for entry, item in zip(form.items, items):
        entry.form.process(None, obj=item)
    return form


@bp.route("/templates/new", methods=["GET", "POST"])
@permission("agreements.manage")
def template_new():
    """Create a year's template (or copy the previous year's with ?copy=<id>)."""
    source = get_or_404(AgreementTemplate, request.args.get("copy", type=int)) if request.args.get("copy") else None
    if source is not None and request.method == "POST":
        try:
            template = services.copy_template(source, request.form.get("year", type=int) or source.year + 1,
                                              current_user._get_current_object())
        except RuleError as exc:
            flash(str(exc), "error")
            return redirect(url_for("agreements.templates"))
        flash(f"已由{source.year}年度模板复制出{template.year}年度模板，请核对后下发。", "success")
        return redirect(url_for("agreements.template_edit", template_id=template.id))
    return _save_template(AgreementTemplate(), _template_form())


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@permission("agreements.templates")
def template_edit(template_id):
    """A template's text, thresholds, deadlines and items; editable until issued."""
    template = get_or_404(AgreementTemplate, template_id)
    if request.method == "POST" and not can("agreements.manage"):
        abort(403)
    return _save_template(template, _template_form(template))


def _save_template(template, form):
    if request.method == "POST" and request.form.get("add_row"):
        form.items.append_entry()
        return htmx.render("agreements/template_form.html", form=form, template=template)
    if form.validate_on_submit():
        try:
            services.save_template(template, current_user._get_current_object(), items=form.item_data(),
                                   **form.header_data())
            flash("模板已保存。", "success")
            return redirect(url_for("agreements.template_edit", template_id=template.id))
        except RuleError as exc:
            form.form_errors.append(str(exc))
    status = 422 if request.method == "POST" else 200
    return htmx.render("agreements/template_form.html", form=form, template=template, status=status)


@bp.route("/templates/<int:template_id>/issue", methods=["GET", "POST"])
@permission("agreements.manage")
def template_issue(template_id):
    """Issue the template to chosen units (default: every active second-level body and grassroots unit)."""
    template = get_or_404(AgreementTemplate, template_id)
    existing = {a.unit_id for a in template.agreements}
    units = services.default_units()
    if request.method == "POST":
        chosen = [u for u in units if str(u.id) in request.form.getlist("unit")]
        try:
            issued = services.issue(template, chosen, current_user._get_current_object())
        except RuleError as exc:
            flash(str(exc), "error")
        else:
            flash(f"已向 {len(issued)} 个单位下发责任书。", "success")
            return redirect(url_for("agreements.index", year=template.year))
    return htmx.render("agreements/issue.html", template=template, units=units, existing=existing)
