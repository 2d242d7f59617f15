"""Rules of one-veto accountability: the veto workflow (declared on the one Workflow) with its own
guards and notifications, its effect on the annual grade, graduated sanctions, responsibility
investigations and the "议而不决、决而不办" watch list."""
import datetime
from dataclasses import dataclass

from flask import current_app
from peewee import JOIN, fn

from .. import audit, clock
from ..access import can, users_with
from ..agreements import grading
from ..db import database
from ..models import (MEASURES, SANCTION_KINDS, TRIGGERS, VETO_STATES, Accountability, AccountablePerson, Agreement,
                      Sanction, SupervisedItem, Unit, User, VetoEvent)
from ..models.veto import EFFECTIVE_STATES
from ..nav import path_for
from ..notify import notify, settle
from ..supervision import registry
from ..supervision import services as supervision
from ..supervision import urgency
from ..workflow import OPTIONAL, UNCHECKED, RuleError, Transition, Workflow
from . import module

audit.register_object_type("veto", "一票否决")
audit.register_object_type("sanction", "通报/黄牌/挂牌")
audit.register_object_type("accountability", "领导责任查究")
audit.register_actions({"propose": "提出否决", "confirm": "确认否决", "reject": "不予确认", "appeal": "申诉",
                        "uphold": "维持否决", "overturn": "撤销否决", "withdraw": "撤回"})


def _decision(label, sources, target, confirm):
    """A leader's decision on a proposal or an appeal."""
    return Transition(label, sources, target, "veto.decide", todo="veto.leader_todos", confirm=confirm,
                      role_message=f"您的角色不能{label}。只有局领导可以确认、否定、维持或撤销一票否决。")


# A veto is never deleted: it is withdrawn with a reason.
WORKFLOW = Workflow(VetoEvent, "veto", noun="该一票否决", states=VETO_STATES,
                    scope_messages={"own_unit": "只能对本单位的{noun}{label}。"}, transitions={
    "confirm": _decision("确认否决", ("proposed",), "confirmed",
                         "确认后该单位本年度考核等次为不合格、取消评优资格；单位可在申诉期内申诉一次。"),
    "reject": _decision("不予确认", ("proposed",), "rejected", "不予确认后该提议结束，不影响考核等次。"),
    # Not an obligation, but a right with a deadline: the open window is on the unit head's 待办.
    "appeal": Transition("申诉", ("confirmed",), "appealed", "veto.appeal", scope="own_unit",
                         todo="veto.appeal_todos", confirm="每项一票否决只能申诉一次，由局领导审理。"),
    "uphold": _decision("维持否决", ("appealed",), "upheld", "维持后否决生效，单位不能再申诉。"),
    "overturn": _decision("撤销否决", ("appealed",), "overturned", "撤销后该单位本年度考核等次恢复按得分评定。"),
    "withdraw": Transition("撤回", ("proposed", "confirmed"), "withdrawn", "veto.withdraw", todo=OPTIONAL,
                         confirm="撤回后该否决不再生效（记录保留）。"),
})
# Who took a step, when and why: the fields each step fills.
STAMPS = {"confirm": ("decided_by", "decided_at", "decision_reason"),
          "reject": ("decided_by", "decided_at", "decision_reason"),
          "appeal": ("appealed_by", "appealed_at", "appeal_reason"),
          "uphold": ("reviewed_by", "reviewed_at", "review_reason"),
          "overturn": ("reviewed_by", "reviewed_at", "review_reason")}


def veto_url(veto):
    return path_for("veto.detail", veto_id=veto.id)


def _guard(action, user, veto, today=None):
    """The module's own rules, for a user the workflow would otherwise let take the step. Asked before
    the workflow: "only one appeal" explains a second appeal better than the state does."""
    t = WORKFLOW[action]
    if not (can(t.permission, user) and WORKFLOW.scopes[t.scope](user, veto)):
        return None
    if action == "appeal":
        if veto.appealed_at is not None:
            return "每项一票否决只能申诉一次。"
        if veto.appeal_due and (today or clock.today()) > veto.appeal_due:
            return f"申诉期已于 {veto.appeal_due} 截止。"
    if action == "withdraw" and veto.state == "confirmed" and not can("veto.withdraw_confirmed", user):
        return "已确认的一票否决只能由局领导撤回。"
    return None


