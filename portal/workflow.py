"""Owns every record with states: transitions declared as data, who may take them (a permission of
the one table plus the record's own scope rule), the version-checked move, and the audit row of
every step and every refusal.

A module declares its machine once and keeps only its own guards and side effects:

    WORKFLOW = Workflow(VetoEvent, "veto", noun="该一票否决", transitions={
        "confirm": Transition("确认否决", ("proposed",), "confirmed", "veto.decide"),
        "appeal": Transition("申诉", ("confirmed",), "appealed", "veto.appeal", scope="own_unit"),
    })
    veto = WORKFLOW.move(veto, "confirm", user, request.form.get("version"), reason="...", decided_at=now)

Tiered records (a dispute held by one tier at a time) declare their tiers as data: `tiers` names
the unit levels from the bottom up, a transition with `tier=+1` escalates to the next tier and
`tier=-1` sends the record back down, and the scope rule "holder" lets only the holding tier act.

Every step someone must take appears on that person's 待办. A transition says, as data, which to-do
puts it there (`todo=`): the key of a supervised item type whose item waits on the actor (e.g.
"agreement_sign"), the key of a `@module.todo` provider ("<module>.<function name>", e.g.
"veto.leader_todos", see portal/modules.py), or OPTIONAL for a step nobody waits for (a withdrawal,
a review request registered when one comes in, raising a finding while inspecting), or AUTOMATIC for
a step the system takes as the effect of another (a supervised item resolved by its module):

    "sign": Transition("签订", ("issued",), "signed", "agreements.sign", scope="own_unit",
                       todo="agreement_sign"),
    "withdraw": Transition("撤回", ("proposed", "confirmed"), "withdrawn", "veto.withdraw", todo=OPTIONAL),

A step that cannot be undone says so (`confirm="签订后责任书文本冻结，不能再修改。"`): its buttons carry
data-confirm="{{ confirm_step('agreement', 'sign', '《…》') }}" and the page asks "确定签订《…》？…" first.

Every Workflow registers itself in REGISTRY; tests/test_todo_coverage.py walks every transition of
every module's workflows and fails when one has no to-do or names a to-do that does not exist, so a
module added later declares its own.
"""
from dataclasses import dataclass
from typing import Optional

from . import access, audit
from .db import database
from .models.org import Unit


# Every Workflow declared, in declaration order (the to-do coverage test walks them).
REGISTRY = []
# The `todo` of a step nobody has to take: a withdrawal, a request registered when one comes in.
OPTIONAL = "optional"
# The `todo` of a step no person takes: the system takes it as the effect of another step.
AUTOMATIC = "automatic"


class RuleError(ValueError):
    """A rule was broken; the (Chinese) message is shown to the user. The one error type every module
    raises for a refused action; htmx.outcome answers it the same way everywhere. A form's several
    problems travel together in `fields` ({field name: message}, in the form's order), so a page can
    show each beside its field at once (raise_all below)."""

    def __init__(self, message="", fields=None):
        super().__init__(message)
        self.fields = dict(fields or {})


def raise_all(problems):
    """Raise one RuleError naming every problem of a form ({field: message or None}), if there is any."""
    found = {name: message for name, message in problems.items() if message}
    if found:
        raise RuleError("；".join(found.values()), fields=found)


STALE = "页面已过期：该记录已被他人修改，请刷新页面查看最新内容后再操作。"
# Services called from code (demo data, other modules) do not check a version a page sent.
UNCHECKED = object()


