"""Personal data of petitioners: ID number check digits (GB 11643-1999) and masking on screen and in
exports. Revealing is a view of its own, audited, for office staff and leaders only."""
import re

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
