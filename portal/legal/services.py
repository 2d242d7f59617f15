"""Rules of legal education: roster import (preview, then all-or-nothing commit), sessions with their
laws, attendees and scores, and coverage computed from records in a few aggregate queries."""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from peewee import fn

from .. import audit, clock, excel
from ..db import database
from ..models import (FORMS, SCORED_FORMS, Attendance, Law, LegalPlan, LegalSession, SessionLaw,
                      StaffMember, Unit)

audit.register_object_type("staff", "职工花名册")
audit.register_object_type("legal_session", "普法活动")
audit.register_actions({"import": "导入"})

ROSTER_HEADERS = ["姓名", "职务", "工号", "在职"]


class LegalError(ValueError):
    """Bad input; the message names the row or field."""


# -- rosters --------------------------------------------------------------------------------------------

@dataclass
class RosterPreview:
    unit: Unit
    added: list = field(default_factory=list)     # dicts
    changed: list = field(default_factory=list)   # (StaffMember, dict, [changed field labels])
    rejected: list = field(default_factory=list)  # (row number, reason)
    unchanged: int = 0

    @property
    def ok(self):
        return not self.rejected and (self.added or self.changed)


def stash_upload(storage):
    """Keep the uploaded workbook until the user confirms the preview; returns its token."""
    try:
        return excel.stash(storage)
    except excel.ExcelError as exc:
        raise LegalError(str(exc)) from None


