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

# permission -> roles that hold it. The one table of who may do what.
PERMISSIONS = {
    "dashboard.view": ALL_ROLES,
    "units.view": ALL_ROLES,
    "units.manage": {"admin", "office"},
    "users.manage": {"admin"},
    "audit.view": {"admin", "leader"},
    "attachments.view": ALL_ROLES,
    "attachments.upload": {"admin", "office", "unit_head", "unit_clerk"},
    "attachments.archive": {"admin", "office"},
    "account.self": ALL_ROLES,
    "supervision.view": ALL_ROLES,
    "supervision.board": {"office", "leader"},
    "supervision.assign": {"office", "leader"},
    # Who acts on which item is decided per item type by the supervision core itself.
    "supervision.act": ALL_ROLES,
    "inbox.view": ALL_ROLES,
    "agreements.view": ALL_ROLES,
    "agreements.manage": {"office"},
    "agreements.templates": {"office", "leader"},
    # Who signs, scores and approves which agreement is decided by the agreements state machine.
    "agreements.act": ALL_ROLES,
    "agreements.ranking": {"admin", "leader", "office", "inspector"},
    "veto.view": ALL_ROLES,
    "veto.propose": {"office", "leader"},
    # Who confirms, appeals or reviews which veto is decided by the veto state machine.
    "veto.act": ALL_ROLES,
    "veto.sanction": {"office", "leader"},
    "veto.watchlist": {"office", "leader"},
    "veto.accountability": {"office", "leader"},
    "inspections.view": ALL_ROLES,
    "inspections.manage": {"office", "leader"},
    # Recording results and raising findings: round membership is checked by the inspections rules.
    "inspections.record": {"office", "leader", "inspector"},
    "legal.view": ALL_ROLES,
    "legal.record": {"office", "unit_head", "unit_clerk"},
    "legal.manage": {"office"},
    # Letters and visits: each unit sees the cases assigned to its subtree; the case state machine
    # decides who takes which step.
    "petitions.view": ALL_ROLES,
    "petitions.register": {"office", "leader"},
    "petitions.act": ALL_ROLES,
    "petitions.reveal": {"office", "leader"},
    "petitions.manage": {"office"},
    "petitions.stats": {"admin", "leader", "office", "inspector", "unit_head", "unit_clerk"},
    "petitions.tasks_manage": {"office", "leader"},
}

PUBLIC = "public"


def permission(name):
    """Declare the permission a view needs; enforced centrally in before_request."""
    if name != PUBLIC and name not in PERMISSIONS:
        raise KeyError(f"unknown permission {name!r}")

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


def sees_everything(user):
    return user.role in BUREAU_ROLES


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
