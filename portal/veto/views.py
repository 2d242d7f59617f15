"""Views of one-veto accountability: the overview, proposing and deciding vetoes, appeals,
sanctions, the watch list, responsibility investigations and their decision notice PDF."""
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import audit, clock, htmx, pdf
from ..access import get_or_404, permission
from ..attachments.services import attachments_of, register_owner
from ..forms import choices, error_text, int_arg, year_arg
from ..models import MEASURES, SANCTION_KINDS, VETO_STATES, Accountability, Sanction, Unit, VetoEvent
from ..pagination import Page, paginate
from ..supervision.urgency import window
from ..users.services import unit_choices
from ..workflow import RuleError
from . import bp, module, printing, services
from .forms import AccountabilityForm, SanctionForm, VetoForm

CHANGED = "vetoChanged agreementsChanged"
register_owner("veto", VetoEvent, "一票否决证据")


@module.card
def veto_card(user, year):
    vetoes = VetoEvent.visible_to(user).where(VetoEvent.year == year)
    effective = vetoes.where(VetoEvent.state.in_(("confirmed", "appealed", "upheld"))).count()
    # Waiting: proposed (a leader's confirmation), appealed (a hearing), or confirmed with the unit's
    # appeal window still open.
    pending = vetoes.where(VetoEvent.state.in_(("proposed", "appealed")) | (
        (VetoEvent.state == "confirmed") & VetoEvent.appealed_at.is_null() & (VetoEvent.appeal_due >= clock.today()))).count()
    sanctions = Sanction.visible_to(user).where(Sanction.year == year, Sanction.state == "active").count()
    return {"title": f"{year}年度一票否决", "value": effective,
            "note": f"待确认/申诉 {pending} 项，通报、黄牌、挂牌 {sanctions} 项", "url": url_for("veto.index")}


@module.unit_panel
def unit_vetoes(unit, user):
    """A unit's own vetoes and sanctions, with appeal deadlines, on its page."""
    vetoes = list(VetoEvent.visible_to(user).where(VetoEvent.unit == unit.id).order_by(VetoEvent.id.desc()))
    sanctions = list(Sanction.visible_to(user).where(Sanction.unit == unit.id).order_by(Sanction.id.desc()))
    if not vetoes and not sanctions:
        return None
    return "veto/_unit_panel.html", {"vetoes": vetoes, "sanctions": sanctions, "window": window}


def _year(args):
    return year_arg(args) or clock.today().year


@dataclass
class _ListPage(Page):
    """A page of one of several lists on one page: its number travels as its own query parameter."""

    param: str = "page"

    def url(self, number):
        return "?" + urlencode({**self.args, self.param: number})


def _paged(query, param):
    args = request.args.to_dict()
    args["page"] = args.pop(param, "")
    return _ListPage(**vars(paginate(query, args)), param=param)


@bp.get("/")
@permission("veto.view")
def index():
    """Vetoes and sanctions of a year within the user's scope; the unit's appeal deadlines."""
    year = _year(request.args)
    state = request.args.get("state")
    state = state if state in VETO_STATES or state == services.EFFECTIVE else None
    unit = Unit.get_or_none(Unit.id == int_arg(request.args, "unit")) if int_arg(request.args, "unit") else None
    vetoes = _paged(services.vetoes(current_user, year, state, unit), "vetoes_page")
    sanctions = _paged(services.sanctions(current_user, year, unit), "sanctions_page")
    records = _paged(services.accountabilities(current_user), "records_page")
    form = SanctionForm()
    form.unit.choices = choices(unit_choices())
    return htmx.render("veto/index.html", "veto/_tables.html", vetoes=vetoes, sanctions=sanctions, records=records,
                       year=year, args=request.args,
                       states={**VETO_STATES, services.EFFECTIVE: "已生效（已确认、申诉中、申诉后维持）"}, sanction_form=form, window=window)


@bp.route("/new", methods=["GET", "POST"])
@permission("veto.propose")
def new():
    """Propose a veto against a unit; a leader confirms or rejects it."""
    form = VetoForm(data={"year": clock.today().year, "occurred_on": clock.today()} if request.method == "GET" else None)
    form.unit.choices = choices(unit_choices())
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit.data)
        try:
            veto = services.propose(unit=unit, year=form.year.data, trigger=form.trigger.data,
                                    occurred_on=form.occurred_on.data, description=form.description.data,
                                    user=current_user._get_current_object())
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("已提出一票否决，等待局领导确认。", "success")
            return redirect(url_for("veto.detail", veto_id=veto.id))
    return htmx.render("veto/new.html", form=form, status=422 if request.method == "POST" else 200)


def _detail_context(veto):
    return {
        "v": veto, "w": window(veto.appeal_due) if veto.appeal_due else None,
        "may": services.may(current_user, veto),
        "transitions": services.WORKFLOW.transitions, "attachments": attachments_of("veto", veto, current_user),
        "history": audit.history("veto", veto.id),
        "records": list(veto.accountabilities),
    }


@bp.get("/<int:veto_id>")
@permission("veto.view")
def detail(veto_id):
    """One veto: the event, its decisions, the appeal and its window, evidence and history."""
    veto = get_or_404(VetoEvent, veto_id)
    return htmx.render("veto/detail.html", "veto/_detail_live.html", **_detail_context(veto))


