"""Views of inspections: rounds, checklists, recording results item by item, findings and their
rectification, the printable checklists, the round report and the findings export."""
import datetime

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from .. import clock, excel, htmx, pdf
from ..access import get_or_404, permission, users_with
from ..attachments.services import attachments_of
from ..excel import Column, Sheet
from ..forms import int_arg
from ..models import (SEVERITIES, VERDICTS, ChecklistItem, ChecklistTemplate, Finding, InspectionRound, RoundUnit,
                      SupervisedItem, SupervisionEvent, Unit, User)
from ..pagination import paginate
from ..supervision import services as supervision
from ..supervision.urgency import urgency
from ..supervision.views import _item_context
from ..workflow import RuleError
from . import bp, module, services
from .forms import FindingForm

# The findings list's round filter offers this many of the latest rounds.
ROUND_CHOICES = 30

FINDINGS_CHANGED = "findingsChanged itemChanged"


@module.card
def findings_card(user, year):
    total, overdue = services.open_findings(user)
    if not total:
        return None
    return {"title": "督查问题待整改", "value": total, "note": f"其中逾期 {overdue} 项",
            "url": url_for("inspections.findings", status="open")}


@bp.get("/")
@permission("inspections.view")
def index():
    """Rounds the user may see, newest first, with their checklist and counts in the same query."""
    targets = RoundUnit.select(fn.COUNT(RoundUnit.id)).where(RoundUnit.round == InspectionRound.id)
    found = Finding.visible_to(current_user, fn.COUNT(Finding.id)).where(Finding.round == InspectionRound.id)
    query = (InspectionRound.visible_to(current_user)
             .select(InspectionRound, ChecklistTemplate, targets.alias("target_count"), found.alias("finding_count"))
             .join(ChecklistTemplate).order_by(InspectionRound.start_date.desc(), InspectionRound.id.desc()))
    return htmx.render("inspections/index.html", "inspections/_rounds_table.html", page=paginate(query))


# -- checklists ---------------------------------------------------------------------------------------

@bp.get("/checklists")
@permission("inspections.manage")
def checklists():
    """Checklist templates and their versions."""
    rows = list(ChecklistTemplate.select().order_by(ChecklistTemplate.name, ChecklistTemplate.version.desc()))
    return htmx.render("inspections/checklists.html", rows=rows)


@bp.route("/checklists/new", methods=["GET", "POST"])
@permission("inspections.manage")
def checklist_new():
    """A new checklist."""
    return _checklist_form(None)


@bp.route("/checklists/<int:checklist_id>", methods=["GET", "POST"])
@permission("inspections.manage")
def checklist_edit(checklist_id):
    """Edit a checklist; a version already used by a round is kept and a new version is made."""
    return _checklist_form(get_or_404(ChecklistTemplate, checklist_id))


def _checklist_form(template):
    name = template.name if template else ""
    text = services.checklist_text(template) if template else ""
    error = None
    if request.method == "POST":
        name, text = request.form.get("name", ""), request.form.get("items", "")
        try:
            saved = services.save_checklist(template, name, text, current_user._get_current_object())
        except RuleError as exc:
            error = str(exc)
        else:
            flash(f"已保存“{saved.name}”第 {saved.version} 版。", "success")
            return redirect(url_for("inspections.checklist_edit", checklist_id=saved.id))
    return htmx.render("inspections/checklist_form.html", template=template, name=name, text=text, error=error,
                       status=422 if error else 200)


# -- rounds -------------------------------------------------------------------------------------------

