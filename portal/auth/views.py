"""Views: /login, /logout, /account."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from .. import htmx
from ..access import permission, public
from . import bp, services
from .forms import LoginForm, PasswordChangeForm


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, error = services.authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            session.clear()  # a fresh session: nothing from before login survives
            login_user(user)
            session.permanent = True
            return redirect(htmx.safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
@permission("account.self")
def logout():
    """Sign out, ending this user's sessions everywhere."""
    services.logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@permission("account.self")
def account():
    """The signed-in user's own account: details and password change."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        error = services.change_own_password(user, form.current_password.data, form.new_password.data)
        if error:
            form.current_password.errors.append(error)
        else:
            session.clear()
            login_user(user)  # keep this session, every other one has ended
            session.permanent = True
            flash("密码已修改，其他设备上的登录已全部失效。", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
