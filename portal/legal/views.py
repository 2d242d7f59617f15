"""Views of legal education: sessions and coverage (live, with charts), rosters with Excel import
and export, the attendee picker, per-person records, the plan, exports and the yearly summary PDF."""
import datetime

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from peewee import fn

from .. import clock, excel, htmx, pdf
from ..access import can, get_or_404, permission, sees_everything
from ..attachments.services import attachments_of, register_owner
from ..excel import Column, Sheet
from ..forms import int_arg, int_list, year_arg
from ..models import FORMS, SCORED_FORMS, Attendance, Law, LegalPlan, LegalSession, SessionLaw, StaffMember, Unit
from ..models.legal import MEASURE_WORDS
from ..pagination import paginate
from ..workflow import RuleError
from . import bp, module, services


class SessionFiles:
    """Whose files a session takes: those of the sessions the user's subtree organised. A bureau-wide
    session is readable by every unit, but its materials are the bureau's to add."""

    id = LegalSession.id

    @staticmethod
    def visible_to(user):
        return LegalSession.organised_within(user)


register_owner("legal_session", SessionFiles, "普法活动材料")
# The roster's export and its import template: the layout services.preview_roster reads back.
ROSTER_COLUMNS = [Column(label, value, 16) for label, value in zip(services.ROSTER_HEADERS, (
    lambda s: s.name, lambda s: s.post, lambda s: s.employee_no, lambda s: "是" if s.active else "否"))]


def _year(args):
    return year_arg(args) or clock.today().year


def _units_in_scope():
    return list(Unit.visible_to(current_user).where(Unit.active == True, Unit.bodies()).order_by(Unit.path))  # noqa: E712


@module.card
def legal_card(user, year):
    cov = services.coverage(user, year, per_law=False)
    heads = sum(cov.headcount.values())
    if not heads:
        return None
    reached = sum(cov.reached_any.values())
    below = sum(1 for u in cov.units if cov.below_target(u.id))
    return {"title": f"{year}年度普法受教育面", "value": f"{reached * 100 // heads}%",
            "note": f"{reached}/{heads} 人；{below} 个单位低于目标", "url": url_for("legal.coverage", year=year)}


def _sessions(args):
    return services.sessions(current_user, _year(args), args)


def _cov(args):
    unit_ids = [int_arg(args, "unit")] if int_arg(args, "unit") else None
    law_ids = [int_arg(args, "law")] if int_arg(args, "law") else None
    return services.coverage(current_user, _year(args), unit_ids, law_ids, args.get("form") if args.get("form") in FORMS else None)


def _filters():
    return {"years": list(range(clock.today().year, clock.today().year - 5, -1)), "units": _units_in_scope(),
            "laws": list(Law.select().order_by(Law.sort_order, Law.id)), "forms": FORMS, "args": request.args,
            "year": _year(request.args)}


@bp.get("/")
@permission("legal.view")
def index():
    """Sessions of the year (live, filtered by unit, law and form), a page at a time, and coverage charts."""
    page = paginate(_sessions(request.args))
    page.items = services.with_laws_and_attendees(page.items, current_user)
    return htmx.render("legal/index.html", "legal/_sessions_table.html", page=page, cov=_cov(request.args),
                       **_filters())


@bp.get("/coverage")
@permission("legal.view")
def coverage():
    """Coverage matrix units × laws, coloured against the plan's target, with drill-down."""
    return htmx.render("legal/coverage.html", "legal/_coverage_table.html", cov=_cov(request.args), **_filters())


@bp.get("/coverage/<int:unit_id>/<int:law_id>")
@permission("legal.view")
def not_reached(unit_id, law_id):
    """Who in a unit has not yet been reached by a law this year."""
    unit, law = get_or_404(Unit, unit_id), get_or_404(Law, law_id)
    year = _year(request.args)
    return htmx.render("legal/not_reached.html", unit=unit, law=law, year=year,
                       people=services.not_reached(unit, law, year))


# -- rosters --------------------------------------------------------------------------------------------

@bp.get("/staff")
@permission("legal.view")
def staff():
    """A unit's roster: import from Excel (with preview), export, and each person's learning record."""
    units = _units_in_scope()
    unit = get_or_404(Unit, request.args.get("unit", type=int)) if request.args.get("unit") else \
        (current_user.unit if not sees_everything(current_user) else (units[0] if units else abort(404)))
    people = list(StaffMember.select().where(StaffMember.unit == unit.id).order_by(StaffMember.active.desc(),
                                                                                   StaffMember.employee_no))
    return htmx.render("legal/staff.html", unit=unit, units=units, people=people)


