"""The year-end summary's figures of target-responsibility agreements: issued to the units, signed by
their 一把手 (and the units that have not signed), assessed, and the year's grades — the grades of the
one grade function (grading.grades_for), over a unit's subtree."""
from peewee import fn

from ..models import Agreement, Unit
from ..summary.figures import Figure, list_url, reader
from . import grading, module

GRADE_KEYS = {"优秀": "excellent", "良好": "good", "合格": "passed", "不合格": "failed"}


@module.figures
def agreement_figures(year, unit):
    issued = Agreement.visible_to(reader(unit), Agreement, Unit).join(Unit).where(
        Agreement.year == year, Agreement.state != "draft")
    row = issued.select(fn.COUNT(Agreement.id), fn.COUNT(Agreement.signed_at), fn.COUNT(Agreement.assessed_at)) \
        .tuples().get()
    total, signed, assessed = (int(n or 0) for n in row)
    unsigned = [name for (name,) in issued.select(Unit.name).where(Agreement.signed_at.is_null())
                .order_by(Unit.path).tuples()]
    # Grades are computed, not stored: every assessed agreement of the scope (one per unit and year).
    graded = list(issued.where(Agreement.state.in_(("assessed", "archived"))))
    grades = grading.grades_for(graded)
    counts = {grade: 0 for grade in GRADE_KEYS}
    for result in grades.values():
        if result.grade in counts:
            counts[result.grade] += 1
    failed_units = sorted((a.unit.name for a in graded if grades[a.id].grade == "不合格"))

    def agreements(**filters):
        return list_url("agreements.index", unit, year=year, **filters)

    yield Figure("agreements.issued", "签订目标管理责任书的单位", total, "个", agreements())
    yield Figure("agreements.signed", "一把手已签订责任书", signed, "个", agreements(signed=1))
    yield Figure("agreements.unsigned_units", "尚未签订责任书的单位", unsigned, "", agreements(signed=0))
    yield Figure("agreements.assessed", "已年度考核的单位", assessed, "个", agreements())
    for grade, key in GRADE_KEYS.items():
        yield Figure(f"agreements.grade_{key}", f"考核{grade}", counts[grade], "个", agreements(grade=grade))
    yield Figure("agreements.failed_units", "考核不合格的单位", failed_units, "", agreements(grade="不合格"))
