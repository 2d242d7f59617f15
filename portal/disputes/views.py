"""Views of dispute mediation: the module page (figures and the live table of disputes), registration,
the dispute page and its tier steps, joint consultation, privacy reveal, 激化 and the veto proposal,
the informants' reports and their triage, the Excel export."""
import uuid

from peewee import Case

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import audit, clock, excel, htmx, privacy
from ..access import can, get_or_404, permission
from ..attachments.services import attachments_of, register_owner
from ..forms import choices, error_text, int_arg, year_arg
from ..models import Unit
from ..models.disputes import (CONCERNED_UNIT, CHANNELS, DISPUTE_STATES, LOG_KINDS, OPEN_ITEM, OUTCOMES, REPORT_KINDS, REPORT_STATES,
                               RISK_REASONS, RISKS, Dispute, DisputeCategory, DisputeLog, DisputeParty, Escalation,
                               InformantReport)
from ..pagination import paginate, search_text, sorted_by
from ..petitions import views as petition_views
from ..supervision.urgency import urgency as item_urgency
from ..users.services import unit_choices
from ..workflow import RuleError
from . import bp, module, services, stats
from .forms import ConsultForm, DisputeForm, ReportForm, StepForm, TriageForm

CHANGED = "disputesChanged"
register_owner("dispute", Dispute, "矛盾纠纷材料")


def selected_year(args):
    return year_arg(args) or clock.today().year


def _user():
    return current_user._get_current_object()


# -- the module page: figures and the live table --------------------------------------------------------

def filtered(user, args):
    """The disputes a user may see under the filters in `args` (rows with their unit, category and open
    item joined), most urgent first: open before closed, the nearest (most overdue) clock first, high
    risk first. Shared by the page, its live table and the Excel export."""
    query = Dispute.listed(user).where(Dispute.year == selected_year(args))
    if args.get("state") in DISPUTE_STATES:
        query = query.where(Dispute.state == args["state"])
    elif args.get("state") != "all":
        query = query.where(Dispute.state == "open")
    tier = int_arg(args, "tier")
    if args.get("tier", "") != "" and tier is not None and tier < len(services.TIERS):
        query = query.where(Dispute.tier == tier)
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(Dispute.unit.in_(unit.subtree().select(Unit.id)))
    if args.get("risk") in RISKS:
        query = query.where(Dispute.risk == args["risk"])
    if int_arg(args, "category"):
        query = query.where(Dispute.category == int_arg(args, "category"))
    if args.get("outcome") in OUTCOMES:
        query = query.where(Dispute.outcome == args["outcome"])
    if args.get("inflamed") == "1":
        query = query.where(Dispute.inflamed == True)  # noqa: E712
    q = search_text(args)
    if q:
        query = query.where(Dispute.number.contains(q) | Dispute.title.contains(q) | Dispute.organisations.contains(q))
    return sorted_by(query, args, SORTS, (OPEN_ITEM.due_date.is_null(), OPEN_ITEM.due_date, RISK_ORDER, Dispute.id.desc()),
                     (Dispute.id.desc(),))


RISK_ORDER = Case(Dispute.risk, [("high", 0), ("medium", 1), ("low", 2)], 3)
# The list's sortable column headers (sort_th); unsorted, it is most urgent first.
SORTS = {"due": OPEN_ITEM.due_date, "number": Dispute.number, "unit": CONCERNED_UNIT.path,
         "category": DisputeCategory.name, "headcount": Dispute.headcount, "risk": RISK_ORDER,
         "tier": Dispute.tier, "state": Dispute.state}


def _table_context(args):
    page = paginate(filtered(current_user, args))
    today = clock.today()
    return {"page": page, "rows": [(d, services.urgency(d, today)) for d in page.items], "args": args,
            "tiers": services.TIERS, "year": selected_year(args)}


def _index_context(args):
    user = _user()
    from . import screening

    filed, on_time, zero = screening.on_time_figures(user, selected_year(args))
    return {**_table_context(args), "figures": stats.figures(user, selected_year(args)), "states": DISPUTE_STATES,
            "screened": {"filed": filed, "on_time": on_time, "zero": zero, "missing": screening.missing_count(user)},
            "risks": RISKS, "categories": services.categories(True), "units": unit_choices(user),
            "limits": services.limits(), "informants": services.informant_figures(selected_year(args))
            if can("disputes.triage") else []}


@bp.get("/")
@permission("disputes.view")
def index():
    """矛盾纠纷: the year's figures and the live table of disputes, most urgent first, with filters."""
    if htmx.is_htmx():
        return htmx.fragment("disputes/_table.html", **_table_context(request.args))
    return htmx.render("disputes/index.html", **_index_context(request.args))


