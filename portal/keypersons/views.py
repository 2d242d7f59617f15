"""Views of the key-person register: the live register, the cadre's own list, registering and editing,
the person's page and its steps (handover, status, visits, requests, reveal), and the category list."""
import datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from peewee import JOIN, Case

from .. import audit, clock, htmx, privacy
from ..access import can, get_or_404, permission
from ..attachments.services import attachments_of, register_owner
from ..forms import choices, error_text, int_arg
from ..models import Unit, User
from ..models.keypersons import (LEVELS, MOODS, OUTCOMES, REQUEST_KINDS, STATUSES, VISIT_FORMS,
                                 AssistanceRequest, CadreAssignment, KeyPerson, KeyPersonCategory,
                                 KeyPersonCategoryLink, KeyPersonVisit)
from ..pagination import paginate, search_text, sorted_by
from ..supervision.urgency import urgency
from ..users.services import unit_choices
from ..workflow import RuleError
from . import bp, module, services, stats
from .forms import HandoverForm, OutcomeForm, PersonForm, RequestForm, StatusForm, VisitForm

CHANGED = "keypersonsChanged"
register_owner("keyperson", KeyPerson, "重点人员档案材料")
register_owner("keyperson_visit", KeyPersonVisit, "走访材料")
register_owner("keyperson_request", AssistanceRequest, "诉求办理凭证")


def _item(row):
    """The open visit item a list query joined (an empty one when the LEFT JOIN found none)."""
    item = getattr(row, "visit_item", None)
    return item if item is not None and item.id is not None else None


# -- the register (台账) -------------------------------------------------------------------------------

def filtered(user, args):
    """The persons a user may see under the filters in `args`, unit, cadre and open visit item joined,
    the most urgent first: the nearest (most overdue) visit first, then 重点 before 关注 before 稳定."""
    query = services.listed(user)
    state = args.get("state", "active")
    if state in STATUSES:
        query = query.where(KeyPerson.state == state)
    if int_arg(args, "category"):
        query = query.where(KeyPerson.id.in_(KeyPersonCategoryLink.select(KeyPersonCategoryLink.person)
                                             .where(KeyPersonCategoryLink.category == int_arg(args, "category"))))
    if args.get("level") in LEVELS:
        query = query.where(KeyPerson.level == args["level"])
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(KeyPerson.unit.in_(unit.subtree().select(Unit.id)))
    if args.get("cadre") == "none":
        query = query.where(services.unassigned_sql())
    elif int_arg(args, "cadre"):
        query = query.where(KeyPerson.cadre == int_arg(args, "cadre"))
    if args.get("overdue") == "1":
        query = query.where(services.VISIT_ITEM.due_date < clock.today())
    if args.get("requests") == "1":
        query = query.where(services.open_requests_sql())
    q = search_text(args)
    if q:
        query = query.where(KeyPerson.name.contains(q) | KeyPerson.address.contains(q))
    due = services.VISIT_ITEM.due_date
    return sorted_by(query, args, SORTS, (due.is_null(), due, LEVEL_RANK, KeyPerson.name, KeyPerson.id), (KeyPerson.id,))


LEVEL_RANK = Case(None, [(KeyPerson.level == key, rank) for key, rank in (("key", 0), ("watch", 1))], 2)
# The register's sortable column headers (sort_th); unsorted, the nearest visit first.
SORTS = {"due": services.VISIT_ITEM.due_date, "name": KeyPerson.name, "unit": Unit.path, "level": LEVEL_RANK,
         "last_visit": KeyPerson.last_visit_on, "state": KeyPerson.state}


def _rows(page):
    cats = services.categories_of(p.id for p in page.items)
    return [(p, _item(p), urgency(_item(p)) if _item(p) else None, cats.get(p.id, [])) for p in page.items]


def _register_context(args):
    page = paginate(filtered(current_user, args))
    visible = KeyPerson.visible_to(current_user).where(KeyPerson.state == "active")
    return {"page": page, "rows": _rows(page), "args": args, "levels": LEVELS, "states": STATUSES,
            "categories": services.categories(True), "units": unit_choices(current_user),
            "cadres": services.cadre_choices(viewer=current_user) if can("keypersons.assign") else [],
            "unassigned": visible.where(services.unassigned_sql()).count(),
            "mask_id": privacy.mask_id}


@bp.get("/")
@permission("keypersons.view")
def index():
    """The register (重点人员台账) with filters, most urgent first, updating in place."""
    return htmx.render("keypersons/index.html", "keypersons/_register.html", **_register_context(request.args))


