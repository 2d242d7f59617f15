"""Views of the organisation behind the work: leading groups (as of a day, notice PDF, Excel), the
quarterly meetings table and meeting records with their decisions, minutes PDF, contact units and the
leader's dashboard of visits, duty rosters (grid, PDF, Excel) and spot checks."""
import datetime

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import clock, excel, htmx, pdf
from ..access import can, get_or_404, permission
from ..excel import Column, Sheet
from ..forms import year_arg
from ..models import Unit, User
from ..models.governance import (CHECK_RESULTS, POSITIONS, ContactUnit, DutyRoster, LeadingGroup, Meeting,
                                 MeetingBody, SpotCheck)
from ..pagination import paginate
from ..supervision.urgency import urgency
from ..users.services import unit_choices
from ..workflow import RuleError
from . import bp, module, printing, services
from .forms import (BodyForm, CheckForm, ContactForm, EndMemberForm, GroupForm, MeetingForm, MemberForm, QuarterForm,
                    RosterForm, VisitForm)

CHANGED = "governanceChanged"


def _year(args=None):
    return year_arg(request.args if args is None else args) or clock.today().year


def _user():
    return current_user._get_current_object()


def _unit(unit_id):
    """A unit the user sees (None otherwise): submitted ids are never trusted."""
    return Unit.visible_to(_user()).where(Unit.id == unit_id, Unit.active == True).first() if unit_id else None  # noqa: E712


def _page(template, fragments, status=200, **context):
    """The page, or for htmx the fragment of the region that asked (its pager or live poll names itself
    in HX-Target), so one view serves its page and each of its paginated or live regions."""
    fragment = fragments.get(request.headers.get("HX-Target", "")) if htmx.is_htmx() else None
    if fragment:
        return htmx.fragment(fragment, status=status, **context)
    return htmx.render(template, status=status, **context)


def _unit_select(field, with_blank=False):
    field.choices = ([(0, "（请选择）")] if with_blank else []) + unit_choices(_user())


@module.card
def governance_card(user, year):
    if not can("governance.view", user):
        return None
    missing, leaderless = services.group_flags(user)
    this_year, quarter = services.quarter_of(clock.today())
    quarter = quarter if year == this_year else 4  # a past year: how its last quarter ended
    cells = [cells[quarter - 1] for _, cells in services.quarter_table(user, year)]
    due = sum(1 for c in cells if c.state in ("due", "missed"))
    return {"title": f"第{quarter}季度综治议事", "value": f"{sum(1 for c in cells if c.state == 'held')}/{len(cells)}",
            "note": f"待召开 {due} 个；领导小组待完善 {len(missing) + len(leaderless)} 个",
            "url": url_for("governance.meetings", year=year)}


@module.card
def contact_units_card(user, year):
    """A leader's contact units of the year and how much open work they hold."""
    if not can("governance.visit", user):
        return None
    work = services.open_work(services.contact_units(user, year), year)
    if not work:
        return None
    return {"title": "我的定点联系单位", "value": len(work),
            "note": f"逾期督办 {sum(w.overdue_items for w in work)} 项，在办信访 {sum(w.open_petitions for w in work)} 件",
            "url": url_for("governance.leader")}


@module.unit_panel
def unit_organisation(unit, user):
    """A unit's leading group (组长 today), its contact leaders this year, and its bodies' quarters."""
    year = clock.today().year
    groups = [row for row in services.groups(user) if row[0].unit_id == unit.id]
    leaders = [c.leader.display_name for c in services.contacts(user, year).where(ContactUnit.unit == unit.id)]
    table = [(body, cells) for body, cells in services.quarter_table(user, year) if body.unit_id == unit.id]
    if not groups and not leaders and not table:
        return None
    return "governance/_unit_panel.html", {"groups": groups, "leaders": leaders, "table": table, "year": year}


# -- leading groups ------------------------------------------------------------------------------------

def _on(args):
    value = (args.get("on") or "").strip()
    try:
        return datetime.date.fromisoformat(value) if value else clock.today()
    except ValueError:
        return clock.today()


@bp.get("/")
@permission("governance.view")
def index():
    """领导小组: every group the user sees with its 组长 and size, and the flags (no group / no 组长)."""
    form = GroupForm(data={"established_on": clock.today()})
    form.unit.choices = [(u.id, u.name) for u in services.group_bodies()]
    missing, leaderless = services.group_flags(_user())
    return htmx.render("governance/index.html", groups=services.groups(_user()), missing=missing,
                       leaderless=leaderless, form=form)