def refusal(action, user, veto, today=None):
    """None when the user may take this step now, else the Chinese reason."""
    return _guard(action, user, veto, today) or WORKFLOW.refusal(action, user, veto)


def may(user, veto):
    """{action: True/False}: the steps the page offers this user."""
    return {action: refusal(action, user, veto) is None for action in WORKFLOW}


def occurrence_problem(unit, year, occurred_on):
    """A veto counts against the year its event happened in; an event early in the next year still counts
    for that year while the unit's assessment of it is not done (考核评分 not yet given)."""
    if occurred_on.year == year:
        return None
    if occurred_on.year < year:
        return f"发生日期 {occurred_on} 不在 {year} 年度内：一票否决计入事件发生的年度。"
    assessed = Agreement.select().where(Agreement.unit == unit.id, Agreement.year == year,
                                        Agreement.state.in_(("assessed", "archived"))).exists()
    if occurred_on.year > year + 1 or assessed:
        return f"发生日期 {occurred_on} 在{unit.name} {year} 年度考核之后，不能计入 {year} 年度。"
    return None


def propose(*, unit, year, trigger, occurred_on, description, user, source_type="", source_id=None):
    """提出一票否决 (office or leaders); leaders are asked to confirm it."""
    if not can("veto.propose", user):
        raise RuleError("只有股室工作人员和局领导可以提出一票否决。")
    if trigger not in TRIGGERS:
        raise RuleError("请选择否决事由。")
    if not (description or "").strip():
        raise RuleError("请填写事件经过。")
    if occurred_on > clock.today():
        raise RuleError("发生日期不能晚于今天。")
    problem = occurrence_problem(unit, year, occurred_on)
    if problem:
        raise RuleError(problem)
    with database.atomic():
        veto = VetoEvent.create(unit=unit, year=year, trigger=trigger, occurred_on=occurred_on,
                                description=description.strip(), source_type=source_type, source_id=source_id,
                                proposed_by=user)
        audit.record("propose", "veto", veto.id, unit=unit, actor=user,
                     summary=f"提出对{unit.name}实行一票否决（{TRIGGERS[trigger]}）",
                     after={"state": "proposed", "year": year, "trigger": trigger})
        notify(users_with("veto.decide"), f"待确认：对{unit.name}实行一票否决", description.strip()[:200],
               veto_url(veto), kind="veto")
    return veto


def act(veto, action, user, reason, version=UNCHECKED):
    """Take one step of the veto's life, always with a reason: audited (refusals too), and the unit or
    the leaders notified."""
    t = WORKFLOW[action]
    reason = (reason or "").strip()
    guard = _guard(action, user, veto)
    if guard:
        WORKFLOW.refuse(veto, user, t.label, guard)
    WORKFLOW.check(action, user, veto, version, problem=None if reason else f"请填写{t.label}的理由。")
    if action == "withdraw":
        changes = {"withdrawn_reason": reason}
    else:
        by, at, why = STAMPS[action]
        changes = {by: user.id, at: clock.now(), why: reason}
    if action == "confirm":
        changes["appeal_due"] = clock.today() + datetime.timedelta(days=current_app.config["VETO_APPEAL_DAYS"])
    with database.atomic():
        veto = WORKFLOW.write(veto, action, user, summary=f"{veto.unit.name}{veto.year}年度一票否决。理由：{reason}",
                              **changes)
        _notify_step(veto, action, reason)
    return veto


def _notify_step(veto, action, reason):
    url = veto_url(veto)
    settle(url)  # each step answers the messages that asked for it
    heads = users_with("veto.appeal", unit=veto.unit_id)
    if action == "confirm":
        notify(heads, f"{veto.year}年度一票否决已确认",
               f"事由：{veto.trigger_label}。如有异议，请于 {veto.appeal_due} 前申诉。", url, kind="veto")
    elif action == "appeal":
        notify(users_with("veto.decide"), f"{veto.unit.name}对一票否决提出申诉", reason[:200], url, kind="veto")
    else:
        notify(heads, f"一票否决：{WORKFLOW.label(action)}", reason[:200], url, kind="veto")