@bp.get("/staff/template.xlsx")
@permission("legal.view")
def roster_template():
    """An empty roster workbook with the expected headers and one sample row, marked as a sample (the
    import skips it, so a template uploaded as it is imports nobody)."""
    sample = StaffMember(name=f"{services.SAMPLE_MARK}张某某（此行可保留或删除，不会导入）", post="营业员", employee_no="0001")
    return excel.response("花名册导入模板.xlsx", [Sheet("花名册", ROSTER_COLUMNS, rows=[sample])])


@bp.get("/staff/<int:unit_id>.xlsx")
@permission("legal.view")
def roster_export(unit_id):
    """The unit's roster as Excel, in the import layout (so it can be edited and imported back)."""
    unit = get_or_404(Unit, unit_id)
    return excel.response(f"花名册-{unit.name}.xlsx", [Sheet("花名册", ROSTER_COLUMNS, rows=services.roster(unit))])


@bp.post("/staff/<int:unit_id>/import")
@permission("legal.record")
def roster_upload(unit_id):
    """Upload a roster workbook and see what it would add, change or reject."""
    unit = get_or_404(Unit, unit_id)
    return excel.preview_page(services.ROSTER, "legal/import_preview.html", url_for("legal.staff", unit=unit.id),
                              lambda token: url_for("legal.roster_commit", unit_id=unit.id, token=token), unit=unit)


@bp.post("/staff/<int:unit_id>/import/<token>")
@permission("legal.record")
def roster_commit(unit_id, token):
    """Apply a previewed import, all of it or nothing."""
    unit = get_or_404(Unit, unit_id)
    back = url_for("legal.staff", unit=unit.id)
    return excel.commit_page(services.ROSTER, token, current_user._get_current_object(), back,
                             lambda done: (f"已导入：新增 {len(done.added)} 人，变更 {len(done.changed)} 人。", back),
                             unit=unit)


@bp.get("/staff/search")
@permission("legal.view")
def staff_search():
    """Search-as-you-type for the attendee picker: active staff in scope matching a name or number."""
    term = (request.args.get("q") or "").strip()
    people = []
    if term:
        query = StaffMember.visible_to(current_user).where(StaffMember.active == True,  # noqa: E712
                                                           StaffMember.name.contains(term) | StaffMember.employee_no.contains(term))
        if int_arg(request.args, "unit"):
            unit = Unit.get_or_none(Unit.id == int_arg(request.args, "unit"))
            if unit is not None and unit.level > 1:
                query = query.where(StaffMember.unit.in_(Unit.select(Unit.id).where(Unit.path.startswith(unit.path))))
        people = list(query.order_by(StaffMember.name).limit(20))
    return htmx.fragment("legal/_search_results.html", people=people, term=term)


@bp.get("/staff/roster")
@permission("legal.record")
def staff_roster():
    """The whole active roster of the session's unit (its subtree) as picked attendees in one step
    (全体在职): the clerk then unticks who did not come. Only people the user may see."""
    unit = Unit.get_or_none(Unit.id == int_arg(request.args, "unit")) if int_arg(request.args, "unit") else None
    people = []
    if unit is not None:
        people = list(StaffMember.visible_to(current_user, StaffMember, Unit).join(Unit)
                      .where(StaffMember.active == True, Unit.path.startswith(unit.path))  # noqa: E712
                      .order_by(Unit.path, StaffMember.employee_no, StaffMember.id))
    return htmx.fragment("legal/_roster_chips.html", people=people, unit=unit)


@bp.post("/sessions/sign-in")
@permission("legal.record")
def sign_in_sheet():
    """A sign-in sheet (Excel: 姓名, 工号) read against the organising unit's roster: the people found are
    added to the session form as ticked attendees, the rows not found are listed with their reason. The
    upload is forgotten at once (it names people); the session is saved only when the form is."""
    unit = Unit.get_or_none(Unit.id == int_arg(request.form, "unit")) if int_arg(request.form, "unit") else None
    people, preview, error = [], None, None
    if unit is None:
        error = "请先选择组织单位。"
    else:
        try:
            token = excel.stash(request.files.get("sheet"))
            try:
                preview = services.SIGN_IN.preview(token, unit=unit, user=current_user._get_current_object())
            finally:
                excel.discard(token)
            # Only people not on the form already (ticked or not) are added.
            on_form = set(int_list(request.form.getlist("attendee")))
            people = [p for p in preview.added if p.id not in on_form]
        except RuleError as exc:
            error = str(exc)
    return htmx.fragment("legal/_sign_in_result.html", people=people, preview=preview, error=error, unit=unit)