@bp.post("/groups/new")
@permission("governance.manage")
def group_new():
    """成立领导小组 for the bureau or a second-level body."""
    form = GroupForm()
    form.unit.choices = [(u.id, u.name) for u in services.group_bodies()]
    if form.validate_on_submit():
        try:
            group = services.create_group(unit=Unit.get_or_none(Unit.id == form.unit.data), name=form.name.data,
                                          offices=form.offices.data, established_on=form.established_on.data,
                                          user=_user())
        except RuleError as exc:
            form.refuse(exc, "unit")
        else:
            flash(f"已成立{group.name}，请添加成员。", "success")
            return redirect(url_for("governance.group", group_id=group.id))
    missing, leaderless = services.group_flags(_user())
    return htmx.render("governance/index.html", groups=services.groups(_user()), missing=missing,
                       leaderless=leaderless, form=form, status=422)


def _member_form(formdata=None):
    form = MemberForm(formdata, data={"start_date": clock.today()} if formdata is None else None)
    form.account.choices = [(0, "（不关联账号）")] + [(u.id, f"{u.display_name}（{u.unit.name}）") for u in
                                                 User.select(User, Unit).join(Unit).where(User.active == True)  # noqa: E712
                                                 .order_by(Unit.level, Unit.sort_order, User.id)]
    return form


def _group_context(group, day, member_form=None, end_form=None):
    members = services.members_on(group, day)
    history = list(group.members.order_by(services.GroupMember.start_date.desc(), services.GroupMember.id.desc()))
    return {"group": group, "day": day, "members": members, "history": history,
            "has_leader": any(m.position == "leader" for m in members),
            "member_form": member_form or _member_form(),
            "end_form": end_form or EndMemberForm(data={"end_date": clock.today()}), "positions": POSITIONS}


@bp.get("/groups/<int:group_id>")
@permission("governance.view")
def group(group_id):
    """One leading group as it stood on a day (?on=), with its dated changes."""
    group = get_or_404(LeadingGroup, group_id)
    return htmx.render("governance/group.html", **_group_context(group, _on(request.args)))


@bp.post("/groups/<int:group_id>/members")
@permission("governance.manage")
def member_add(group_id):
    """A person joins the group (or takes a new place in it) from a date."""
    group = get_or_404(LeadingGroup, group_id)
    form = _member_form(request.form)
    if form.validate_on_submit():
        account = User.get_or_none(User.id == form.account.data) if form.account.data else None
        try:
            member = services.add_member(group, name=form.name.data, post=form.post.data, position=form.position.data,
                                         duty=form.duty.data, in_charge=form.in_charge.data,
                                         start_date=form.start_date.data, account=account, user=_user())
        except RuleError as exc:
            form.refuse(exc, "name")
        else:
            flash(f"{member.name}自 {member.start_date} 起任{member.position_label}。", "success")
            return redirect(url_for("governance.group", group_id=group.id))
    return htmx.render("governance/group.html", **_group_context(group, clock.today(), member_form=form), status=422)


@bp.post("/groups/<int:group_id>/members/end")
@permission("governance.manage")
def member_end(group_id):
    """A person leaves the group from a date (免去): the place is kept, dated."""
    group = get_or_404(LeadingGroup, group_id)
    form = EndMemberForm()
    if form.validate_on_submit():
        member = group.members.where(services.GroupMember.id == form.member.data).first()
        try:
            if member is None:
                raise RuleError("该成员不在本领导小组中。")
            services.end_member(member, end_date=form.end_date.data, user=_user())
        except RuleError as exc:
            form.refuse(exc, "end_date")
        else:
            flash(f"已免去{member.name}的{member.position_label}（{member.end_date} 起）。", "success")
            return redirect(url_for("governance.group", group_id=group.id))
    return htmx.render("governance/group.html", **_group_context(group, clock.today(), end_form=form), status=422)


@bp.get("/groups/<int:group_id>/notice.pdf")
@permission("governance.view")
def group_pdf(group_id):
    """关于调整…领导小组成员及分工的通知 (official layout), as the group stood on the day (?on=)."""
    group = get_or_404(LeadingGroup, group_id)
    day = _on(request.args)
    return pdf.response(printing.group_notice(group, day), f"{group.name}成员及分工-{day}.pdf")