@module.card
def disputes_card(user, year):
    """The year's disputes, 化解率 and 激化 in the user's scope."""
    if not can("disputes.view", user):
        return None
    f = stats.figures(user, year)
    settle = f"{f.settle_rate}%" if f.settle_rate is not None else "—"
    return {"title": f"{year}年度矛盾纠纷", "value": f.screened,
            "note": f"在调 {f.open} 件，化解率 {settle}，激化 {f.inflamed} 起", "url": url_for("disputes.index", year=year)}


@module.unit_panel
def unit_disputes(unit, user):
    """A unit's open disputes (its subtree's), on its page."""
    if not can("disputes.view", user):
        return None
    rows = [(d, services.urgency(d)) for d in Dispute.listed(user).where(
        Dispute.unit.in_(unit.subtree().select(Unit.id)), Dispute.state == "open").order_by(Dispute.id)]
    if not rows:
        return None
    rows.sort(key=lambda r: (r[1].severity if r[1] else 9, r[0].id))
    return "disputes/_unit_panel.html", {"rows": rows, "tiers": services.TIERS}


# -- registration -----------------------------------------------------------------------------------

def _dispute_form(report=None):
    data = None
    if request.method == "GET":
        data = {"reported_on": clock.today(), "headcount": 1, "token": uuid.uuid4().hex, "complexity": "ordinary",
                "risk": "low", "source": "screening"}
        if report is not None:  # prefilled from an informant's report
            data.update(report=report.id, source="informant", title=report.title, headcount=report.headcount,
                        summary=f"{report.content}\n地点：{report.place or '—'}；涉及人员：{report.people or '—'}"
                                f"（据信息员报告 {report.number}）", unit=report.concerned_unit_id,
                        risk="high" if report.kind == "instability" and report.urgency == "urgent" else "medium")
    form = DisputeForm(data=data)
    form.unit.choices = choices([(0, "请选择")] + unit_choices(_user()))
    form.category.choices = choices((c.id, c.name) for c in services.categories())
    return form


@bp.route("/new", methods=["GET", "POST"])
@permission("disputes.register")
def new():
    """登记矛盾纠纷: a unit's own (or, from the office, any unit's, or from an informant's report)."""
    report_id = int_arg(request.args, "report") or int_arg(request.form, "report")
    report = get_or_404(InformantReport, report_id) if report_id else None
    form = _dispute_form(report)
    if form.validate_on_submit():
        parties = [services.PartyInput(f.form.name.data or "", f.form.kind.data or "person", f.form.id_number.data or "",
                                       f.form.phone.data or "") for f in form.parties]
        try:
            d, created = services.register(
                reported_on=form.reported_on.data, title=form.title.data, summary=form.summary.data,
                category=DisputeCategory.get_or_none(DisputeCategory.id == form.category.data), source=form.source.data,
                unit=Unit.get_or_none(Unit.id == form.unit.data), headcount=form.headcount.data, risk=form.risk.data,
                reasons=form.reasons.data or [], complexity=form.complexity.data, parties=parties,
                organisations=form.organisations.data, report=report, token=form.token.data, user=_user())
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            if not created:
                flash(f"该登记表已提交过（{d.number}），未重复登记。", "error")
            else:
                flash(f"已登记矛盾纠纷 {d.number}，由{services.holder_unit(d).name}调处，期限 "
                      f"{services.limit_days(d.complexity)} 日。" + ("已发出预警函。" if d.warned_on else ""), "success")
            return redirect(url_for("disputes.detail", dispute_id=d.id))
    status = 422 if request.method == "POST" else 200
    return htmx.render("disputes/new.html", form=form, report=report, limits=services.limits(),
                       reasons=RISK_REASONS, status=status)


# -- one dispute ----------------------------------------------------------------------------------------