@bp.get("/staff/<int:staff_id>/chip")
@permission("legal.record")
def staff_chip(staff_id):
    """A picked attendee, as a checked box added to the session form."""
    return htmx.fragment("legal/_chip.html", member=get_or_404(StaffMember, staff_id))


@bp.get("/staff/person/<int:staff_id>")
@permission("legal.view")
def person(staff_id):
    """One person's learning record: which laws, when, with what score."""
    member = get_or_404(StaffMember, staff_id)
    return htmx.render("legal/person.html", member=member, rows=services.learning_record(member))


# -- sessions -------------------------------------------------------------------------------------------

@bp.route("/sessions/new", methods=["GET", "POST"])
@permission("legal.record")
def session_new():
    """Record a session: laws covered, attendees picked by typing."""
    units = _units_in_scope()
    if can("legal.bureau_sessions"):
        units = list(Unit.select().where(Unit.level == 1)) + units
    laws = list(Law.select().where(Law.active == True).order_by(Law.sort_order, Law.id))  # noqa: E712
    form, error, errors = request.form, None, {}
    if request.method == "POST":
        unit = Unit.get_or_none(Unit.id == int_arg(form, "unit")) if int_arg(form, "unit") else None
        try:
            held_on = datetime.date.fromisoformat(form["held_on"]) if form.get("held_on") else None
        except ValueError:
            held_on, errors["held_on"] = None, "请填写正确的活动日期。"
        chosen_laws = [law for law in laws if str(law.id) in form.getlist("law")]
        # Every problem of the form at once, each beside its field; nothing typed is lost.
        errors = {"unit": None if unit is not None and unit.id in {u.id for u in units} else "请选择组织单位。",
                  **services.session_problems(held_on=held_on, form=form.get("form"), title=form.get("title"),
                                              laws=chosen_laws), **errors}
        errors = {k: v for k, v in errors.items() if v}
        if not errors:
            try:
                attendees = [get_or_404(StaffMember, i) for i in int_list(form.getlist("attendee"))]
                session = services.record_session(
                    unit=unit, held_on=held_on, form=form.get("form"), title=form.get("title"),
                    speaker=form.get("speaker"), notes=form.get("notes"), laws=chosen_laws, attendees=attendees,
                    user=current_user._get_current_object())
            except RuleError as exc:
                errors = exc.fields or {}
                error = None if exc.fields else str(exc)
            else:
                flash("已登记普法活动。", "success")
                return htmx.redirect_to(url_for("legal.session", session_id=session.id))
    picked = [StaffMember.get_or_none(StaffMember.id == i) for i in int_list(form.getlist("attendee"))] if form else []
    return htmx.render("legal/session_new.html", units=units, laws=laws, forms=FORMS, form=form, error=error,
                       errors=errors, picked=[p for p in picked if p], today=clock.today(),
                       status=422 if error or errors else 200)


@bp.get("/sessions/<int:session_id>")
@permission("legal.view")
def session(session_id):
    """A session: its laws, attendees and (for exams and contests) scores; in a bureau-wide session a
    unit's users see only their own people."""
    s = get_or_404(LegalSession, session_id)
    attendance = list(Attendance.visible_to(current_user).select(Attendance, StaffMember, Unit).join(StaffMember)
                      .join(Unit).where(Attendance.session == s.id).order_by(Unit.path, StaffMember.employee_no))
    files = LegalSession.organised_within(current_user).where(LegalSession.id == s.id).exists()
    return htmx.render("legal/session.html", s=s, attendance=attendance, scored=s.form in SCORED_FORMS,
                       laws=[sl.law for sl in s.session_laws.select(SessionLaw, Law).join(Law)],
                       files=files, attachments=attachments_of("legal_session", s, current_user) if files else [])


@bp.post("/sessions/<int:session_id>/scores/<int:attendance_id>")
@permission("legal.record")
def score(session_id, attendance_id):
    """Save one attendee's score."""
    s = get_or_404(LegalSession, session_id)
    a = get_or_404(Attendance, attendance_id)  # another unit's attendee of a bureau-wide session: 404
    if a.session_id != s.id:
        abort(404)
    error = None
    try:
        services.set_score(s, a, request.form.get("score", ""), current_user._get_current_object())
    except RuleError as exc:
        error = str(exc)
    return htmx.fragment("legal/_score_row.html", status=422 if error else 200, a=Attendance.get_by_id(a.id), s=s,
                         error=error, scored=True)


# -- plan, exports, summary ----------------------------------------------------------------------------

