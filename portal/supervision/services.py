"""The supervision state machine on the one Workflow: hand down, acknowledge, report, close out or send
back, extend, remind, notify; plus each user's to-do and done lists. Every step and refusal is audited."""
import datetime
import itertools
import time
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request
from peewee import JOIN

from .. import audit, clock, modules
from ..access import can, users_with
from ..db import database
from ..models import ExtensionRequest, Notice, SupervisedItem, SupervisionEvent, Unit, User
from ..models.supervision import OPEN_STATES, STATES
from ..nav import path_for
from ..notify import notify, settle, titled
from ..workflow import (AUTOMATIC, UNCHECKED, RuleError, Transition, Workflow, guarded, version_problem,
                        versioned_update)
from . import registry
from .urgency import NO_URGENCY, SEVERITY, severity_sql, urgency

audit.register_object_type("supervision", "督办事项")
audit.register_object_type("extension", "延期申请")
audit.register_object_type("notice", "通报")
audit.register_actions({
    "assign": "交办", "acknowledge": "签收", "progress": "报告进展", "report": "办结报告", "close": "销号",
    "return": "驳回重办", "resolve": "办结", "extension_request": "申请延期", "extension_approve": "批准延期",
    "extension_refuse": "不批准延期", "remind": "催办", "notice": "通报", "denied": "操作被拒绝",
})
audit.register_fields({"due_date": "办理期限", "state": "状态", "title": "事项", "responsible_name": "责任人"})


def item_url(item):
    source = registry.get(item.source_type)
    return source.url(item) if source.url else path_for("supervision.item", item_id=item.id)


def unit_users(item):
    """Active users of the owner unit who act on its side."""
    return users_with(registry.get(item.source_type).unit_permission, unit=item.unit_id)


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
        raise RuleError("办理期限不能早于交办日期。")
    if not unit.active:
        raise RuleError(f"“{unit.name}”已停用，不能交办事项。")
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
        # An item done in its module is not acknowledged (签收): the notice names the module's own step
        # (e.g. 签订目标责任书).
        ask = f"请在期限内{source.todo_label}。" if source.module_driven else "请及时签收。"
        notify(unit_users(item), f"新的{titled(source.label, title)}", f"办理期限 {due_date}，{ask}",
               item_url(item), kind="assign")
        _items_changed(source, source_id)
    return item


def _items_changed(source, source_id):
    """Tell the module its record's items changed (SourceType.on_items_change), in the same transaction."""
    if source.on_items_change is not None and source_id is not None:
        source.on_items_change(source_id)


def items_for(source_type, source_id):
    return SupervisedItem.select().where(SupervisedItem.source_type == source_type,
                                         SupervisedItem.source_id == source_id)


# -- who acts: the item type's rules, as scope rules of the one workflow ---------------------------

def _not_closed(item):
    return "该事项已销号，不能再{label}。" if item.state == "closed" else True


def _unit_side(user, item):
    """签收, 进展, 办结报告: the item type's unit permission, for the user's own unit; none for an item
    done inside its module (which resolves it)."""
    source = registry.get(item.source_type)
    if source.module_driven:
        return f"该事项在业务模块中办理（{source.todo_label}），办理后自动办结。"
    if not can(source.unit_permission, user):
        return "您的角色不能{label}。"
    if user.unit_id != item.unit_id:
        return "只能{label}本单位的督办事项。"
    return _not_closed(item)


def _closer_side(user, item):
    """销号, 驳回重办: the item type's closer permission; nothing to close on an item done in a module."""
    source = registry.get(item.source_type)
    if not can(source.closer_permission, user):
        return "您的角色不能{label}。"
    if source.module_driven:
        return "该事项在业务模块中办理，办理后自动办结，无需{label}。"
    return _not_closed(item)


