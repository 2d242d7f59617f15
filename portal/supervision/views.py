"""Views of the supervision core: the board, handing down a task, the item page and its steps, and the
extension requests and decisions of any module's page."""

from flask import flash, redirect, request, url_for
from flask_login import current_user
from peewee import JOIN

from .. import clock, htmx
from ..access import PERMISSIONS, can, get_or_404, permission
from ..attachments.services import attachments_of, register_owner
from ..forms import choices, error_text, int_arg
from ..models import ExtensionRequest, SupervisedItem, SupervisionEvent, Unit, User
from ..models.users import ROLES
from ..pagination import paginate, search_text, sorted_by
from ..users.services import unit_choices
from ..workflow import RuleError
from . import bp, module, registry, services
from .forms import ExtensionForm, NoticeForm, StepForm, TaskForm
from .urgency import LABELS as URGENCY_LABELS
from .urgency import SEVERITY as URGENCY_SEVERITY
from .urgency import colour_counts, severity_sql, urgency

ITEM_CHANGED = "itemChanged"
register_owner("supervision", SupervisedItem, "督办事项")


@module.card
def todo_card(user, year):
    red = services.overdue_todo_items(user)
    return {"title": "我的待办", "value": services.todo_count(user), "note": f"其中督办事项已逾期 {red} 项",
            "url": url_for("inbox.todo")}


@module.card
def supervision_card(user, year):
    colours = colour_counts(services.open_items(user), SupervisedItem)
    return {"title": "在办督办事项", "value": sum(colours.values()),
            "note": f"红牌 {colours.get('red', 0)} · 黄牌 {colours.get('yellow', 0)} · 蓝牌 {colours.get('blue', 0)}",
            "url": url_for("supervision.board") if can("supervision.board", user) else url_for("inbox.todo")}


def _board_rows(args):
    """The board's page of rows: open items counted by colour, filtered and ordered by it in SQL (the
    one urgency rule's SQL form), then only the page loaded, with its units."""
    query = services.open_items(current_user).join(Unit)
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(Unit.path.startswith(unit.path))
    if args.get("type") in registry.TYPES:
        query = query.where(SupervisedItem.source_type == args["type"])
    if args.get("person"):
        query = query.where(SupervisedItem.responsible_name.contains(args["person"].strip()[:50]))
    if search_text(args):
        query = query.where(SupervisedItem.title.contains(search_text(args)))
    counts = colour_counts(query, SupervisedItem)
    counts = {colour: counts.get(colour, 0) for colour in ("red", "yellow", "blue")}
    severity = severity_sql(SupervisedItem)
    if args.get("colour") in URGENCY_LABELS:
        query = query.where(severity == URGENCY_SEVERITY[args["colour"]])
    sorts = {"colour": severity, "title": SupervisedItem.title, "type": SupervisedItem.source_type, "unit": Unit.path,
             "person": SupervisedItem.responsible_name, "due": SupervisedItem.due_date, "state": SupervisedItem.state}
    page = paginate(sorted_by(query.select(SupervisedItem, Unit), args, sorts,
                              (severity, SupervisedItem.due_date, SupervisedItem.id), (SupervisedItem.id,)), args)
    page.items = [(item, urgency(item)) for item in page.items]
    return {"page": page, "counts": counts, "args": args}