@bp.post("/<int:veto_id>/<action>")
@permission("veto.act")
def act(veto_id, action):
    """Confirm, reject, appeal, uphold, overturn or withdraw a veto, always with a reason."""
    veto = get_or_404(VetoEvent, veto_id)
    if action not in services.WORKFLOW:
        abort(404)
    return htmx.attempt(lambda: services.act(veto, action, current_user._get_current_object(),
                                             request.form.get("reason"), request.form.get("version")),
                        "veto/_detail_live.html", lambda: _detail_context(VetoEvent.get_by_id(veto.id)),
                        url_for("veto.detail", veto_id=veto.id), message=f"已{services.WORKFLOW.label(action)}。",
                        trigger=CHANGED)


@bp.post("/sanctions")
@permission("veto.sanction")
def sanction_new():
    """通报批评 / 黄牌警告 / 挂牌督办 against a unit."""
    form = SanctionForm()
    error = None
    if form.validate():
        try:
            services.issue_sanction(unit=get_or_404(Unit, form.unit.data), kind=form.kind.data,
                                    reason=form.reason.data, user=current_user._get_current_object())
        except RuleError as exc:
            error = str(exc)
    else:
        error = error_text(form)
    flash(error or "已登记。", "error" if error else "success")
    return redirect(url_for("veto.index"))


@bp.post("/sanctions/<int:sanction_id>/withdraw")
@permission("veto.sanction")
def sanction_withdraw(sanction_id):
    """Withdraw a sanction with a reason (records are never deleted)."""
    sanction = get_or_404(Sanction, sanction_id)
    try:
        services.withdraw_sanction(sanction, current_user._get_current_object(), request.form.get("reason"))
        flash("已撤回。", "success")
    except RuleError as exc:
        flash(str(exc), "error")
    return redirect(url_for("veto.index", year=sanction.year))


@bp.get("/watchlist")
@permission("veto.watchlist")
def watchlist():
    """“议而不决、决而不办”: criticism candidates computed from overdue work, live."""
    return _watchlist_page()


def _watchlist_page():
    page = paginate(services.watch_query(), request.args)
    page.items = services.candidates(page.items)
    return htmx.render("veto/watchlist.html", "veto/_watchlist_table.html", candidates=page, page=page,
                       kinds=SANCTION_KINDS)


@bp.post("/watchlist/<source_type>/<int:source_id>")
@permission("veto.watchlist")
def watchlist_sanction(source_type, source_id):
    """Raise a sanction from a watch-list entry in one step."""
    try:
        services.sanction_candidate(source_type, source_id, request.form.get("kind", "criticism"),
                                    current_user._get_current_object())
        flash("已作出处理，并通知该单位。", "success")
    except RuleError as exc:
        flash(str(exc), "error")
    return _watchlist_page()


@bp.route("/accountability/new", methods=["GET", "POST"])
@permission("veto.accountability")
def accountability_new():
    """Record a responsibility investigation for a confirmed veto or a sanction."""
    veto = get_or_404(VetoEvent, request.args.get("veto", type=int)) if request.args.get("veto") else None
    sanction = get_or_404(Sanction, request.args.get("sanction", type=int)) if request.args.get("sanction") else None
    if veto is None and sanction is None:
        abort(400)  # reached only from a veto or a sanction
    form = AccountabilityForm(data={"decided_on": clock.today()} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            record = services.record_accountability(
                veto=veto, sanction=sanction, persons=form.persons(), measure=form.measure.data,
                decided_on=form.decided_on.data, decision=form.decision.data, follow_up=form.follow_up.data,
                user=current_user._get_current_object())
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("已登记领导责任查究。", "success")
            return redirect(url_for("veto.accountability", record_id=record.id))
    return htmx.render("veto/accountability_new.html", form=form, veto=veto, sanction=sanction,
                       status=422 if request.method == "POST" else 200)


@bp.get("/accountability/<int:record_id>")
@permission("veto.view")
def accountability(record_id):
    """One responsibility investigation."""
    return htmx.render("veto/accountability.html", r=get_or_404(Accountability, record_id), measures=MEASURES)


@bp.get("/accountability/<int:record_id>/notice.pdf")
@permission("veto.view")
def accountability_pdf(record_id):
    """The decision notice (领导责任查究决定书), in the official layout."""
    record = get_or_404(Accountability, record_id)
    data = printing.accountability_decision(record)
    return pdf.response(data, f"领导责任查究决定书-{record.unit.name}-{record.decided_on}.pdf")


@bp.get("/<int:veto_id>/decision.pdf")
@permission("veto.view")
def veto_pdf(veto_id):
    """一票否决决定书 of a confirmed veto, in the official layout."""
    veto = get_or_404(VetoEvent, veto_id)
    try:
        data = printing.veto_decision(veto)
    except printing.NotPrintable as exc:
        flash(str(exc), "error")
        return redirect(url_for("veto.detail", veto_id=veto.id))
    return pdf.response(data, f"一票否决决定书-{veto.unit.name}-{veto.year}.pdf")


@bp.get("/sanctions/<int:sanction_id>/notice.pdf")
@permission("veto.view")
def sanction_pdf(sanction_id):
    """通报批评 as an official document."""
    sanction = get_or_404(Sanction, sanction_id)
    try:
        data = printing.criticism_notice(sanction)
    except printing.NotPrintable as exc:
        flash(str(exc), "error")
        return redirect(url_for("veto.index", year=sanction.year))
    return pdf.response(data, f"通报批评-{sanction.unit.name}-{sanction.issued_on}.pdf")
