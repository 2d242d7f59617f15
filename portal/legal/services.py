"""Rules of legal education: the law catalogue and yearly plans, roster import (preview, then
all-or-nothing commit), sessions with their laws, attendees and scores, and coverage computed from
records in a few aggregate queries."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from .. import audit, clock, excel
from ..access import can, in_scope
from ..db import database
from ..forms import decimal_value, int_arg, int_list
from ..pagination import search_text, sorted_by
from ..models import (FORMS, SCORED_FORMS, Attendance, Law, LawReach, LegalPlan, LegalSession, PlanLaw, SessionLaw,
                      StaffMember, Unit)
from ..workflow import RuleError, guarded, raise_all

audit.register_object_type("staff", "职工花名册")
audit.register_object_type("legal_session", "普法活动")
audit.register_object_type("legal_plan", "年度普法计划")
audit.register_object_type("law", "法律目录")
audit.register_actions({"import": "导入"})
audit.register_fields({"target_rate": "目标受教育面", "planned_sessions": "计划场次", "laws": "学习的法律"})

ROSTER_HEADERS = ["姓名", "职务", "工号", "在职"]


# -- the catalogue and the plan -------------------------------------------------------------------------

def add_law(name, category, user):
    """Add a law to the catalogue (at its end); audited."""
    name, category = (name or "").strip()[:100], (category or "").strip()[:50]
    if not name:
        raise RuleError("请填写法律名称。")
    if Law.select().where(Law.name == name).exists():
        raise RuleError(f"《{name}》已在目录中。")
    with database.atomic():
        law = Law.create(name=name, category=category, sort_order=Law.select().count())
        audit.record("create", "law", law.id, actor=user, summary=f"将《{name}》加入法律目录")
    return law


def save_plan(year, *, target_rate, planned_sessions, notes, law_ids, user):
    """Save the year's plan and the laws it covers, in one transaction; audited."""
    target = decimal_value(target_rate)
    text = str(planned_sessions if planned_sessions is not None else "").strip() or "0"
    planned = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None
    if target is None or not Decimal("0") < target <= Decimal("100") or planned is None:
        raise RuleError("目标受教育面应在 0 到 100 之间，计划场次不能为负数。")
    laws = list(Law.select().where(Law.id.in_(int_list(str(i) for i in law_ids)))
                .order_by(Law.sort_order, Law.id))
    with database.atomic():
        plan = LegalPlan.get_or_none(LegalPlan.year == year)
        before = None
        if plan is None:
            plan = LegalPlan(year=year)
        else:
            before = {"target_rate": plan.target_rate, "planned_sessions": plan.planned_sessions,
                      "laws": sorted(pl.law_id for pl in plan.plan_laws)}
        plan.target_rate, plan.planned_sessions, plan.notes = target, planned, (notes or "").strip()
        plan.save()
        PlanLaw.delete().where(PlanLaw.plan == plan).execute()
        for law in laws:
            PlanLaw.create(plan=plan, law=law)
        audit.record("update" if before else "create", "legal_plan", plan.id, actor=user,
                     summary=f"保存{year}年度普法计划：目标受教育面 {target}%，计划 {planned} 场，{len(laws)} 部法律",
                     before=before, after={"target_rate": target, "planned_sessions": planned,
                                           "laws": sorted(law.id for law in laws)})
    return plan


# -- rosters --------------------------------------------------------------------------------------------

# The template's sample row starts with this mark; a row that does is never imported.
SAMPLE_MARK = "（示例）"


