"""The supervision state machine: hand down, acknowledge, report, close out or send back, extend,
remind, notify; plus each user's to-do and done lists. Every step is audited."""
import datetime
from dataclasses import dataclass


from .. import audit, clock, modules
from ..access import can, users_with
from ..db import database
from ..nav import path_for
from ..models import ExtensionRequest, Notice, SupervisedItem, SupervisionEvent, User
from ..models.supervision import OPEN_STATES, STATES
from ..notify import notify
from . import registry
from .urgency import urgency

audit.register_object_type("supervision", "督办事项")
audit.register_object_type("extension", "延期申请")
audit.register_object_type("notice", "通报")
audit.register_actions({
    "assign": "交办", "acknowledge": "签收", "progress": "报告进展", "report": "办结报告", "close": "销号",
    "return": "驳回重办", "resolve": "办结", "extension_request": "申请延期", "extension_approve": "批准延期",
    "extension_refuse": "不批准延期", "remind": "催办", "notice": "通报", "denied": "操作被拒绝",
})
audit.register_fields({"due_date": "办理期限", "state": "状态", "title": "事项", "responsible_name": "责任人"})


class SupervisionError(ValueError):
    """A rule of supervision was broken; the message is shown to the user (and audited)."""


@dataclass(frozen=True)
class Step:
    label: str
    sources: tuple
    target: str
    side: str  # "unit": the owner unit's roles; "assigner": the bureau side
    note_required: bool = False


# The one table of allowed transitions.
STEPS = {
    "acknowledge": Step("签收", ("assigned",), "acknowledged", "unit"),
    "progress": Step("报告进展", ("acknowledged", "in_progress", "returned"), "in_progress", "unit", True),
    "report": Step("提交办结报告", ("acknowledged", "in_progress", "returned"), "reported", "unit", True),
    "close": Step("销号", ("reported",), "closed", "assigner"),
    "return": Step("驳回重办", ("reported",), "returned", "assigner", True),
}


def item_url(item):
    source = registry.get(item.source_type)
    return source.url(item) if source.url else path_for("supervision.item", item_id=item.id)


def unit_users(item):
    """Active users of the owner unit who act on its side."""
    return users_with(registry.get(item.source_type).unit_permission, unit=item.unit_id)


def _deny(item, user, label, message):
    with database.atomic():
        audit.record("denied", "supervision", item.id, summary=f"{label}未执行：{message}"[:255], unit=item.unit_id,
                     actor=user)
    raise SupervisionError(message)


def _event(item, user, action, note="", from_state="", to_state=""):
    return SupervisionEvent.create(item=item, actor=user, action=action, note=note,
                                   from_state=from_state, to_state=to_state)


# -- registration point -------------------------------------------------------------------------

def supervise(source_type, *, unit, title, due_date, start_date=None, source_id=None, description="",
              responsible_name="", assigned_by=None):
    """Put a record under supervision: one item, owned by a unit, with a due date. Audited; the
    unit's users are notified. Modules call this; it is the only way items come to exist."""
    source = registry.get(source_type)
    start_date = start_date or clock.today()
    if due_date < start_date:
        raise SupervisionError("办理期限不能早于交办日期。")
    if not unit.active:
        raise SupervisionError(f"“{unit.name}”已停用，不能交办事项。")
    with database.atomic():
        item = SupervisedItem.create(
            source_type=source.key, source_id=source_id, title=title, description=description, unit=unit,
            responsible_name=responsible_name, assigned_by=assigned_by, start_date=start_date,
            due_date=due_date, original_due_date=due_date,
        )
        _event(item, assigned_by, "assign", description[:500], "", "assigned")
        audit.record("assign", "supervision", item.id, summary=f"交办“{title}”给{unit.name}，期限 {due_date}",
                     unit=unit, actor=assigned_by,
                     after={"title": title, "unit": unit.id, "due_date": due_date.isoformat(), "state": "assigned"})
        notify(unit_users(item), f"新的{source.label}：{title}", f"办理期限 {due_date}，请及时签收。",
               item_url(item), kind="assign")
    return item


def items_for(source_type, source_id):
    return SupervisedItem.select().where(SupervisedItem.source_type == source_type,
                                         SupervisedItem.source_id == source_id)


# -- permissions ----------------------------------------------------------------------------------

