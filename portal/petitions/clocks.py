"""The statutory clocks of letters and visits (信访工作条例, 2022), in calendar days (Asia/Shanghai).
Holidays are not modelled. Every deadline of a case is computed here and nowhere else, in Python for
one case and in SQL for lists; once a case is handed to a unit its deadline is its supervised item's."""
import datetime

from flask import current_app, has_app_context
from peewee import Case, fn

from .. import clock
from ..db import is_postgres
from ..models import Petition
from ..models.petitions import HANDLING_ITEM, ITEM_STATES
from ..supervision.urgency import deadline as deadline_urgency
from ..supervision.urgency import urgency as item_urgency
from ..supervision.urgency import window
from . import module

ACCEPT_DAYS = 15  # Art. 22/23: tell the petitioner in writing whether the case is accepted
REPLY_DAYS = 60  # Art. 34: conclude with a written opinion within 60 days of acceptance
EXTENSION_DAYS = 30  # Art. 34: once, by at most 30 days, with the head's approval
REVIEW_REQUEST_DAYS = 30  # Art. 35: a review may be requested within 30 days of the written opinion
REVIEW_ANSWER_DAYS = 30  # Art. 35: and is answered within 30 days of the request

DAY = datetime.timedelta(days=1)


def _days(setting):
    """A configurable number of days (the module's default outside a request, e.g. in a script)."""
    return current_app.config[setting] if has_app_context() else module.settings[setting]


def accept_due(received_on):
    return received_on + ACCEPT_DAYS * DAY


def reply_due(accepted_on):
    return accepted_on + REPLY_DAYS * DAY


def review_window_end(replied_on):
    return replied_on + REVIEW_REQUEST_DAYS * DAY


def review_due(requested_on):
    return requested_on + REVIEW_ANSWER_DAYS * DAY


def visit_due(replied_on):
    return replied_on + _days("PETITION_VISIT_DAYS") * DAY


def reopen_due(on):
    return on + _days("PETITION_REOPEN_DAYS") * DAY


def reply_due_of(p):
    """答复期限 of a case: once assigned, the due date of its supervised handling item (the one deadline,
    which an approved extension moves); before, 60 days from acceptance. An imported case reopened by
    a dissatisfied visit (imports are not supervised) owes its new reply within the reopening limit."""
    item = p.handling_item
    if item is not None:
        return item.due_date
    if p.accepted_on is None:
        return None
    return reopen_due(p.reopened_on) if p.reopened_on else reply_due(p.accepted_on)


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
    """The case's colour: its open supervised item's (the same as on 待办 and the 督办 board), else its
    current statutory limit, else an overdue follow-up visit, else none."""
    item = p.open_item if p.state in ITEM_STATES else None
    if item is not None:
        return item_urgency(item, today)
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


# -- the same deadlines in SQL, for lists filtered and sorted across pages ---------------------------
# For queries joined with each case's latest handling item (Petition.listed, Petition.with_handling_item).

def _days_after(field, days):
    """field + days as an SQL date (SQLite keeps dates as ISO text)."""
    return field + days if is_postgres() else fn.date(field, f"+{days} days")


def reply_due_sql():
    """reply_due_of() in SQL."""
    computed = Case(None, [(Petition.reopened_on.is_null(False),
                            _days_after(Petition.reopened_on, _days("PETITION_REOPEN_DAYS")))],
                    _days_after(Petition.accepted_on, REPLY_DAYS))
    return fn.COALESCE(HANDLING_ITEM.due_date, computed)


def limit_due_sql():
    """The date of current_limit() in SQL (NULL when nothing is owed)."""
    return Case(Petition.state, [("registered", Petition.accept_due), ("accepted", reply_due_sql()),
                                 ("assigned", reply_due_sql()), ("handling", reply_due_sql()),
                                 ("review", Petition.review_due)], None)


def limit_start_sql():
    """The date current_limit() counts from, in SQL."""
    return Case(Petition.state, [("registered", Petition.received_on),
                                 ("accepted", fn.COALESCE(Petition.reopened_on, Petition.accepted_on)),
                                 ("assigned", fn.COALESCE(Petition.reopened_on, Petition.accepted_on)),
                                 ("handling", fn.COALESCE(Petition.reopened_on, Petition.accepted_on)),
                                 ("review", Petition.review_requested_on)], None)


def urgency_due_sql():
    """The date urgency() counts down to, in SQL: the current limit, else the follow-up visit's."""
    return fn.COALESCE(limit_due_sql(), Case(None, [(Petition.state == "replied", Petition.visit_due)], None))


def backlog_sql(today):
    """is_backlog() in SQL."""
    return limit_due_sql() < today


def visit_overdue_sql(today):
    """visit_overdue() in SQL."""
    return (Petition.state == "replied") & (Petition.visit_due < today)


RESOLVED_STATES = ("replied", "visited", "closed")


def backlog_resolved_sql(year, today=None):
    """Backlog cases resolved in `year` in SQL, of any year's cases: answered (or closed) in the year
    after having been past a limit (backlog_since() for a case no longer open)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    resolved_on = fn.COALESCE(Petition.closed_on, Petition.replied_on)
    was_late = (Petition.backlog_from.is_null(False) | (Petition.accepted_on > Petition.accept_due)
                | (Petition.replied_on > reply_due_sql()) | (Petition.review_answered_on > Petition.review_due))
    return Petition.state.in_(RESOLVED_STATES) & (resolved_on >= start) & (resolved_on <= end) & was_late