@bp.route("/rounds/new", methods=["GET", "POST"])
@permission("inspections.manage")
def round_new():
    """Plan a round: dates, team, target units, checklist version."""
    templates = list(ChecklistTemplate.select().where(ChecklistTemplate.current == True))  # noqa: E712
    inspectors = users_with("inspections.record")
    units = list(Unit.select().where(Unit.active == True, Unit.bodies()).order_by(Unit.path))  # noqa: E712
    error, form = None, request.form
    if request.method == "POST":
        try:
            start = datetime.date.fromisoformat(form.get("start_date", ""))
            end = datetime.date.fromisoformat(form.get("end_date", ""))
        except ValueError:
            error = "请填写正确的开始和结束日期。"
        else:
            template = ChecklistTemplate.get_or_none(ChecklistTemplate.id == form.get("template", type=int))
            try:
                if template is None:
                    raise RuleError("请选择督查清单。")
                round_ = services.create_round(
                    title=form.get("title"), start_date=start, end_date=end, template=template,
                    inspectors=[u for u in inspectors if str(u.id) in form.getlist("inspector")],
                    units=[u for u in units if str(u.id) in form.getlist("unit")], user=current_user._get_current_object())
            except RuleError as exc:
                error = str(exc)
            else:
                flash("已安排督查。", "success")
                return redirect(url_for("inspections.round_detail", round_id=round_.id))
    return htmx.render("inspections/round_new.html", templates=templates, inspectors=inspectors, units=units,
                       error=error, form=form, status=422 if error else 200)


@bp.get("/rounds/<int:round_id>")
@permission("inspections.view")
def round_detail(round_id):
    """A round: team, target units with score and findings, printable checklists."""
    round_ = get_or_404(InspectionRound, round_id)
    total = sum(i.points for i in round_.template.items)
    step = services.next_step(round_)
    return htmx.render("inspections/round.html", r=round_, rows=services.round_rows(round_, current_user), total=total,
                       members=[m.user for m in round_.members], step=step, step_label=services.ROUNDS.label(step),
                       may=services.ROUNDS.may(current_user, round_))


@bp.post("/rounds/<int:round_id>/advance")
@permission("inspections.manage")
def round_advance(round_id):
    """Start or complete a round (the page's version must still be the round's)."""
    round_ = get_or_404(InspectionRound, round_id)
    try:
        round_ = services.advance(round_, current_user._get_current_object(), request.form.get("version"))
        flash(f"督查状态已变更为“{round_.state_label}”。", "success")
    except RuleError as exc:
        flash(str(exc), "error")
    return htmx.redirect_to(url_for("inspections.round_detail", round_id=round_.id))


def _unit_in_round(round_, unit_id):
    unit = get_or_404(Unit, unit_id)
    if services.not_in_round(round_, unit):
        abort(404)
    return unit


def _sheet_context(round_, unit):
    items = list(round_.template.items.order_by(ChecklistItem.seq))
    return {"r": round_, "unit": unit, "items": items, "results": services.results_for(round_, unit),
            "score": services.unit_score(round_, unit), "total": sum(i.points for i in items),
            "can_record": services.may_record(round_, current_user) is None, "verdicts": VERDICTS,
            "severities": SEVERITIES, "findings": list(Finding.select().where(Finding.round == round_, Finding.unit == unit))}


@bp.get("/rounds/<int:round_id>/units/<int:unit_id>")
@permission("inspections.view")
def sheet(round_id, unit_id):
    """The checklist of one unit: inspectors fill it item by item, each saved as it is set; `?raise=<item>`
    (offered beside an item marked 不符合) opens the finding form on that item."""
    round_ = get_or_404(InspectionRound, round_id)
    unit = _unit_in_round(round_, unit_id)
    context = _sheet_context(round_, unit)
    raise_on = int_arg(request.args, "raise")
    if raise_on is not None and any(i.id == raise_on for i in context["items"]):
        context["open_check"] = raise_on
    return htmx.render("inspections/sheet.html", **context)


@bp.post("/rounds/<int:round_id>/units/<int:unit_id>/checks/<int:check_id>")
@permission("inspections.record")
def save_check(round_id, unit_id, check_id):
    """Save one item's verdict, score and note; answers with the row and the running score."""
    round_ = get_or_404(InspectionRound, round_id)
    unit = _unit_in_round(round_, unit_id)
    item = ChecklistItem.get_or_none(ChecklistItem.id == check_id, ChecklistItem.template == round_.template) or abort(404)
    error = None
    try:
        services.record_result(round_, unit, item, current_user._get_current_object(), verdict=request.form.get("verdict", ""),
                               score=request.form.get("score", ""), note=request.form.get("note", ""),
                               version=request.form.get("version"))
    except RuleError as exc:
        error = str(exc)
    context = _sheet_context(round_, unit)
    return htmx.fragment("inspections/_check_row.html", status=422 if error else 200, item=item, error=error,
                         result=context["results"].get(item.id), **{k: v for k, v in context.items() if k != "results"},
                         results=context["results"], oob_score=True)