@bp.get("/mine")
@permission("keypersons.cadre")
def mine():
    """我包保的人员: the persons this user is the responsible cadre of, next visit first."""
    args = dict(request.args, cadre=str(current_user.id))
    page = paginate(filtered(current_user, args))
    return htmx.render("keypersons/mine.html", "keypersons/_mine.html", page=page, rows=_rows(page), args=args,
                       mask_id=privacy.mask_id)


# -- registering and editing ----------------------------------------------------------------------------

def _person_form(person=None):
    data = None
    if request.method == "GET":
        data = ({"level": "stable", "cadre": 0} if person is None else {
            "version": person.version, "name": person.name, "sex": person.sex, "birth_date": person.birth_date,
            "id_number": person.id_number, "phone": person.phone, "address": person.address, "unit": person.unit_id,
            "categories": [link.category_id for link in person.category_links], "level": person.level,
            "level_reason": person.level_reason, "family": person.family, "income": person.income,
            "health": person.health})
    form = PersonForm(data=data)
    form.unit.choices = choices([(0, "请选择")] + unit_choices(current_user))
    form.categories.choices = choices((c.id, c.name) for c in services.categories())
    form.cadre.choices = choices([(0, "（暂不指定）")] + services.cadre_choices(viewer=current_user))
    return form


def _fields(form):
    ids = [c for c in (form.categories.data or []) if isinstance(c, int)]
    cats = list(KeyPersonCategory.select().where(KeyPersonCategory.id.in_(ids), KeyPersonCategory.active == True)) \
        if ids else []  # noqa: E712
    return services.PersonFields(
        name=form.name.data or "", sex=form.sex.data or "", birth_date=form.birth_date.data,
        id_number=form.id_number.data or "", phone=form.phone.data or "", address=form.address.data or "",
        unit=Unit.get_or_none(Unit.id == form.unit.data) if form.unit.data else None, family=form.family.data or "",
        income=form.income.data or "", health=form.health.data or "", level=form.level.data,
        level_reason=form.level_reason.data or "", categories=cats)


@bp.route("/new", methods=["GET", "POST"])
@permission("keypersons.edit")
def new():
    """登记 a key person; the first visit falls due one interval of their level after today."""
    form = _person_form()
    if form.validate_on_submit():
        cadre = User.get_or_none(User.id == form.cadre.data) if form.cadre.data else None
        try:
            person = services.register(_fields(form), current_user._get_current_object(), cadre=cadre)
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"已登记重点人员{person.name}。" + ("" if person.cadre_id else "尚未指定包保责任人，请尽快落实。"), "success")
            return redirect(url_for("keypersons.detail", person_id=person.id))
    return htmx.render("keypersons/new.html", form=form, person=None,
                       status=422 if request.method == "POST" else 200)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@permission("keypersons.edit")
def edit(person_id):
    """Edit a person's record; a level change moves the next visit's due date."""
    person = get_or_404(KeyPerson, person_id)
    form = _person_form(person)
    if form.validate_on_submit():
        try:
            services.update(person, _fields(form), current_user._get_current_object(), request.form.get("version"))
        except RuleError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("已保存。", "success")
            return redirect(url_for("keypersons.detail", person_id=person.id))
    return htmx.render("keypersons/new.html", form=form, person=person,
                       status=422 if request.method == "POST" else 200)


# -- one person ------------------------------------------------------------------------------------------

