"""Views of inspections: rounds, checklists, recording results item by item, findings and their
rectification, the printable checklists, the round report and the findings export."""
import datetime

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import clock, excel, htmx, pdf
from ..access import get_or_404, permission
from ..attachments.services import attachments_of
from ..forms import int_arg
from ..models import (ROUND_STATES, SEVERITIES, VERDICTS, ChecklistItem, ChecklistTemplate, Finding,
                      InspectionRound, SupervisedItem, SupervisionEvent, Unit, User)
from ..supervision import services as supervision
from ..supervision.urgency import urgency
from ..supervision.views import _item_context
from . import bp, module, services

FINDINGS_CHANGED = "findingsChanged itemChanged"


def _findings(args, user):
    """The user's findings with their rectification item, filtered."""
    query = (Finding.visible_to(user).join(SupervisedItem, on=(
        (SupervisedItem.source_type == services.RECTIFICATION.key) & (SupervisedItem.source_id == Finding.id)), attr="rect")
        .switch(Finding).join(Unit).select(Finding, SupervisedItem, Unit).order_by(Finding.id.desc()))
    if int_arg(args, "round"):
        query = query.where(Finding.round == int_arg(args, "round"))
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(Unit.path.startswith(unit.path))
    if args.get("severity") in SEVERITIES:
        query = query.where(Finding.severity == args["severity"])
    if args.get("status") == "open":
        query = query.where(SupervisedItem.state != "closed")
    elif args.get("status") in ("assigned", "acknowledged", "reported", "returned", "closed"):
        query = query.where(SupervisedItem.state == args["status"])
    rows = [(f, f.rect, urgency(f.rect)) for f in query]
    if args.get("overdue") == "1":
        rows = [r for r in rows if r[2].colour == "red"]
    return rows


@module.card
def findings_card(user):
    rows = _findings({"status": "open"}, user)
    if not rows:
        return None
    overdue = sum(1 for _, _, u in rows if u.colour == "red")
    return {"title": "督查问题待整改", "value": len(rows), "note": f"其中逾期 {overdue} 项",
            "url": url_for("inspections.findings", status="open")}


@bp.get("/")
@permission("inspections.view")
def index():
    """Rounds the user may see, newest first."""
    rounds = list(InspectionRound.visible_to(current_user).order_by(InspectionRound.start_date.desc()))
    return htmx.render("inspections/index.html", rounds=rounds)


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
        except services.InspectionError as exc:
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
    inspectors = list(User.select().where(User.role == "inspector", User.active == True))  # noqa: E712
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
                    raise services.InspectionError("请选择督查清单。")
                round_ = services.create_round(
                    title=form.get("title"), start_date=start, end_date=end, template=template,
                    inspectors=[u for u in inspectors if str(u.id) in form.getlist("inspector")],
                    units=[u for u in units if str(u.id) in form.getlist("unit")], user=current_user._get_current_object())
            except services.InspectionError as exc:
                error = str(exc)
            else:
                flash("已安排督查。", "success")
                return redirect(url_for("inspections.round_detail", round_id=round_.id))
    return htmx.render("inspections/round_new.html", templates=templates, inspectors=inspectors, units=units,
                       error=error, form=form, status=422 if error else 200)


