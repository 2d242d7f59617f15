"""Views of letters and visits: the live ledger, intake, the case page and its steps, extensions,
privacy reveal, repeats and escalation, tasks assigned from above, and the category list."""
import datetime
import uuid

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import audit, clock, htmx
from ..attachments import services as attachments
from ..access import can, get_or_404, permission
from ..attachments.services import attachments_of, register_owner
from ..forms import choices, error_text, int_arg, year_arg
from ..models import (CHANNELS, PETITION_STATES, TASK_SOURCES, AssignedTask, Petition,
                      PetitionCategory, Petitioner, Unit)
from ..models.petitions import TASK_ITEM, TASK_STATES
from ..pagination import paginate, search_text, sorted_by
from ..supervision import views as supervision_views
from ..supervision.urgency import urgency as item_urgency
from ..users.services import unit_choices
from ..workflow import RuleError
from .. import privacy
from . import bp, clocks, module, services, stats
from .forms import IntakeForm, StepForm, TaskForm, TaskReplyForm

CHANGED = "petitionsChanged"
register_owner("petition", Petition, "信访材料")
register_owner("petition_reply", Petition, "答复意见书")
register_owner("assigned_task", AssignedTask, "交办事项答复")


def selected_year(args):
    return year_arg(args) or clock.today().year


# -- the ledger (台账) ------------------------------------------------------------------------------

def filtered(user, args):
    """The cases a user may see under the filters in `args` (a query of Petition.listed(): a row's
    units, category and supervised items joined), most urgent first. Shared by the page, its live
    table and the Excel export.

    The colour itself is computed per case (supervision.urgency), so SQL orders by what it counts
    down to: cases owing something first, the nearest (most overdue) date first, then the newest.

    `q` finds a case by its number, a petitioner's name or words of its summary, in every year (a
    returning petitioner's earlier cases are what the desk looks for)."""
    year = selected_year(args)
    q = search_text(args)
    today = clock.today()
    if q:
        people = Petitioner.select(Petitioner.petition).where(Petitioner.name.contains(q))
        query = Petition.listed(user).where(Petition.number.contains(q) | Petition.title.contains(q)
                                            | Petition.id.in_(people))
    elif args.get("backlog") == "resolved":
        # Backlog cases resolved in the year, of whichever year they came in (the summary's drill-down).
        query = Petition.listed(user).where(clocks.backlog_resolved_sql(year, today))
    else:
        query = Petition.listed(user).where(Petition.year == year)
    month = int_arg(args, "month")
    if month and 1 <= month <= 12:
        start = datetime.date(year, month, 1)
        end = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
        query = query.where(Petition.received_on >= start, Petition.received_on < end)
    if args.get("channel") in CHANNELS:
        query = query.where(Petition.channel == args["channel"])
    if int_arg(args, "category"):
        query = query.where(Petition.category == int_arg(args, "category"))
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(stats.of_unit(unit))
    if args.get("state") in PETITION_STATES:
        query = query.where(Petition.state == args["state"])
    if args.get("kind") in ("group", "individual"):
        query = query.where(Petition.is_group == (args["kind"] == "group"))
    if args.get("backlog") == "1":
        query = query.where(clocks.backlog_sql(today))
    if args.get("visit_overdue") == "1":
        query = query.where(clocks.visit_overdue_sql(today))
    # The year-end summary's drill-downs: cases answered, cases visited, cases taken past the county.
    if args.get("resolved") == "1":
        query = query.where(stats.RESOLVED)
    if args.get("visited") == "1":
        query = query.where(stats.VISITED)
    if args.get("escalated") == "1":
        query = query.where(Petition.escalated == True)  # noqa: E712
    due = clocks.urgency_due_sql()
    return sorted_by(query, args, LEDGER_SORTS, (due.is_null(), due, Petition.received_on.desc(), Petition.id.desc()),
                     (Petition.id.desc(),))


# The ledger's sortable column headers (sort_th in the template); unsorted, it is most urgent first.
LEDGER_SORTS = {"number": Petition.number, "received": Petition.received_on, "channel": Petition.channel,
                "state": Petition.state, "headcount": Petition.headcount}