class RosterImport(excel.Import):
    """A unit's staff roster from Excel: rows matched to the roster by employee number; added,
    changed (the fields named) or unchanged."""

    headers = tuple(ROSTER_HEADERS)
    noun = "职工"

    def read_row(self, preview, line, cells, *, unit):
        name, post, number, active = (str(v).strip() if v is not None else "" for v in cells.values())
        if name.startswith(SAMPLE_MARK):
            return preview.note(line, "模板中的示例行，未导入")
        if number.endswith(".0"):
            number = number[:-2]  # a number typed into an Excel cell
        if not name:
            return preview.reject(line, "缺少姓名")
        if not number:
            return preview.reject(line, f"“{name}”缺少工号")
        if number in preview.seen:
            return preview.reject(line, f"工号 {number} 与第 {preview.seen[number]} 行重复")
        if active not in ("", "是", "否"):
            return preview.reject(line, f"“在职”一栏应填“是”或“否”，而不是“{active}”")
        preview.seen[number] = line
        preview.added.append({"name": name[:50], "post": post[:50], "employee_no": number[:32], "active": active != "否"})

    def finish(self, preview, *, unit):
        """Rows whose employee number is on the roster already are changes (or nothing to do)."""
        numbers = [data["employee_no"] for data in preview.added]
        existing = {s.employee_no: s for s in StaffMember.select().where(StaffMember.unit == unit.id,
                                                                          StaffMember.employee_no.in_(numbers))}
        added = []
        for data in preview.added:
            current = existing.get(data["employee_no"])
            if current is None:
                added.append(data)
                continue
            labels = [label for key, label in (("name", "姓名"), ("post", "职务"), ("active", "在职"))
                      if getattr(current, key) != data[key]]
            if labels:
                preview.changed.append((current, data, labels))
            else:
                preview.unchanged += 1
        preview.added = added

    def apply(self, preview, user, *, unit):
        for data in preview.added:
            StaffMember.create(unit=unit, **data)
        for staff, data, _ in preview.changed:
            StaffMember.update(**data).where(StaffMember.id == staff.id).execute()
        audit.record("import", "staff", None, unit=unit, actor=user,
                     summary=f"导入{unit.name}花名册：新增 {len(preview.added)} 人，变更 {len(preview.changed)} 人")


ROSTER = RosterImport()


class SignInImport(excel.Import):
    """A session's sign-in sheet (签到表) from Excel: each row matched to the organising unit's active roster
    by employee number (or by name when the number is blank and the name is unique there). The matched
    people become ticked attendees on the session form, which the clerk still checks and submits; nothing
    is stored by the import itself."""

    headers = ("姓名", "工号")
    ignored_when_blank = ()
    noun = "签到人员"
    header_hint = "第一行应为“姓名”“工号”两列"

    def read_row(self, preview, line, cells, *, unit, user):
        name, number = (str(v).strip() if v is not None else "" for v in cells.values())
        number = number[:-2] if number.endswith(".0") else number
        people = StaffMember.visible_to(user).join(Unit).where(StaffMember.active == True,  # noqa: E712
                                                                 Unit.path.startswith(unit.path))
        if number:
            found = list(people.where(StaffMember.employee_no == number))
        else:
            found = list(people.where(StaffMember.name == name)) if name else []
        if len(found) != 1:
            what = f"工号 {number}" if number else f"“{name}”"
            reason = "有重名，请填写工号" if len(found) > 1 else f"不在{unit.name}在职人员名单中"
            return preview.reject(line, f"{what}{reason}")
        if name and found[0].name != name:
            preview.note(line, f"工号 {number} 在名册中是“{found[0].name}”，不是“{name}”")
        if found[0].id in preview.seen:
            return preview.note(line, f"“{found[0].name}”与第 {preview.seen[found[0].id]} 行重复")
        preview.seen[found[0].id] = line
        preview.added.append(found[0])


SIGN_IN = SignInImport()



def roster(unit):
    return StaffMember.select().where(StaffMember.unit == unit.id).order_by(StaffMember.employee_no)


# -- sessions -----------------------------------------------------------------------------------------

def session_problems(*, held_on, form, title, laws):
    """{field: message or None} of a session's own fields, all at once (the form shows each beside it)."""
    return {"held_on": None if held_on is not None and held_on <= clock.today() else "请填写活动日期（不能晚于今天）。",
            "form": None if form in FORMS else "请选择活动形式。",
            "title": None if (title or "").strip() else "请填写活动名称。",
            "law": None if laws else "请至少选择一部学习的法律。"}


