"""Owns personal data of people on record (petitioners, disputing parties, key persons): ID number check
digits (GB 11643-1999), masking on every page and export, and the one audited reveal that office staff
and leaders use to see one record's full numbers."""
import re

from . import audit
from .access import can
from .db import database

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
PHONE_PATTERN = re.compile(r"^[\d\-+ ]{7,20}$")


def normalise_id(value):
    return (value or "").strip().upper().replace(" ", "")


def id_number_problem(value):
    """None for a valid 18-digit resident ID number (or an empty one), else the Chinese reason."""
    value = normalise_id(value)
    if not value:
        return None
    if not ID_PATTERN.match(value):
        return f"身份证号“{mask_id(value)}”应为 18 位（前 17 位为数字，末位为数字或 X）。"
    total = sum(int(d) * w for d, w in zip(value[:17], WEIGHTS))
    if CHECK_CHARS[total % 11] != value[17]:
        return f"身份证号“{mask_id(value)}”校验位不正确，请核对。"
    return None


def with_check_digit(first17):
    """Complete 17 digits with their check character (used by demo data and tests)."""
    return first17 + CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def phone_problem(value):
    value = (value or "").strip()
    if value and not PHONE_PATTERN.match(value):
        return f"联系电话“{mask_phone(value)}”格式不正确。"
    return None


def mask_id(value):
    """4301**********1234: region prefix and last four kept."""
    value = value or ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value):
    """138****5678."""
    value = value or ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1) if value else ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def is_masked(value):
    return "*" in (value or "")


REVEAL_REFUSED = "只有股室工作人员和局领导可以查看完整的身份证号和电话。"


def reveal(record, object_type, permission, user, what, refuse):
    """Let a user with `permission` see the full personal numbers of one record, writing the audit row
    first ("查看…的完整身份证号和电话"); `refuse(message)` is the caller's audited refusal (its
    workflow's `refuse`), called when the user may not. Returns nothing: the caller then shows the
    record's people unmasked for this one response."""
    if not can(permission, user):
        refuse(REVEAL_REFUSED)
    with database.atomic():
        audit.record("reveal", object_type, record.id, unit=getattr(record, "unit_id", None), actor=user,
                     summary=f"查看{what}的完整身份证号和电话"[:255])
