"""Views of the supervision core: the board, handing down a task, the item page and its steps."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from .. import clock, htmx
from ..access import can, get_or_404, permission
from ..attachments.services import attachments_of, register_owner
from ..forms import choices, error_text, int_arg
from ..models import ExtensionRequest, SupervisedItem, Unit
from ..users.services import unit_choices
from . import bp, module, registry, services
from .forms import ExtensionForm, NoticeForm, StepForm, TaskForm
from .urgency import LABELS as URGENCY_LABELS
from .urgency import urgency

ITEM_CHANGED = "itemChanged"
register_owner("supervision", SupervisedItem, "督办事项")


@module.card
def todo_card(user):
    todos = services.todo_for(user)
    red = sum(1 for t in todos if t.urgency and t.urgency.colour == "red")
    return {"title": "我的待办", "value": len(todos), "note": f"其中已逾期 {red} 项", "url": url_for("inbox.todo")}


@module.card
def supervision_card(user):
    colours = [urgency(item).colour for item in services.open_items(user)]
    return {"title": "在办督办事项", "value": len(colours),
            "note": f"红牌 {colours.count('red')} · 黄牌 {colours.count('yellow')} · 蓝牌 {colours.count('blue')}",
            "url": url_for("supervision.board") if can("supervision.board", user) else url_for("inbox.todo")}


def _board_rows(args):
    query = services.open_items(current_user).join(Unit).order_by(SupervisedItem.due_date, SupervisedItem.id)
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(Unit.path.startswith(unit.path))
    if args.get("type") in registry.TYPES:
        query = query.where(SupervisedItem.source_type == args["type"])
    if args.get("person"):
        query = query.where(SupervisedItem.responsible_name.contains(args["person"].strip()))
    rows = [(item, urgency(item)) for item in query]
    counts = {colour: sum(1 for _, u in rows if u.colour == colour) for colour in ("red", "yellow", "blue")}
    if args.get("colour") in URGENCY_LABELS:
        rows = [(item, u) for item, u in rows if u.colour == args["colour"]]
    rows.sort(key=lambda row: (row[1].severity, row[0].due_date))
    return {"rows": rows, "counts": counts, "args": args}


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
            item = services.supervise(
                "task", unit=Unit.get_or_none(Unit.id == form.unit.data) or _no_unit(), title=form.title.data.strip(),
                description=(form.description.data or "").strip(), responsible_name=(form.responsible_name.data or "").strip(),
                start_date=form.start_date.data, due_date=form.due_date.data, assigned_by=current_user._get_current_object(),
            )
            flash(f"已交办“{item.title}”。", "success")
            return redirect(url_for("supervision.item", item_id=item.id))
        except services.SupervisionError as exc:
            form.form_errors.append(str(exc))
    return htmx.render("supervision/new.html", form=form, status=422 if form.errors or form.form_errors else 200)


def _no_unit():
    raise services.SupervisionError("请选择承办单位。")


def _item_context(item):
    return {
        "item": item, "u": urgency(item), "source": registry.get(item.source_type),
        "steps": services.available_steps(current_user, item),
        "events": list(item.events.order_by(item.events.model.id.desc())),
        "extensions": list(item.extensions.order_by(ExtensionRequest.id.desc())),
        "attachments": attachments_of("supervision", item, current_user),
        "step_form": StepForm(), "extension_form": ExtensionForm(), "notice_form": NoticeForm(),
        "action_labels": services.ACTION_LABELS, "state_labels": services.STATE_LABELS,
    }


@bp.get("/<int:item_id>")
@permission("supervision.view")
def item(item_id):
    """One supervised item: its clock, what the user may do next, extensions and history."""
    item = get_or_404(SupervisedItem, item_id)
    return htmx.render("supervision/item.html", "supervision/_item_live.html", **_item_context(item))


def _after(item, message=None, error=None):
    """Answer with the board (when acted on from it) or the item; a redirect for plain forms."""
    if request.form.get("from") == "board":
        template, context = "supervision/_board_table.html", lambda: _board_rows(request.args)
    else:
        template, context = "supervision/_item_live.html", lambda: _item_context(SupervisedItem.get_by_id(item.id))
    return htmx.outcome(template, context, url_for("supervision.item", item_id=item.id), message=message,
                        error=error, trigger=ITEM_CHANGED)


@bp.post("/<int:item_id>/step/<action>")
@permission("supervision.act")
def step(item_id, action):
    """Take one step of the item's workflow: 签收, 报告进展, 办结报告, 销号, 驳回重办."""
    item = get_or_404(SupervisedItem, item_id)
    form = StepForm()
    if not form.validate():
        return _after(item, error=error_text(form))
    try:
        services.take_step(item, action, current_user._get_current_object(), form.note.data)
    except services.SupervisionError as exc:
        return _after(item, error=str(exc))
    return _after(item, f"已{services.STEPS[action].label}。")


@bp.post("/<int:item_id>/extension")
@permission("supervision.act")
def request_extension(item_id):
    """Ask for a later due date (延期申请), before the current one has passed."""
    item = get_or_404(SupervisedItem, item_id)
    form = ExtensionForm()
    if not form.validate():
        return _after(item, error=error_text(form))
    try:
        services.request_extension(item, current_user._get_current_object(), form.new_due_date.data, form.reason.data)
    except services.SupervisionError as exc:
        return _after(item, error=str(exc))
    return _after(item, "延期申请已提交，等待审批。")


@bp.post("/extension/<int:extension_id>/<decision>")
@permission("supervision.act")
def decide_extension(extension_id, decision):
    """Approve or refuse an extension request."""
    ext = get_or_404(ExtensionRequest, extension_id)
    if decision not in ("approve", "refuse"):
        return _after(ext.item, error="不支持的操作。")
    form = StepForm()
    try:
        services.decide_extension(ext, current_user._get_current_object(), decision == "approve", form.note.data)
    except services.SupervisionError as exc:
        return _after(ext.item, error=str(exc))
    return _after(ext.item, "已批准延期。" if decision == "approve" else "已退回延期申请。")


@bp.post("/<int:item_id>/remind")
@permission("supervision.assign")
def remind(item_id):
    """催办: remind the unit, in one step."""
    item = get_or_404(SupervisedItem, item_id)
    try:
        services.remind(item, current_user._get_current_object(), StepForm().note.data)
    except services.SupervisionError as exc:
        return _after(item, error=str(exc))
    return _after(item, f"已向{item.unit.name}催办。")


@bp.post("/<int:item_id>/notice")
@permission("supervision.assign")
def notice(item_id):
    """通报: a notice of criticism against the unit, kept for the one-veto module."""
    item = get_or_404(SupervisedItem, item_id)
    try:
        services.issue_notice(item, current_user._get_current_object(), NoticeForm().reason.data)
    except services.SupervisionError as exc:
        return _after(item, error=str(exc))
    return _after(item, f"已通报{item.unit.name}。")