@bp.get("/")
@permission("supervision.board")
def board():
    """督办 board: every open item across modules, by colour, unit, type and responsible person."""
    return htmx.render("supervision/board.html", "supervision/_board_table.html", **_board_rows(request.args),
                       units=unit_choices(), types=registry.TYPES, colours=URGENCY_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@permission("supervision.assign")
def new():
    """Hand down a task (交办) to a unit with a deadline."""
    form = TaskForm(data={"start_date": clock.today()} if request.method == "GET" else None)
    form.unit.choices = choices(unit_choices())
    if form.validate_on_submit():
        try:
            unit = Unit.get_or_none(Unit.id == form.unit.data)
            if unit is None:
                raise RuleError("请选择承办单位。")
            item = services.supervise(
                "task", unit=unit, title=form.title.data.strip(), description=(form.description.data or "").strip(),
                responsible_name=(form.responsible_name.data or "").strip(), start_date=form.start_date.data,
                due_date=form.due_date.data, assigned_by=current_user._get_current_object(),
            )
            flash(f"已交办“{item.title}”。", "success")
            return redirect(url_for("supervision.item", item_id=item.id))
        except RuleError as exc:
            form.form_errors.append(str(exc))
    return htmx.render("supervision/new.html", form=form, status=422 if form.errors or form.form_errors else 200)


def _item_context(item):
    """The item's live fragment (supervision/_item_live.html), also on module pages that include it."""
    steps = services.available_steps(current_user, item)
    events = (SupervisionEvent.select(SupervisionEvent, User).join(User, JOIN.LEFT_OUTER)
              .where(SupervisionEvent.item == item.id).order_by(SupervisionEvent.id.desc()))
    return {
        "item": item, "u": urgency(item), "source": registry.get(item.source_type), "steps": steps,
        "needs_note": any(key in services.NOTES for key, _ in steps), "events": list(events),
        "attachments": attachments_of("supervision", item, current_user),
        "action_labels": services.ACTION_LABELS, "state_labels": services.STATE_LABELS,
    }


@bp.get("/<int:item_id>")
@permission("supervision.view")
def item(item_id):
    """One supervised item: its clock, what the user may do next, extensions and history."""
    item = get_or_404(SupervisedItem, item_id)
    return htmx.render("supervision/item.html", "supervision/_item_live.html", **_item_context(item))


def _answer(item):
    """(fragment, context, redirect): the board when acted on from it, else the item."""
    if request.form.get("from") == "board":
        return "supervision/_board_table.html", lambda: _board_rows(request.args), url_for("supervision.board")
    return ("supervision/_item_live.html", lambda: _item_context(SupervisedItem.get_by_id(item.id)),
            url_for("supervision.item", item_id=item.id))


def _attempt(item, action, message):
    fragment, context, back = _answer(item)
    return htmx.attempt(action, fragment, context, back, message=message, trigger=ITEM_CHANGED)


@bp.post("/<int:item_id>/step/<action>")
@permission("supervision.act")
def step(item_id, action):
    """Take one step of the item's workflow: 签收, 报告进展, 办结报告, 销号, 驳回重办."""
    item = get_or_404(SupervisedItem, item_id)
    form = StepForm()
    if not form.validate():
        fragment, context, back = _answer(item)
        return htmx.outcome(fragment, context, back, error=error_text(form))
    user = current_user._get_current_object()
    return _attempt(item, lambda: services.take_step(item, action, user, form.note.data, request.form.get("version")),
                    lambda _: f"已{services.WORKFLOW.label(action)}。")


@bp.post("/<int:item_id>/remind")
@permission("supervision.assign")
def remind(item_id):
    """催办: remind the unit, in one step."""
    item = get_or_404(SupervisedItem, item_id)
    user = current_user._get_current_object()
    return _attempt(item, lambda: services.remind(item, user, StepForm().note.data), f"已向{item.unit.name}催办。")


@bp.post("/<int:item_id>/notice")
@permission("supervision.assign")
def notice(item_id):
    """通报: a notice of criticism against the unit, kept for the one-veto module."""
    item = get_or_404(SupervisedItem, item_id)
    user = current_user._get_current_object()
    return _attempt(item, lambda: services.issue_notice(item, user, NoticeForm().reason.data), f"已通报{item.unit.name}。")


# -- extensions, from any module's page ----------------------------------------------------------------

# Module pages showing their items' extensions (templates/supervision/_extensions.html): item type ->
# (the page's live fragment, its context from the item, the page's refresh event). Other types are
# shown on the item's own fragment (supervision/_item_live.html, also on the inspections' finding page).
EXTENSION_PAGES = {}


def extensions_on_page(source_types, fragment, context, event):
    """Declare the module page that shows these item types' extensions: after a request or a decision
    the core answers htmx with that page's live fragment, and a plain form with a redirect to it."""
    for key in source_types:
        EXTENSION_PAGES[key] = (fragment, context, event)


@bp.app_context_processor
def _extension_panel():
    return {"extension_panel": lambda item: services.extension_panel(current_user, item)}


def _extension_answer(item, action=None, message=None, error=None):
    fragment, context, event = EXTENSION_PAGES.get(
        item.source_type, ("supervision/_item_live.html", _item_context, ITEM_CHANGED))
    fresh = lambda: context(SupervisedItem.get_by_id(item.id))  # noqa: E731
    back = htmx.safe_next(request.form.get("next")) or services.item_url(item)
    if error:
        return htmx.outcome(fragment, fresh, back, error=error)
    trigger = ", ".join(dict.fromkeys([ITEM_CHANGED, event]))
    return htmx.attempt(action, fragment, fresh, back, message=message, trigger=trigger)


def _approvers(item):
    """Who decides this item type's extension requests, in words (局领导, 股室工作人员 ...)."""
    held = PERMISSIONS[registry.get(item.source_type).extension_permission]
    return "、".join(label for role, label in ROLES.items() if role in held)


@bp.post("/<int:item_id>/extension")
@permission("supervision.act")
def request_extension(item_id):
    """Ask for a later due date (延期申请), before the current one has passed."""
    item = get_or_404(SupervisedItem, item_id)
    form = ExtensionForm()
    if not form.validate():
        return _extension_answer(item, error=error_text(form))
    user = current_user._get_current_object()
    return _extension_answer(
        item, lambda: services.request_extension(item, user, form.new_due_date.data, form.reason.data,
                                                 request.form.get("version")),
        message=f"延期申请已提交，等待{_approvers(item)}审批。")


@bp.post("/extension/<int:extension_id>/<decision>")
@permission("supervision.act")
def decide_extension(extension_id, decision):
    """Approve or refuse an extension request."""
    ext = get_or_404(ExtensionRequest, extension_id)
    if decision not in ("approve", "refuse"):
        return _extension_answer(ext.item, error="不支持的操作。")
    user, approve = current_user._get_current_object(), decision == "approve"
    return _extension_answer(
        ext.item, lambda: services.decide_extension(ext, user, approve, StepForm().note.data, request.form.get("version")),
        message=lambda e: f"已批准延期，办理期限延至 {e.new_due_date}。" if approve else "已退回延期申请。")