@bp.get("/groups/<int:group_id>/export")
@permission("governance.view")
def group_export(group_id):
    """The group's members and duties on a day, as Excel."""
    group = get_or_404(LeadingGroup, group_id)
    day = _on(request.args)
    columns = [Column("小组职务", lambda m: m.position_label, 12), Column("姓名", lambda m: m.name, 12),
               Column("职务", lambda m: m.post, 28), Column("分管负责人", lambda m: "是" if m.in_charge else "", 10),
               Column("分工", lambda m: m.duty, 60), Column("任职日期", lambda m: m.start_date, 12, "yyyy-mm-dd")]
    return excel.response(f"{group.name}成员及分工-{day}.xlsx",
                          [Sheet(group.name, columns, services.members_on(group, day))])


# -- quarterly meetings ------------------------------------------------------------------------------------

def _meetings_context(year, body_form=None, quarter_form=None):
    today = clock.today()
    current = services.quarter_of(today)
    return {"year": year, "table": services.quarter_table(_user(), year), "page": paginate(services.meetings(_user(), year)),
            "body_form": body_form or _body_form(), "quarter_form": quarter_form or QuarterForm(
                data={"year": current[0], "quarter": current[1]}),
            "current": current, "bodies": list(MeetingBody.visible_to(_user(), MeetingBody, Unit).join(Unit)
                                                              .order_by(MeetingBody.id))}


def _body_form(formdata=None):
    form = BodyForm(formdata)
    _unit_select(form.unit)
    return form


@bp.get("/meetings")
@permission("governance.view")
def meetings():
    """每季一次综治工作议事: the live body × quarter table (held / missed / decisions open) and the year's meetings."""
    return _page("governance/meetings.html", {"quarter-table": "governance/_quarter_table.html",
                                               "meeting-list": "governance/_meeting_list.html"},
                 **_meetings_context(_year()))


@bp.get("/meetings/export")
@permission("governance.view")
def meetings_export():
    """The year's body × quarter table as Excel."""
    year = _year()
    columns = [Column("议事主体", lambda r: r[0].name, 22), Column("单位", lambda r: r[0].unit.name, 24)] + [
        Column(f"第{q}季度", lambda r, q=q: r[1][q - 1].label + (f"（决定未办结 {r[1][q - 1].open_decisions}）"
                                                              if r[1][q - 1].open_decisions else ""), 22)
        for q in range(1, 5)]
    return excel.response(f"{year}年综治工作议事情况.xlsx",
                          [Sheet(f"{year}年议事情况", columns, services.quarter_table(_user(), year))])


@bp.post("/bodies/new")
@permission("governance.manage")
def body_new():
    """Add a body (Party committee or branch) that must meet every quarter."""
    form = _body_form(request.form)
    if form.validate_on_submit():
        try:
            body = services.add_body(unit=_unit(form.unit.data), name=form.name.data, user=_user())
        except RuleError as exc:
            form.refuse(exc, "name")
        else:
            flash(f"已将“{body.name}”列入议事主体名单，本季度议事已纳入督办。", "success")
            return redirect(url_for("governance.meetings"))
    return htmx.render("governance/meetings.html", **_meetings_context(_year(), body_form=form), status=422)


@bp.post("/bodies/<int:body_id>/toggle")
@permission("governance.manage")
def body_toggle(body_id):
    """Take a body off the list (or back on): it is never deleted."""
    body = get_or_404(MeetingBody, body_id)
    try:
        services.set_body_active(body, not body.active, _user())
    except RuleError as exc:
        flash(str(exc), "error")
    else:
        flash(f"已{'停用' if body.active else '启用'}“{body.name}”。", "success")
    return htmx.redirect_to(url_for("governance.meetings"))


@bp.post("/meetings/open-quarter")
@permission("governance.manage")
def open_quarter():
    """Open a quarter: one meeting due per active body, supervised to quarter end."""
    form = QuarterForm()
    if form.validate_on_submit():
        try:
            n = services.open_quarter(form.year.data, form.quarter.data, _user())
        except RuleError as exc:
            form.refuse(exc, "quarter")
        else:
            flash(f"已开启{form.year.data}年第{form.quarter.data}季度议事督办 {n} 项。" if n else "该季度的议事督办均已开启。",
                  "success")
            return redirect(url_for("governance.meetings", year=form.year.data))
    return htmx.render("governance/meetings.html", **_meetings_context(_year(), quarter_form=form), status=422)