UNIT_STATES = ("acknowledged", "in_progress", "returned")
# The to-dos todo_for() builds itself (a transition's `todo`): items waiting on the user's unit, reports
# waiting to be closed out, extension requests waiting for a decision.
OWN_ITEMS, REPORTS, EXTENSIONS = "supervision.own_items", "supervision.reports", "supervision.extensions"
# The one table of allowed transitions. Who may take a step is decided per item type by the scope
# rules above; "supervision.act" (every role) only says the step is one of supervision's.
WORKFLOW = Workflow(SupervisedItem, "supervision", noun="事项", states=STATES, scopes={
    "item_unit": _unit_side, "item_closer": _closer_side,
    # Only the module whose work the item follows closes it this way (resolve()), never a page.
    "by_module": lambda user, item: "该事项在业务模块中办理，办理后自动办结。",
}, transitions={
    "acknowledge": Transition("签收", ("assigned",), "acknowledged", "supervision.act", scope="item_unit",
                              todo=OWN_ITEMS),
    "progress": Transition("报告进展", UNIT_STATES, "in_progress", "supervision.act", scope="item_unit",
                           todo=OWN_ITEMS),
    "report": Transition("提交办结报告", UNIT_STATES, "reported", "supervision.act", scope="item_unit",
                         todo=OWN_ITEMS, confirm="提交后等待销号，不能再报告进展。"),
    "close": Transition("销号", ("reported",), "closed", "supervision.act", scope="item_closer",
                        state_message="尚未提交办结报告，不能销号。", todo=REPORTS,
                        confirm="销号后该事项办结，不能再办理。"),
    "return": Transition("驳回重办", ("reported",), "returned", "supervision.act", scope="item_closer", todo=REPORTS,
                         confirm="驳回后承办单位须重新办理并再次提交办结报告。"),
    "resolve": Transition("办结", OPEN_STATES, "closed", "supervision.act", scope="by_module", todo=AUTOMATIC),
})
# Steps that need a written note, and what to ask for.
NOTES = {"progress": "请填写办理情况。", "report": "请填写办理情况。", "return": "请填写驳回理由。"}


def step_problem(user, item, action, note=""):
    """The guards on top of the workflow: the item type's own rule (e.g. evidence before a report),
    then the note the step needs. Pages still offer such a step; taking it explains what is missing."""
    source = registry.get(item.source_type)
    return guarded(source.check(user, item, action) if source.check else None,
                   NOTES.get(action) if action in NOTES and not (note or "").strip() else None)


def available_steps(user, item):
    """[(action, Transition)] the user may take on the item now (the page's buttons)."""
    return [(key, WORKFLOW[key]) for key in WORKFLOW.available(user, item)]


def _step_fields(action, now):
    return {"acknowledge": {"acknowledged_at": now}, "progress": {"last_progress_at": now},
            "report": {"last_progress_at": now, "reported_at": now}, "close": {"closed_at": now}}.get(action, {})


def take_step(item, action, user, note="", version=UNCHECKED):
    """Move an item one step: checks (refusals audited), the version-checked update, history, audit and
    notifications in one transaction. The caller's record is refreshed too (code takes steps in a row
    on one object); a page passes the version it showed."""
    if action not in WORKFLOW or action == "resolve":
        raise RuleError("不支持的操作。")
    note = (note or "").strip()
    WORKFLOW.check(action, user, item, version, problem=step_problem(user, item, action, note))
    before, source = item.state, registry.get(item.source_type)
    with database.atomic():
        moved = WORKFLOW.write(item, action, user, summary=f"“{item.title}”" + (f"：{note}" if note else ""),
                               **_step_fields(action, clock.now()))
        _event(moved, user, action, note, before, moved.state)
        if action == "close":
            _lapse_extensions(moved)
        if action == "report":
            assigners = [item.assigned_by] if item.assigned_by else []
            notify(assigners, f"{item.unit.name}提交了办结报告：{item.title}", note, item_url(item), kind="report")
        elif action in ("close", "return"):
            if action == "close":
                settle(item_url(item))  # the messages about the work are old news once it is closed out
            notify(unit_users(item), f"{source.label}已{WORKFLOW.label(action)}：{item.title.removeprefix(source.label + '：')}",
                   note, item_url(item), kind=action)
        _items_changed(source, item.source_id)
    item.__data__.update(moved.__data__)
    return item