def _round_rows(round_):
    findings = {}
    for f in Finding.select().where(Finding.round == round_):
        findings.setdefault(f.unit_id, []).append(f)
    rows = []
    visible = {u.id for u in Unit.visible_to(current_user, Unit.id)}
    for unit in services.targets(round_):
        if unit.id not in visible:
            continue
        items = [services.item_of(f) for f in findings.get(unit.id, [])]
        closed = sum(1 for i in items if i.state == "closed")
        rows.append({"unit": unit, "score": services.unit_score(round_, unit), "findings": len(items), "closed": closed,
                     "rate": (closed * 100 // len(items)) if items else None})
    return rows


@bp.get("/rounds/<int:round_id>")
@permission("inspections.view")
def round_detail(round_id):
    """A round: team, target units with score and findings, printable checklists."""
    round_ = get_or_404(InspectionRound, round_id)
    total = sum(i.points for i in round_.template.items)
    return htmx.render("inspections/round.html", r=round_, rows=_round_rows(round_), total=total,
                       members=[m.user for m in round_.members], member=services.is_member(round_, current_user),
                       next_state=ROUND_STATES.get(services.NEXT_STATE.get(round_.state, ""), ""))


@bp.post("/rounds/<int:round_id>/advance")
@permission("inspections.record")
def round_advance(round_id):
    """Start or complete a round."""
    round_ = get_or_404(InspectionRound, round_id)
    try:
        services.advance(round_, current_user._get_current_object())
    except services.InspectionError as exc:
        flash(str(exc), "error")
    return redirect(url_for("inspections.round_detail", round_id=round_.id))


def _unit_in_round(round_, unit_id):
    unit = get_or_404(Unit, unit_id)
    if unit.id not in {u.id for u in services.targets(round_)}:
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
    """The checklist of one unit: inspectors fill it item by item, each saved as it is set."""
    round_ = get_or_404(InspectionRound, round_id)
    unit = _unit_in_round(round_, unit_id)
    return htmx.render("inspections/sheet.html", **_sheet_context(round_, unit))


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
                               version=request.form.get("version", "0"))
    except services.InspectionError as exc:
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
    form = request.form
    item = ChecklistItem.get_or_none(ChecklistItem.id == form.get("check", type=int)) if form.get("check") else None
    severity = form.get("severity", "minor")
    try:
        deadline = datetime.date.fromisoformat(form["deadline"]) if form.get("deadline") else \
            (services.default_deadline(severity) if severity in SEVERITIES else None)
        services.raise_finding(round_, unit, current_user._get_current_object(), description=form.get("description"),
                               severity=severity, requirement=form.get("requirement"), deadline=deadline,
                               responsible_person=form.get("responsible_person", ""), item=item)
        flash("已提出问题，整改任务已交办该单位。", "success")
    except (services.InspectionError, ValueError) as exc:
        flash(str(exc) if isinstance(exc, services.InspectionError) else "请填写正确的整改期限。", "error")
        return htmx.fragment("inspections/_sheet_findings.html", status=422, **_sheet_context(round_, unit))
    return htmx.fragment("inspections/_sheet_findings.html", trigger=FINDINGS_CHANGED, **_sheet_context(round_, unit))


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
    return {"unit": unit, "items": list(round_.template.items.order_by(ChecklistItem.seq)),
            "results": {} if blank else services.results_for(round_, unit)}


@bp.get("/rounds/<int:round_id>/report.pdf")
@permission("inspections.view")
def report_pdf(round_id):
    """The round report: per unit score, findings and rectification rate."""
    round_ = get_or_404(InspectionRound, round_id)
    rows = _round_rows(round_)
    findings = [f for f in Finding.select().where(Finding.round == round_)
                if any(row["unit"].id == f.unit_id for row in rows)]
    data = pdf.render("inspections/pdf/report.html", r=round_, rows=rows, findings=findings, item_of=services.item_of,
                      total=sum(i.points for i in round_.template.items))
    return pdf.response(data, f"督查情况报告-{round_.title}.pdf")


# -- findings -----------------------------------------------------------------------------------------

@bp.get("/findings")
@permission("inspections.view")
def findings():
    """Findings by round, unit, severity, status and overdue, with counts per unit; live."""
    rows = _findings(request.args, current_user)
    per_unit = {}
    for f, item, u in rows:
        counts = per_unit.setdefault(f.unit.name, {"open": 0, "overdue": 0, "closed": 0})
        counts["closed" if item.state == "closed" else "open"] += 1
        counts["overdue"] += u.colour == "red"
    rounds = list(InspectionRound.visible_to(current_user).order_by(InspectionRound.start_date.desc()))
    return htmx.render("inspections/findings.html", "inspections/_findings_table.html", rows=rows, per_unit=per_unit,
                       args=request.args, rounds=rounds, severities=SEVERITIES)


@bp.get("/findings.xlsx")
@permission("inspections.view")
def findings_xlsx():
    """Findings with their full status history, as Excel."""
    rows = _findings(request.args, current_user)
    history = {}
    for e in (SupervisionEvent.select().where(SupervisionEvent.item.in_([item.id for _, item, _ in rows]))
              .order_by(SupervisionEvent.id)):
        history.setdefault(e.item_id, []).append(
            f"{clock.format_local(e.at)} {e.actor.display_name if e.actor else '系统'} "
            f"{supervision.ACTION_LABELS.get(e.action, e.action)}{('：' + e.note) if e.note else ''}")
    return excel.response("督查问题整改台账.xlsx", [{
        "title": "督查问题",
        "headers": [("编号", 8, "0"), ("督查", 24, None), ("单位", 20, None), ("严重程度", 10, None), ("问题", 40, None),
                    ("整改要求", 40, None), ("责任人", 10, None), ("整改期限", 12, "yyyy-mm-dd"), ("状态", 10, None),
                    ("是否逾期", 8, None), ("办理记录", 60, None)],
        "rows": [[f.id, f.round.title, f.unit.name, f.severity_label, f.description, f.requirement, f.responsible_person,
                  item.due_date, item.state_label, "是" if u.colour == "red" else "否", "\n".join(history.get(item.id, []))]
                 for f, item, u in rows],
    }])


@bp.get("/findings/<int:finding_id>")
@permission("inspections.view")
def finding(finding_id):
    """One finding: the problem, and its rectification (steps, evidence, history) on the supervision core."""
    f = get_or_404(Finding, finding_id)
    item = services.item_of(f)
    return htmx.render("inspections/finding.html", f=f, **_item_context(item),
                       evidence=attachments_of("supervision", item, current_user))
