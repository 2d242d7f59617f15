"""Views of the unit tree: list, detail, inline edit, create, (de)activate."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from .. import htmx
from ..access import get_or_404, permission, sees_everything
from ..attachments.services import attachments_of
from ..models import Unit, User
from ..nav import panels_for
from ..workflow import RuleError
from . import bp, services
from .forms import UnitForm

TREE_CHANGED = "unitsChanged"


def _tree_rows():
    return services.tree(list(Unit.visible_to(current_user)))


def _render_tree(status=200, trigger=None, new_form=None):
    return htmx.render(
        "units/index.html", "units/_tree.html", status=status, trigger=trigger,
        rows=_tree_rows(), new_form=new_form or _new_form(),
    )


def _depth(unit):
    """Indentation of a unit in this user's tree: levels below the user's top visible unit."""
    top = 1 if sees_everything(current_user) else current_user.unit.level
    return max(unit.level - top, 0)


def _new_form(formdata=None):
    form = UnitForm(formdata=formdata, prefix="new")
    form.set_parents(services.parent_choices())
    return form


def _parent(form):
    return Unit.get_or_none(Unit.id == form.parent.data) if form.parent.data else None


@bp.get("/")
@permission("units.view")
def index():
    """The unit tree within the user's scope; office and admin edit it in place."""
    return _render_tree()


@bp.get("/<int:unit_id>")
@permission("units.view")
def detail(unit_id):
    """One unit: details, its direct sub-units, its users and its archive files."""
    unit = get_or_404(Unit, unit_id)
    children = services.tree(list(Unit.visible_to(current_user).where(Unit.parent == unit)))
    users = User.visible_to(current_user).where(User.unit == unit).order_by(User.role, User.username)
    return htmx.render(
        "units/detail.html", unit=unit, children=children, users=users,
        attachments=attachments_of("unit", unit, current_user), panels=panels_for(unit, current_user),
    )


@bp.get("/<int:unit_id>/row")
@permission("units.view")
def row(unit_id):
    """One row of the tree (used to cancel an inline edit)."""
    unit = get_or_404(Unit, unit_id)
    return htmx.fragment("units/_row.html", unit=unit, depth=_depth(unit))


@bp.get("/<int:unit_id>/edit")
@permission("units.manage")
def edit(unit_id):
    """The inline edit row of one unit."""
    unit = get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit)
    form.parent.data = unit.parent_id or 0  # obj= would hand the select a Unit, not its id
    form.set_parents(services.parent_choices(unit))
    return htmx.fragment("units/_edit_row.html", unit=unit, form=form, depth=_depth(unit))


@bp.post("/<int:unit_id>")
@permission("units.manage")
def update(unit_id):
    """Save an inline edit: rename, recode, move under another parent."""
    unit = get_or_404(Unit, unit_id)
    form = UnitForm()
    form.set_parents(services.parent_choices(unit))
    error = None
    if form.validate():
        try:
            services.update_unit(
                unit, name=form.name.data.strip(), code=form.code.data.strip(), kind=form.kind.data,
                parent=_parent(form), head_name=(form.head_name.data or "").strip(),
                phone=(form.phone.data or "").strip(), sort_order=form.sort_order.data or 0,
            )
            return _render_tree(trigger=TREE_CHANGED)
        except RuleError as exc:
            error = str(exc)
    unit = Unit.get_by_id(unit.id)  # discard half-applied attribute changes
    response = htmx.fragment("units/_edit_row.html", status=422, unit=unit, form=form, error=error, depth=_depth(unit))
    response.headers["HX-Retarget"] = f"#unit-{unit.id}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.post("/new")
@permission("units.manage")
def create():
    """Add a unit under a chosen parent."""
    form = _new_form(request.form)
    error = None
    if form.validate():
        try:
            unit = services.create_unit(
                name=form.name.data.strip(), code=form.code.data.strip(), kind=form.kind.data,
                parent=_parent(form), head_name=(form.head_name.data or "").strip(),
                phone=(form.phone.data or "").strip(), sort_order=form.sort_order.data or 0,
            )
            flash(f"已新建单位“{unit.name}”。", "success")
            return _render_tree(trigger=TREE_CHANGED)
        except RuleError as exc:
            error = str(exc)
    response = htmx.fragment("units/_new_form.html", status=422, new_form=form, error=error)
    response.headers["HX-Retarget"] = "#unit-new"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _set_active(unit_id, active):
    unit = get_or_404(Unit, unit_id)
    try:
        services.set_active(unit, active)
    except RuleError as exc:
        flash(str(exc), "error")
        if not htmx.is_htmx():
            return redirect(url_for("units.index"))
        return _render_tree(status=200)
    if not htmx.is_htmx():
        return redirect(url_for("units.index"))
    return _render_tree(trigger=TREE_CHANGED)


@bp.post("/<int:unit_id>/deactivate")
@permission("units.manage")
def deactivate(unit_id):
    """Deactivate a unit; its records stay."""
    return _set_active(unit_id, False)


@bp.post("/<int:unit_id>/activate")
@permission("units.manage")
def activate(unit_id):
    """Reactivate a unit."""
    return _set_active(unit_id, True)