def _detail_context(person, revealed=False, draft=None, draft_action=None):
    user = current_user._get_current_object()
    item = services.open_visit_item(person)
    requests = list(person.requests.order_by(AssistanceRequest.state != "open", AssistanceRequest.raised_on.desc()))
    items = stats.request_items([r.id for r in requests])
    visitors = User.alias()
    visits = list(KeyPersonVisit.select(KeyPersonVisit, visitors)
                  .join(visitors, on=(KeyPersonVisit.visitor == visitors.id), attr="visitor")
                  .where(KeyPersonVisit.person == person.id).order_by(KeyPersonVisit.visited_on.desc(),
                                                                      KeyPersonVisit.id.desc()))
    new_cadre, old_cadre, by = User.alias(), User.alias(), User.alias()
    history = list(CadreAssignment.select(CadreAssignment, new_cadre, old_cadre, by)
                   .join_from(CadreAssignment, new_cadre, on=(CadreAssignment.cadre == new_cadre.id), attr="cadre")
                   .join_from(CadreAssignment, old_cadre, on=(CadreAssignment.previous == old_cadre.id),
                              join_type=JOIN.LEFT_OUTER, attr="previous")
                   .join_from(CadreAssignment, by, on=(CadreAssignment.by == by.id), join_type=JOIN.LEFT_OUTER, attr="by")
                   .where(CadreAssignment.person == person.id).order_by(CadreAssignment.on.desc(), CadreAssignment.id.desc()))
    today = clock.today()
    return {
        "p": person, "item": item, "u": urgency(item) if item else None, "revealed": revealed,
        "id_shown": person.id_number if revealed else privacy.mask_id(person.id_number),
        "phone_shown": person.phone if revealed else privacy.mask_phone(person.phone),
        "categories": services.categories_of([person.id]).get(person.id, []),
        "visits": visits, "requests": [(r, items.get(r.id), urgency(items[r.id]) if r.id in items else None) for r in requests], "cadre_history": history,
        "petitions": services.petitions_of(person, user),
        "may_visit": services.may_visit(person, user) is None,
        "may_assign": person.is_active and services.may_hand_over(person, user),
        "may_request": person.is_active and services.may_raise(person, user),
        "may_conclude": {r.id: services.may_conclude(r, user) is None for r in requests},
        "actions": services.WORKFLOW.available(user, person), "workflow": services.WORKFLOW,
        "cadres": services.cadre_choices(person.unit) if can("keypersons.assign") else [],
        "owner_units": [(u.id, u.name) for u in Unit.select().where(Unit.active == True).order_by(Unit.path)  # noqa: E712
                        if services.owner_unit_problem(person, u) is None],
        "levels": LEVELS, "forms": VISIT_FORMS, "moods": MOODS, "kinds": REQUEST_KINDS, "outcomes": OUTCOMES,
        "today": today,
        "default_due": today + datetime.timedelta(days=int(current_app.config.get("KEYPERSON_REQUEST_DAYS", 30))),
        "files": stats.files_of(user, visits, requests),
        "history": audit.history("keyperson", person.id),
        "attachments": attachments_of("keyperson", person, user),
        "draft": draft or {}, "draft_action": draft_action,
    }


@bp.get("/<int:person_id>")
@permission("keypersons.view")
def detail(person_id):
    """One person's file (一人一档): clock, cadre and handovers, visits, requests, petitions, history."""
    person = get_or_404(KeyPerson, person_id)
    return htmx.render("keypersons/detail.html", "keypersons/_person_live.html", **_detail_context(person))


def _after(person_id, message=None, error=None, action=None):
    draft = request.form if error else None
    return htmx.outcome("keypersons/_person_live.html",
                        lambda: _detail_context(KeyPerson.get_by_id(person_id), draft=draft, draft_action=action),
                        url_for("keypersons.detail", person_id=person_id), message=message, error=error,
                        trigger=CHANGED)


@bp.post("/<int:person_id>/reveal")
@permission("keypersons.reveal")
def reveal(person_id):
    """Show one person's full ID number and phone (office and leaders); every reveal is audited."""
    person = get_or_404(KeyPerson, person_id)
    try:
        services.reveal(person, current_user._get_current_object())
    except RuleError as exc:
        return _after(person.id, error=str(exc))
    return htmx.render("keypersons/detail.html", "keypersons/_person_live.html",
                       **_detail_context(person, revealed=True))


@bp.post("/<int:person_id>/status/<action>")
@permission("keypersons.edit")
def status(person_id, action):
    """化解销号, 迁出, 登记去世, 恢复在册: the status changes; the person stays on file."""
    person = get_or_404(KeyPerson, person_id)
    if action not in services.WORKFLOW:
        abort(404)
    form = StatusForm()
    if not form.validate():
        return _after(person.id, error=error_text(form), action="status")
    try:
        moved = services.change_status(person, action, current_user._get_current_object(), form.note.data,
                                       request.form.get("version"))
    except RuleError as exc:
        return _after(person.id, error=str(exc), action="status")
    return _after(person.id, f"已{services.WORKFLOW.label(action)}，当前状态：{moved.state_label}。")


@bp.post("/<int:person_id>/handover")
@permission("keypersons.assign")
def handover(person_id):
    """指定 or 移交 the responsible cadre, with the reason; the history stays on the page."""
    person = get_or_404(KeyPerson, person_id)
    form = HandoverForm()
    if not form.validate():
        return _after(person.id, error=error_text(form), action="handover")
    cadre = User.get_or_none(User.id == form.cadre.data) if form.cadre.data else None
    try:
        person = services.handover(person, current_user._get_current_object(), cadre=cadre, reason=form.reason.data,
                                   on=form.on.data, version=request.form.get("version"))
    except RuleError as exc:
        return _after(person_id, error=str(exc), action="handover")
    return _after(person.id, f"包保责任人已改为{person.cadre.display_name}。")


