"""Owns writing the audit trail: one call, inside the caller's transaction, for every state change."""
import datetime
import decimal
import json

from flask import has_request_context, request
from flask_login import current_user

from . import clock
from .db import database
from .models.audit import AuditLog
from .models.org import Unit

# object_type -> label, for the audit page's filter; modules add their own types.
OBJECT_TYPES = {
    "unit": "单位",
    "user": "用户",
    "attachment": "附件",
    "session": "登录",
}

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "move": "调整隶属",
    "deactivate": "停用",
    "activate": "启用",
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "账号锁定",
    "login_throttled": "登录限流",
    "logout": "退出",
    "password_reset": "重置密码",
    "password_change": "修改密码",
    "disable": "停用账号",
    "enable": "启用账号",
    "upload": "上传",
    "archive": "归档",
}


# field -> label for the audit page's change column; modules add their own fields.
FIELD_LABELS = {
    "name": "名称", "code": "代码", "kind": "类型", "parent": "上级单位", "level": "层级",
    "head_name": "第一责任人", "phone": "电话", "active": "在用", "sort_order": "排序",
    "username": "用户名", "display_name": "姓名", "role": "角色", "unit": "单位",
    "archived": "已归档", "filename": "文件名", "size": "大小", "owner_type": "所属记录类型",
    "owner_id": "所属记录", "locked_until": "锁定至",
}


def register_fields(labels):
    FIELD_LABELS.update(labels)


def register_object_type(key, label):
    OBJECT_TYPES[key] = label


def register_actions(labels):
    ACTION_LABELS.update(labels)


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "id") and hasattr(value, "_meta"):
        return value.id
    return value


def snapshot(obj, fields):
    """The named fields of a record as JSON-friendly values (foreign keys by id)."""
    return {name: _plain(getattr(obj, name + "_id", None) if _is_fk(obj, name) else getattr(obj, name)) for name in fields}


def _is_fk(obj, name):
    field = obj._meta.fields.get(name)
    return field is not None and field.__class__.__name__ == "ForeignKeyField"


def head():
    """The newest audit row's id: every state change writes one in its own transaction, so this is the
    version of the data a figure was computed from (e.g. the nav's to-do count, kept while it is the
    same). One indexed lookup."""
    return AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1).scalar()


def record(action, object_type, object_id=None, *, summary="", unit=None, before=None, after=None, actor=None, actor_name=None):
    """Append one audit row. Call it inside the transaction that makes the change."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    unit_id = unit.id if isinstance(unit, Unit) else unit
    return AuditLog.create(
        at=clock.now(),
        actor=actor,
        actor_name=actor_name or (actor.username if actor is not None else ""),
        unit=unit_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:255],
        before=json.dumps(before, ensure_ascii=False, default=_plain) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False, default=_plain) if after is not None else None,
        ip=(request.remote_addr or "")[:45] if has_request_context() else "cli",
    )


def history(object_type, object_id):
    """A record's audit rows, newest first: the history shown on its page."""
    return list(AuditLog.select().where(AuditLog.object_type == object_type, AuditLog.object_id == object_id)
                .order_by(AuditLog.id.desc()))


def atomic():
    """The transaction a change and its audit row share."""
    return database.atomic()


def init_app(app):
    @app.context_processor
    def _audit_labels():
        return {"ACTION_LABELS": ACTION_LABELS, "OBJECT_TYPES": OBJECT_TYPES, "FIELD_LABELS": FIELD_LABELS}

    @app.template_filter("audit_value")
    def _audit_value(value):
        if value is None or value == "":
            return "—"
        if value is True:
            return "是"
        if value is False:
            return "否"
        return value