def _detail_context(d, revealed=None, draft=None, draft_action=None):
    user = _user()
    form = StepForm(data={"on": clock.today()})
    consult_form = ConsultForm(data={"on": clock.today()})
    units = unit_choices()
    for entry in consult_form.actions:
        entry.form.unit.choices = choices([(0, "请选择")] + units)
    item = d.open_item
    return {
        "d": d, "u": item_urgency(item) if item else None, "item": item, "tiers": services.TIERS,
        "holder": services.holder_unit(d) if d.is_open else None, "limits": services.limits(),
        "limit_days": services.limit_days(d.complexity),
        "actions": services.available(user, d), "flow": services.WORKFLOW,
        "people": revealed or list(d.parties.order_by(DisputeParty.seq)), "revealed": revealed is not None,
        "mask_id": privacy.mask_id, "mask_phone": privacy.mask_phone,
        "logs": list(d.logs.order_by(DisputeLog.on, DisputeLog.id)),
        "moves": list(d.moves.order_by(Escalation.id)), "consultations": services.consultations(d),
        "reports": list(d.reports), "veto": services.veto_proposal(d), "outcomes": OUTCOMES,
        "form": form, "consult_form": consult_form, "log_kinds": LOG_KINDS, "channels": CHANNELS,
        "risks": RISKS, "risk_reasons": RISK_REASONS,
        "history": audit.history("dispute", d.id), "draft": draft or {}, "draft_action": draft_action,
        "owner_type": "dispute", "owner": d, "attachments": attachments_of("dispute", d, user),
    }


@bp.get("/<int:dispute_id>")
@permission("disputes.view")
def detail(dispute_id):
    """One dispute: its tier and clock, what the user may do, parties, handling log, moves and history."""
    d = get_or_404(Dispute, dispute_id)
    return htmx.render("disputes/detail.html", "disputes/_detail_live.html", **_detail_context(d))


def _after(d, message=None, error=None, action=None):
    draft = request.form if error else None
    return htmx.outcome("disputes/_detail_live.html",
                        lambda: _detail_context(Dispute.get_by_id(d.id), draft=draft, draft_action=action),
                        url_for("disputes.detail", dispute_id=d.id), message=message, error=error, trigger=CHANGED)


STEP_MESSAGES = {"log": "已记录处置情况。", "assess": "已重新评估风险。", "escalate": "已上报，上一级已收到待办。", "send_back": "已退回下一级继续调处。",
                 "settle": "已记录调解成功，请打印调解协议书并按期回访。", "partly": "已记录部分化解，请按期回访。",
                 "transfer": "已转入其他渠道。", "visit": "已回访，纠纷结案。", "inflame": "已标记激化。"}


@bp.post("/<int:dispute_id>/step/<action>")
@permission("disputes.view")
def step(dispute_id, action):
    """Take one step of the dispute: 处置记录, 上报, 退回, 调解成功, 部分化解, 转出, 回访, 激化."""
    d = get_or_404(Dispute, dispute_id)
    if action not in STEP_MESSAGES:
        abort(404)
    form = StepForm()
    if not form.validate():
        return _after(d, error=error_text(form), action=action)
    user, data, version = _user(), form.data, request.form.get("version")
    on, note = data["on"], data["note"]
    try:
        if action == "assess":
            services.assess(d, user, risk=data["risk"], reasons=data["reasons"] or [], note=note, version=version)
        elif action == "log":
            services.add_log(d, user, kind=data["kind"], on=on, people=data["people"], content=note, version=version)
        elif action == "escalate":
            services.escalate(d, user, note, version)
        elif action == "send_back":
            services.send_back(d, user, note, version)
        elif action in ("settle", "partly"):
            services.settle(d, user, on=on, note=note, agreement=data["agreement"], partly=action == "partly",
                            version=version)
        elif action == "transfer":
            services.transfer(d, user, on=on, channel=data["channel"], note=note, version=version)
        elif action == "visit":
            services.visit(d, user, on=on, note=note, version=version)
        else:
            services.inflame(d, user, note, version)
    except RuleError as exc:
        return _after(d, error=str(exc), action=action)
    return _after(d, STEP_MESSAGES[action])


@bp.post("/<int:dispute_id>/consult")
@permission("disputes.decide")
def consult(dispute_id):
    """综合会诊: opinion and actions, each action a supervised item of its owner unit."""
    d = get_or_404(Dispute, dispute_id)
    form = ConsultForm()
    units = unit_choices()
    for entry in form.actions:
        entry.form.unit.choices = choices([(0, "请选择")] + units)
    if not form.validate():
        return _after(d, error=error_text(form), action="consult")
    actions = [services.ActionInput(a.form.content.data or "", Unit.get_or_none(Unit.id == a.form.unit.data)
                                    if a.form.unit.data else None, a.form.due_date.data) for a in form.actions]
    try:
        services.consult(d, _user(), on=form.on.data, participants=form.participants.data, opinion=form.opinion.data,
                         actions=actions, version=request.form.get("version"))
    except RuleError as exc:
        return _after(d, error=str(exc), action="consult")
    return _after(d, "已记录综合会诊，各项措施已交办责任单位。")