def _lapse_extensions(item):
    """A request for more time lapses with the work it asked time for."""
    ExtensionRequest.update(state="lapsed", decided_at=clock.now()).where(
        ExtensionRequest.item == item.id, ExtensionRequest.state == "pending").execute()


def resolve(source_type, source_id, user, note=""):
    """Close the open items of a record whose work the module has completed (e.g. an agreement was
    signed). Called by modules inside their own transaction, after their own checks; audited like
    every step."""
    closed = []
    for item in items_for(source_type, source_id).where(SupervisedItem.state.in_(OPEN_STATES)):
        moved = WORKFLOW.write(item, "resolve", user, summary=f"“{item.title}”" + (f"：{note}" if note else ""),
                               closed_at=clock.now())
        _event(moved, user, "resolve", note, item.state, "closed")
        _lapse_extensions(moved)
        settle(item_url(moved))
        closed.append(moved)
    if closed:
        _items_changed(registry.get(source_type), source_id)
    return closed


# -- extensions (延期申请) ----------------------------------------------------------------------

def extension_problem(user, item):
    """Why this user may not ask for more time on this item (None: the owner unit, while it works)."""
    source = registry.get(item.source_type)
    if not can(source.unit_permission, user) or user.unit_id != item.unit_id:
        return "只有承办单位可以申请延期。"
    if not item.is_open or item.state == "reported":
        return "该事项已销号或已报办结，不能申请延期。"
    return None


def request_extension(item, user, new_due_date, reason, version=UNCHECKED):
    source = registry.get(item.source_type)
    reason = (reason or "").strip()
    today = clock.today()
    max_count, max_days = source.limits()
    latest = item.original_due_date + datetime.timedelta(days=max_days)
    problem = extension_problem(user, item) or version_problem(item, version)
    if problem is None:
        approved = item.extensions.where(ExtensionRequest.state == "approved").count()
        if today > item.due_date:
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
        WORKFLOW.refuse(item, user, "申请延期", problem)
    with database.atomic():
        ext = ExtensionRequest.create(item=item, requested_by=user, reason=reason, old_due_date=item.due_date,
                                      new_due_date=new_due_date)
        _event(item, user, "extension_request", f"申请延期至 {new_due_date}：{reason}", item.state, item.state)
        audit.record("extension_request", "extension", ext.id, summary=f"“{item.title}”申请延期至 {new_due_date}",
                     unit=item.unit_id, actor=user, after={"due_date": new_due_date.isoformat()})
        notify(users_with(source.extension_permission), f"{item.unit.name}申请延期：{item.title}",
               f"申请延至 {new_due_date}。理由：{reason}", item_url(item), kind="extension")
    return ext


def decide_extension(ext, user, approve, note="", version=UNCHECKED):
    """Approve (the item's due date moves, version-checked) or refuse an extension request."""
    item = ext.item
    source = registry.get(item.source_type)
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
    problem = problem or version_problem(item, version)
    if problem:
        WORKFLOW.refuse(item, user, "审批延期", problem)
    action, verdict = ("extension_approve", "批准") if approve else ("extension_refuse", "不批准")
    decision = {"state": "approved" if approve else "refused", "decided_by": user, "decided_at": clock.now(),
                "decision_note": note}
    with database.atomic():
        # Two approvers on one request: the second finds it decided.
        if not ExtensionRequest.update(**decision).where(ExtensionRequest.id == ext.id,
                                                         ExtensionRequest.state == "pending").execute():
            raise RuleError("该延期申请已经处理过。")
        for key, value in decision.items():
            setattr(ext, key, value)
        before = item.due_date
        if approve:
            versioned_update(item, due_date=ext.new_due_date)
        _event(item, user, action, f"{verdict}延期至 {ext.new_due_date}" + (f"：{note}" if note else ""), item.state, item.state)
        audit.record(action, "extension", ext.id, summary=f"{verdict}“{item.title}”延期至 {ext.new_due_date}",
                     unit=item.unit_id, actor=user, before={"due_date": before.isoformat()},
                     after={"due_date": item.due_date.isoformat()})
        notify([ext.requested_by], f"延期申请{verdict}：{item.title}", note, item_url(item), kind="extension")
    return ext


