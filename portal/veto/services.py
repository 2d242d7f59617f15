"""Rules of one-veto accountability: the veto state machine, its effect on the annual grade,
graduated sanctions, responsibility investigations and the "议而不决、决而不办" watch list."""
import datetime
from dataclasses import dataclass

from flask import current_app

from .. import audit, clock
from ..agreements import grading
from ..db import database
from . import module
from ..models import (MEASURES, SANCTION_KINDS, TRIGGERS, Accountability, AccountablePerson, Sanction, User,
                      VetoEvent)
from ..models.veto import EFFECTIVE_STATES
from ..nav import path_for
from ..notify import notify
from ..supervision import services as supervision
from ..legacy_workflow import Transition, refusal

audit.register_object_type("veto", "一票否决")
audit.register_object_type("sanction", "通报/黄牌/挂牌")
audit.register_object_type("accountability", "领导责任查究")
audit.register_actions({"propose": "提出否决", "confirm": "确认否决", "reject": "不予确认", "appeal": "申诉",
                        "uphold": "维持否决", "overturn": "撤销否决", "withdraw": "撤回"})


class VetoError(ValueError):
    """A rule was broken; the message is shown to the user (and audited)."""


LEADER = frozenset({"leader"})
# The one table of allowed transitions. A veto is never deleted: it is withdrawn with a reason.
TRANSITIONS = {
    "confirm": Transition("确认否决", ("proposed",), "confirmed", LEADER),
    "reject": Transition("不予确认", ("proposed",), "rejected", LEADER),
    "appeal": Transition("申诉", ("confirmed",), "appealed", frozenset({"unit_head"}), own_unit=True),
    "uphold": Transition("维持否决", ("appealed",), "upheld", LEADER),
    "overturn": Transition("撤销否决", ("appealed",), "overturned", LEADER),
    "withdraw": Transition("撤回", ("proposed", "confirmed"), "withdrawn", frozenset({"office", "leader"})),
}


def veto_url(veto):
    return path_for("veto.detail", veto_id=veto.id)


def unit_heads(unit_id):
    return list(User.select().where(User.unit == unit_id, User.role == "unit_head", User.active == True))  # noqa: E712


def leaders():
    return list(User.select().where(User.role == "leader", User.active == True))  # noqa: E712


def _refuse(veto, user, label, message):
    with database.atomic():
        audit.record("denied", "veto", veto.id, unit=veto.unit_id, actor=user, summary=f"{label}未执行：{message}"[:255])
    raise VetoError(message)


def may(user, veto, action, today=None):
    """None when the user may take this step now, else the Chinese reason."""
    t = TRANSITIONS[action]
    if user.role not in t.roles and t.roles == LEADER:
        return f"您的角色不能{t.label}。只有局领导可以确认、否定、维持或撤销一票否决。"
    if action == "withdraw" and veto.state == "confirmed" and user.role != "leader" and user.role in t.roles:
        return "已确认的一票否决只能由局领导撤回。"
    if action == "appeal" and user.role in t.roles and user.unit_id == veto.unit_id:
        if veto.appealed_at is not None:
            return "每项一票否决只能申诉一次。"
        if veto.appeal_due and (today or clock.today()) > veto.appeal_due:
            return f"申诉期已于 {veto.appeal_due} 截止。"
    return refusal(t, user, veto, f"只能对本单位的一票否决{t.label}。",
                   f"该一票否决当前为“{veto.state_label}”，不能{t.label}。")


def propose(*, unit, year, trigger, occurred_on, description, user, source_type="", source_id=None):
    """提出一票否决 (office or leaders); leaders are asked to confirm it."""
    if user.role not in ("office", "leader"):
        raise VetoError("只有股室工作人员和局领导可以提出一票否决。")
    if trigger not in TRIGGERS:
        raise VetoError("请选择否决事由。")
    if not (description or "").strip():
        raise VetoError("请填写事件经过。")
    if occurred_on > clock.today():
        raise VetoError("发生日期不能晚于今天。")
    with database.atomic():
        veto = VetoEvent.create(unit=unit, year=year, trigger=trigger, occurred_on=occurred_on,
                                description=description.strip(), source_type=source_type, source_id=source_id,
                                proposed_by=user)
        audit.record("propose", "veto", veto.id, unit=unit, actor=user,
                     summary=f"提出对{unit.name}实行一票否决（{TRIGGERS[trigger]}）",
                     after={"state": "proposed", "year": year, "trigger": trigger})
        notify(leaders(), f"待确认：对{unit.name}实行一票否决", description.strip()[:200], veto_url(veto), kind="veto")
    return veto