@module.todo
def _leader_todos(user, limit=None):
    """Leaders: proposed vetoes to confirm and appeals to hear."""
    if not can("veto.decide", user):
        return []
    waiting = (VetoEvent.select(VetoEvent, Unit).join(Unit).where(VetoEvent.state.in_(("proposed", "appealed")))
               .order_by(VetoEvent.id).limit(limit))
    return [supervision.Todo("确认一票否决" if v.state == "proposed" else "审理申诉", veto_url(v),
                             f"{v.year}年度一票否决：{v.trigger_label}", v.unit.name,
                             note=(v.appeal_reason if v.state == "appealed" else v.description)[:80]) for v in waiting]


def _leader_todo_count(user):
    """The nav badge's share: one COUNT, no list built."""
    if not can("veto.decide", user):
        return 0
    return VetoEvent.select().where(VetoEvent.state.in_(("proposed", "appealed"))).count()


_leader_todos.count = _leader_todo_count


def _open_appeals(user):
    """Confirmed vetoes of the user's own unit not appealed yet, whose appeal window is still open."""
    return (VetoEvent.select(VetoEvent, Unit).join(Unit)
            .where(VetoEvent.unit == user.unit_id, VetoEvent.state == "confirmed", VetoEvent.appealed_at.is_null(),
                   VetoEvent.appeal_due >= clock.today()).order_by(VetoEvent.appeal_due, VetoEvent.id))


@module.todo
def _appeal_todos(user, limit=None):
    """A unit head: the open appeal window of a confirmed veto on the unit (申诉 is a right, not a duty,
    but it lapses at its deadline, coloured as it nears)."""
    if not can("veto.appeal", user):
        return []
    return [supervision.Todo("确认或申诉（可选）", veto_url(v), f"{v.year}年度一票否决：{v.trigger_label}", v.unit.name,
                             v.appeal_due, urgency.window(v.appeal_due),
                             note=f"如有异议，请于 {v.appeal_due} 前申诉；逾期视为无异议。")
            for v in _open_appeals(user).limit(limit)]


_appeal_todos.count = lambda user: _open_appeals(user).count() if can("veto.appeal", user) else 0


@grading.register_override
def veto_reasons(agreements):
    """The grade override: a confirmed, not overturned veto fails the unit for that year (the earliest
    one is named). One query for any number of agreements."""
    if not agreements:
        return {}
    first = {}
    for veto in (VetoEvent.select().where(VetoEvent.unit.in_({a.unit_id for a in agreements}),
                                          VetoEvent.year.in_({a.year for a in agreements}),
                                          VetoEvent.state.in_(EFFECTIVE_STATES))
                 .order_by(VetoEvent.occurred_on, VetoEvent.id)):
        first.setdefault((veto.unit_id, veto.year), veto)
    return {a.id: f"一票否决：{v.trigger_label}（{v.occurred_on}）" for a in agreements
            if (v := first.get((a.unit_id, a.year))) is not None}


# -- the lists of the overview page ------------------------------------------------------------------

# The vetoes list's own state: those that fail the unit's assessment (confirmed, appealed, upheld).
EFFECTIVE = "effective"


def vetoes(user, year, state=None, unit=None):
    """The user's vetoes of a year (of one state, or EFFECTIVE; of one unit's subtree), newest first, with
    their unit and proposer."""
    query = (VetoEvent.visible_to(user, VetoEvent, Unit, User).join(Unit).switch(VetoEvent)
             .join(User, on=VetoEvent.proposed_by).where(VetoEvent.year == year).order_by(VetoEvent.id.desc()))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    if state == EFFECTIVE:
        return query.where(VetoEvent.state.in_(EFFECTIVE_STATES))
    return query.where(VetoEvent.state == state) if state else query