def extension_panel(user, item):
    """What the extensions partial (templates/supervision/_extensions.html) shows of an item on any
    module's page: its requests with who asked and decided, whether this user may ask for more time
    and until when at most, and whether they decide requests of its type."""
    source = registry.get(item.source_type)
    max_count, max_days = source.limits()
    asker, decider = User.alias(), User.alias()
    rows = (ExtensionRequest.select(ExtensionRequest, asker, decider)
            .join(asker, on=(ExtensionRequest.requested_by == asker.id), attr="requested_by")
            .switch(ExtensionRequest)
            .join(decider, JOIN.LEFT_OUTER, on=(ExtensionRequest.decided_by == decider.id), attr="decided_by")
            .where(ExtensionRequest.item == item.id).order_by(ExtensionRequest.id.desc()))
    rows = list(rows)
    latest = item.original_due_date + datetime.timedelta(days=max_days)
    # Not offered when it could only be refused: the extensions are used up, one is waiting, the
    # deadline has passed or cannot move any later.
    spent = (sum(1 for r in rows if r.state == "approved") >= max_count
             or any(r.state == "pending" for r in rows) or clock.today() > item.due_date or latest <= item.due_date)
    return {"item": item, "source": source, "rows": rows, "limits": (max_count, max_days), "next": item_url(item),
            "latest": latest,
            "may_request": max_count > 0 and not spent and extension_problem(user, item) is None,
            "may_decide": can(source.extension_permission, user)}


# -- 催办 and 通报 ---------------------------------------------------------------------------------

def _check_assigner(item, user, label):
    if not can(registry.get(item.source_type).assigner_permission, user):
        WORKFLOW.refuse(item, user, label, f"您的角色不能{label}。")
    if not item.is_open:
        WORKFLOW.refuse(item, user, label, f"该事项已销号，不需要{label}。")


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
        WORKFLOW.refuse(item, user, "通报", "请填写通报理由。")
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
        """The to-do of a supervised item; select the item with its Unit joined."""
        return cls(action, item_url(item), item.title, item.unit.name, item.due_date, urgency(item), note)


def _with_unit(query):
    return query.join(Unit, on=(SupervisedItem.unit == Unit.id))


def _types(user, permission):
    """The item types whose `permission` ("unit_permission", ...) this user holds."""
    return [key for key, t in registry.TYPES.items() if can(getattr(t, permission), user)]


def _own_items(user):
    """Items waiting on the user's own unit (签收, 办理, 重新办理, or the module's own step)."""
    return _with_unit(SupervisedItem.select(SupervisedItem, Unit)).where(
        SupervisedItem.unit == user.unit_id, SupervisedItem.source_type.in_(_types(user, "unit_permission")),
        SupervisedItem.state.in_(("assigned",) + UNIT_STATES))