def may(user, item, action, module_rules=True):
    """None when the user may take this step on this item, else the Chinese reason why not.
    module_rules=False leaves out the module's own check (pages still offer the step, and taking it
    then explains what is missing, e.g. evidence)."""
    source = registry.get(item.source_type)
    step = STEPS[action]
    if source.module_driven and action != "close":
        return f"该事项在业务模块中办理（{source.todo_label}），办理后自动办结。"
    if step.side == "unit":
        if not can(source.unit_permission, user):
            return f"您的角色不能{step.label}。"
        if user.unit_id != item.unit_id:
            return f"只能{step.label}本单位的督办事项。"
    elif not can(source.closer_permission, user):
        return f"您的角色不能{step.label}。"
    elif source.module_driven:
        return "该事项在业务模块中办理，办理后自动办结，无需销号。"
    if item.state == "closed":
        return f"该事项已销号，不能再{step.label}。"
    if item.state not in step.sources:
        if action == "close":
            return "尚未提交办结报告，不能销号。"
        return f"事项当前为“{item.state_label}”，不能{step.label}。"
    return source.check(user, item, action) if source.check and module_rules else None


def available_steps(user, item):
    return [(key, step) for key, step in STEPS.items() if may(user, item, key, module_rules=False) is None]


# -- the state machine ----------------------------------------------------------------------------

def take_step(item, action, user, note=""):
    """Move an item one step; checks, updates, history, audit and notifications in one transaction."""
    if action not in STEPS:
        raise SupervisionError("不支持的操作。")
    step = STEPS[action]
    note = (note or "").strip()
    reason = may(user, item, action)
    if reason is None and step.note_required and not note:
        reason = f"请填写{'驳回理由' if action == 'return' else '办理情况'}。"
    if reason:
        _deny(item, user, step.label, reason)
    now = clock.now()
    with database.atomic():
        before = item.state
        item.state = step.target
        if action == "acknowledge":
            item.acknowledged_at = now
        elif action in ("progress", "report"):
            item.last_progress_at = now
            if action == "report":
                item.reported_at = now
        elif action == "close":
            item.closed_at = now
            _lapse_extensions(item)
        item.save()
        _event(item, user, action, note, before, item.state)
        audit.record(action, "supervision", item.id, summary=f"{step.label}“{item.title}”" + (f"：{note}" if note else ""),
                     unit=item.unit_id, actor=user, before={"state": before}, after={"state": item.state})
        source = registry.get(item.source_type)
        if action == "report":
            assigners = [item.assigned_by] if item.assigned_by else []
            notify(assigners, f"{item.unit.name}提交了办结报告：{item.title}", note, item_url(item), kind="report")
        elif action in ("close", "return"):
            notify(unit_users(item), f"{source.label}已{step.label}：{item.title}", note, item_url(item), kind=action)
    return item


def _lapse_extensions(item):
    """A request for more time lapses with the work it asked time for."""
    ExtensionRequest.update(state="lapsed", decided_at=clock.now()).where(
        ExtensionRequest.item == item.id, ExtensionRequest.state == "pending").execute()


def resolve(source_type, source_id, user, note=""):
    """Close the open items of a record whose work the module has completed (e.g. an agreement was
    signed). Called by modules inside their own transaction; audited like every step."""
    closed = []
    for item in items_for(source_type, source_id).where(SupervisedItem.state.in_(OPEN_STATES)):
        before = item.state
        item.state, item.closed_at = "closed", clock.now()
        item.save(only=[SupervisedItem.state, SupervisedItem.closed_at])
        _event(item, user, "resolve", note, before, "closed")
        _lapse_extensions(item)
        audit.record("resolve", "supervision", item.id, summary=f"办结“{item.title}”" + (f"：{note}" if note else ""),
                     unit=item.unit_id, actor=user, before={"state": before}, after={"state": "closed"})
        closed.append(item)
    return closed


# -- extensions (延期申请) ----------------------------------------------------------------------

def request_extension(item, user, new_due_date, reason):
    source = registry.get(item.source_type)
    label = "申请延期"
    reason = (reason or "").strip()
    today = clock.today()
    max_count, max_days = source.limits()
    latest = item.original_due_date + datetime.timedelta(days=max_days)
    approved = item.extensions.where(ExtensionRequest.state == "approved").count()
    problem = None
    if not can(source.unit_permission, user) or user.unit_id != item.unit_id:
        problem = "只有承办单位可以申请延期。"
    elif not item.is_open or item.state == "reported":
        problem = "该事项已销号或已报办结，不能申请延期。"
    elif today > item.due_date:
        problem = f"已超过办理期限（{item.due_date}），不能再申请延期。"
    elif not reason:
        problem = "请填写延期理由。"
    elif new_due_date is None or new_due_date <= item.due_date:
        problem = f"新的期限必须晚于当前期限 {item.due_date}。"
    elif item.extensions.where(ExtensionRequest.state == "pending").exists():
        problem = "已有待审批的延期申请，请等待审批结果。"
    elif approved >= max_count:
        problem = f"{source.label}最多可延期 {max_count} 次，已用完。"
    elif new_due_date > latest:
        problem = f"{source.label}累计延期不能超过 {max_days} 天，最晚可延至 {latest}。"
    if problem:
        _deny(item, user, label, problem)
    with database.atomic():
        ext = ExtensionRequest.create(item=item, requested_by=user, reason=reason, old_due_date=item.due_date,
                                      new_due_date=new_due_date)
        _event(item, user, "extension_request", f"申请延期至 {new_due_date}：{reason}", item.state, item.state)
        audit.record("extension_request", "extension", ext.id, summary=f"“{item.title}”申请延期至 {new_due_date}",
                     unit=item.unit_id, actor=user, after={"due_date": new_due_date.isoformat()})
        approvers = users_with(source.extension_permission)
        notify(approvers, f"{item.unit.name}申请延期：{item.title}", f"申请延至 {new_due_date}。理由：{reason}",
               item_url(item), kind="extension")
    return ext