def record_session(*, unit, held_on, form, title, speaker, notes, laws, attendees, user):
    """A session with its laws and attendees; a unit's session admits only its own subtree's staff."""
    raise_all(session_problems(held_on=held_on, form=form, title=title, laws=laws))
    bureau_wide = unit.level == 1
    if bureau_wide and not can("legal.bureau_sessions", user):
        raise RuleError("只有股室工作人员可以登记全系统的普法活动。")
    if not bureau_wide and not in_scope(user, unit):
        raise RuleError(f"只能登记本单位（含下属单位）的普法活动，不能登记{unit.name}的。")
    for n, staff in enumerate(attendees, start=1):
        if not staff.active:
            raise RuleError(f"第 {n} 位参加人员“{staff.name}”已不在职。", fields={"attendee": f"“{staff.name}”已不在职。"})
        if not bureau_wide and not staff.unit.path.startswith(unit.path):
            message = f"第 {n} 位参加人员“{staff.name}”（{staff.unit.name}）不属于{unit.name}，不能计入本单位的活动。"
            raise RuleError(message, fields={"attendee": message})
    with database.atomic():
        session = LegalSession.create(unit=unit, held_on=held_on, form=form, title=title.strip(),
                                      speaker=(speaker or "").strip(), notes=(notes or "").strip(), created_by=user)
        for law in laws:
            SessionLaw.create(session=session, law=law)
        add_attendees(session, [law.id for law in laws], {s.id: s for s in attendees})
        audit.record("create", "legal_session", session.id, unit=unit, actor=user,
                     summary=f"登记普法活动“{session.title}”（{FORMS[form]}，{len(laws)} 部法律，{len(attendees)} 人参加）")
    return session


# The sessions list's sortable column headers (sort_th); unsorted, the newest first.
SESSION_SORTS = {"date": LegalSession.held_on, "unit": Unit.path, "form": LegalSession.form, "title": LegalSession.title}


def sessions(user, year, args):
    """The user's sessions of a year, newest first, with their unit joined; filtered by unit (with its
    subtree), law and form."""
    query = (LegalSession.visible_to(user).select(LegalSession, Unit).join(Unit)
             .where(LegalSession.held_on.between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))))
    query = sorted_by(query, args, SESSION_SORTS, (LegalSession.held_on.desc(), LegalSession.id.desc()),
                      (LegalSession.id.desc(),))
    if search_text(args):
        query = query.where(LegalSession.title.contains(search_text(args)) | LegalSession.speaker.contains(search_text(args)))
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        query = query.where(Unit.path.startswith(unit.path) if unit is not None else False)
    if int_arg(args, "law"):
        query = query.where(LegalSession.id.in_(SessionLaw.select(SessionLaw.session)
                                                .where(SessionLaw.law == int_arg(args, "law"))))
    if args.get("form") in FORMS:
        query = query.where(LegalSession.form == args["form"])
    return query


def law_names(session_ids):
    """{session id: [law names]} in one query."""
    names = {}
    for sl in (SessionLaw.select(SessionLaw, Law).join(Law).where(SessionLaw.session.in_(list(session_ids)))
               .order_by(Law.sort_order, Law.id)):
        names.setdefault(sl.session_id, []).append(sl.law.name)
    return names


def add_attendees(session, law_ids, staff_ids):
    """Record people at a session and, in the same transaction, the laws and year they were reached
    (the summary coverage counts); a person reached twice for a law in a year stays one row."""
    staff_ids = list(staff_ids)
    if not staff_ids:
        return
    Attendance.insert_many([{"session": session.id, "staff": sid} for sid in staff_ids]).execute()
    rows = [{"staff": sid, "law": law_id, "year": session.held_on.year} for sid in staff_ids for law_id in law_ids]
    for start in range(0, len(rows), 500):  # under SQLite's bound-parameter limit
        LawReach.insert_many(rows[start:start + 500]).on_conflict_ignore().execute()


def with_laws_and_attendees(sessions, user):
    """The sessions, each given `law_names` and `attendee_count` (the attendees the user may see), in two
    queries whatever their number."""
    sessions = list(sessions)
    ids = [s.id for s in sessions]
    names = law_names(ids)
    counts = dict(Attendance.visible_to(user, Attendance.session, fn.COUNT(Attendance.id))
                  .where(Attendance.session.in_(ids)).group_by(Attendance.session).tuples()) if ids else {}
    for s in sessions:
        s.law_names, s.attendee_count = names.get(s.id, []), counts.get(s.id, 0)
    return sessions


def set_score(session, attendance, value, user):
    """Score one attendee of an exam or contest: a unit's users score only their own subtree's people,
    also in a bureau-wide session."""
    typed = (value or "").strip()
    score = decimal_value(typed) if typed else None
    problem = guarded(
        None if session.form in SCORED_FORMS else "只有考试和知识竞赛需要登记成绩。",
        None if in_scope(user, attendance.staff.unit) else f"“{attendance.staff.name}”不是本单位的职工，不能登记成绩。",
        f"“{attendance.staff.name}”的成绩必须是数字。" if typed and score is None else None,
        f"“{attendance.staff.name}”的成绩应在 0 到 100 分之间。"
        if score is not None and not Decimal("0") <= score <= Decimal("100") else None)
    if problem:
        raise RuleError(problem)
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