def _ledger_context(args):
    query = filtered(current_user, args)
    page = paginate(query)
    today = clock.today()
    rows = [(p, clocks.urgency(p, today)) for p in page.items]
    names = {}
    for person in (Petitioner.select().where(Petitioner.petition.in_([p.id for p in page.items]))
                   .order_by(Petitioner.seq)):
        names.setdefault(person.petition_id, []).append(person.name)
    return {"page": page, "rows": rows, "names": names, "summary": stats.ledger_summary(query, today), "args": args,
            "year": selected_year(args), "today": today,
            "backlog": {p.id for p, _ in rows if clocks.is_backlog(p, today)},
            "visit_late": {p.id for p, _ in rows if clocks.visit_overdue(p, today)},
            "channels": CHANNELS, "states": PETITION_STATES, "categories": services.categories(True),
            "units": unit_choices(current_user)}


@bp.get("/")
@permission("petitions.view")
def index():
    """The petition ledger (信访台账) with filters, updating in place, most urgent first."""
    return htmx.render("petitions/index.html", "petitions/_ledger.html", **_ledger_context(request.args))


# -- intake ----------------------------------------------------------------------------------------

def _intake_form():
    form = IntakeForm(data={"received_on": clock.today(), "headcount": 1, "token": uuid.uuid4().hex}
                      if request.method == "GET" else None)
    form.concerned_unit.choices = choices([(0, "（未确定）")] + unit_choices())
    form.category.choices = choices((c.id, c.name) for c in services.categories())
    return form


@bp.route("/new", methods=["GET", "POST"])
@permission("petitions.register")
def new():
    """登记: intake of a letter or visit; a repeated submission of the same form registers nothing."""
    form = _intake_form()
    if form.validate_on_submit():
        persons = [services.PersonInput(f.form.name.data or "", f.form.phone.data or "", f.form.id_number.data or "",
                                        f.form.is_leader.data) for f in form.persons]
        try:
            p, created = services.register(
                received_on=form.received_on.data, channel=form.channel.data, headcount=form.headcount.data,
                concerned_unit=Unit.get_or_none(Unit.id == form.concerned_unit.data),
                category=PetitionCategory.get_or_none(PetitionCategory.id == form.category.data),
                title=form.title.data, request=form.request.data, persons=persons, escalated=form.escalated.data,
                escalated_note=form.escalated_note.data, token=form.token.data, user=current_user._get_current_object())
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            if not created:
                flash(f"该登记表已提交过（{p.number}），未重复登记。", "error")
                return redirect(url_for("petitions.detail", petition_id=p.id))
            letter = request.files.get("letter")
            if letter and letter.filename:
                try:
                    attachments.save("petition", p, letter, current_user._get_current_object(), "来信或材料扫描件")
                except RuleError as exc:
                    flash(f"已登记 {p.number}，但材料未上传：{exc} 请在本页重新上传。", "error")
                    return redirect(url_for("petitions.detail", petition_id=p.id))
            flash(f"已登记信访事项 {p.number}，应于 {p.accept_due} 前告知是否受理。"
                  + ("已自动关联为重复信访。" if p.repeat_of_id else ""), "success")
            return redirect(url_for("petitions.detail", petition_id=p.id))
    status = 422 if request.method == "POST" else 200
    return htmx.render("petitions/new.html", form=form, status=status)


# -- one case ----------------------------------------------------------------------------------------

def _repeats(p, user):
    """The cases linked with this one that the user may see, and how many others there are."""
    linked = Petition.select().where((Petition.repeat_of == p.id) | (
        (Petition.id == p.repeat_of_id) if p.repeat_of_id else False))
    visible = list(Petition.visible_to(user).where(Petition.id.in_(linked)).order_by(Petition.received_on))
    return {"repeats": visible, "hidden_repeats": linked.count() - len(visible)}


# Other modules' notes on a case, fn(petition, user) -> [(text, url)], shown to those who may see what
# they link to: e.g. the key-person register's "在册重点人员", the dispute a case came from.
CASE_NOTES = []