@bp.route("/plan", methods=["GET", "POST"])
@permission("legal.manage")
def plan():
    """The year's plan: laws to cover, target coverage, planned sessions; and the law catalogue."""
    year = _year(request.values)
    if request.method == "POST":
        user, form = current_user._get_current_object(), request.form
        try:
            if form.get("new_law", "").strip():
                law = services.add_law(form["new_law"], form.get("category", ""), user)
                flash(f"已将《{law.name}》加入法律目录。", "success")
            else:
                services.save_plan(year, target_rate=form.get("target_rate", "90"),
                                   planned_sessions=form.get("planned_sessions", "0"), notes=form.get("notes", ""),
                                   law_ids=form.getlist("law"), user=user)
                flash(f"{year}年度普法计划已保存。", "success")
        except RuleError as exc:
            flash(str(exc), "error")
        return redirect(url_for("legal.plan", year=year))
    plan_ = LegalPlan.get_or_none(LegalPlan.year == year)
    laws = list(Law.select().order_by(Law.sort_order, Law.id))
    chosen = {pl.law_id for pl in plan_.plan_laws} if plan_ else {law.id for law in laws if law.active}
    return htmx.render("legal/plan.html", plan=plan_, laws=laws, chosen=chosen, year=year)


def _percent(rate):
    return round(float(rate or 0), 1)


@bp.get("/export.xlsx")
@permission("legal.view")
def export():
    """Sessions, attendance and the coverage matrix of the year, in one workbook."""
    year = _year(request.args)
    sessions = _sessions(request.args)
    cov = _cov(request.args)
    attendance = (Attendance.visible_to(current_user).select(Attendance, StaffMember, Unit, LegalSession)
                  .join(StaffMember).join(Unit).switch(Attendance).join(LegalSession)
                  .where(Attendance.session.in_(sessions.select(LegalSession.id).order_by()))
                  .order_by(LegalSession.held_on, LegalSession.id, Unit.path, StaffMember.employee_no))
    return excel.response(f"{year}年度普法台账.xlsx", [
        Sheet("活动", [
            Column("日期", lambda s: s.held_on, 12, "yyyy-mm-dd"), Column("单位", lambda s: s.unit.name, 22),
            Column("形式", lambda s: s.form_label, 10), Column("名称", lambda s: s.title, 30),
            Column("主讲", lambda s: s.speaker, 10), Column("法律", lambda s: "、".join(s.law_names), 50),
            Column("人数", lambda s: s.attendee_count, 8, "0"),
        ], rows=services.with_laws_and_attendees(sessions, current_user)),
        Sheet("签到与成绩", [
            Column("日期", lambda a: a.session.held_on, 12, "yyyy-mm-dd"), Column("活动", lambda a: a.session.title, 30),
            Column("单位", lambda a: a.staff.unit.name, 22), Column("姓名", lambda a: a.staff.name, 10),
            Column("工号", lambda a: a.staff.employee_no, 10), Column("成绩", lambda a: a.score, 8, "0.0"),
        ], rows=attendance),
        Sheet("受教育面", [Column("单位", lambda u: u.name, 22), Column("在职人数", lambda u: cov.headcount.get(u.id, 0), 10, "0")]
              + [Column(law.name, lambda u, law=law: _percent(cov.rate(u.id, law.id)), 14, "0.0") for law in cov.laws]
              + [Column("合计受教育面%", lambda u: _percent(cov.rate(u.id)), 14, "0.0")], rows=cov.units),
    ])


# How each form of session is counted in a summary: 讲座三场, 培训两期, 考试一次, 宣传栏四期, 发放资料两次.


@bp.get("/summary.pdf")
@permission("legal.view")
def summary_pdf():
    """The yearly 普法 summary: sessions held, people reached, by law and by unit."""
    year = _year(request.args)
    counts = dict(_sessions({"year": str(year)}).select(LegalSession.form, fn.COUNT(LegalSession.id)).order_by()
                  .group_by(LegalSession.form).tuples())
    by_form = [(label, counts[form], MEASURE_WORDS[form]) for form, label in FORMS.items() if form in counts]
    cov = services.coverage(current_user, year)
    # Signed by the user's own body: the bureau for its staff, the unit for a unit's summary of its subtree.
    issuer = current_user.unit.name if not sees_everything(current_user) else Unit.get(Unit.parent.is_null()).name
    data = pdf.render("legal/pdf/summary.html", year=year, held=sum(n for _, n, _ in by_form), cov=cov,
                      by_form=by_form, heads=sum(cov.headcount.values()), reached=sum(cov.reached_any.values()),
                      issuer=issuer, today=clock.today())
    return pdf.response(data, f"{year}年度普法工作情况.pdf")
