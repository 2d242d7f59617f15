"""Owns the one table of who may do what: the roles, each permission's roles (declared by the
module manifests), and the questions every rule asks of it (can, sees_everything, in_scope). It
imports no model, so models may ask it too (Unit.scope_of, User.holding) without an import cycle."""
from flask_login import current_user

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


def can(name, user=None):
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in PERMISSIONS[name]


def sees_everything(user):
    return user.role in BUREAU_ROLES


def in_scope(user, unit):
    """True when the unit lies in what the user may see (every unit for bureau roles)."""
    if sees_everything(user):
        return True
    return unit is not None and user.unit.contains(unit)