def _detail_context(p, revealed=None, draft=None, draft_action=None):
    user = current_user._get_current_object()
    item = p.handling_item
    step_form = StepForm(data={"on": clock.today(), "version": p.version, "handler_name": p.handler_name})
    step_form.unit.choices = choices(unit_choices())
    return {
        "p": p, "u": clocks.urgency(p), "limit": clocks.current_limit(p), "backlog": clocks.is_backlog(p),
        "backlog_since": clocks.backlog_since(p), "review_window": clocks.review_window(p),
        "visit_late": clocks.visit_overdue(p),
        "actions": services.available(user, p), "transitions": services.WORKFLOW,
        "people": revealed or list(p.petitioners.order_by(Petitioner.seq)), "revealed": revealed is not None,
        "mask_id": privacy.mask_id, "mask_phone": privacy.mask_phone,
        "visits": list(p.visits.order_by(p.visits.model.id)),
        **_repeats(p, user),
        "candidates": [c for c in services.repeat_candidates(p) if c.petition.id != p.repeat_of_id]
        if can("petitions.register", user) else [],
        "veto": services.veto_proposal(p), "item": item, "item_u": item_urgency(item) if item else None,
        "form": step_form, "replies": attachments_of("petition_reply", p, user),
        "history": audit.history("petition", p.id),
        "case_notes": [note for hook in CASE_NOTES for note in hook(p, user)],
        # A refused step shows its form again with what was typed (files cannot be kept by a browser).
        "draft": draft or {}, "draft_action": draft_action,
    }


@bp.get("/<int:petition_id>")
@permission("petitions.view")
def detail(petition_id):
    """One case: its clocks, what the user may do next, petitioners, visits, repeats and history."""
    p = get_or_404(Petition, petition_id)
    return htmx.render("petitions/detail.html", "petitions/_detail_live.html", **_detail_context(p))


def _after(p, message=None, error=None, action=None):
    draft = request.form if error else None
    return htmx.outcome("petitions/_detail_live.html",
                        lambda: _detail_context(Petition.get_by_id(p.id), draft=draft, draft_action=action),
                        url_for("petitions.detail", petition_id=p.id), message=message, error=error, trigger=CHANGED)


def _attempt(p, action, message):
    """Take an action on the case and answer with its page: a refusal is its message."""
    return htmx.attempt(action, "petitions/_detail_live.html", lambda: _detail_context(Petition.get_by_id(p.id)),
                        url_for("petitions.detail", petition_id=p.id), message=message, trigger=CHANGED)


STEP_MESSAGES = {"accept": "已受理，答复期限已起算。", "not_accept": "已登记不予受理，请打印告知书送达信访人。",
                 "assign": "已交办，承办单位已收到待办。", "start": "已签收，请在期限内办理并书面答复。",
                 "reply": "已书面答复，回访期限已起算。", "visit": "已记录回访。", "conclude": "已办结。",
                 "request_review": "已登记复查申请，应在 30 日内答复。", "answer_review": "已作出复查答复，事项办结。"}


@bp.post("/<int:petition_id>/step/<action>")
@permission("petitions.act")
def step(petition_id, action):
    """Take one step of the case: 受理, 不予受理, 交办, 签收, 答复, 回访, 办结, 复查."""
    p = get_or_404(Petition, petition_id)
    if action not in services.WORKFLOW:
        abort(404)
    form = StepForm()
    form.unit.choices = choices(unit_choices())
    if not form.validate():
        return _after(p, error=error_text(form), action=action)
    user, data = current_user._get_current_object(), form.data
    version, on, note = request.form.get("version"), data["on"], data["note"]
    try:
        if action == "accept":
            p = services.accept(p, user, on=on, note=note, version=version)
        elif action == "not_accept":
            p = services.not_accept(p, user, on=on, reason=note, version=version)
        elif action == "assign":
            unit = Unit.get_or_none(Unit.id == data["unit"]) if data["unit"] else None
            p = services.assign(p, user, unit=unit, handler_name=data["handler_name"], on=on, version=version)
        elif action == "start":
            p = services.start(p, user, version=version)
        elif action == "reply":
            p = services.reply(p, user, on=on, text=note, document=request.files.get("document"), version=version)
        elif action == "visit":
            p = services.visit(p, user, on=on, visitor=data["visitor"], method=data["method"],
                               satisfaction=data["satisfaction"], notes=note, version=version)
        elif action == "conclude":
            p = services.close(p, user, version=version)
        elif action == "request_review":
            p = services.request_review(p, user, on=on, reason=note, version=version)
        else:
            p = services.answer_review(p, user, on=on, text=note, document=request.files.get("document"), version=version)
    except RuleError as exc:  # the form comes back with what was typed
        return _after(p, error=str(exc), action=action)
    message = STEP_MESSAGES[action]
    if action == "visit" and p.state == "handling":
        message = "信访人不满意，事项已退回承办单位重新办理。"
    return _after(p, message)