def _meeting_form(formdata=None):
    form = MeetingForm(formdata, data={"held_on": clock.today()} if formdata is None else None)
    for entry in form.decisions:
        entry.form.unit.choices = [(0, "（请选择）")] + unit_choices(_user())
    return form


@bp.route("/bodies/<int:body_id>/meetings/new", methods=["GET", "POST"])
@permission("governance.meet")
def meeting_new(body_id):
    """Record a held meeting with its decisions; each decision goes to its owner as a supervised item."""
    body = get_or_404(MeetingBody, body_id)
    form = _meeting_form(request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        decisions = [services.DecisionInput(e.form.content.data, _unit(e.form.unit.data), e.form.owner_name.data,
                                            e.form.due_date.data)
                     for e in form.decisions if (e.form.content.data or "").strip() or e.form.unit.data]
        try:
            meeting = services.record_meeting(body, held_on=form.held_on.data, place=form.place.data,
                                              chair=form.chair.data, attendees=form.attendees.data,
                                              absentees=form.absentees.data, topics=form.topics.data,
                                              analysis=form.analysis.data, decisions=decisions, user=_user())
        except RuleError as exc:
            form.refuse(exc)
        else:
            flash(f"已录入会议纪要，{len(decisions)} 项决定已交办责任单位。", "success")
            return redirect(url_for("governance.meeting", meeting_id=meeting.id))
    return htmx.render("governance/meeting_new.html", body=body, form=form,
                       status=422 if request.method == "POST" else 200)


def _meeting_context(meeting):
    return {"m": meeting, "decisions": [(d, urgency(d.item) if d.item_id else None)
                                        for d in services.decisions_of(meeting)]}


@bp.get("/meetings/<int:meeting_id>")
@permission("governance.view")
def meeting(meeting_id):
    """One meeting: minutes and its decisions with their live supervision state."""
    meeting = get_or_404(Meeting, meeting_id)
    return htmx.render("governance/meeting.html", "governance/_decisions.html", **_meeting_context(meeting))


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@permission("governance.view")
def minutes_pdf(meeting_id):
    """会议纪要 in the official layout."""
    meeting = get_or_404(Meeting, meeting_id)
    return pdf.response(printing.minutes(meeting), f"{meeting.body.name}{meeting.year}年第{meeting.quarter}季度综治工作议事会议纪要.pdf")


# -- contact units and visits -----------------------------------------------------------------------------

def _contact_form(formdata=None, year=None):
    form = ContactForm(formdata, data={"year": year or clock.today().year} if formdata is None else None)
    form.leader.choices = [(u.id, u.display_name) for u in services.leaders()]
    form.unit.choices = [(u.id, u.name) for u in Unit.select().where(Unit.bodies(), Unit.active == True)  # noqa: E712
                         .order_by(Unit.level, Unit.sort_order)]
    return form


def _contacts_context(year, form=None):
    rows = list(services.contacts(_user(), year))
    work = {w.unit.id: w for w in services.open_work([c.unit for c in rows], year)}
    return {"year": year, "rows": rows, "work": work, "form": form or _contact_form(year=year),
            "page": paginate(services.visits(_user(), year))}


@bp.get("/contacts")
@permission("governance.view")
def contacts():
    """党组成员定点包单位: each leader's contact units for the year, their open work and the year's visits."""
    return _page("governance/contacts.html", {"visits": "governance/_visits.html"}, **_contacts_context(_year()))


@bp.post("/contacts/new")
@permission("governance.manage")
def contact_new():
    """Assign a unit to a leader for a year."""
    form = _contact_form(request.form)
    if form.validate_on_submit():
        try:
            services.assign_contact(leader=User.get_or_none(User.id == form.leader.data),
                                    unit=Unit.get_or_none(Unit.id == form.unit.data), year=form.year.data,
                                    user=_user())
        except RuleError as exc:
            form.refuse(exc, "unit")
        else:
            flash("已安排定点联系单位。", "success")
            return redirect(url_for("governance.contacts", year=form.year.data))
    return htmx.render("governance/contacts.html", **_contacts_context(_year(), form), status=422)


@bp.post("/contacts/<int:contact_id>/end")
@permission("governance.manage")
def contact_end(contact_id):
    """End an assignment (kept, inactive)."""
    contact = get_or_404(ContactUnit, contact_id)
    try:
        services.end_contact(contact, _user())
    except RuleError as exc:
        flash(str(exc), "error")
    else:
        flash(f"已解除与{contact.unit.name}的定点联系。", "success")
    return htmx.redirect_to(url_for("governance.contacts", year=contact.year))


def _visit_form(units, formdata=None):
    form = VisitForm(formdata, data={"visited_on": clock.today()} if formdata is None else None)
    form.unit.choices = [(u.id, u.name) for u in units]
    return form


def _leader_context(year, form=None):
    units = services.contact_units(_user(), year)
    return {"year": year, "work": services.open_work(units, year), "form": form or _visit_form(units),
            "page": paginate(services.visits(_user(), year, leader=_user()))}


@bp.get("/leader")
@permission("governance.visit")
def leader():
    """A leader's own contact units with their open work across modules, and their supervisory visits."""
    return _page("governance/leader.html", {"visits": "governance/_visits.html"}, **_leader_context(_year()))


@bp.post("/visits/new")
@permission("governance.visit")
def visit_new():
    """日常督查: log a visit; problems found may go to the unit as a supervised task in the same step."""
    year = _year(request.form) if request.form.get("year") else clock.today().year
    form = _visit_form(services.contact_units(_user(), year), request.form)
    if form.validate_on_submit():
        try:
            if form.task.data and form.task_due.data is None:
                raise RuleError("交办整改任务时请填写整改期限。")
            visit = services.log_visit(leader=_user(), unit=Unit.get_or_none(Unit.id == form.unit.data),
                                       visited_on=form.visited_on.data, checked=form.checked.data,
                                       problems=form.problems.data,
                                       task_due=form.task_due.data if form.task.data else None, user=_user())
        except RuleError as exc:
            form.refuse(exc)
        else:
            flash("已登记督查" + ("，问题已交办该单位整改。" if visit.item_id else "。"), "success")
            return redirect(url_for("governance.leader", year=year))
    return htmx.render("governance/leader.html", **_leader_context(year, form), status=422)


# -- duty rosters --------------------------------------------------------------------------------------------

def _roster_form(formdata=None):
    form = RosterForm(formdata)
    _unit_select(form.unit)
    return form


@bp.get("/rosters")
@permission("governance.view")
def rosters():
    """值班表: the year's rosters of the units the user sees."""
    year = _year()
    return _page("governance/rosters.html", {"rosters": "governance/_rosters_table.html"}, year=year,
                 page=paginate(services.rosters(_user(), year)), form=_roster_form())


@bp.post("/rosters/new")
@permission("governance.roster")
def roster_new():
    """Create a roster for a period: one row a day, then fill it in as a grid."""
    form = _roster_form(request.form)
    if form.validate_on_submit():
        try:
            roster = services.create_roster(unit=_unit(form.unit.data), title=form.title.data, kind=form.kind.data,
                                            start_date=form.start_date.data, end_date=form.end_date.data, user=_user())
        except RuleError as exc:
            form.refuse(exc, "end_date")
        else:
            flash("已建立值班表，请填写每日值班安排。", "success")
            return redirect(url_for("governance.roster", roster_id=roster.id))
    year = _year()
    return htmx.render("governance/rosters.html", year=year, page=paginate(services.rosters(_user(), year)), form=form,
                       status=422)


def _grid_rows(form):
    rows = {}
    for key in form:
        if key.startswith("person-"):
            raw = key.removeprefix("person-")
            if raw.isascii() and raw.isdigit() and len(raw) <= 18:
                shift_id = int(raw)
                rows[shift_id] = tuple(form.get(f"{name}-{raw}", "") for name in ("person", "leader", "phone"))
    return rows


def _roster_context(roster, rows=None, error=None):
    shifts = services.shifts_of(roster)
    if rows:  # a refused save shows what was typed, nothing lost
        for s in shifts:
            if s.id in rows:
                s.person, s.leader, s.phone = rows[s.id]
    return {"roster": roster, "shifts": shifts, "error": error,
            "checks": list(roster.checks.order_by(SpotCheck.checked_at))}


@bp.get("/rosters/<int:roster_id>")
@permission("governance.view")
def roster(roster_id):
    """One roster as an editable grid (date, person on duty, leader on duty, phone)."""
    roster = get_or_404(DutyRoster, roster_id)
    return htmx.render("governance/roster.html", **_roster_context(roster))


@bp.post("/rosters/<int:roster_id>")
@permission("governance.roster")
def roster_save(roster_id):
    """Save the grid if nobody saved it since the page was loaded (version check)."""
    roster = get_or_404(DutyRoster, roster_id)
    rows = _grid_rows(request.form)
    try:
        n = services.save_grid(roster, rows, _user(), request.form.get("version"))
    except RuleError as exc:
        flash(str(exc), "error")
        return htmx.render("governance/roster.html", "governance/_grid.html",
                           **_roster_context(roster, rows, str(exc)), status=422)
    flash(f"已保存，修改 {n} 天。", "success")
    if htmx.is_htmx():
        return htmx.fragment("governance/_grid.html", **_roster_context(DutyRoster.get_by_id(roster.id)))
    return redirect(url_for("governance.roster", roster_id=roster.id))


@bp.get("/rosters/<int:roster_id>/pdf")
@permission("governance.view")
def roster_pdf(roster_id):
    """The roster (节假日值班表) in the official layout."""
    roster = get_or_404(DutyRoster, roster_id)
    return pdf.response(printing.roster(roster), f"{roster.title}.pdf")


@bp.get("/rosters/<int:roster_id>/export")
@permission("governance.view")
def roster_export(roster_id):
    """The roster as Excel."""
    roster = get_or_404(DutyRoster, roster_id)
    return excel.response(f"{roster.title}.xlsx", [printing.roster_sheet(roster)])


# -- spot checks ----------------------------------------------------------------------------------------------

def _check_form(formdata=None):
    form = CheckForm(formdata, data={"checked_at": clock.to_local(clock.now()).replace(tzinfo=None, second=0,
                                                                                      microsecond=0)}
                     if formdata is None else None)
    _unit_select(form.unit)
    today = clock.today()
    form.roster.choices = [(0, "（不指定）")] + [
        (r.id, f"{r.unit.name} · {r.title}") for r in services.rosters(_user(), today.year)
        .where(DutyRoster.end_date >= today - datetime.timedelta(days=31))]
    return form


def _checks_context(year, form=None):
    return {"year": year, "page": paginate(services.checks(_user(), year)), "figures": services.check_figures(_user(), year),
            "by_unit": services.check_figures_by_unit(_user(), year),
            "form": form or _check_form(), "results": CHECK_RESULTS}


@bp.get("/checks")
@permission("governance.view")
def checks():
    """查岗: the year's spot checks and figures (checks, failures, units)."""
    return _page("governance/checks.html", {"checks": "governance/_checks_table.html"}, **_checks_context(_year()))


@bp.post("/checks/new")
@permission("governance.spotcheck")
def check_new():
    """Record a spot check; a failed one may raise a 通报批评 in the same step."""
    form = _check_form(request.form)
    if form.validate_on_submit():
        try:
            roster = DutyRoster.get_or_none(DutyRoster.id == form.roster.data) if form.roster.data else None
            check = services.record_check(unit=_unit(form.unit.data), roster=roster,
                                          checked_at=clock.local_to_utc(form.checked_at.data), method=form.method.data,
                                          result=form.result.data, on_duty=form.on_duty.data, note=form.note.data,
                                          raise_notice=form.criticise.data, user=_user())
        except RuleError as exc:
            form.refuse(exc)
        else:
            flash("已登记查岗" + ("，并已通报批评。" if check.sanction_id else "。"), "success")
            return redirect(url_for("governance.checks", year=check.year))
    return htmx.render("governance/checks.html", **_checks_context(_year(), form), status=422)


@bp.post("/checks/<int:check_id>/criticise")
@permission("governance.spotcheck")
def check_criticise(check_id):
    """通报批评 for a failed spot check, through the one-veto module's sanctions."""
    check = get_or_404(SpotCheck, check_id)
    try:
        services.criticise(check, _user())
    except RuleError as exc:
        flash(str(exc), "error")
    else:
        flash(f"已对{check.unit.name}通报批评。", "success")
    return htmx.redirect_to(url_for("governance.checks", year=check.year))




@module.daily
def _open_quarter_daily():
    """The current quarter's meeting dues, opened on its first day by the daily run (idempotent)."""
    return f"opened {services.open_quarter(*services.quarter_of(clock.today()), None)} meeting due(s)"


@bp.cli.command("open-quarter")
def open_quarter_command():
    """Open the current quarter's meeting dues for every active body (also part of the daily run,
    `flask --app portal remind`)."""
    import click

    from ..db import database

    with database.connection_context():
        n = services.open_quarter(*services.quarter_of(clock.today()), None)
    click.echo(f"opened {n} meeting due(s)")
