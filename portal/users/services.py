"""Rules of user accounts: create, change role/unit, disable, reset password, unlock; each audited."""
from .. import audit
from ..auth.services import end_sessions
from ..db import database
from ..models import ROLES, Unit, User
from ..security import hash_password
from ..workflow import RuleError

FIELDS = ["username", "display_name", "role", "unit", "phone", "active"]


def _check(role, unit):
    if role not in ROLES:
        raise RuleError("请选择有效的角色。")
    if unit is None:
        raise RuleError("请选择所在单位。")
    if not unit.active:
        raise RuleError(f"“{unit.name}”已停用，不能把用户放在停用的单位。")


def create_user(*, username, display_name, role, unit, password, phone="", actor=None):
    _check(role, unit)
    if User.select().where(User.username == username).exists():
        raise RuleError(f"用户名“{username}”已存在。")
    with database.atomic():
        user = User.create(username=username, display_name=display_name, role=role, unit=unit,
                           phone=phone, password_hash=hash_password(password))
        audit.record("create", "user", user.id, summary=f"新建用户“{username}”（{ROLES[role]}，{unit.name}）",
                     unit=unit, after=audit.snapshot(user, FIELDS), actor=actor)
    return user


def update_user(user, *, display_name, role, unit, phone=""):
    """Change a user's name, role or unit; a new role or unit ends the user's sessions."""
    _check(role, unit)
    with database.atomic():
        before = audit.snapshot(user, FIELDS)
        rights_changed = user.role != role or user.unit_id != unit.id
        user.display_name, user.role, user.unit, user.phone = display_name, role, unit, phone
        user.save(only=[User.display_name, User.role, User.unit, User.phone])
        if rights_changed:
            end_sessions(user)
        after = audit.snapshot(user, FIELDS)
        if before != after:
            audit.record("update", "user", user.id, summary=f"修改用户“{user.username}”", unit=unit,
                         before=before, after=after)
    return user


def set_active(user, active, actor):
    if not active and user.id == actor.id:
        raise RuleError("不能停用自己正在使用的账号。")
    if user.active == active:
        return user
    with database.atomic():
        user.active = active
        user.save(only=[User.active])
        if not active:
            end_sessions(user)
        audit.record("enable" if active else "disable", "user", user.id,
                     summary=f"{'启用' if active else '停用'}账号“{user.username}”", unit=user.unit_id,
                     before={"active": not active}, after={"active": active})
    return user


def reset_password(user, password):
    """Set a new password chosen by the administrator; ends sessions and lifts a lock."""
    with database.atomic():
        user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until = 0, None
        user.save(only=[User.password_hash, User.failed_logins, User.locked_until])
        end_sessions(user)
        audit.record("password_reset", "user", user.id, summary=f"重置“{user.username}”的密码", unit=user.unit_id)


def unlock(user):
    with database.atomic():
        user.failed_logins, user.locked_until = 0, None
        user.save(only=[User.failed_logins, User.locked_until])
        audit.record("update", "user", user.id, summary=f"解除“{user.username}”的登录锁定", unit=user.unit_id,
                     after={"locked_until": None})


def unit_choices(user=None):
    """(id, indented name) of every active unit in tree order; with a user, only the units they see
    (for filters offered to unit roles)."""
    from ..units.services import tree

    units = Unit.visible_to(user) if user is not None else Unit.select()
    return [(u.id, "　" * depth + u.name) for u, depth in tree(list(units.where(Unit.active == True)))]  # noqa: E712
