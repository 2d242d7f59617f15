"""The one-veto module's official documents in the GB/T 9704-2012 layout, each with its 发文字号 and 版记:
the one-veto decision (一票否决决定书), the criticism notice (通报批评) and the responsibility-investigation
decision (领导责任查究决定书).

A 发文字号 is "<prefix>〔<year>〕<n>号": the prefix per kind of document (setting VETO_DOC_PREFIXES), n the
document's place among that year's documents of its kind, by record id. Records are never deleted and
ids only grow, so a number, once printed, never changes."""
from flask import current_app

from .. import clock, pdf
from ..models import Accountability, Sanction, Unit, VetoEvent


class NotPrintable(ValueError):
    """The record has no such document (yet)."""


def _number(kind, year, ordinal):
    prefix = current_app.config["VETO_DOC_PREFIXES"][kind]
    return f"{prefix}〔{year}〕{ordinal}号"


def _bureau():
    return Unit.get(Unit.parent.is_null()).name


def _copies():
    return current_app.config["VETO_DOC_COPIES"]


def decided_on(veto):
    """The day a leader confirmed the veto (local calendar day), or None."""
    return clock.to_local(veto.decided_at).date() if veto.decided_at else None


def veto_decision(veto):
    """一票否决决定书 of a veto a leader confirmed (also once appealed, upheld, overturned or withdrawn:
    the decision was issued)."""
    if veto.decided_at is None or veto.state in ("proposed", "rejected"):
        raise NotPrintable("该一票否决尚未经局领导确认，没有决定书。")
    issued = decided_on(veto)
    ordinal = VetoEvent.select().where(VetoEvent.decided_at.is_null(False), VetoEvent.state != "rejected",
                                       VetoEvent.year == veto.year, VetoEvent.id <= veto.id).count()
    return pdf.render("veto/pdf/veto.html", v=veto, bureau=_bureau(), issued_on=issued, copies=_copies(),
                      doc_number=_number("veto", veto.year, ordinal))


def criticism_notice(sanction):
    """通报批评 as a document addressed to every unit of the bureau."""
    if sanction.kind != "criticism":
        raise NotPrintable(f"{sanction.kind_label}不印发通报。")
    year = sanction.issued_on.year
    ordinal = Sanction.select().where(Sanction.kind == "criticism", Sanction.id <= sanction.id,
                                      Sanction.issued_on.year == year).count()
    return pdf.render("veto/pdf/criticism.html", s=sanction, bureau=_bureau(), issued_on=sanction.issued_on,
                      copies=_copies(), doc_number=_number("criticism", year, ordinal))


def accountability_decision(record):
    """领导责任查究决定书."""
    year = record.decided_on.year
    ordinal = Accountability.select().where(Accountability.id <= record.id,
                                            Accountability.decided_on.year == year).count()
    return pdf.render("veto/pdf/decision.html", r=record, persons=list(record.persons), bureau=_bureau(),
                      issued_on=record.decided_on, copies=_copies(),
                      doc_number=_number("accountability", year, ordinal))