def coverage(user, year, unit_ids=None, law_ids=None, form=None, per_law=True):
    """People reached ÷ active headcount, per unit and per law: three aggregate queries in all (two
    without `per_law`, for figures per unit only, e.g. the dashboard's card)."""
    _, laws, target = plan_for(year)
    if law_ids:
        laws = [law for law in laws if law.id in law_ids]
    units_q = StaffMember.visible_to(user, StaffMember.unit).where(StaffMember.active == True).distinct()  # noqa: E712
    # A deactivated unit has left the system: it leaves the coverage figures (and the dashboard's card).
    units = list(Unit.select().where(Unit.id.in_(units_q), Unit.active == True).order_by(Unit.path))  # noqa: E712
    if unit_ids:
        units = [u for u in units if u.id in unit_ids]
    ids = [u.id for u in units]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    headcount = dict(StaffMember.select(StaffMember.unit, fn.COUNT(StaffMember.id))
                     .where(StaffMember.unit.in_(ids), StaffMember.active == True)  # noqa: E712
                     .group_by(StaffMember.unit).tuples()) if ids else {}

    law_ids = [law.id for law in laws]

    def attended():
        if not form:  # the summary: one row per person, law and year
            return (LawReach.select().join(StaffMember)
                    .where(StaffMember.unit.in_(ids), StaffMember.active == True,  # noqa: E712
                           LawReach.year == year, LawReach.law.in_(law_ids)))
        # One kind of session only: the summary does not keep the form, so join the sessions.
        return (Attendance.select().join(StaffMember).switch(Attendance).join(LegalSession)
                .join(SessionLaw, on=(SessionLaw.session == LegalSession.id))
                .where(StaffMember.unit.in_(ids), StaffMember.active == True,  # noqa: E712
                       LegalSession.held_on.between(start, end), SessionLaw.law.in_(law_ids),
                       LegalSession.form == form))

    reached, reached_any = {}, {}
    if ids and laws and not form:
        # A summary row is one person for one law: counting rows counts people.
        reached = {(unit_id, law_id): count for unit_id, law_id, count in (
            attended().select(StaffMember.unit, LawReach.law, fn.COUNT(LawReach.id))
            .group_by(StaffMember.unit, LawReach.law).tuples())} if per_law else {}
        any_law = LawReach.select(LawReach.id).where(
            LawReach.staff == StaffMember.id, LawReach.year == year, LawReach.law.in_(law_ids))
        reached_any = dict(StaffMember.select(StaffMember.unit, fn.COUNT(StaffMember.id))
                           .where(StaffMember.unit.in_(ids), StaffMember.active == True,  # noqa: E712
                                  fn.EXISTS(any_law))
                           .group_by(StaffMember.unit).tuples())
    elif ids and laws:
        people = fn.COUNT(fn.DISTINCT(StaffMember.id))
        for unit_id, law_id, count in (attended().select(StaffMember.unit, SessionLaw.law, people)
                                       .group_by(StaffMember.unit, SessionLaw.law).tuples()):
            reached[(unit_id, law_id)] = count
        reached_any = dict(attended().select(StaffMember.unit, people).group_by(StaffMember.unit).tuples())
    return Coverage(units, laws, target, headcount, reached, reached_any)


def not_reached(unit, law, year):
    """Active staff of the unit who attended no session covering the law this year (drill-down)."""
    reached = LawReach.select(LawReach.staff).where(LawReach.law == law.id, LawReach.year == year)
    return list(StaffMember.select().where(StaffMember.unit == unit.id, StaffMember.active == True,  # noqa: E712
                                           StaffMember.id.not_in(reached)).order_by(StaffMember.employee_no))


def learning_record(staff):
    """A person's sessions with the laws they covered and any score."""
    attended = list(Attendance.select(Attendance, LegalSession).join(LegalSession).where(Attendance.staff == staff.id)
                    .order_by(LegalSession.held_on.desc()))
    names = law_names(a.session_id for a in attended)
    return [(a.session, names.get(a.session_id, []), a.score) for a in attended]
