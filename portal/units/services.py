"""Rules of the unit tree: create, edit, move without cycles, (de)activate; each change audited."""
from .. import audit
from ..db import database
from ..models import UNIT_KINDS, Unit
from ..workflow import RuleError

FIELDS = ["name", "code", "kind", "parent", "level", "head_name", "phone", "active", "sort_order"]


def tree(units):
    """Units in depth-first order with their depth, children sorted by sort order then code."""
    by_parent = {}
    ids = {u.id for u in units}
    for u in units:
        key = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(key, []).append(u)
    for children in by_parent.values():
        children.sort(key=lambda u: (u.sort_order, u.code))
    ordered = []

    def walk(parent_id, depth):
        for u in by_parent.get(parent_id, []):
            ordered.append((u, depth))
            walk(u.id, depth + 1)

    walk(None, 0)
    return ordered


def parent_choices(unit=None):
    """Active units a unit may be placed under: never itself or anything below it."""
    query = Unit.select().where(Unit.active == True)  # noqa: E712
    if unit is not None and unit.id:
        query = query.where(~Unit.path.startswith(unit.path))
    return tree(list(query))


def _check_code(code, unit=None):
    clash = Unit.select().where(Unit.code == code)
    if unit is not None and unit.id:
        clash = clash.where(Unit.id != unit.id)
    if clash.exists():
        raise RuleError(f"单位代码“{code}”已被其他单位使用。")


def _check_kind(kind):
    if kind not in UNIT_KINDS:
        raise RuleError("请选择有效的单位类型。")


def create_unit(*, name, code, kind, parent, head_name="", phone="", sort_order=0):
    """Add a unit under an active parent (or the root, when the tree is empty)."""
    _check_kind(kind)
    _check_code(code)
    if parent is None and Unit.select().exists():
        raise RuleError("请选择上级单位：系统只有一个顶级单位（局机关）。")
    if parent is not None and not parent.active:
        raise RuleError("不能在已停用的单位下新建单位。")
    with database.atomic():
        unit = Unit.create(
            name=name, code=code, kind=kind, parent=parent, head_name=head_name, phone=phone,
            sort_order=sort_order, level=(parent.level + 1) if parent else 1,
        )
        unit.path = (parent.path if parent else "/") + f"{unit.id}/"
        unit.save(only=[Unit.path])
        audit.record("create", "unit", unit.id, summary=f"新建单位“{unit.name}”", unit=unit,
                     after=audit.snapshot(unit, FIELDS))
    return unit


def update_unit(unit, *, name, code, kind, parent, head_name="", phone="", sort_order=None):
    """Edit a unit's details; a changed parent moves the whole subtree."""
    _check_kind(kind)
    _check_code(code, unit)
    with database.atomic():
        before = audit.snapshot(unit, FIELDS)
        moved = (parent.id if parent else None) != unit.parent_id
        if moved:
            _move(unit, parent)
        unit.name, unit.code, unit.kind = name, code, kind
        unit.head_name, unit.phone = head_name, phone
        if sort_order is not None:
            unit.sort_order = sort_order
        unit.save()
        after = audit.snapshot(unit, FIELDS)
        if before != after:
            action = "move" if moved else "update"
            label = f"修改单位“{before['name']}”" + (f"，名称改为“{name}”" if before["name"] != name else "")
            if moved:
                label += f"，调整到“{parent.name}”之下"
            audit.record(action, "unit", unit.id, summary=label, unit=unit, before=before, after=after)
    return unit


def _move(unit, new_parent):
    if new_parent is None:
        raise RuleError("请选择上级单位：系统只有一个顶级单位（局机关）。")
    if unit.parent_id is None:
        raise RuleError("顶级单位（局机关）不能调整隶属关系。")
    if unit.contains(new_parent):
        raise RuleError("不能把单位调整到它自己或它的下级单位之下。")
    if not new_parent.active:
        raise RuleError("不能把单位调整到已停用的单位之下。")
    old_prefix, new_prefix = unit.path, new_parent.path + f"{unit.id}/"
    shift = new_parent.level + 1 - unit.level
    for sub in list(unit.subtree()):
        sub_path = new_prefix + sub.path[len(old_prefix):]
        Unit.update(path=sub_path, level=sub.level + shift).where(Unit.id == sub.id).execute()
    unit.parent = new_parent
    unit.path, unit.level = new_prefix, unit.level + shift


def set_active(unit, active):
    """Deactivate (records stay) or reactivate a unit."""
    if unit.active == active:
        return unit
    if not active:
        if unit.parent_id is None:
            raise RuleError("顶级单位（局机关）不能停用。")
        if unit.children.where(Unit.active == True).exists():  # noqa: E712
            raise RuleError(f"“{unit.name}”还有在用的下级单位，请先停用或调整下级单位。")
    elif unit.parent is not None and not unit.parent.active:
        raise RuleError("上级单位已停用，请先启用上级单位。")
    with database.atomic():
        unit.active = active
        unit.save(only=[Unit.active])
        audit.record("activate" if active else "deactivate", "unit", unit.id,
                     summary=f"{'启用' if active else '停用'}单位“{unit.name}”", unit=unit,
                     before={"active": not active}, after={"active": active})
    return unit