@bp.post("/<int:petition_id>/reveal")
@permission("petitions.reveal")
def reveal(petition_id):
    """Show one case's full ID numbers and phones (office and leaders); every reveal is audited."""
    p = get_or_404(Petition, petition_id)
    try:
        people = services.reveal(p, current_user._get_current_object())
    except RuleError as exc:
        return _after(p, error=str(exc))
    return htmx.render("petitions/detail.html", "petitions/_detail_live.html", **_detail_context(p, revealed=people))


@bp.post("/<int:petition_id>/link/<int:other_id>")
@permission("petitions.register")
def link(petition_id, other_id):
    """Confirm a likely repeat: link this case to an earlier one."""
    p, other = get_or_404(Petition, petition_id), get_or_404(Petition, other_id)
    return _attempt(p, lambda: services.link_repeat(p, other, current_user._get_current_object()),
                    f"已关联为 {other.number} 的重复信访。")


@bp.post("/<int:petition_id>/escalate")
@permission("petitions.register")
def escalate(petition_id):
    """Flag a case as taken past the county (越级访)."""
    p = get_or_404(Petition, petition_id)
    return _attempt(p, lambda: services.mark_escalated(p, current_user._get_current_object(), request.form.get("note", "")),
                    "已标记为越级访。")


@bp.post("/<int:petition_id>/veto")
@permission("veto.propose")
def propose_veto(petition_id):
    """An escalated group petition proposes 一票否决 for the unit concerned, in one step."""
    p = get_or_404(Petition, petition_id)
    return _attempt(p, lambda: services.propose_veto(p, current_user._get_current_object()),
                    lambda veto: f"已对{veto.unit.name}提出一票否决，等待局领导确认。")


# The case page shows its handling item's extension requests through the supervision core's partial;
# the core answers a request or decision with the case's live fragment.
supervision_views.extensions_on_page(
    services.HANDLING_TYPES, "petitions/_detail_live.html",
    lambda item: _detail_context(Petition.get_by_id(item.source_id)), CHANGED)


@module.unit_panel
def unit_petitions(unit, user):
    """A unit's open cases and overdue visits, on its page."""
    rows = [(p, clocks.urgency(p)) for p in Petition.listed(user).where(
        Petition.unit.in_(unit.subtree().select(Unit.id)), Petition.state.in_(("assigned", "handling", "replied", "review")))]
    if not rows:
        return None
    rows.sort(key=lambda r: (r[1].severity if r[1] else 9, r[0].id))
    return "petitions/_unit_panel.html", {"rows": rows}


# -- tasks assigned from above (上级交办) --------------------------------------------------------------

def filtered_tasks(user, args):
    """The assigned tasks a user may see under the filters in `args`, their units and supervised items
    joined; shared by the list and its export."""
    query = AssignedTask.listed(user).where(AssignedTask.year == selected_year(args))
    if args.get("source") in TASK_SOURCES:
        query = query.where(AssignedTask.source == args["source"])
    if args.get("state") in TASK_STATES:
        query = query.where(AssignedTask.state == args["state"])
    if args.get("late") == "1":  # answered late, or unanswered past the deadline
        query = query.where(services.task_late_sql())
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(AssignedTask.unit.in_(unit.subtree().select(Unit.id)))
    q = search_text(args)
    if q:
        query = query.where(AssignedTask.ref_number.contains(q) | AssignedTask.title.contains(q))
    return query


