"""The statutory clocks of letters and visits (信访工作条例, 2022), in calendar days (Asia/Shanghai).
Holidays are not modelled. Every deadline of a case is computed here and nowhere else."""
import datetime

from flask import current_app

from .. import clock
from ..supervision.urgency import deadline as deadline_urgency
from ..supervision.urgency import window

ACCEPT_DAYS = 15  # Art. 22/23: tell the petitioner in writing whether the case is accepted
REPLY_DAYS = 60  # Art. 34: conclude with a written opinion within 60 days of acceptance
EXTENSION_DAYS = 30  # Art. 34: once, by at most 30 days, with the head's approval
REVIEW_REQUEST_DAYS = 30  # Art. 35: a review may be requested within 30 days of the written opinion
REVIEW_ANSWER_DAYS = 30  # Art. 35: and is answered within 30 days of the request

DAY = datetime.timedelta(days=1)


def accept_due(received_on):
    return received_on + ACCEPT_DAYS * DAY


def reply_due(accepted_on):
    return accepted_on + REPLY_DAYS * DAY


def review_window_end(replied_on):
    return replied_on + REVIEW_REQUEST_DAYS * DAY


def review_due(requested_on):
    return requested_on + REVIEW_ANSWER_DAYS * DAY


def visit_due(replied_on):
    return replied_on + current_app.config["PETITION_VISIT_DAYS"] * DAY


def reopen_due(on):
    return on + current_app.config["PETITION_REOPEN_DAYS"] * DAY


def current_limit(p):
    """(what is owed, by when, counted from) for an open case, or None when nothing is owed."""
    if p.state == "registered":
        return "受理告知", p.accept_due, p.received_on
    if p.state in ("accepted", "assigned", "handling"):
        return "书面答复", p.reply_due, p.reopened_on or p.accepted_on
    if p.state == "review":
        return "复查答复", p.review_due, p.review_requested_on
    return None


def visit_overdue(p, today=None):
    return p.state == "replied" and p.visit_due is not None and (today or clock.today()) > p.visit_due


def is_backlog(p, today=None):
    """积案: a case still open past its statutory limit."""
    limit = current_limit(p)
    return limit is not None and (today or clock.today()) > limit[1]


def backlog_since(p, today=None):
    """The first day the case was past a limit (it stays counted as a backlog case opened then, even
    once resolved), or None if it never was."""
    today = today or clock.today()
    candidates = [p.backlog_from] if p.backlog_from else []  # kept from before a reopen
    if (p.accepted_on or (p.notice_on if p.state == "not_accepted" else None) or today) > p.accept_due:
        candidates.append(p.accept_due + DAY)
    if p.reply_due and (p.replied_on or today) > p.reply_due and (p.replied_on or p.is_open):
        candidates.append(p.reply_due + DAY)
    if p.review_due and (p.review_answered_on or today) > p.review_due:
        candidates.append(p.review_due + DAY)
    candidates = [d for d in candidates if d <= today]
    return min(candidates) if candidates else None


def urgency(p, today=None):
    """The case's colour: its current statutory limit, else an overdue follow-up visit, else none."""
    limit = current_limit(p)
    if limit is not None:
        return deadline_urgency(limit[1], limit[2], today)
    if p.state == "replied" and p.visit_due:
        return deadline_urgency(p.visit_due, p.replied_on, today)
    return None


def review_window(p, today=None):
    """The petitioner's right to ask for a review: blue in its last days, then expired (never red)."""
    if p.replied_on is None:
        return None
    return window(review_window_end(p.replied_on), today)
