"""Printables of letters and visits in the official layout: the handling slip (交办单), the written
reply (处理（答复）意见书) and the notice of non-acceptance (不予受理告知书)."""
from .. import clock, pdf
from ..models import Petitioner, Unit
from .. import privacy
from . import clocks



class NotPrintable(ValueError):
    """The case has not reached the stage the document belongs to."""


def ymd(d):
    """2026-03-05 -> 2026年3月5日: dates in the text and the issue date (GB/T 9704-2012 7.3.5.1 writes
    the 成文日期 in Arabic numerals, year in full, month and day without leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _context(p):
    people = list(p.petitioners.order_by(Petitioner.seq))
    first = people[0].name if people else ""
    return {
        "p": p, "people": people, "bureau": Unit.get(Unit.parent.is_null()).name,
        "addressee": f"{first}（等{p.headcount}人）" if p.headcount > 1 else first,
        "you": "你们" if p.headcount > 1 else "你",
        "matter": p.title.removesuffix("问题"),
        "ymd": ymd, "mask_id": privacy.mask_id, "mask_phone": privacy.mask_phone,
    }


def handling_slip(p):
    """信访事项交办单 to the handling unit; personal data masked."""
    if p.assigned_on is None:
        raise NotPrintable(f"信访事项 {p.number} 尚未交办，还没有交办单。")
    return pdf.render("petitions/pdf/slip.html", **_context(p), reply_days=clocks.REPLY_DAYS,
                      extension_days=clocks.EXTENSION_DAYS)


def deciding_body(p):
    """Who issues the written reply: the body with the power to decide (信访工作条例 第三十二条), i.e. the
    bureau or the second-level body over the handling unit, never a grassroots shop; and where a review
    is asked for: the issuer's next level up (the bureau for a second-level body)."""
    bureau = Unit.get(Unit.parent.is_null())
    unit = p.unit
    if unit is None or unit.level <= 1:
        return bureau, None
    ids = [int(i) for i in unit.path.strip("/").split("/") if i]
    issuer = unit if unit.level == 2 else Unit.get_by_id(ids[1])
    return issuer, bureau


def reply_opinion(p):
    """信访事项处理（答复）意见书, issued by the deciding body over the handling unit; the case must have
    been replied."""
    if p.replied_on is None:
        raise NotPrintable(f"信访事项 {p.number} 尚未书面答复，还没有答复意见书。")
    issuer, reviewer = deciding_body(p)
    return pdf.render("petitions/pdf/reply.html", **_context(p), review_days=clocks.REVIEW_REQUEST_DAYS,
                      issuer=issuer, reviewer=reviewer)


def reply_draft(p, text, on):
    """The written reply as typed, before it is submitted: the unit prints it, has it stamped and uploads
    the scan with the reply (print → stamp → scan → upload). Nothing is stored."""
    if not (text or "").strip():
        raise NotPrintable("请先填写答复意见，再打印答复意见书。")
    p.reply_text, p.replied_on = text.strip(), on or clock.today()
    issuer, reviewer = deciding_body(p)
    return pdf.render("petitions/pdf/reply.html", **_context(p), review_days=clocks.REVIEW_REQUEST_DAYS,
                      issuer=issuer, reviewer=reviewer)


def not_accepted_notice(p):
    """不予受理告知书, issued by the bureau with the reason recorded on the case."""
    if p.state != "not_accepted":
        raise NotPrintable(f"信访事项 {p.number} 未作不予受理决定，没有告知书。")
    return pdf.render("petitions/pdf/notice.html", **_context(p))
