"""Owns the notion of "now": UTC for storage, Asia/Shanghai calendar days for people; tests can freeze it."""
from contextlib import contextmanager
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_frozen = None


def now():
    """Current time as a naive UTC datetime (the form stored in the database)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today():
    """Today's calendar date in Asia/Shanghai."""
    return to_local(now()).date()


def to_local(value):
    """A stored naive-UTC datetime as an aware Asia/Shanghai datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ)


def local_to_utc(value):
    """An aware or naive-local datetime as naive UTC, for queries and storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(timezone.utc).replace(tzinfo=None)


@contextmanager
def frozen(at):
    """Freeze now() at a naive-UTC datetime (tests move time with this)."""
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


def set_frozen(at):
    """Freeze (or with None, release) the clock outside a with-block."""
    global _frozen
    _frozen = at


def format_local(value, fmt="%Y-%m-%d %H:%M"):
    """Template filter: a stored UTC datetime shown in Asia/Shanghai ("—" when empty)."""
    if value is None:
        return "—"
    return to_local(value).strftime(fmt)
