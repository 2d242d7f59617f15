"""Owns who may see and do what: login enforcement, permissions, unit scoping, guarded fetches.

Every view declares one permission with @permission(...) (or @public); a single
before_request hook enforces it, so no view re-types a role check. Lists of records
go through Model.visible_to(user), single records through get_or_404(); a record
outside the user's subtree answers 404, exactly like one that does not exist.
"""
from flask import abort, current_app, request
from flask_login import current_user

from .models.org import Unit

# Roles that work across the whole system and see every unit.
BUREAU_ROLES = frozenset({"admin", "leader", "office", "inspector"})
# Roles bound to their own unit's subtree (谁主管谁负责).
UNIT_ROLES = frozenset({"unit_head", "unit_clerk", "informant"})
ALL_ROLES = BUREAU_ROLES | UNIT_ROLES

# permission -> roles that hold it: the one table of who may do what. Each module declares its
# own permissions in its manifest (portal/modules.py), which merges them in here.
PERMISSIONS = {}


def declare(permissions):
    """Add a module's permissions to the table; a name is declared once, by one module."""
    for name, roles in permissions.items():
        if name in PERMISSIONS:
            raise KeyError(f"permission {name!r} is declared twice")
        unknown = set(roles) - ALL_ROLES
        if unknown:
            raise KeyError(f"permission {name!r}: unknown roles {sorted(unknown)}")
        PERMISSIONS[name] = frozenset(roles)


PUBLIC = "public"


def permission(name):
    """Declare the permission a view needs; enforced centrally in before_request (an unknown name is
    caught by the access test, which checks every route against the table)."""

    def decorator(view):
        view.permission = name
        return view

    return decorator


public = permission(PUBLIC)


def can(name, user=None):
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in PERMISSIONS[name]


def users_with(name, unit=None):
    """Active users holding a permission (of one unit, when given): whom a step notifies."""
    from .models.users import User

    query = User.select().where(User.role.in_(tuple(PERMISSIONS[name])), User.active == True)  # noqa: E712
    if unit is not None:
        query = query.where(User.unit == getattr(unit, "id", unit))
    return list(query)


def sees_everything(user):
    return user.role in BUREAU_ROLES


def in_scope(user, unit):
    """True when the unit lies in what the user may see (every unit for bureau roles)."""
    if sees_everything(user):
        return True
    return unit is not None and user.unit.contains(unit)


def unit_scope(user):
    """A subquery of the unit ids the user may see, or None when the user sees all units."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Unit.select(Unit.id).where(False)
    if sees_everything(user):
        return None
    return Unit.select(Unit.id).where(Unit.path.startswith(user.unit.path))


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
        return {"can": can}
