"""Printables of dispute mediation in the official layout: the mediation agreement (调解协议书) with the
parties' signature lines and the warning letter (预警函) to the unit's head; personal numbers masked."""
from flask import flash, redirect, url_for

from .. import pdf, privacy
from ..access import get_or_404, permission
from ..models import Unit
from ..models.disputes import Dispute, DisputeParty
from . import bp, services


class NotPrintable(ValueError):
    """The dispute has not reached the stage the document belongs to."""


def ymd(d):
    """2026-03-05 -> 2026年3月5日 (GB/T 9704-2012 7.3.5.1)."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _context(d):
    return {"d": d, "parties": list(d.parties.order_by(DisputeParty.seq)), "bureau": Unit.get(Unit.parent.is_null()).name,
            "tiers": services.TIERS, "ymd": ymd, "mask_id": privacy.mask_id, "mask_phone": privacy.mask_phone}


def agreement(d):
    """调解协议书 of a dispute settled by mediation, issued by the tier that settled it."""
    if d.outcome != "settled":
        raise NotPrintable(f"矛盾纠纷 {d.number} 未调解成功，没有调解协议书。")
    return pdf.render("disputes/pdf/agreement.html", **_context(d),
                      mediator=services.holder_unit(d, d.outcome_tier).name)


def warning(d):
    """预警函 to the unit's head of a high-risk dispute."""
    if not d.warned_on:
        raise NotPrintable(f"矛盾纠纷 {d.number} 未发出预警函。")
    return pdf.render("disputes/pdf/warning.html", **_context(d))


def _document(dispute_id, render, name):
    d = get_or_404(Dispute, dispute_id)
    try:
        data = render(d)
    except NotPrintable as exc:
        flash(str(exc), "error")
        return redirect(url_for("disputes.detail", dispute_id=d.id))
    return pdf.response(data, f"{name}-{d.number}.pdf")


@bp.get("/<int:dispute_id>/agreement.pdf")
@permission("disputes.view")
def agreement_pdf(dispute_id):
    """人民调解协议书 of a dispute settled by mediation, with the parties' signature lines."""
    return _document(dispute_id, agreement, "调解协议书")


@bp.get("/<int:dispute_id>/warning.pdf")
@permission("disputes.view")
def warning_pdf(dispute_id):
    """矛盾纠纷预警函 of a high-risk dispute."""
    return _document(dispute_id, warning, "预警函")