@bp.post("/rounds/<int:round_id>/units/<int:unit_id>/findings")
@permission("inspections.record")
def raise_finding(round_id, unit_id):
    """Raise a finding (from an item or in general); rectification starts at once."""
    round_ = get_or_404(InspectionRound, round_id)
    unit = _unit_in_round(round_, unit_id)
    form = FindingForm()
    form.severity.choices = list(SEVERITIES.items())
    items = list(round_.template.items.order_by(ChecklistItem.seq))
    form.check.choices = [("", "（不限）")] + [(i.id, f"{i.seq}. {i.what[:24]}") for i in items]
    form.validate()
    item = next((i for i in items if i.id == form.check.data), None)
    severity = form.severity.data if form.severity.data in SEVERITIES else None
    if form.check.data and item is None:
        form.check.errors = list(form.check.errors) + ["该检查项不属于本轮督查清单。"]
    if severity is None:
        form.severity.errors = list(form.severity.errors) + ["请选择问题严重程度。"]
    if not any(f.errors for f in form):
        deadline = form.deadline.data or services.default_deadline(severity)
        try:
            services.raise_finding(round_, unit, current_user._get_current_object(),
                                   description=form.description.data, severity=severity,
                                   requirement=form.requirement.data, deadline=deadline,
                                   responsible_person=form.responsible_person.data or "", item=item)
        except RuleError as exc:
            form.place(str(exc))
        else:
            return htmx.outcome("inspections/_sheet_findings.html", lambda: _sheet_context(round_, unit),
                                url_for("inspections.sheet", round_id=round_.id, unit_id=unit.id),
                                message="已提出问题，整改任务已交办该单位。", trigger=FINDINGS_CHANGED)
    # Every problem beside its field, everything typed kept, the form left open (portal.js focuses the first).
    if not htmx.is_htmx():
        flash("；".join([e for f in form for e in f.errors] + list(form.form_errors)), "error")
        return redirect(url_for("inspections.sheet", round_id=round_.id, unit_id=unit.id))
    context = _sheet_context(round_, unit)
    if not context["can_record"]:
        flash("；".join(form.form_errors) or "不能提出问题。", "error")  # no form on this user's page to show it in
    return htmx.fragment("inspections/_sheet_findings.html", status=422, **context, finding_form=form)


@bp.get("/rounds/<int:round_id>/units/<int:unit_id>/checklist.pdf")
@permission("inspections.view")
def checklist_pdf(round_id, unit_id):
    """The printed checklist for one unit, with tick boxes, score column, notes and signature lines."""
    round_ = get_or_404(InspectionRound, round_id)
    unit = _unit_in_round(round_, unit_id)
    data = pdf.render("inspections/pdf/checklist.html", sheets=[_pdf_sheet(round_, unit)], r=round_)
    return pdf.response(data, f"督查清单-{round_.title}-{unit.name}.pdf")


@bp.get("/rounds/<int:round_id>/checklists.pdf")
@permission("inspections.manage")
def checklists_pdf(round_id):
    """Blank checklists for every unit of the round, in one PDF."""
    round_ = get_or_404(InspectionRound, round_id)
    data = pdf.render("inspections/pdf/checklist.html", r=round_,
                      sheets=[_pdf_sheet(round_, unit, blank=True) for unit in services.targets(round_)])
    return pdf.response(data, f"督查清单-{round_.title}-全部单位.pdf")


def _pdf_sheet(round_, unit, blank=False):
    """One unit's printed sheet: the items, its results and findings (none on a blank one), the 合计."""
    items = list(round_.template.items.order_by(ChecklistItem.seq))
    results = {} if blank else services.results_for(round_, unit)
    scores = [r.score for r in results.values() if r.score is not None]
    findings = [] if blank else list(Finding.select().where(Finding.round == round_, Finding.unit == unit)
                                     .order_by(Finding.id))
    return {"unit": unit, "items": items, "results": results, "total": sum(i.points for i in items),
            "score": sum(scores) if scores else None, "findings": findings}


