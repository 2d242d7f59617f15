"""Annual assessment grading (年度考核等次): the one function that turns scores into a grade.

The one-veto module overrides it through register_override(): a confirmed veto makes the grade
不合格 whatever the score, and the unit ineligible for awards, with the reason shown.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

GRADES = ("优秀", "良好", "合格", "不合格")

# Functions [agreement] -> {agreement id: reason} for the agreements something outside the scores
# fails; they take many agreements at once, so a list of grades costs a query per override, not per row.
OVERRIDES = []


def register_override(fn):
    OVERRIDES.append(fn)
    return fn


def override_reasons(agreements):
    """{agreement id: [reason]} from every registered override."""
    reasons = {}
    for fn in OVERRIDES:
        for agreement_id, reason in fn(agreements).items():
            if reason:
                reasons.setdefault(agreement_id, []).append(reason)
    return reasons


@dataclass(frozen=True)
class Result:
    total: Optional[Decimal]
    grade: Optional[str]
    reasons: list = field(default_factory=list)

    @property
    def eligible_for_awards(self):
        return self.grade not in (None, "不合格")


def base_points(items):
    """Full marks of the scored items (bonus and veto items excluded)."""
    return sum(item.points for item in items if item.kind == "standard")


def total_of(items, side="bureau"):
    """Base items summed, plus the bonus section up to its cap. None while any score is missing."""
    base, bonus = Decimal("0"), Decimal("0")
    for item in items:
        if item.kind == "veto":
            continue
        value = item.score if side == "bureau" else item.self_score
        if value is None:
            return None
        if item.kind == "bonus":
            bonus += value
        else:
            base += value
    cap = items[0].agreement.bonus_cap if items else Decimal("0")
    return base + min(bonus, cap)


def by_thresholds(total, agreement):
    if total >= agreement.excellent_min:
        return "优秀"
    if total >= agreement.good_min:
        return "良好"
    if total >= agreement.pass_min:
        return "合格"
    return "不合格"


def grade(agreement, items=None, overrides=None):
    """The grade of an assessed agreement, with the reasons when it is failed regardless of score.
    `items` and `overrides` (the override reasons) are looked up when not given. Scores saved as a draft
    (暂存) before the assessment is submitted have a total but no grade yet."""
    if agreement.total is None:
        return Result(None, None)
    if agreement.state not in ("assessed", "archived"):
        return Result(agreement.total, None)
    items = list(agreement.items) if items is None else items
    reasons = [f"否决项“{item.content[:30]}”未达标" for item in items if item.kind == "veto" and item.failed]
    reasons += override_reasons([agreement]).get(agreement.id, []) if overrides is None else overrides
    if reasons:
        return Result(agreement.total, "不合格", reasons)
    return Result(agreement.total, by_thresholds(agreement.total, agreement))


def grades_for(agreements):
    """Grades of many agreements with one query for their failed veto items and one per override (no
    query per row)."""
    from ..models import AgreementItem

    assessed = [a for a in agreements if a.total is not None]
    failed, overrides = {}, {}
    if assessed:
        for item in AgreementItem.select().where(AgreementItem.agreement.in_([a.id for a in assessed]),
                                                 AgreementItem.kind == "veto", AgreementItem.failed == True):  # noqa: E712
            failed.setdefault(item.agreement_id, []).append(item)
        overrides = override_reasons(assessed)
    return {a.id: grade(a, failed.get(a.id, []), overrides.get(a.id, [])) for a in agreements}