def _reports_to_close(user):
    """Reported items this user closes out, as two queries: the types decided in SQL (by the workflow
    alone, or by the type's `closable_by`, e.g. only the round's own inspectors verify a rectification),
    and those whose own check decides per item."""
    keys = [k for k in _types(user, "closer_permission") if not registry.get(k).module_driven]
    checked = [k for k in keys if registry.get(k).check and not registry.get(k).closable_by]
    query = _with_unit(SupervisedItem.select(SupervisedItem, Unit)).where(SupervisedItem.state == "reported")
    decided = SupervisedItem.source_type.in_([k for k in keys if not registry.get(k).check])
    for key in keys:
        if registry.get(key).check and registry.get(key).closable_by:
            decided |= (SupervisedItem.source_type == key) & registry.get(key).closable_by(user)
    return query.where(decided), query.where(SupervisedItem.source_type.in_(checked))


def _closes(user, item):
    return WORKFLOW.refusal("close", user, item) is None and step_problem(user, item, "close") is None


def _extensions_to_decide(user):
    return (ExtensionRequest.select(ExtensionRequest, SupervisedItem, Unit).join(SupervisedItem)
            .join(Unit, on=(SupervisedItem.unit == Unit.id))
            .where(ExtensionRequest.state == "pending",
                   SupervisedItem.source_type.in_(_types(user, "extension_permission")),
                   SupervisedItem.state.in_(OPEN_STATES)))


def todo_sort_key(todo):
    """The order of 待办: most pressing colour first, then the nearest date (to-dos without either last)."""
    return (todo.urgency.severity if todo.urgency else NO_URGENCY, todo.due or datetime.date.max)


def _top(query, limit):
    return query if limit is None else query.limit(limit)


def in_todo_order(query, limit=None):
    """A query of supervised items in 待办's order (colour, date, then id, as todo_sort_key()), in SQL."""
    return _top(query.order_by(severity_sql(SupervisedItem), SupervisedItem.due_date, SupervisedItem.id), limit)


def todo_for(user, limit=None):
    """Everything waiting for this user's action across modules, most pressing first.

    Each source (the items built here, every module's provider) yields its own to-dos already in this
    order; given `limit`, each yields only its first `limit` (a LIMIT in SQL), so the first `limit` of
    the merged list are exactly those of the whole list at a cost that does not grow with the waiting
    work (the 待办 page asks for what its page needs; the badge counts)."""
    todos = []
    for item in in_todo_order(_own_items(user), limit):
        label = registry.get(item.source_type).todo_label or (
            "签收" if item.state == "assigned" else ("重新办理" if item.state == "returned" else "办理并报告"))
        todos.append(Todo.for_item(item, label))
    plain, checked = _reports_to_close(user)
    todos += [Todo.for_item(item, "审核办结报告") for item in in_todo_order(plain, limit)]
    closing = (item for item in in_todo_order(checked) if _closes(user, item))  # decided per item
    todos += [Todo.for_item(item, "审核办结报告") for item in itertools.islice(closing, limit)]
    for ext in in_todo_order(_extensions_to_decide(user), limit):
        todos.append(Todo.for_item(ext.item, "审批延期申请", f"申请延至 {ext.new_due_date}：{ext.reason}"))
    # Work that is not a supervised item (e.g. a veto awaiting a leader), from the module manifests.
    for provider in modules.collect("todo_providers"):
        todos.extend(provider(user, limit=limit))
    todos.sort(key=todo_sort_key)
    return todos


def todo_keys():
    """Every to-do a workflow transition may name in `todo=`: the ones built here, every supervised item
    type (its item waits on the unit) and every module's `@module.todo` provider."""
    return ({OWN_ITEMS, REPORTS, EXTENSIONS} | set(registry.TYPES)
            | {provider.todo_key for provider in modules.collect("todo_providers")})


def todo_count(user, fresh=False):
    """len(todo_for(user)), for the nav badge on every page: counted in SQL, without building the list
    (a provider may offer its own `count(user)`). Counted once per GET request (the 待办 page's total
    and its badge are the same figure); a POST counts after its own writes. Between requests a GET
    reuses the user's last count while the data and the day are the same (`_kept_count`); `fresh`
    counts anew (the 待办 page, whose rows are built fresh)."""
    if has_request_context() and request.method == "GET":
        counted = g.setdefault("todo_counts", {})
        if user.id not in counted or fresh:
            counted[user.id] = _todo_count(user) if fresh else _kept_count(user)
        return counted[user.id]
    return _todo_count(user)