@bp.get("/rounds/<int:round_id>/report.pdf")
@permission("inspections.view")
def report_pdf(round_id):
    """The round report: per unit score, findings and rectification rate."""
    round_ = get_or_404(InspectionRound, round_id)
    findings = list(services.findings(current_user, {"round": str(round_.id)}).order_by(Finding.id))
    data = pdf.render("inspections/pdf/report.html", r=round_, rows=services.round_rows(round_, current_user),
                      findings=findings, total=sum(i.points for i in round_.template.items),
                      bureau=Unit.get(Unit.parent.is_null()).name, today=clock.today())
    return pdf.response(data, f"督查情况报告-{round_.title}.pdf")


# -- findings -----------------------------------------------------------------------------------------

@bp.get("/findings")
@permission("inspections.view")
def findings():
    """Findings by round, unit, severity, status and overdue, a page at a time, with counts per unit; live."""
    query = services.findings(current_user, request.args)
    page = paginate(query)
    chosen = int_arg(request.args, "round")

    def rounds():
        """The filter's choices, (id, title): the latest ROUND_CHOICES rounds and the chosen one (an older
        round's findings are also reached from its own page); called only when a whole page is rendered."""
        visible = InspectionRound.visible_to(current_user).select(InspectionRound.id, InspectionRound.title)
        latest = list(visible.order_by(InspectionRound.start_date.desc(), InspectionRound.id.desc())
                      .limit(ROUND_CHOICES).namedtuples())
        if chosen and chosen not in {r.id for r in latest}:
            latest += list(visible.where(InspectionRound.id == chosen).namedtuples())
        return latest
    return htmx.render("inspections/findings.html", "inspections/_findings_table.html", page=page,
                       rows=[(f, f.rect, urgency(f.rect)) for f in page.items], per_unit=services.counts_by_unit(query),
                       args=request.args, rounds=rounds, severities=SEVERITIES)


def _history(query):
    """Each rectification's status history as text lines, for every finding of the query, in one query."""
    history = {}
    events = (SupervisionEvent.select(SupervisionEvent, User).join(User, JOIN.LEFT_OUTER)
              .where(SupervisionEvent.item.in_(query.select(SupervisedItem.id).order_by()))
              .order_by(SupervisionEvent.id))
    for e in events:
        history.setdefault(e.item_id, []).append(
            f"{clock.format_local(e.at)} {e.actor.display_name if e.actor else '系统'} "
            f"{supervision.ACTION_LABELS.get(e.action, e.action)}{('：' + e.note) if e.note else ''}")
    return history


@bp.get("/findings.xlsx")
@permission("inspections.view")
def findings_xlsx():
    """Findings with their full status history, as Excel."""
    query = services.findings(current_user, request.args)
    history = _history(query)
    return excel.response("督查问题整改台账.xlsx", [Sheet("督查问题", [
        Column("编号", lambda f: f.id, 8, "0"),
        Column("督查", lambda f: f.round.title, 24),
        Column("单位", lambda f: f.unit.name, 20),
        Column("严重程度", lambda f: f.severity_label, 10),
        Column("问题", lambda f: f.description, 40),
        Column("整改要求", lambda f: f.requirement, 40),
        Column("责任人", lambda f: f.responsible_person, 10),
        Column("整改期限", lambda f: f.rect.due_date, 12, "yyyy-mm-dd"),
        Column("状态", lambda f: f.rect.state_label, 10),
        Column("是否逾期", lambda f: "是" if urgency(f.rect).colour == "red" else "否", 8),
        Column("办理记录", lambda f: "\n".join(history.get(f.rect.id, [])), 60),
    ], rows=query)])


@bp.get("/findings/<int:finding_id>")
@permission("inspections.view")
def finding(finding_id):
    """One finding: the problem, and its rectification (steps, evidence, history) on the supervision core."""
    f = get_or_404(Finding, finding_id)
    item = services.item_of(f)
    return htmx.render("inspections/finding.html", f=f, **_item_context(item),
                       evidence=attachments_of("supervision", item, current_user))