@bp.post("/<int:dispute_id>/reveal")
@permission("disputes.reveal")
def reveal(dispute_id):
    """Show one dispute's full ID numbers and phones (office and leaders); every reveal is audited."""
    d = get_or_404(Dispute, dispute_id)
    try:
        people = services.reveal(d, _user())
    except RuleError as exc:
        return _after(d, error=str(exc))
    if not htmx.is_htmx():
        return htmx.render("disputes/detail.html", **_detail_context(d, revealed=people))
    return htmx.fragment("disputes/_detail_live.html", **_detail_context(d, revealed=people))


@bp.post("/<int:dispute_id>/warn")
@permission("disputes.decide")
def warn(dispute_id):
    """发出预警函 for a dispute assessed high risk."""
    d = get_or_404(Dispute, dispute_id)
    return htmx.attempt(lambda: services.warn(d, _user()), "disputes/_detail_live.html",
                        lambda: _detail_context(Dispute.get_by_id(d.id)), url_for("disputes.detail", dispute_id=d.id),
                        message="已发出预警函，单位负责人和局领导已收到通知。", trigger=CHANGED)


@bp.post("/<int:dispute_id>/veto")
@permission("disputes.decide")
def propose_veto(dispute_id):
    """An inflamed dispute: propose 一票否决 for its unit in one step."""
    d = get_or_404(Dispute, dispute_id)
    return htmx.attempt(lambda: services.propose_veto(d, _user()), "disputes/_detail_live.html",
                        lambda: _detail_context(Dispute.get_by_id(d.id)), url_for("disputes.detail", dispute_id=d.id),
                        message="已提出一票否决，待局领导确认。", trigger=CHANGED)


# -- Excel ------------------------------------------------------------------------------------------

def _sheet(rows):
    tiers = services.TIERS
    return excel.Sheet("矛盾纠纷", [
        excel.Column("编号", lambda d: d.number, 14), excel.Column("登记日期", lambda d: d.reported_on, 12),
        excel.Column("纠纷名称", lambda d: d.title, 30), excel.Column("类别", lambda d: d.category.name),
        excel.Column("来源", lambda d: d.source_label), excel.Column("涉及单位", lambda d: d.unit.name, 22),
        excel.Column("人数", lambda d: d.headcount, 8), excel.Column("风险", lambda d: d.risk_label, 8),
        excel.Column("风险因素", lambda d: "、".join(d.reason_labels), 20),
        excel.Column("复杂程度", lambda d: d.complexity_label, 10),
        excel.Column("当前层级", lambda d: tiers[d.tier].label, 16), excel.Column("状态", lambda d: d.state_label),
        excel.Column("调处期限", lambda d: d.open_item.due_date if d.open_item else None, 12),
        excel.Column("结果", lambda d: OUTCOMES.get(d.outcome, ""), 16),
        excel.Column("化解层级", lambda d: tiers[d.outcome_tier].label if d.outcome_tier is not None else "", 16),
        excel.Column("激化", lambda d: "是" if d.inflamed else "", 6)], rows)


def _figures_sheet(f, year, screened):
    rows = [("排查纠纷（件）", f.screened), ("在调（件）", f.open), ("调解成功（件）", f.settled),
            ("化解率（%）", f.settle_rate), ("部分化解（件）", f.partly), ("转入其他渠道（件）", f.transferred)]
    rows += [(f"化解于{t.label}（件）", n) for t, n in zip(services.TIERS, f.by_tier)]
    rows += [("一般矛盾不出二级机构（%）", f.second_level_rate), ("化解不出局系统（%）", f.bureau_rate),
             ("报县级（件）", f.county), ("激化（起）", f.inflamed), ("信息员报告（条）", f.reports),
             ("采用（条）", f.reports_adopted), ("排查报告（份）", screened[0]), ("按期报送（份）", screened[1]),
             ("零报告（份）", screened[2])]
    return excel.Sheet(f"{year}年度指标", [excel.Column("指标", lambda r: r[0], 30), excel.Column("数值", lambda r: r[1], 12)],
                       rows)


@bp.get("/export")
@permission("disputes.view")
def export():
    """The filtered disputes and the year's figures as an Excel workbook (personal data not included)."""
    year = selected_year(request.args)
    rows = list(filtered(_user(), request.args))
    from .screening import on_time_figures

    return excel.response(f"矛盾纠纷{year}.xlsx", [_sheet(rows), _figures_sheet(stats.figures(_user(), year), year,
                                                                                  on_time_figures(_user(), year))])


# -- informant reports ------------------------------------------------------------------------------

def _reports_context(args):
    query = services.reports_query(_user()).where(InformantReport.year == selected_year(args))
    if args.get("state") in REPORT_STATES:
        query = query.where(InformantReport.state == args["state"])
    page = paginate(query.order_by(InformantReport.state != "submitted", InformantReport.id.desc()))
    return {"page": page, "args": args, "year": selected_year(args), "states": REPORT_STATES}