def parse_version(value):
    """The version a page sent, as an int; missing or malformed means the page is stale."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise RuleError(STALE)
    return int(text)


def version_problem(record, version, field="version"):
    """None when the page's version matches the record's (or no check was asked), else STALE."""
    if version is UNCHECKED:
        return None
    try:
        return None if parse_version(version) == getattr(record, field) else STALE
    except RuleError as exc:
        return str(exc)


def versioned_update(record, version=UNCHECKED, field="version", **changes):
    """Write changes to a record only if nobody changed it since the page was loaded (the page's
    `version`), bumping its version; refreshes the record in memory. For edits that are not steps
    (scores saved as drafts, a checklist result): call it inside the caller's transaction and audit
    there. Raises RuleError(STALE) when the page is out of date."""
    problem = version_problem(record, version, field)
    if problem:
        raise RuleError(problem)
    model, current = type(record), getattr(record, field)
    changes[field] = current + 1
    updated = model.update(**changes).where(model.id == record.id, getattr(model, field) == current).execute()
    if not updated:
        raise RuleError(STALE)
    for key, value in changes.items():
        setattr(record, key, value)
    return record


@dataclass(frozen=True)
class Tier:
    """One tier of a tiered record: its label and the unit level that holds the record there."""

    label: str
    level: int


@dataclass(frozen=True)
class Transition:
    """One allowed step: its label, the states it leaves, the state it reaches (None: stays), the
    permission it needs, and the record's scope rule the user must satisfy."""

    label: str
    sources: tuple
    target: Optional[str]
    permission: str
    # "any" (bureau-wide step), "own_unit", "subtree", "holder", or a rule the workflow declares.
    scope: str = "any"
    # +1 escalates one tier up, -1 sends the record one tier down (tiered workflows only).
    tier: int = 0
    # Overrides of the default refusal texts, when a step has a better way of saying it.
    state_message: Optional[str] = None
    role_message: Optional[str] = None
    # The to-do that puts this step on its actor's 待办: a supervised item type's key, a to-do provider's
    # key ("<module>.<function>"), or OPTIONAL (see the module docstring). None is a gap the tests catch.
    todo: Optional[str] = None
    # What the step does that cannot be undone, asked before it is taken (确定{label}？{confirm}); the
    # pages' buttons carry it as data-confirm (confirm_text below, static/js/portal.js asks).
    confirm: Optional[str] = None


def _unit_of(record, field):
    return getattr(record, f"{field}_id", None)


def _in_subtree(user, unit_id):
    if access.sees_everything(user):
        return True
    if unit_id is None:
        return False
    unit = Unit.get_or_none(Unit.id == unit_id)
    return unit is not None and user.unit.contains(unit)


