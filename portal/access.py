"""Owns who may see and do what: login enforcement, permissions, unit scoping, guarded fetches.

Every view declares one permission with @permission(...) (or @public); a single
before_request hook enforces it, so no view re-types a role check. The same hook confines a
display-only session (the wall display, 数据大屏) to the views marked @display_view. Lists of records
go through Model.visible_to(user), single records through get_or_404(); a record
outside the user's subtree answers 404, exactly like one that does not exist.
"""
from flask import abort, current_app, request, session
from flask_login import current_user

from .models.org import Unit
from .models.users import User
# The table and the questions asked of it live in portal.permissions (which models may import
# too); this module is the web side: declaring and enforcing a view's permission, guarded fetches.
from .permissions import (ALL_ROLES, BUREAU_ROLES, PERMISSIONS, UNIT_ROLES, can, declare, in_scope,  # noqa: F401
                          sees_everything)

PUBLIC = "public"


def permission(name):
    """Declare the permission a view needs; enforced centrally in before_request (an unknown name is
    caught by the access test, which checks every route against the table)."""

    def decorator(view):
        view.permission = name
        return view

    return decorator


public = permission(PUBLIC)

# The session key of a display-only session: a browser logged in to show the wall display and nothing
# else (no other page, no POST), opened by an authorised account (portal/summary/yearview.py).
DISPLAY_SESSION = "display_only"


def display_view(view):
    """Mark a view (GET only) that a display-only session may load, besides its @permission."""
    view.display = True
    return view


def display_session():
    """True in a display-only session."""
    return bool(session.get(DISPLAY_SESSION)) and current_user.is_authenticated


def unit_scope(user):
    """A subquery of the unit ids the user may see, or None when the user sees all units."""
    return Unit.scope_of(user)


def users_with(name, unit=None):
    """Active users holding a permission (of one unit, when given): whom a step notifies."""
    return list(User.holding(name, unit))


def get_or_404(model, object_id, user=None):
    """Fetch one record by id through the model's scope; out of scope answers 404."""
    user = user if user is not None else current_user
    obj = model.visible_to(user).where(model.id == object_id).first()
    if obj is None:
        abort(404)
    return obj


def view_permission(app, endpoint):
    view = app.view_functions.get(endpoint)
    return getattr(view, "permission", None)


def init_app(app):
    @app.before_request
    def _enforce():
        if request.endpoint is None or request.endpoint == "static":
            return None
        needed = view_permission(current_app, request.endpoint)
        if display_session():
            # Checked before anything public (login included): the screen shows the display or nothing.
            view = current_app.view_functions.get(request.endpoint)
            if request.method != "GET" or not getattr(view, "display", False):
                abort(403)
        if needed == PUBLIC:
            return None
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if needed is None or not can(needed):
            # A view that forgot to declare a permission is closed, not open.
            abort(403)
        return None

    @app.context_processor
    def _access_helpers():
        return {"can": can, "display_session": display_session}


class UnitReader:
    """A principal that only reads: it sees what the people of one unit see (its subtree; everything
    for the bureau's root unit), so the figures of a year and scope go through each model's own
    `visible_to` instead of a second scoping rule. It is never logged in and holds no permission of
    its own that any view would ask (nothing checks `can` for it: it only scopes queries)."""

    is_authenticated = True
    # No user has id 0: rules that also show a user their own records (a key person's cadre, an
    # informant's reports) match nothing for it — where None would read as "IS NULL" and match.
    id = 0

    def __init__(self, unit):
        self.unit = unit
        # The root unit's reader reads as the bureau's leaders do (every unit, records of no unit too);
        # any other unit's as its own head does (its subtree).
        self.role = "leader" if unit.parent_id is None else "unit_head"

    @property
    def whole_bureau(self):
        return self.unit.parent_id is None