def sanctions(user, year, unit=None):
    """The user's sanctions of a year (of one unit's subtree), newest first, with their unit."""
    query = (Sanction.visible_to(user, Sanction, Unit).join(Unit).where(Sanction.year == year)
             .order_by(Sanction.id.desc()))
    return query.where(Unit.path.startswith(unit.path)) if unit is not None else query


def accountabilities(user):
    """The user's responsibility investigations, newest first, with their unit and the veto or sanction
    they rest on."""
    return (Accountability.visible_to(user, Accountability, Unit, VetoEvent, Sanction).join(Unit)
            .switch(Accountability).join(VetoEvent, JOIN.LEFT_OUTER)
            .switch(Accountability).join(Sanction, JOIN.LEFT_OUTER)
            .order_by(Accountability.id.desc()))


# -- sanctions ---------------------------------------------------------------------------------------

def issue_sanction(*, unit, kind, reason, user, year=None, notice=None, source_type="", source_id=None):
    """通报批评, 黄牌警告 or 挂牌督办; a second yellow card in a year proposes a veto (setting)."""
    if not can("veto.sanction", user):
        raise RuleError("只有股室工作人员和局领导可以作出通报、黄牌警告或挂牌督办。")
    if kind not in SANCTION_KINDS:
        raise RuleError("请选择处理方式。")
    if not (reason or "").strip():
        raise RuleError("请填写事由。")
    year = year or clock.today().year
    with database.atomic():
        sanction = Sanction.create(unit=unit, year=year, kind=kind, issued_on=clock.today(), reason=reason.strip(),
                                   issued_by=user, notice=notice, source_type=source_type, source_id=source_id)
        audit.record("create", "sanction", sanction.id, unit=unit, actor=user,
                     summary=f"对{unit.name}{SANCTION_KINDS[kind]}：{reason.strip()}"[:255])
        notify(users_with("veto.appeal", unit=unit.id), f"{SANCTION_KINDS[kind]}：{unit.name}", reason.strip()[:200],
               path_for("veto.index"), kind="sanction")
        yellows = Sanction.select().where(Sanction.unit == unit.id, Sanction.year == year, Sanction.kind == "yellow",
                                          Sanction.state == "active").count()
        if kind == "yellow" and yellows >= 2 and current_app.config["VETO_SECOND_YELLOW_PROPOSES"]:
            propose(unit=unit, year=year, trigger="other", occurred_on=clock.today(), user=user,
                    description=f"{year}年内第{yellows}次黄牌警告，按规定提出一票否决：{reason.strip()}",
                    source_type="sanction", source_id=sanction.id)
    return sanction


def withdraw_sanction(sanction, user, reason):
    if not can("veto.sanction", user):
        raise RuleError("只有股室工作人员和局领导可以撤回。")
    if sanction.state != "active":
        raise RuleError("该记录已撤回。")
    if not (reason or "").strip():
        raise RuleError("请填写撤回理由。")
    with database.atomic():
        Sanction.update(state="withdrawn", withdrawn_reason=reason.strip()).where(Sanction.id == sanction.id).execute()
        audit.record("withdraw", "sanction", sanction.id, unit=sanction.unit_id, actor=user,
                     summary=f"撤回对{sanction.unit.name}的{sanction.kind_label}：{reason.strip()}"[:255],
                     before={"state": "active"}, after={"state": "withdrawn"})


@supervision.on_notice
def _notice_to_sanction(notice, user):
    """A 通报 issued from the supervision board is recorded as a 通报批评 sanction."""
    issue_sanction(unit=notice.unit, kind="criticism", reason=notice.reason, user=user, year=notice.year,
                   notice=notice, source_type="supervision", source_id=notice.item_id)
    notice.handled = True
    notice.save(only=[type(notice).handled])


# -- responsibility investigation (领导责任查究) ------------------------------------------------------