def decide_extension(ext, user, approve, note=""):
    item = ext.item
    source = registry.get(item.source_type)
    label = "审批延期"
    note = (note or "").strip()
    problem = None
    if not can(source.extension_permission, user):
        problem = "您的角色不能审批该类事项的延期申请。"
    elif ext.state != "pending":
        problem = "该延期申请已经处理过。"
    elif not item.is_open:
        problem = "该事项已销号。"
    elif not approve and not note:
        problem = "不批准时请填写理由。"
    if problem:
        _deny(item, user, label, problem)
    action = "extension_approve" if approve else "extension_refuse"
    with database.atomic():
        ext.state = "approved" if approve else "refused"
        ext.decided_by, ext.decided_at, ext.decision_note = user, clock.now(), note
        ext.save()
        before = item.due_date
        if approve:
            item.due_date = ext.new_due_date
            item.save(only=[SupervisedItem.due_date])
            if source.on_due_change:
                source.on_due_change(item)
        verdict = "批准" if approve else "不批准"
        _event(item, user, action, f"{verdict}延期至 {ext.new_due_date}" + (f"：{note}" if note else ""), item.state, item.state)
        audit.record(action, "extension", ext.id, summary=f"{verdict}“{item.title}”延期至 {ext.new_due_date}",
                     unit=item.unit_id, actor=user, before={"due_date": before.isoformat()},
                     after={"due_date": item.due_date.isoformat()})
        notify([ext.requested_by], f"延期申请{verdict}：{item.title}", note, item_url(item), kind="extension")
    return ext


# -- 催办 and 通报 ---------------------------------------------------------------------------------

def _check_assigner(item, user, label):
    if not can(registry.get(item.source_type).assigner_permission, user):
        _deny(item, user, label, f"您的角色不能{label}。")
    if not item.is_open:
        _deny(item, user, label, f"该事项已销号，不需要{label}。")


def remind(item, user, note=""):
    """催办: a recorded reminder, shown on the item and sent to the unit."""
    _check_assigner(item, user, "催办")
    note = (note or "").strip() or "请抓紧办理，按期办结。"
    with database.atomic():
        _event(item, user, "remind", note, item.state, item.state)
        audit.record("remind", "supervision", item.id, summary=f"催办“{item.title}”：{note}", unit=item.unit_id, actor=user)
        notify(unit_users(item), f"催办：{item.title}", note, item_url(item), kind="remind")


# Functions (notice, user) called inside the transaction that issues a 通报; the one-veto module
# registers one that records the notice as a sanction.
NOTICE_HOOKS = []


def on_notice(fn):
    NOTICE_HOOKS.append(fn)
    return fn


def issue_notice(item, user, reason):
    """通报: a notice of criticism against the owner unit, handed to the one-veto module's hooks."""
    _check_assigner(item, user, "通报")
    reason = (reason or "").strip()
    if not reason:
        _deny(item, user, "通报", "请填写通报理由。")
    with database.atomic():
        notice = Notice.create(unit=item.unit_id, item=item, year=clock.today().year, reason=reason, issued_by=user)
        _event(item, user, "notice", reason, item.state, item.state)
        audit.record("notice", "notice", notice.id, summary=f"通报{item.unit.name}：{reason}", unit=item.unit_id, actor=user)
        notify(unit_users(item), f"通报：{item.title}", reason, item_url(item), kind="notice")
        for hook in NOTICE_HOOKS:
            hook(notice, user)
    return notice


# -- 待办 / 已办 ------------------------------------------------------------------------------------

