"""Views of user administration: list with filters, create, edit, disable, reset password, unlock."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from .. import htmx
from ..access import get_or_404, permission
from ..models import ROLES, Unit, User
from . import bp, services
from ..forms import choices, int_arg
from ..workflow import RuleError
from .forms import NewUserForm, ResetPasswordForm, UserForm


def _filtered():
    args = request.args
    query = User.visible_to(current_user).join(Unit).order_by(Unit.path, User.role, User.username)
    if args.get("q"):
        term = args["q"].strip()
        query = query.where(User.username.contains(term) | User.display_name.contains(term))
    if args.get("role") in ROLES:
        query = query.where(User.role == args["role"])
    if int_arg(args, "unit"):
        query = query.where(User.unit == int_arg(args, "unit"))
    if args.get("status") == "active":
        query = query.where(User.active == True)  # noqa: E712
    elif args.get("status") == "disabled":
        query = query.where(User.active == False)  # noqa: E712
    return query


@bp.get("/")
@permission("users.manage")
def index():
    """All accounts, filtered in place by name, role, unit and status."""
    return htmx.render("users/index.html", "users/_table.html", users=list(_filtered()),
                       roles=ROLES, units=services.unit_choices(), args=request.args)


@bp.route("/new", methods=["GET", "POST"])
@permission("users.manage")
def create():
    """Create an account with an initial password."""
    form = NewUserForm()
    form.unit.choices = choices(services.unit_choices())
    if form.validate_on_submit():
        try:
            user = services.create_user(
                username=form.username.data, display_name=form.display_name.data.strip(), role=form.role.data,
                unit=Unit.get_or_none(Unit.id == form.unit.data), password=form.password.data,
                phone=(form.phone.data or "").strip(),
            )
            flash(f"已创建用户“{user.username}”。", "success")
            return redirect(url_for("users.edit", user_id=user.id))
        except RuleError as exc:
            form.form_errors.append(str(exc))
    return htmx.render("users/new.html", form=form, status=422 if form.errors or form.form_errors else 200)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@permission("users.manage")
def edit(user_id):
    """One account: details, role, unit, and the actions on it."""
    user = get_or_404(User, user_id)
    form = _user_form(user) if request.method == "GET" else UserForm()
    form.unit.choices = choices(services.unit_choices())
    if form.validate_on_submit():
        try:
            services.update_user(user, display_name=form.display_name.data.strip(), role=form.role.data,
                                 unit=Unit.get_or_none(Unit.id == form.unit.data), phone=(form.phone.data or "").strip())
            flash("用户信息已保存。", "success")
            return redirect(url_for("users.edit", user_id=user.id))
        except RuleError as exc:
            form.form_errors.append(str(exc))
    return htmx.render("users/edit.html", user=user, form=form, reset_form=ResetPasswordForm(),
                       status=422 if form.errors or form.form_errors else 200)


def _act(user_id, action, done_message):
    user = get_or_404(User, user_id)
    try:
        action(user)
        flash(done_message, "success")
    except RuleError as exc:
        flash(str(exc), "error")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.post("/<int:user_id>/disable")
@permission("users.manage")
def disable(user_id):
    """Disable an account; its sessions end at once."""
    return _act(user_id, lambda u: services.set_active(u, False, current_user), "账号已停用，该用户的登录已全部失效。")


@bp.post("/<int:user_id>/enable")
@permission("users.manage")
def enable(user_id):
    """Re-enable an account."""
    return _act(user_id, lambda u: services.set_active(u, True, current_user), "账号已启用。")


@bp.post("/<int:user_id>/unlock")
@permission("users.manage")
def unlock(user_id):
    """Lift a lock caused by repeated failed logins."""
    return _act(user_id, services.unlock, "已解除登录锁定。")


@bp.post("/<int:user_id>/password")
@permission("users.manage")
def reset_password(user_id):
    """Set a new password for an account (it ends the user's sessions)."""
    user = get_or_404(User, user_id)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        services.reset_password(user, reset_form.password.data)
        flash("密码已重置，请通过安全渠道告知本人。", "success")
        return redirect(url_for("users.edit", user_id=user.id))
    form = _user_form(user)
    form.unit.choices = choices(services.unit_choices())
    return htmx.render("users/edit.html", user=user, form=form, reset_form=reset_form, status=422)


def _user_form(user):
    form = UserForm(obj=user)
    form.unit.data = user.unit_id  # obj= would hand the select a Unit, not its id
    return form