def preview_roster(unit, token):
    """What importing the stashed workbook into the unit's roster would add, change and reject."""
    try:
        rows = excel.stashed_rows(token)
    except excel.ExcelError as exc:
        raise LegalError(str(exc)) from None
    if not rows or [str(c or "").strip() for c in rows[0][:4]] != ROSTER_HEADERS:
        raise LegalError(f"表头应为：{'、'.join(ROSTER_HEADERS)}（第 1 行），请使用下载的模板填写。")
    existing = {s.employee_no: s for s in StaffMember.select().where(StaffMember.unit == unit.id)}
    preview, seen = RosterPreview(unit), {}
    for n, row in enumerate(rows[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in (list(row) + [None] * 4)[:4]]
        if not any(cells):
            continue
        name, post, number, active = cells
        if number.endswith(".0"):
            number = number[:-2]  # a number typed into an Excel cell
        if not name:
            preview.rejected.append((n, "缺少姓名"))
            continue
        if not number:
            preview.rejected.append((n, f"“{name}”缺少工号"))
            continue
        if number in seen:
            preview.rejected.append((n, f"工号 {number} 与第 {seen[number]} 行重复"))
            continue
        if active not in ("", "是", "否"):
            preview.rejected.append((n, f"“在职”一栏应填“是”或“否”，而不是“{active}”"))
            continue
        seen[number] = n
        data = {"name": name[:50], "post": post[:50], "employee_no": number[:32], "active": active != "否"}
        current = existing.get(number)
        if current is None:
            preview.added.append(data)
            continue
        labels = [label for key, label in (("name", "姓名"), ("post", "职务"), ("active", "在职"))
                  if getattr(current, key) != data[key]]
        if labels:
            preview.changed.append((current, data, labels))
        else:
            preview.unchanged += 1
    return preview


def commit_roster(unit, token, user):
    """Apply the previewed import in one transaction; refused entirely while any row is rejected."""
    preview = preview_roster(unit, token)
    if preview.rejected:
        raise LegalError(f"有 {len(preview.rejected)} 行被拒绝，未导入任何数据。请修改后重新上传。")
    with database.atomic():
        for data in preview.added:
            StaffMember.create(unit=unit, **data)
        for staff, data, _ in preview.changed:
            StaffMember.update(**data).where(StaffMember.id == staff.id).execute()
        audit.record("import", "staff", None, unit=unit, actor=user,
                     summary=f"导入{unit.name}花名册：新增 {len(preview.added)} 人，变更 {len(preview.changed)} 人")
    excel.discard(token)
    return preview


def roster_rows(unit):
    return [[s.name, s.post, s.employee_no, "是" if s.active else "否"]
            for s in StaffMember.select().where(StaffMember.unit == unit.id).order_by(StaffMember.employee_no)]


# -- sessions -----------------------------------------------------------------------------------------

def record_session(*, unit, held_on, form, title, speaker, notes, laws, attendees, user):
    """A session with its laws and attendees; a unit's session admits only its own subtree's staff."""
    if form not in FORMS:
        raise LegalError("请选择活动形式。")
    if not (title or "").strip():
        raise LegalError("请填写活动名称。")
    if held_on is None or held_on > clock.today():
        raise LegalError("请填写活动日期（不能晚于今天）。")
    if not laws:
        raise LegalError("请至少选择一部学习的法律。")
    bureau_wide = unit.level == 1
    for n, staff in enumerate(attendees, start=1):
        if not staff.active:
            raise LegalError(f"第 {n} 位参加人员“{staff.name}”已不在职。")
        if not bureau_wide and not staff.unit.path.startswith(unit.path):
            raise LegalError(f"第 {n} 位参加人员“{staff.name}”（{staff.unit.name}）不属于{unit.name}，不能计入本单位的活动。")
    with database.atomic():
        session = LegalSession.create(unit=unit, held_on=held_on, form=form, title=title.strip(),
                                      speaker=(speaker or "").strip(), notes=(notes or "").strip(), created_by=user)
        for law in laws:
            SessionLaw.create(session=session, law=law)
        for staff in {s.id: s for s in attendees}.values():
            Attendance.create(session=session, staff=staff)
        audit.record("create", "legal_session", session.id, unit=unit, actor=user,
                     summary=f"登记普法活动“{session.title}”（{FORMS[form]}，{len(laws)} 部法律，{len(attendees)} 人参加）")
    return session


def set_score(session, attendance, value, user):
    if session.form not in SCORED_FORMS:
        raise LegalError("只有考试和知识竞赛需要登记成绩。")
    try:
        score = Decimal(value.strip()).quantize(Decimal("0.1")) if (value or "").strip() else None
    except InvalidOperation:
        raise LegalError(f"“{attendance.staff.name}”的成绩必须是数字。")
    if score is not None and not Decimal("0") <= score <= Decimal("100"):
        raise LegalError(f"“{attendance.staff.name}”的成绩应在 0 到 100 分之间。")
    with database.atomic():
        Attendance.update(score=score).where(Attendance.id == attendance.id).execute()
        audit.record("update", "legal_session", session.id, unit=session.unit_id, actor=user,
                     summary=f"登记“{attendance.staff.name}”成绩 {score if score is not None else '（清除）'}")


# -- coverage -------------------------------------------------------------------------------------------

def plan_for(year):
    plan = LegalPlan.get_or_none(LegalPlan.year == year)
    laws = [pl.law for pl in plan.plan_laws] if plan else []
    if not laws:
        laws = list(Law.select().where(Law.active == True).order_by(Law.sort_order, Law.id))  # noqa: E712
    target = plan.target_rate if plan else Decimal("90")
    return plan, sorted(laws, key=lambda law: (law.sort_order, law.id)), target


@dataclass
class Coverage:
    units: list           # units in rows
    laws: list            # laws in columns
    target: Decimal
    headcount: dict       # unit id -> active staff
    reached: dict         # (unit id, law id) -> people reached
    reached_any: dict     # unit id -> people reached by any planned law

    def rate(self, unit_id, law_id=None):
        heads = self.headcount.get(unit_id, 0)
        if not heads:
            return None
        got = self.reached_any.get(unit_id, 0) if law_id is None else self.reached.get((unit_id, law_id), 0)
        return Decimal(got * 100) / heads

    def law_rate(self, law_id):
        heads = sum(self.headcount.get(u.id, 0) for u in self.units)
        got = sum(self.reached.get((u.id, law_id), 0) for u in self.units)
        return Decimal(got * 100) / heads if heads else None

    def below_target(self, unit_id):
        rate = self.rate(unit_id)
        return rate is not None and rate < self.target


def coverage(user, year, unit_ids=None, law_ids=None, form=None):
    """People reached ÷ active headcount, per unit and per law: three aggregate queries in all."""
    _, laws, target = plan_for(year)
    if law_ids:
        laws = [law for law in laws if law.id in law_ids]
    units_q = StaffMember.visible_to(user, StaffMember.unit).where(StaffMember.active == True).distinct()  # noqa: E712
    units = list(Unit.select().where(Unit.id.in_(units_q)).order_by(Unit.path))
    if unit_ids:
        units = [u for u in units if u.id in unit_ids]
    ids = [u.id for u in units]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    headcount = dict(StaffMember.select(StaffMember.unit, fn.COUNT(StaffMember.id))
                     .where(StaffMember.unit.in_(ids), StaffMember.active == True)  # noqa: E712
                     .group_by(StaffMember.unit).tuples()) if ids else {}

    def attended():
        query = (Attendance.select().join(StaffMember).switch(Attendance).join(LegalSession)
                 .join(SessionLaw, on=(SessionLaw.session == LegalSession.id))
                 .where(StaffMember.unit.in_(ids), StaffMember.active == True,  # noqa: E712
                        LegalSession.held_on.between(start, end), SessionLaw.law.in_([law.id for law in laws])))
        return query.where(LegalSession.form == form) if form else query

    reached, reached_any = {}, {}
    if ids and laws:
        people = fn.COUNT(fn.DISTINCT(StaffMember.id))
        for unit_id, law_id, count in (attended().select(StaffMember.unit, SessionLaw.law, people)
                                       .group_by(StaffMember.unit, SessionLaw.law).tuples()):
            reached[(unit_id, law_id)] = count
        reached_any = dict(attended().select(StaffMember.unit, people).group_by(StaffMember.unit).tuples())
    return Coverage(units, laws, target, headcount, reached, reached_any)


def not_reached(unit, law, year):
    """Active staff of the unit who attended no session covering the law this year (drill-down)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    reached = (Attendance.select(Attendance.staff).join(LegalSession)
               .join(SessionLaw, on=(SessionLaw.session == LegalSession.id))
               .where(SessionLaw.law == law.id, LegalSession.held_on.between(start, end)))
    return list(StaffMember.select().where(StaffMember.unit == unit.id, StaffMember.active == True,  # noqa: E712
                                           StaffMember.id.not_in(reached)).order_by(StaffMember.employee_no))


def learning_record(staff):
    """A person's sessions with the laws they covered and any score."""
    rows = []
    for a in (Attendance.select(Attendance, LegalSession).join(LegalSession).where(Attendance.staff == staff.id)
              .order_by(LegalSession.held_on.desc())):
        laws = [sl.law.name for sl in a.session.session_laws]
        rows.append((a.session, laws, a.score))
    return rows