class Workflow:
    """The state machine of one model. `transitions` maps action keys to Transition; `scopes` adds
    named scope rules (user, record) -> bool, or the rule's own refusal (a message like the scope
    messages, e.g. "只能{label}本单位的督办事项。") when one rule has several reasons; `tiers` (bottom up)
    makes the record tiered."""

    def __init__(self, model, object_type, transitions, *, noun="该记录", states=None, scopes=None,
                 scope_messages=None, tiers=None, unit_field="unit", state_field="state", version_field="version",
                 tier_field="tier"):
        self.model, self.object_type, self.transitions = model, object_type, dict(transitions)
        self.noun, self.states = noun, states or {}
        self.scopes = {"any": lambda user, record: True,
                       "own_unit": lambda user, record: user.unit_id == _unit_of(record, unit_field),
                       "subtree": lambda user, record: _in_subtree(user, _unit_of(record, unit_field)),
                       "holder": self._holds}
        self.scopes.update(scopes or {})
        self.scope_messages = {"own_unit": "只能{label}本单位的{noun}。", "subtree": "只能{label}本单位（含下属单位）的{noun}。",
                               "holder": "{noun}当前由{tier}办理，只有该层级的单位可以{label}。"}
        self.scope_messages.update(scope_messages or {})
        self.tiers = tuple(tiers or ())
        self.unit_field, self.state_field = unit_field, state_field
        self.version_field, self.tier_field = version_field, tier_field
        for key, t in self.transitions.items():
            if t.permission not in access.PERMISSIONS:
                raise KeyError(f"{object_type}.{key}: unknown permission {t.permission!r}")
            if t.scope not in self.scopes:
                raise KeyError(f"{object_type}.{key}: unknown scope rule {t.scope!r}")
            if t.tier and not self.tiers:
                raise ValueError(f"{object_type}.{key}: a tier move needs tiers")
        REGISTRY.append(self)

    def __getitem__(self, action):
        return self.transitions[action]

    def __contains__(self, action):
        return action in self.transitions

    def __iter__(self):
        return iter(self.transitions)

    def label(self, action):
        return self.transitions[action].label

    def state_label(self, record):
        state = getattr(record, self.state_field)
        return self.states.get(state, state)

    # -- tiers ------------------------------------------------------------------------------------

    def tier_of(self, record):
        return self.tiers[getattr(record, self.tier_field)]

    def holder_id(self, record):
        """The id of the unit holding a tiered record: the ancestor of its unit at its tier's level."""
        unit = Unit.get_or_none(Unit.id == _unit_of(record, self.unit_field))
        if unit is None:
            return None
        ids = [int(p) for p in unit.path.strip("/").split("/") if p]
        level = self.tier_of(record).level
        return ids[level - 1] if 0 < level <= len(ids) else None

    def _holds(self, user, record):
        if not self.tiers:
            return False
        if getattr(record, self.tier_field) == len(self.tiers) - 1 and access.sees_everything(user):
            return True  # the top tier is the bureau system: its staff act there
        return user.unit_id == self.holder_id(record)

    # -- checks -----------------------------------------------------------------------------------

    def refusal(self, action, user, record):
        """None when the user may take this step on this record now, else the Chinese reason."""
        t = self.transitions[action]
        if not access.can(t.permission, user):
            return t.role_message or f"您的角色不能{t.label}。"
        verdict = self.scopes[t.scope](user, record)
        if isinstance(verdict, str) or not verdict:
            tier = self.tier_of(record).label if self.tiers else ""
            message = verdict if isinstance(verdict, str) else self.scope_messages.get(t.scope, "无权对{noun}{label}。")
            return message.format(
                label=t.label, noun=self.noun.removeprefix("该"), tier=tier)
        if getattr(record, self.state_field) not in t.sources:
            return t.state_message or f"{self.noun}当前为“{self.state_label(record)}”，不能{t.label}。"
        if t.tier:
            new = getattr(record, self.tier_field) + t.tier
            if not 0 <= new < len(self.tiers):
                return f"{self.noun}已在{self.tier_of(record).label}，不能再{t.label}。"
        return None

    def available(self, user, record):
        """The actions this user may take on this record now (for the buttons a page offers)."""
        return [key for key in self.transitions if self.refusal(key, user, record) is None]

    def may(self, user, record):
        """{action: True/False} for templates."""
        return {key: self.refusal(key, user, record) is None for key in self.transitions}

    def refuse(self, record, user, label, message):
        """Audit a refused step (committed even though the step is not taken) and raise it."""
        with database.atomic():
            audit.record("denied", self.object_type, getattr(record, "id", None),
                         unit=_unit_of(record, self.unit_field) if record is not None else None, actor=user,
                         summary=f"{label}未执行：{message}"[:255])
        raise RuleError(message)

    def check(self, action, user, record, version=UNCHECKED, problem=None):
        """Refuse (audited) unless the step is allowed, the page is current and the module's own
        problem (a guard's message) is None."""
        t = self.transitions[action]
        reason = self.refusal(action, user, record) or version_problem(record, version, self.version_field) or problem
        if reason:
            self.refuse(record, user, t.label, reason)

    # -- the move ---------------------------------------------------------------------------------

    def move(self, record, action, user, version=UNCHECKED, *, summary="", problem=None, state=None, **changes):
        """Take one step: check (refusals audited), update only if the version still matches, audit it,
        all in one transaction; returns the record as stored. `state` overrides the declared target
        (a step with two outcomes); `changes` are the step's other fields."""
        self.check(action, user, record, version, problem)
        return self.write(record, action, user, summary=summary, state=state, **changes)

    def write(self, record, action, user, *, summary="", state=None, **changes):
        """The move without its checks, for a module that checked first (inside its own transaction)."""
        t = self.transitions[action]
        model = type(record)
        before = getattr(record, self.state_field)
        target = state or t.target or before
        current = getattr(record, self.version_field)
        values = {self.state_field: target, self.version_field: current + 1, **changes}
        after = {"state": target}
        if t.tier:
            values[self.tier_field] = getattr(record, self.tier_field) + t.tier
            after["tier"] = self.tiers[values[self.tier_field]].label
        with database.atomic():
            updated = (model.update(**values)
                       .where(model.id == record.id, getattr(model, self.version_field) == current).execute())
            if not updated:
                raise RuleError(STALE)
            unit = values.get(self.unit_field, _unit_of(record, self.unit_field))
            text = f"{t.label}：{summary}" if summary else t.label
            audit.record(action, self.object_type, record.id, unit=getattr(unit, "id", unit), actor=user,
                         summary=text[:255], before={"state": before}, after=after)
        return model.get_by_id(record.id)


def confirm_text(object_type, action, what=""):
    """The question a page asks before an irreversible step ("确定签订《…》？签订后…"), or "" for a step
    that needs none; `what` names the record. A template global: data-confirm="{{ confirm_step(...) }}"."""
    for flow in REGISTRY:
        if flow.object_type == object_type and action in flow.transitions:
            t = flow.transitions[action]
            return f"确定{t.label}{what}？{t.confirm}" if t.confirm else ""
    raise KeyError(f"no workflow step {object_type}.{action}")


def guarded(*problems):
    """The first of several checks' messages that is not None (the order is the order of the form)."""
    return next((p for p in problems if p), None)