def record_accountability(*, veto=None, sanction=None, persons, measure, decided_on, decision, follow_up, user):
    if not can("veto.accountability", user):
        raise RuleError("只有股室工作人员和局领导可以登记领导责任查究。")
    if (veto is None) == (sanction is None):
        raise RuleError("请指明所依据的一票否决或处理记录。")
    if veto is not None and veto.state not in ("confirmed", "appealed", "upheld"):
        raise RuleError("只能对已确认的一票否决进行责任查究。")
    if sanction is not None and sanction.state != "active":
        raise RuleError("该处理记录已撤回。")
    if measure not in MEASURES:
        raise RuleError("请选择处理措施。")
    persons = [p for p in persons if (p.get("name") or "").strip()]
    if not persons:
        raise RuleError("请至少填写一名被查究责任人。")
    if not (decision or "").strip():
        raise RuleError("请填写查究决定。")
    # The decision cites the act it rests on: it is never dated before it, nor after today.
    act_on, act = ((clock.to_local(veto.decided_at).date() if veto.decided_at else veto.occurred_on), "一票否决确认")\
        if veto is not None else (sanction.issued_on, sanction.kind_label)
    if decided_on is None or decided_on > clock.today():
        raise RuleError("请填写决定日期（不能晚于今天）。")
    if decided_on < act_on:
        raise RuleError(f"决定日期不能早于所依据的{act}日期（{act_on}）。")
    unit = (veto or sanction).unit
    with database.atomic():
        record = Accountability.create(unit=unit, veto=veto, sanction=sanction, measure=measure, decided_on=decided_on,
                                       decision=decision.strip(), follow_up=(follow_up or "").strip(), created_by=user)
        for p in persons:
            AccountablePerson.create(accountability=record, name=p["name"].strip()[:50],
                                     post=(p.get("post") or "").strip()[:50],
                                     unit_name=(p.get("unit_name") or unit.name).strip()[:100])
        audit.record("create", "accountability", record.id, unit=unit, actor=user,
                     summary=f"领导责任查究：{unit.name}，{MEASURES[measure]}，{len(persons)} 人")
    return record


# -- "议而不决、决而不办" watch list ------------------------------------------------------------------

@dataclass
class Candidate:
    """A criticism candidate: something decided but not done, past its time."""

    unit: object
    kind: str
    title: str
    due: datetime.date
    url: str
    source_type: str
    source_id: int
    sanctioned: bool = False

    @property
    def days_overdue(self):
        return (clock.today() - self.due).days


# Every deadline of every module is a supervised item (unsigned agreements, missing self-assessments,
# unanswered assigned tasks, rectifications ...), so the watch list is one query over them.
WATCHED = "supervision"


def watch_query():
    """Overdue supervised items with their unit and whether a sanction already answers them: those not
    yet sanctioned first, most overdue first."""
    sanctioned = fn.EXISTS(Sanction.select(Sanction.id).where(
        Sanction.state == "active", Sanction.source_type == WATCHED, Sanction.source_id == SupervisedItem.id))
    return (supervision.overdue_items().select_extend(Unit, sanctioned.alias("sanctioned")).join(Unit)
            .order_by(sanctioned, SupervisedItem.due_date, SupervisedItem.id))


def candidates(items):
    """Watch-list entries of rows of watch_query()."""
    return [Candidate(item.unit, registry.get(item.source_type).label, item.title, item.due_date,
                      supervision.item_url(item), WATCHED, item.id, bool(item.sanctioned)) for item in items]


def watchlist():
    """The whole watch list, not yet sanctioned first, most overdue first."""
    return candidates(watch_query())


def sanction_candidate(source_type, source_id, kind, user):
    """Raise a sanction from a watch-list entry in one step."""
    found = candidates(watch_query().where(SupervisedItem.id == source_id)) if source_type == WATCHED else []
    if not found:
        raise RuleError("该事项已不在“议而不决、决而不办”名单中（可能已办结）。")
    candidate = found[0]
    if candidate.sanctioned:
        raise RuleError("该事项已作出处理。")
    return issue_sanction(unit=candidate.unit, kind=kind, user=user, source_type=source_type, source_id=source_id,
                          reason=f"议而不决、决而不办：{candidate.title}（{candidate.kind}，逾期 {candidate.days_overdue} 天）")