@bp.post("/<int:person_id>/visit")
@permission("keypersons.cadre")
def visit(person_id):
    """走访: record a contact visit and reassess the level; the next visit falls due from it."""
    person = get_or_404(KeyPerson, person_id)
    form = VisitForm()
    if not form.validate():
        return _after(person.id, error=error_text(form), action="visit")
    try:
        services.record_visit(person, current_user._get_current_object(), visited_on=form.visited_on.data,
                              form=form.form.data, content=form.content.data, mood=form.mood.data,
                              requests_raised=form.requests_raised.data, level=form.level.data,
                              level_reason=form.level_reason.data, version=request.form.get("version"),
                              document=request.files.get("document"))
    except RuleError as exc:
        return _after(person.id, error=str(exc), action="visit")
    item = services.open_visit_item(KeyPerson.get_by_id(person.id))
    return _after(person.id, "已登记走访。" + (f"下次走访期限 {item.due_date}。" if item else ""))


@bp.post("/<int:person_id>/requests")
@permission("keypersons.view")
def request_new(person_id):
    """登记诉求: a request of the person, handed to an owner unit with a due date."""
    person = get_or_404(KeyPerson, person_id)
    form = RequestForm()
    if not form.validate():
        return _after(person.id, error=error_text(form), action="request")
    try:
        services.raise_request(person, current_user._get_current_object(), kind=form.kind.data,
                               content=form.content.data, unit=Unit.get_or_none(Unit.id == form.unit.data)
                               if form.unit.data else None, raised_on=form.raised_on.data, due_date=form.due_date.data)
    except RuleError as exc:
        return _after(person.id, error=str(exc), action="request")
    return _after(person.id, "已登记诉求，责任单位已收到待办。")


@bp.get("/requests/<int:request_id>")
@permission("keypersons.view")
def request_page(request_id):
    """A request's place on its person's page (where a to-do or the 督办 board links to)."""
    req = get_or_404(AssistanceRequest, request_id)
    return redirect(url_for("keypersons.detail", person_id=req.person_id) + f"#request-{req.id}")


@bp.post("/requests/<int:request_id>/conclude")
@permission("keypersons.edit")
def request_conclude(request_id):
    """办结诉求: outcome, the explanation given to the person, the amount paid."""
    req = get_or_404(AssistanceRequest, request_id)
    form = OutcomeForm()
    action = f"outcome-{req.id}"
    if not form.validate():
        return _after(req.person_id, error=error_text(form), action=action)
    try:
        services.conclude_request(req, current_user._get_current_object(), outcome=form.outcome.data,
                                  explanation=form.explanation.data, amount=form.amount.data,
                                  closed_on=form.closed_on.data, version=request.form.get("version"),
                                  document=request.files.get("document"))
    except RuleError as exc:
        return _after(req.person_id, error=str(exc), action=action)
    return _after(req.person_id, "诉求已办结。")


# -- categories: the shared editable list (portal.categories) -----------------------------------------------

services.CATEGORIES.add_routes(bp, nav="keypersons/_nav.html")


# -- figures, card, unit panel --------------------------------------------------------------------------------

@bp.get("/stats")
@permission("keypersons.view")
def stats_page():
    """The year's figures: persons per category and level, visits on time, requests and amounts, petitions."""
    year = stats.selected_year(request.args)
    return htmx.render("keypersons/stats.html", year=year, **stats.figures(current_user, year))


@module.card
def keypersons_card(user, year):
    """Persons on the register in the user's scope, 重点 among them, overdue visits and unassigned."""
    if not can("keypersons.view", user):
        return None
    total, key, overdue, unassigned = stats.headline(user)
    return {"title": "在册重点人员", "value": total,
            "note": f"重点 {key} 人 · 走访逾期 {overdue} 人 · 未落实包保 {unassigned} 人",
            "url": url_for("keypersons.index")}


@module.unit_panel
def unit_keypersons(unit, user):
    """A unit's persons whose visit is overdue or who have no cadre, on its page."""
    if not can("keypersons.view", user):
        return None
    rows = [(p, _item(p), urgency(_item(p)) if _item(p) else None) for p in services.listed(user).where(
        KeyPerson.unit.in_(unit.subtree().select(Unit.id)), KeyPerson.state == "active",
        (services.VISIT_ITEM.due_date < clock.today()) | services.unassigned_sql()).limit(50)]
    if not rows:
        return None
    return "keypersons/_unit_panel.html", {"rows": rows}


# The link to letters and visits by ID number: a new case with a registered person tells the cadre, and
# the case page names the person (to those who may see both).
from ..petitions import services as petition_services  # noqa: E402
from ..petitions import views as petition_views  # noqa: E402

petition_services.on_register(services.on_petition_registered)
petition_views.CASE_NOTES.append(services.petition_notes)