def act(veto, action, user, reason, version):
    """Take one step of the veto's life; audited with its reason; refusals audited too."""
    t = TRANSITIONS[action]
    reason = (reason or "").strip()
    problem = may(user, veto, action)
    if problem is None and not reason:
        problem = f"请填写{t.label}的理由。"
    if problem is None and version is not None and str(version) != str(veto.version):
        problem = "该记录已被他人修改，请刷新页面后再操作。"
    if problem:
        _refuse(veto, user, t.label, problem)
    now, before = clock.now(), veto.state
    changes = {"state": t.target, "version": veto.version + 1}
    if action in ("confirm", "reject"):
        changes.update(decided_by=user.id, decided_at=now, decision_reason=reason)
        if action == "confirm":
            days = current_app.config["VETO_APPEAL_DAYS"]
            changes["appeal_due"] = clock.today() + datetime.timedelta(days=days)
    elif action == "appeal":
        changes.update(appealed_by=user.id, appealed_at=now, appeal_reason=reason)
    elif action in ("uphold", "overturn"):
        changes.update(reviewed_by=user.id, reviewed_at=now, review_reason=reason)
    else:
        changes["withdrawn_reason"] = reason
    with database.atomic():
        updated = (VetoEvent.update(**changes)
                   .where(VetoEvent.id == veto.id, VetoEvent.version == veto.version).execute())
        if not updated:
            raise VetoError("该记录已被他人修改，请刷新页面后再操作。")
        veto = VetoEvent.get_by_id(veto.id)
        audit.record(action, "veto", veto.id, unit=veto.unit_id, actor=user,
                     summary=f"{t.label}：{veto.unit.name}{veto.year}年度一票否决。理由：{reason}"[:255],
                     before={"state": before}, after={"state": t.target})
        _notify_step(veto, action, reason)
    return veto


def _notify_step(veto, action, reason):
    url = veto_url(veto)
    if action == "confirm":
        notify(unit_heads(veto.unit_id), f"{veto.year}年度一票否决已确认",
               f"事由：{veto.trigger_label}。如有异议，请于 {veto.appeal_due} 前申诉。", url, kind="veto")
    elif action == "appeal":
        notify(leaders(), f"{veto.unit.name}对一票否决提出申诉", reason[:200], url, kind="veto")
    elif action in ("reject", "uphold", "overturn", "withdraw"):
        notify(unit_heads(veto.unit_id), f"一票否决：{TRANSITIONS[action].label}", reason[:200], url, kind="veto")


@module.todo
def _leader_todos(user):
    """Leaders: proposed vetoes to confirm and appeals to hear."""
    if user.role != "leader":
        return []
    waiting = VetoEvent.select().where(VetoEvent.state.in_(("proposed", "appealed"))).order_by(VetoEvent.id)
    return [supervision.Todo("确认一票否决" if v.state == "proposed" else "审理申诉", veto_url(v),
                             f"{v.year}年度一票否决：{v.trigger_label}", v.unit.name,
                             note=(v.appeal_reason if v.state == "appealed" else v.description)[:80]) for v in waiting]


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


# -- sanctions ---------------------------------------------------------------------------------------