# The task list's sortable column headers (sort_th); unsorted, open tasks first, the nearest deadline first.
TASK_SORTS = {"due": TASK_ITEM.due_date, "source": AssignedTask.source, "ref": AssignedTask.ref_number,
              "received": AssignedTask.received_on, "replied": AssignedTask.replied_on, "state": AssignedTask.state}


def _tasks_context(args):
    """Open tasks first, the nearest deadline first (the colour, computed per task, follows it)."""
    year = selected_year(args)
    query = sorted_by(filtered_tasks(current_user, args), args, TASK_SORTS,
                      (AssignedTask.state != "open", TASK_ITEM.due_date, AssignedTask.received_on.desc(),
                       AssignedTask.id.desc()), (AssignedTask.id.desc(),))
    page = paginate(query)
    rows = [(t, item_urgency(t.item) if t.item else None) for t in page.items]
    on_time, counted = services.task_on_time_rate(year, current_user)
    return {"page": page, "rows": rows, "args": args, "year": year, "sources": TASK_SOURCES, "states": TASK_STATES,
            "units": unit_choices(current_user), "on_time": on_time, "counted": counted}


@bp.get("/tasks")
@permission("petitions.view")
def tasks():
    """Tasks assigned from above with their replies and the year's on-time reply rate; live."""
    return htmx.render("petitions/tasks.html", "petitions/_tasks_table.html", **_tasks_context(request.args))


@bp.route("/tasks/new", methods=["GET", "POST"])
@permission("petitions.tasks_manage")
def task_new():
    """Register an NPC suggestion, CPPCC proposal or leaders' letter and hand it to a unit."""
    form = TaskForm(data={"received_on": clock.today()} if request.method == "GET" else None)
    form.unit.choices = choices(unit_choices())
    if form.validate_on_submit():
        try:
            task = services.create_task(source=form.source.data, ref_number=form.ref_number.data, title=form.title.data,
                                        content=form.content.data, received_on=form.received_on.data,
                                        due_date=form.due_date.data, unit=Unit.get_or_none(Unit.id == form.unit.data),
                                        user=current_user._get_current_object())
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"已登记并交{task.unit.name}办理，{task.due_date} 前书面答复。", "success")
            return redirect(url_for("petitions.task", task_id=task.id))
    return htmx.render("petitions/task_new.html", form=form, status=422 if request.method == "POST" else 200)


def _task_context(task, draft=None):
    item = task.item
    return {"task": task, "item": item, "u": item_urgency(item) if item else None,
            "may_reply": services.may_reply_task(current_user, task) is None,
            "form": TaskReplyForm(data={"on": clock.today()}), "draft": draft or {},
            "replies": attachments_of("assigned_task", task, current_user)}


@bp.get("/tasks/<int:task_id>")
@permission("petitions.view")
def task(task_id):
    task = get_or_404(AssignedTask, task_id)
    return htmx.render("petitions/task.html", "petitions/_task_live.html", **_task_context(task))


@bp.post("/tasks/<int:task_id>/reply")
@permission("petitions.act")
def task_reply(task_id):
    """书面答复 with its document; closes the supervised item."""
    task = get_or_404(AssignedTask, task_id)
    form = TaskReplyForm()
    error = None
    if not form.validate():
        error = error_text(form)
    else:
        try:
            services.reply_task(task, current_user._get_current_object(), on=form.on.data, text=form.note.data,
                                document=request.files.get("document"))
        except RuleError as exc:
            error = str(exc)
    draft = request.form if error else None  # a refused reply shows again with what was typed
    return htmx.outcome("petitions/_task_live.html", lambda: _task_context(AssignedTask.get_by_id(task.id), draft),
                        url_for("petitions.task", task_id=task.id), message=None if error else "已书面答复。",
                        error=error, trigger=CHANGED)


# -- categories: the shared editable list (portal.categories) -----------------------------------------

services.CATEGORIES.add_routes(bp, nav="petitions/_nav.html")