@bp.get("/reports")
@permission("disputes.reports")
def reports():
    """信息员报告: an informant's own reports with the office's answers; all of them for the office."""
    context = _reports_context(request.args)
    if htmx.is_htmx():
        return htmx.fragment("disputes/_reports_table.html", **context)
    informants = services.informant_figures(context["year"]) if can("disputes.triage") else []
    return htmx.render("disputes/reports.html", informants=informants, **context)


def _report_form():
    form = ReportForm(data={"token": uuid.uuid4().hex, "headcount": 1, "urgency": "normal"}
                      if request.method == "GET" else None)
    form.concerned_unit.choices = choices([(0, "（不确定）")] + unit_choices(_user()))
    return form


@bp.route("/reports/new", methods=["GET", "POST"])
@permission("disputes.inform")
def report_new():
    """报送信息: an informant reports a hot issue."""
    form = _report_form()
    if form.validate_on_submit():
        try:
            r, created = services.file_report(
                _user(), kind=form.kind.data, title=form.title.data, content=form.content.data, place=form.place.data,
                people=form.people.data, headcount=form.headcount.data, urgency=form.urgency.data,
                concerned_unit=Unit.get_or_none(Unit.id == form.concerned_unit.data) if form.concerned_unit.data else None,
                token=form.token.data)
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"已报送 {r.number}，请留意处理结果。" if created else f"该信息已报送过（{r.number}）。",
                  "success" if created else "error")
            return redirect(url_for("disputes.reports"))
    return htmx.render("disputes/report_new.html", form=form, kinds=REPORT_KINDS,
                       status=422 if request.method == "POST" else 200)


def _report_context(r, draft=None):
    form = TriageForm(data={"version": r.version})
    form.unit.choices = choices([(0, "请选择")] + unit_choices())
    return {"r": r, "form": form, "draft": draft or {}, "may_triage": services.report_problem(r, _user(), "file") is None}


@bp.get("/reports/<int:report_id>")
@permission("disputes.reports")
def report(report_id):
    """One informant report, its triage and the reply."""
    r = get_or_404(InformantReport, report_id)
    return htmx.render("disputes/report.html", "disputes/_report_live.html", **_report_context(r))


@bp.post("/reports/<int:report_id>/triage/<action>")
@permission("disputes.triage")
def triage(report_id, action):
    """研判: file the report as information with a reply, register it as a petition, or hand it to a unit
    as a supervised task."""
    r = get_or_404(InformantReport, report_id)
    if action not in ("file", "task", "petition"):
        abort(404)
    form = TriageForm()
    form.unit.choices = choices([(0, "请选择")] + unit_choices())
    url = url_for("disputes.report", report_id=r.id)
    if not form.validate():
        return htmx.outcome("disputes/_report_live.html", lambda: _report_context(r, request.form), url,
                            error=error_text(form))
    version = request.form.get("version")
    try:
        if action == "file":
            services.file_with_reply(r, _user(), form.reply.data, version)
        elif action == "petition":
            services.report_to_petition(r, _user(), petitioner=form.petitioner.data, reply=form.reply.data,
                                        version=version)
        else:
            services.assign_task(r, _user(), unit=Unit.get_or_none(Unit.id == form.unit.data) if form.unit.data else None,
                                 due_date=form.due_date.data, reply=form.reply.data, version=version)
    except RuleError as exc:
        return htmx.outcome("disputes/_report_live.html", lambda: _report_context(r, request.form), url, error=str(exc))
    return htmx.outcome("disputes/_report_live.html",
                        lambda: _report_context(InformantReport.get_by_id(r.id)), url,
                        message={"file": "已存档并答复信息员。", "task": "已交办承办单位督办，并答复信息员。",
                                 "petition": "已登记为信访事项，并答复信息员。"}[action],
                        trigger=CHANGED)


# -- the category list: the shared editable list (portal.categories) ----------------------------------

services.CATEGORIES.add_routes(bp, crumbs=("矛盾纠纷", "disputes.index"))


def _petition_notes(petition, user):
    """The link back from a petition to the dispute it came from, on the case page (petitions' CASE_NOTES)."""
    if not can("disputes.view", user):
        return []
    return [(f"由矛盾纠纷转入：{d.number} {d.title}", url_for("disputes.detail", dispute_id=d.id))
            for d in services.disputes_of_petition(petition, user)]


petition_views.CASE_NOTES.append(_petition_notes)