@dataclass
class Todo:
    """One thing waiting for a user's action, from any module."""

    action: str
    url: str
    title: str
    unit_name: str
    due: datetime.date = None
    urgency: object = None
    note: str = ""

    @classmethod
    def for_item(cls, item, action, note=""):
        return cls(action, item_url(item), item.title, item.unit.name, item.due_date, urgency(item), note)


def todo_for(user):
    """Everything waiting for this user's action across modules, most pressing first."""
    todos = []
    unit_types = [k for k, t in registry.TYPES.items() if can(t.unit_permission, user)]
    if unit_types:
        own = (SupervisedItem.select().where(SupervisedItem.unit == user.unit_id, SupervisedItem.source_type.in_(unit_types),
                                              SupervisedItem.state.in_(("assigned", "acknowledged", "in_progress", "returned"))))
        for item in own:
            label = registry.get(item.source_type).todo_label or (
                "签收" if item.state == "assigned" else ("重新办理" if item.state == "returned" else "办理并报告"))
            todos.append(Todo.for_item(item, label))
    closer_types = [k for k, t in registry.TYPES.items() if can(t.closer_permission, user)]
    if closer_types:
        for item in SupervisedItem.select().where(SupervisedItem.state == "reported",
                                                  SupervisedItem.source_type.in_(closer_types)):
            if may(user, item, "close") is None:  # e.g. only the round's own inspectors verify a rectification
                todos.append(Todo.for_item(item, "审核办结报告"))
    approver_types = [k for k, t in registry.TYPES.items() if can(t.extension_permission, user)]
    if approver_types:
        pending = (ExtensionRequest.select(ExtensionRequest, SupervisedItem).join(SupervisedItem)
                   .where(ExtensionRequest.state == "pending", SupervisedItem.source_type.in_(approver_types),
                          SupervisedItem.state.in_(OPEN_STATES)))
        for ext in pending:
            todos.append(Todo.for_item(ext.item, "审批延期申请", f"申请延至 {ext.new_due_date}：{ext.reason}"))
    # Work that is not a supervised item (e.g. a veto awaiting a leader), from the module manifests.
    for provider in modules.collect("todo_providers"):
        todos.extend(provider(user))
    todos.sort(key=lambda t: (t.urgency.severity if t.urgency else 9, t.due or datetime.date.max))
    return todos


def done_for(user, limit=100):
    """Steps this user took, newest first."""
    return list(SupervisionEvent.select(SupervisionEvent, SupervisedItem).join(SupervisedItem)
                .where(SupervisionEvent.actor == user.id).order_by(SupervisionEvent.id.desc()).limit(limit))


def overdue_items(today=None):
    """Open items past their due date (the unit's side), for the watch list of the one-veto module."""
    today = today or clock.today()
    return (SupervisedItem.select().where(SupervisedItem.state.in_(("assigned", "acknowledged", "in_progress", "returned")),
                                          SupervisedItem.due_date < today))


def open_items(user):
    return SupervisedItem.visible_to(user).where(SupervisedItem.state.in_(OPEN_STATES))


def daily_digest():
    """One reminder per user with something to do, at most once a calendar day; emailed when SMTP is
    configured. Returns the number of users reminded. Run by `flask --app portal remind` (cron)."""
    from ..models import Notification
    from ..notify import mail_notifications

    midnight = clock.local_to_utc(datetime.datetime.combine(clock.today(), datetime.time()))
    reminded = []
    for user in User.select().where(User.active == True):  # noqa: E712
        todos = todo_for(user)
        if not todos:
            continue
        already = Notification.select().where(Notification.user == user.id, Notification.kind == "digest",
                                              Notification.created_at >= midnight)
        if already.exists():
            continue
        colours = [t.urgency.colour for t in todos if t.urgency]
        title = f"每日督办提醒：待办 {len(todos)} 项" + "".join(
            f"，{label} {colours.count(c)} 项" for c, label in (("red", "逾期"), ("yellow", "滞后"), ("blue", "临期"))
            if colours.count(c))
        body = "\n".join(f"[{t.urgency.label} {t.urgency.countdown}] {t.title}（{t.unit_name}）：{t.action}"
                         if t.urgency else f"{t.title}（{t.unit_name}）：{t.action}" for t in todos)
        with database.atomic():
            reminded.extend(notify([user], title, body, path_for("inbox.todo"), kind="digest"))
    mail_notifications([n.id for n in reminded])
    return len(reminded)


ACTION_LABELS = {key: step.label for key, step in STEPS.items()} | {
    "assign": "交办", "resolve": "办结", "extension_request": "申请延期", "extension_approve": "批准延期",
    "extension_refuse": "不批准延期", "remind": "催办", "notice": "通报",
}
STATE_LABELS = STATES