def issue_sanction(*, unit, kind, reason, user, year=None, notice=None, source_type="", source_id=None):
    """通报批评, 黄牌警告 or 挂牌督办; a second yellow card in a year proposes a veto (setting)."""
    if user.role not in ("office", "leader"):
        raise VetoError("只有股室工作人员和局领导可以作出通报、黄牌警告或挂牌督办。")
    if kind not in SANCTION_KINDS:
        raise VetoError("请选择处理方式。")
    if not (reason or "").strip():
        raise VetoError("请填写事由。")
    year = year or clock.today().year
    with database.atomic():
        sanction = Sanction.create(unit=unit, year=year, kind=kind, issued_on=clock.today(), reason=reason.strip(),
                                   issued_by=user, notice=notice, source_type=source_type, source_id=source_id)
        audit.record("create", "sanction", sanction.id, unit=unit, actor=user,
                     summary=f"对{unit.name}{SANCTION_KINDS[kind]}：{reason.strip()}"[:255])
        notify(unit_heads(unit.id), f"{SANCTION_KINDS[kind]}：{unit.name}", reason.strip()[:200],
               path_for("veto.index"), kind="sanction")
        yellows = Sanction.select().where(Sanction.unit == unit.id, Sanction.year == year, Sanction.kind == "yellow",
                                          Sanction.state == "active").count()
        if kind == "yellow" and yellows >= 2 and current_app.config["VETO_SECOND_YELLOW_PROPOSES"]:
            propose(unit=unit, year=year, trigger="other", occurred_on=clock.today(), user=user,
                    description=f"{year}年内第{yellows}次黄牌警告，按规定提出一票否决：{reason.strip()}",
                    source_type="sanction", source_id=sanction.id)
    return sanction


def withdraw_sanction(sanction, user, reason):
    if user.role not in ("office", "leader"):
        raise VetoError("只有股室工作人员和局领导可以撤回。")
    if sanction.state != "active":
        raise VetoError("该记录已撤回。")
    if not (reason or "").strip():
        raise VetoError("请填写撤回理由。")
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
    if user.role not in ("office", "leader"):
        raise VetoError("只有股室工作人员和局领导可以登记领导责任查究。")
    if (veto is None) == (sanction is None):
        raise VetoError("请指明所依据的一票否决或处理记录。")
    if veto is not None and veto.state not in ("confirmed", "appealed", "upheld"):
        raise VetoError("只能对已确认的一票否决进行责任查究。")
    if sanction is not None and sanction.state != "active":
        raise VetoError("该处理记录已撤回。")
    if measure not in MEASURES:
        raise VetoError("请选择处理措施。")
    persons = [p for p in persons if (p.get("name") or "").strip()]
    if not persons:
        raise VetoError("请至少填写一名被查究责任人。")
    if not (decision or "").strip():
        raise VetoError("请填写查究决定。")
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


# Functions () -> [Candidate]; modules that keep deadlines outside the supervision core add theirs.
PROVIDERS = []


def watch_source(fn):
    PROVIDERS.append(fn)
    return fn


@watch_source
def _overdue_supervised_items():
    """Every overdue supervised item: unsigned agreements, missing self-assessments, unanswered assigned
    tasks — and whatever later modules put under supervision (e.g. rectifications)."""
    from ..supervision import registry

    return [Candidate(item.unit, registry.get(item.source_type).label, item.title, item.due_date,
                      supervision.item_url(item), "supervision", item.id)
            for item in supervision.overdue_items()]


def watchlist(unit_scope=None):
    """The candidates of all providers, most overdue first, marked when already sanctioned."""
    candidates = [c for provider in PROVIDERS for c in provider()]
    done = {(s.source_type, s.source_id) for s in Sanction.select(Sanction.source_type, Sanction.source_id)
            .where(Sanction.state == "active", Sanction.source_id.is_null(False))}
    for c in candidates:
        c.sanctioned = (c.source_type, c.source_id) in done
    candidates.sort(key=lambda c: (c.sanctioned, c.due))
    return candidates


def sanction_candidate(source_type, source_id, kind, user):
    """Raise a sanction from a watch-list entry in one step."""
    candidate = next((c for c in watchlist() if c.source_type == source_type and c.source_id == source_id), None)
    if candidate is None:
        raise VetoError("该事项已不在“议而不决、决而不办”名单中（可能已办结）。")
    if candidate.sanctioned:
        raise VetoError("该事项已作出处理。")
    return issue_sanction(unit=candidate.unit, kind=kind, user=user, source_type=source_type, source_id=source_id,
                          reason=f"议而不决、决而不办：{candidate.title}（{candidate.kind}，逾期 {candidate.days_overdue} 天）")
