"""Views of letters and visits' printables (交办单, 答复意见书, 不予受理告知书), the yearly statistics
page and the dashboard card."""
import datetime

from flask import flash, redirect, request, url_for
from flask_login import current_user

from .. import clock, htmx, pdf
from ..access import can, get_or_404, permission, sees_everything
from ..forms import year_arg
from ..models import Petition
from . import bp, module, printing, services, stats


@module.card
def petitions_card(user, year):
    """The year's cases, group petitions and open backlog in the user's scope; for those who see statistics."""
    if not can("petitions.stats", user):
        return None
    total, groups, people = stats.headline(user, year)
    return {"title": f"{year}年度信访", "value": total,
            "note": f"群体访 {groups} 起 {people} 人次，在办积案 {stats.open_backlog(user)} 件",
            "url": url_for("petitions.stats", year=year)}


def _document(petition_id, render, name):
    """A case's document as a PDF; 404 outside the user's scope; before the case reached its stage,
    back to the case page with the reason."""
    p = get_or_404(Petition, petition_id)
    try:
        data = render(p)
    except printing.NotPrintable as exc:
        flash(str(exc), "error")
        return redirect(url_for("petitions.detail", petition_id=p.id))
    return pdf.response(data, f"{name}-{p.number}.pdf")


@bp.get("/<int:petition_id>/slip.pdf")
@permission("petitions.view")
def slip_pdf(petition_id):
    """信访事项交办单, once the case has been assigned to a unit."""
    return _document(petition_id, printing.handling_slip, "信访事项交办单")


@bp.get("/<int:petition_id>/reply.pdf")
@permission("petitions.view")
def reply_pdf(petition_id):
    """信访事项处理（答复）意见书, once the case has been replied in writing."""
    return _document(petition_id, printing.reply_opinion, "信访事项答复意见书")


@bp.post("/<int:petition_id>/reply-draft.pdf")
@permission("petitions.view")
def reply_draft_pdf(petition_id):
    """The 答复意见书 as typed in the reply form, to print and stamp before uploading its scan; only for
    those who may give the reply now. Stores nothing."""
    p = get_or_404(Petition, petition_id)
    refusal = services.WORKFLOW.refusal("reply", current_user, p)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("petitions.detail", petition_id=p.id))
    try:
        on = datetime.date.fromisoformat(request.form.get("on") or "")
    except ValueError:
        on = None
    return _document(petition_id, lambda case: printing.reply_draft(case, request.form.get("note"), on),
                     "信访事项答复意见书（待盖章）")


@bp.get("/<int:petition_id>/notice.pdf")
@permission("petitions.view")
def notice_pdf(petition_id):
    """不予受理告知书 of a case that was not accepted."""
    return _document(petition_id, printing.not_accepted_notice, "不予受理告知书")


@bp.get("/stats", endpoint="stats")
@permission("petitions.stats")
def stats_page():
    """A year's figures and rates within the user's scope, from the records."""
    year = year_arg(request.args) or clock.today().year
    return htmx.render("petitions/stats.html", s=stats.year_stats(current_user, year), year=year,
                       percent=stats.percent, scope_all=sees_everything(current_user))