def _kept_count(user):
    """The user's to-do count as last counted in this worker, if nothing was written since (the audit
    head: every state change writes an audit row in its transaction), the day is the same (waiting work
    is dated) and it is at most TODO_COUNT_SECONDS old (a bound for PostgreSQL, where two writes may
    commit in the other order than their audit ids); else counted anew. Read the version before
    counting, so a count is never filed under a newer version than the data it saw."""
    seconds = current_app.config["TODO_COUNT_SECONDS"]
    if not seconds:
        return _todo_count(user)
    kept = current_app.extensions.setdefault("todo_counts", {})
    version, now = (clock.today(), audit.head()), time.monotonic()
    last = kept.get(user.id)
    if last is not None and last[0] == version and now - last[1] < seconds:
        return last[2]
    count = _todo_count(user)
    kept[user.id] = (version, now, count)
    return count


def _todo_count(user):
    plain, checked = _reports_to_close(user)
    count = _own_items(user).count() + plain.count() + sum(1 for item in checked if _closes(user, item))
    count += _extensions_to_decide(user).count()
    for provider in modules.collect("todo_providers"):
        counter = getattr(provider, "count", None)
        count += counter(user) if counter else len(provider(user, limit=None))
    return count


def overdue_todo_items(user):
    """How many of the user's to-dos that are supervised items are past their date (红牌), in SQL: items of
    the user's own unit, and items whose extension request the user decides."""
    red = severity_sql(SupervisedItem) == SEVERITY["red"]
    own = _own_items(user).where(red).count()
    extensions = _extensions_to_decide(user).where(red).count()
    return own + extensions


def done_for(user):
    """Steps this user took, newest first (a query: pages paginate it)."""
    return (SupervisionEvent.select(SupervisionEvent, SupervisedItem, Unit).join(SupervisedItem)
            .join(Unit, on=(SupervisedItem.unit == Unit.id))
            .where(SupervisionEvent.actor == user.id).order_by(SupervisionEvent.id.desc()))


def overdue_items(today=None):
    """Open items past their due date (the unit's side), for the watch list of the one-veto module."""
    today = today or clock.today()
    return (SupervisedItem.select().where(SupervisedItem.state.in_(("assigned",) + UNIT_STATES),
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
    for user in users_with("inbox.view"):
        if not todo_count(user):
            continue
        already = Notification.select().where(Notification.user == user.id, Notification.kind == "digest",
                                              Notification.created_at >= midnight)
        if already.exists():
            continue
        todos = todo_for(user)
        colours = [t.urgency.colour for t in todos if t.urgency]
        title = f"每日督办提醒：待办 {len(todos)} 项" + "".join(
            f"，{label} {colours.count(c)} 项" for c, label in (("red", "逾期"), ("yellow", "滞后"), ("blue", "临期"))
            if colours.count(c))
        body = "\n".join(f"[{t.urgency.label} {t.urgency.countdown}] {t.title}（{t.unit_name}）：{t.action}"
                         if t.urgency else f"{t.title}（{t.unit_name}）：{t.action}" for t in todos)
        with database.atomic():
            settle(path_for("inbox.todo"), user)  # yesterday's reminder is replaced by today's
            reminded.extend(notify([user], title, body, path_for("inbox.todo"), kind="digest"))
    mail_notifications([n.id for n in reminded])
    return len(reminded)


ACTION_LABELS = {key: WORKFLOW.label(key) for key in WORKFLOW} | {
    "assign": "交办", "extension_request": "申请延期", "extension_approve": "批准延期",
    "extension_refuse": "不批准延期", "remind": "催办", "notice": "通报",
}
STATE_LABELS = STATES
