"""Rules of dispute mediation: registration with masked parties, the tiers as data on the one Workflow
(the holding tier acts, the origin reads), each tier's clock and the follow-up visit as supervised
items (so overdue disputes reach the "议而不决、决而不办" watch list by themselves), the handling log,
outcomes with the link into letters and visits, 激化 with the one-step veto proposal, warning letters,
joint consultations, and the informants' reports triaged by the office."""
import datetime
from dataclasses import dataclass

from flask import current_app, has_app_context
from peewee import JOIN, Case

from ..categories import CategoryList
from .. import audit, clock, numbers, privacy
from ..access import can, in_scope, users_with
from ..db import database
from ..models import PetitionCategory, SupervisedItem, Unit, User, VetoEvent
from ..models.disputes import (ADOPTED, CHANNELS, OPEN_ITEM, COMPLEXITIES, DISPUTE_STATES, LOG_KINDS, REPORT_KINDS,
                               REPORT_STATES, REPORT_URGENCIES, RISK_REASONS, RISKS, SOURCES, TIER_ITEM_TYPE,
                               VISIT_ITEM_TYPE, Consultation, ConsultationAction, Dispute, DisputeCategory, DisputeLog,
                               DisputeParty, Escalation, InformantReport)
from ..nav import path_for
from ..notify import notify
from ..permissions import PERMISSIONS, sees_everything
from ..supervision import services as supervision
from ..supervision.registry import SourceType
from ..supervision.urgency import NO_URGENCY, severity_sql
from ..supervision.urgency import urgency as item_urgency
from ..workflow import OPTIONAL, UNCHECKED, RuleError, Tier, Transition, Workflow, guarded
from . import module

audit.register_object_type("dispute", "矛盾纠纷")
audit.register_object_type("informant_report", "信息员报告")
audit.register_actions({"escalate": "上报", "send_back": "退回", "log": "处置记录", "settle": "调解成功",
                        "partly": "部分化解", "transfer": "转出", "visit": "回访", "inflame": "标记激化",
                        "warn": "发出预警函", "consult": "综合会诊", "adopt": "转为矛盾纠纷", "file": "存档答复",
                        "task": "交办督办"})

# The tiers, bottom up: (label, the unit level that holds a dispute there). The bureau's mediation
# centre and the report to the county are both held by the bureau system (level 1).
TIERS = [Tier("基层单位", 3), Tier("二级机构", 2), Tier("局调处中心", 1), Tier("县级（跨行业、跨系统）", 1)]
CENTRE, COUNTY = 2, 3
DAY = datetime.timedelta(days=1)


def _holding_tier(user, d):
    """The holder scope: the unit at the dispute's tier; at the bureau's tiers, the bureau's staff."""
    if TIERS[d.tier].level == 1:
        return sees_everything(user)
    return user.unit_id == WORKFLOW.holder_id(d)


def _may_send_back(user, d):
    """Sending back stops at the tier where the dispute arose."""
    verdict = _holding_tier(user, d)
    if verdict and d.tier <= d.origin_tier:
        return "该{noun}已在发生单位所在层级，不能再{label}。"
    return verdict


# The to-do of the holding tier's steps: its clock, a supervised item of the holding unit ("dispute_tier");
# at the bureau's tiers (the centre, the county) the item belongs to the bureau, which has no users, and
# the office finds the dispute on its own list (BUREAU_TODOS), as it finds informants' reports to triage.
TIER_TODO, BUREAU_TODOS = "dispute_tier", "disputes.bureau_todos"
TRIAGE = BUREAU_TODOS

WORKFLOW = Workflow(Dispute, "dispute", noun="该纠纷", states=DISPUTE_STATES, tiers=TIERS, scopes={
    "holder": _holding_tier, "send_back": _may_send_back,
    "centre": lambda user, d: d.tier >= CENTRE or "综合会诊在纠纷上报局调处中心后进行。",
}, scope_messages={"send_back": "{noun}当前由{tier}办理，只有该层级的单位可以{label}。"}, transitions={
    "log": Transition("记录处置情况", ("open",), None, "disputes.handle", scope="holder", todo=OPTIONAL),
    "assess": Transition("重新评估风险", ("open",), None, "disputes.handle", scope="holder", todo=OPTIONAL),
    "escalate": Transition("上报", ("open",), None, "disputes.handle", scope="holder", tier=+1, todo=TIER_TODO),
    "send_back": Transition("退回", ("open",), None, "disputes.handle", scope="send_back", tier=-1,
                            todo=TIER_TODO),
    "settle": Transition("调解成功", ("open",), "settled", "disputes.handle", scope="holder", todo=TIER_TODO),
    "partly": Transition("部分化解", ("open",), "partly", "disputes.handle", scope="holder", todo=TIER_TODO),
    "transfer": Transition("转入其他渠道", ("open",), "transferred", "disputes.handle", scope="holder",
                           todo=TIER_TODO),
    "visit": Transition("回访", ("settled", "partly"), "closed", "disputes.handle", scope="subtree",
                        todo="dispute_visit"),
    "consult": Transition("综合会诊", ("open",), None, "disputes.decide", scope="centre",
                          state_message="只有调处中的纠纷可以会诊。", todo=BUREAU_TODOS),
    "inflame": Transition("标记激化", tuple(DISPUTE_STATES), None, "disputes.decide", todo=OPTIONAL),
})


def dispute_url(d):
    return path_for("disputes.detail", dispute_id=d.id)


def _item_url(item):
    return path_for("disputes.detail", dispute_id=item.source_id)


# The holding tier's clock: done inside the module (escalated, sent back or settled there).
TIER_CLOCK = module.item_type(SourceType(TIER_ITEM_TYPE, "矛盾纠纷调处", unit_permission="disputes.handle",
                                         max_extensions=0, max_extension_days=0, todo_label="调处矛盾纠纷",
                                         url=_item_url, on_items_change=Dispute.point_items))
VISIT = module.item_type(SourceType(VISIT_ITEM_TYPE, "矛盾纠纷回访", unit_permission="disputes.handle",
                                    max_extensions=0, max_extension_days=0, todo_label="回访纠纷当事人",
                                    url=_item_url, on_items_change=Dispute.point_items))
ACTION = module.item_type(SourceType("dispute_action", "会诊措施", unit_permission="disputes.handle",
                                     max_extensions=1, max_extension_days=15,
                                     url=lambda item: path_for("supervision.item", item_id=item.id)))


def _setting(name):
    return current_app.config[name] if has_app_context() else module.settings[name]


def limit_days(complexity):
    """The time limit of a tier by the dispute's complexity (a module setting)."""
    return _setting({"simple": "DISPUTE_DAYS_SIMPLE", "ordinary": "DISPUTE_DAYS_ORDINARY",
                     "complex": "DISPUTE_DAYS_COMPLEX"}[complexity])


def limits():
    """{complexity label: days}, said on the pages."""
    return {label: limit_days(key) for key, label in COMPLEXITIES.items()}


def origin_tier(unit):
    """The tier a dispute of this unit starts at: a grassroots unit's own, a second-level body's, the bureau's."""
    return min(max(0, 3 - unit.level), CENTRE)


def bureau():
    return Unit.get(Unit.parent.is_null())


def holder_unit(d, tier=None):
    """The unit holding a dispute at a tier (the bureau for the bureau's tiers)."""
    tier = d.tier if tier is None else tier
    if TIERS[tier].level == 1:
        return bureau()
    ids = [int(p) for p in d.unit.path.strip("/").split("/") if p]
    return Unit.get_by_id(ids[TIERS[tier].level - 1])


def tier_label(index):
    return TIERS[index].label if index is not None else ""


def date_problem(value, label, not_before=None, not_before_label=""):
    if value is None:
        return f"请填写{label}。"
    if value > clock.today():
        return f"{label}不能晚于今天。"
    if not_before is not None and value < not_before:
        return f"{label}不能早于{not_before_label}（{not_before}）。"
    return None


def _start_clock(d, user, tier, start):
    """The tier's clock: a supervised item of the holding unit, due by the complexity's limit."""
    unit = holder_unit(d, tier)
    due = start + limit_days(d.complexity) * DAY
    item = supervision.supervise(TIER_CLOCK.key, source_id=d.id, unit=unit, assigned_by=user, start_date=start,
                                 due_date=max(due, start), title=f"矛盾纠纷 {d.number}（{TIERS[tier].label}）：{d.title}"[:200],
                                 description=d.summary[:500], responsible_name=unit.head_name or "")
    if TIERS[tier].level == 1:  # the bureau's staff hold it: tell them, the item's unit is the bureau itself
        notify([u for u in users_with("disputes.decide") if can("disputes.handle", u)],
               f"矛盾纠纷上报至{TIERS[tier].label}：{d.title}", f"调处期限 {item.due_date}。", dispute_url(d),
               kind="assign")
    return item


# -- registration -----------------------------------------------------------------------------------

@dataclass
class PartyInput:
    name: str
    kind: str = "person"
    id_number: str = ""
    phone: str = ""


def register_problems(*, reported_on, title, summary, category, source, unit, headcount, risk, reasons, complexity,
                      parties, user):
    problems = []
    problem = date_problem(reported_on, "发现（登记）日期")
    if problem:
        problems.append(problem)
    if not (title or "").strip():
        problems.append("请填写纠纷名称。")
    if not (summary or "").strip():
        problems.append("请填写纠纷概况。")
    if category is None or not category.active:
        problems.append("请选择纠纷类别。")
    if source not in SOURCES:
        problems.append("请选择纠纷来源。")
    if unit is None:
        problems.append("请选择涉及单位。")
    elif not unit.active:
        problems.append(f"“{unit.name}”已停用。")
    elif not in_scope(user, unit):
        problems.append("只能登记本单位（含下属单位）的矛盾纠纷。")
    if headcount is None or headcount < 1:
        problems.append("涉及人数至少为 1。")
    if risk not in RISKS:
        problems.append("请选择风险等级。")
    if any(r not in RISK_REASONS for r in reasons):
        problems.append("风险因素无效。")
    if risk == "high" and not reasons:
        problems.append("高风险纠纷请勾选风险因素。")
    if complexity not in COMPLEXITIES:
        problems.append("请选择复杂程度。")
    named = [p for p in parties if (p.name or "").strip()]
    for n, p in enumerate(parties, start=1):
        if not (p.name or "").strip() and ((p.id_number or "").strip() or (p.phone or "").strip()):
            problems.append(f"第 {n} 位当事人填了身份证号或电话，请填写姓名（名称）。")
    if not named:
        problems.append("请至少填写一名当事人。")
    for p in named:
        if p.kind == "org" and (p.id_number or "").strip():
            problems.append(f"{p.name.strip()}：组织不填身份证号。")
        for check in (privacy.id_number_problem(p.id_number), privacy.phone_problem(p.phone)):
            if check:
                problems.append(f"{p.name.strip()}：{check}")
    return problems


def allocate_number(year):
    return f"纠{year}-{numbers.next_value(f'dispute:{year}'):04d}"


def register(*, reported_on, title, summary, category, source, unit, headcount, risk, reasons, complexity, parties,
             user, organisations="", report=None, token=None):
    """登记 a dispute at its unit's own tier, start that tier's clock, and warn on high risk. A repeated
    submission (same token) registers nothing and returns the dispute made (second value False)."""
    if not can("disputes.register", user):
        raise RuleError("您的角色不能登记矛盾纠纷。")
    if token:
        existing = Dispute.get_or_none(Dispute.submit_token == token)
        if existing is not None:
            return existing, False
    reasons = [r for r in reasons if r]
    problems = register_problems(reported_on=reported_on, title=title, summary=summary, category=category,
                                 source=source, unit=unit, headcount=headcount, risk=risk, reasons=reasons,
                                 complexity=complexity, parties=parties, user=user)
    if report is not None:
        problems += [p for p in [report_problem(report, user, "adopt")] if p]
    if problems:
        raise RuleError("；".join(problems))
    tier = origin_tier(unit)
    with database.atomic():
        d = Dispute.create(number=allocate_number(reported_on.year), year=reported_on.year, reported_on=reported_on,
                           title=title.strip()[:200], summary=summary.strip(), category=category, source=source,
                           unit=unit, headcount=headcount, organisations=(organisations or "").strip()[:500], risk=risk,
                           risk_reasons=",".join(dict.fromkeys(reasons)), complexity=complexity, tier=tier,
                           origin_tier=tier, submit_token=token or None, created_by=user)
        for seq, p in enumerate([p for p in parties if (p.name or "").strip()], start=1):
            DisputeParty.create(dispute=d, seq=seq, kind=p.kind if p.kind in ("person", "org") else "person",
                                name=p.name.strip()[:100], id_number=privacy.normalise_id(p.id_number),
                                phone=(p.phone or "").strip()[:20])
        audit.record("create", "dispute", d.id, unit=unit, actor=user,
                     summary=f"登记矛盾纠纷 {d.number}：{d.title}（{RISKS[risk]}风险，{COMPLEXITIES[complexity]}）"[:255],
                     after={"state": "open", "tier": TIERS[tier].label})
        _start_clock(d, user, tier, reported_on)
        if report is not None:
            _triage(report, user, "adopt", reply=f"已转为矛盾纠纷 {d.number}，由{holder_unit(d).name}调处。", dispute=d.id)
        if risk == "high":
            _warn(d, user)
    return Dispute.get_by_id(d.id), True


def _warn(d, user):
    """预警函: recorded on the dispute, sent to the unit's head and the leaders."""
    Dispute.update(warned_on=clock.today(), version=Dispute.version + 1).where(Dispute.id == d.id).execute()
    audit.record("warn", "dispute", d.id, unit=d.unit_id, actor=user,
                 summary=f"{d.number} 高风险，向{d.unit.name}发出预警函")
    notify(users_with("disputes.warned", unit=d.unit_id) + users_with("disputes.decide"), f"矛盾纠纷预警：{d.title}",
           f"{d.unit.name}的矛盾纠纷 {d.number} 为高风险（{'、'.join(d.reason_labels) or '—'}），请落实稳控措施。",
           dispute_url(d), kind="warning")


def warn(d, user):
    """Issue the warning letter of a dispute assessed high risk after its registration."""
    if not can("disputes.decide", user):
        WORKFLOW.refuse(d, user, "发出预警函", "您的角色不能发出预警函。")
    if d.risk != "high":
        WORKFLOW.refuse(d, user, "发出预警函", "只有高风险纠纷发出预警函。")
    if d.warned_on:
        WORKFLOW.refuse(d, user, "发出预警函", f"已于 {d.warned_on} 发出预警函。")
    with database.atomic():
        _warn(d, user)
    return Dispute.get_by_id(d.id)


# -- the tier steps ---------------------------------------------------------------------------------

def may(user, d, action):
    return WORKFLOW.refusal(action, user, d)


def available(user, d):
    return WORKFLOW.available(user, d)


def _resolve_clock(d, user, note):
    supervision.resolve(TIER_CLOCK.key, d.id, user, note)


def _move(d, action, user, version, reason):
    """上报 or 退回: the reason and time recorded, the clock handed to the new tier (a new item)."""
    reason = (reason or "").strip()
    WORKFLOW.check(action, user, d, version, problem=None if reason else
                   f"请填写{WORKFLOW.label(action)}理由。")
    before = d.tier
    with database.atomic():
        d = WORKFLOW.write(d, action, user, summary=f"{d.number} {TIERS[before].label}→{TIERS[before + WORKFLOW[action].tier].label}：{reason}")
        Escalation.create(dispute=d, from_tier=before, to_tier=d.tier, reason=reason, actor=user)
        _resolve_clock(d, user, f"已{WORKFLOW.label(action)}{TIERS[d.tier].label}")
        _start_clock(d, user, d.tier, clock.today())
    return d


def escalate(d, user, reason, version=UNCHECKED):
    return _move(d, "escalate", user, version, reason)


def send_back(d, user, reason, version=UNCHECKED):
    return _move(d, "send_back", user, version, reason)


def add_log(d, user, *, kind, on, people, content, version=UNCHECKED):
    """处置记录: a contact, meeting or mediation by the holding tier."""
    problem = guarded(None if kind in LOG_KINDS else "请选择处置方式。",
                      date_problem(on, "处置日期", d.reported_on, "登记日期"),
                      None if (content or "").strip() else "请填写处置情况。")
    WORKFLOW.check("log", user, d, version, problem)
    with database.atomic():
        log = DisputeLog.create(dispute=d, tier=d.tier, kind=kind, on=on, people=(people or "").strip()[:300],
                                content=content.strip(), created_by=user)
        WORKFLOW.write(d, "log", user, summary=f"{d.number} {on} {LOG_KINDS[kind]}：{content.strip()}")
    return log


def assess(d, user, *, risk, reasons, note, version=UNCHECKED):
    """重新评估风险 by the holding tier; turning high raises the warning letter (once)."""
    reasons = [r for r in reasons if r]
    problem = guarded(None if risk in RISKS else "请选择风险等级。",
                      "风险因素无效。" if any(r not in RISK_REASONS for r in reasons) else None,
                      "高风险纠纷请勾选风险因素。" if risk == "high" and not reasons else None,
                      None if (note or "").strip() else "请填写评估理由。")
    WORKFLOW.check("assess", user, d, version, problem)
    with database.atomic():
        before = d.risk
        d = WORKFLOW.write(d, "assess", user, summary=f"{d.number} 风险{RISKS[before]}→{RISKS[risk]}：{note.strip()}",
                           risk=risk, risk_reasons=",".join(dict.fromkeys(reasons)))
        if risk == "high" and not d.warned_on:
            _warn(d, user)
    return Dispute.get_by_id(d.id)


def settle(d, user, *, on, note, agreement="", partly=False, version=UNCHECKED):
    """调解成功 or 部分化解 at the holding tier; the follow-up visit's clock starts."""
    action = "partly" if partly else "settle"
    problem = guarded(date_problem(on, "化解日期", d.reported_on, "登记日期"),
                      None if (note or "").strip() else "请填写化解情况。",
                      None if partly or (agreement or "").strip() else "调解成功请填写调解协议内容（将打印调解协议书）。")
    WORKFLOW.check(action, user, d, version, problem)
    due = on + _setting("DISPUTE_VISIT_DAYS") * DAY
    with database.atomic():
        d = WORKFLOW.write(d, action, user, summary=f"{d.number} {on} 于{TIERS[d.tier].label}{WORKFLOW.label(action)}",
                           outcome="partly" if partly else "settled", outcome_on=on, outcome_tier=d.tier,
                           outcome_note=note.strip(), agreement_text=(agreement or "").strip())
        _resolve_clock(d, user, f"{on} {WORKFLOW.label(action)}")
        supervision.supervise(VISIT.key, source_id=d.id, unit=d.unit, assigned_by=user, start_date=on,
                              due_date=max(due, clock.today()), title=f"回访矛盾纠纷 {d.number}：{d.title}"[:200],
                              description="化解后回访当事人，了解协议履行情况。")
    return d


def transfer(d, user, *, on, channel, note, version=UNCHECKED):
    """未化解, turned into another channel: a petition (registered here from the dispute, linked both
    ways; 5 or more people make it a group petition and the dispute 激化), or litigation/arbitration."""
    problem = guarded(None if channel in CHANNELS else "请选择转出渠道。",
                      date_problem(on, "转出日期", d.reported_on, "登记日期"),
                      None if (note or "").strip() else "请填写转出理由。")
    if problem is None and channel == "petition" and not can("petitions.register", user):
        problem = "转入信访由股室登记：请上报局调处中心，或由股室转入信访。"
    WORKFLOW.check("transfer", user, d, version, problem)
    with database.atomic():
        petition = _register_petition(d, user, on, note.strip()) if channel == "petition" else None
        inflamed = petition is not None and petition.is_group
        changes = {"outcome": "transferred", "outcome_on": on, "outcome_tier": d.tier, "outcome_note": note.strip(), "channel": channel,
                   "petition": petition.id if petition else None}
        if inflamed and not d.inflamed:
            changes.update(inflamed=True, inflamed_note=f"转为群体访（{petition.number}，{petition.headcount} 人）")
        d = WORKFLOW.write(d, "transfer", user, summary=f"{d.number} {on} {CHANNELS[channel]}：{note.strip()}"
                           + (f"（{petition.number}）" if petition else ""), **changes)
        _resolve_clock(d, user, f"{on} {CHANNELS[channel]}")
    return d


def _register_petition(d, user, on, note):
    from ..petitions import services as petitions

    people = [p for p in d.parties.order_by(DisputeParty.seq) if p.kind == "person"]
    if not people:
        WORKFLOW.refuse(d, user, "转入信访", "转入信访须至少有一名个人当事人（信访人）。")
    category = (PetitionCategory.get_or_none(PetitionCategory.name == d.category.name)
                or PetitionCategory.get_or_none(PetitionCategory.name == "其他") or PetitionCategory.select().first())
    persons = [petitions.PersonInput(p.name[:50], p.phone, p.id_number, n == 0) for n, p in enumerate(people[:5])]
    try:
        petition, _ = petitions.register(
            received_on=on, channel="visit", headcount=max(d.headcount, len(persons)), concerned_unit=d.unit,
            category=category, title=d.title, request=f"由矛盾纠纷 {d.number} 转入：{d.summary}\n{note}", persons=persons,
            user=user)
    except RuleError as exc:
        WORKFLOW.refuse(d, user, "转入信访", str(exc))
    return petition


def disputes_of_petition(petition, user):
    """The disputes a petition came from (the link back), as far as the user may see them."""
    return list(Dispute.visible_to(user).where(Dispute.petition == petition.id))


def visit(d, user, *, on, note, version=UNCHECKED):
    """回访 after settlement: the origin unit (or the office) closes the dispute."""
    problem = guarded(date_problem(on, "回访日期", d.outcome_on, "化解日期"),
                      None if (note or "").strip() else "请填写回访情况。")
    WORKFLOW.check("visit", user, d, version, problem)
    with database.atomic():
        d = WORKFLOW.write(d, "visit", user, summary=f"{d.number} {on} 回访：{note.strip()}", visited_on=on,
                           visit_note=note.strip())
        supervision.resolve(VISIT.key, d.id, user, f"{on} 已回访")
    return d


def inflame(d, user, note, version=UNCHECKED):
    """激化: the dispute turned into a group petition or an incident."""
    problem = guarded("已标记为激化。" if d.inflamed else None,
                      None if (note or "").strip() else "请填写激化情况（时间、人数、去向）。")
    WORKFLOW.check("inflame", user, d, version, problem)
    return WORKFLOW.write(d, "inflame", user, summary=f"{d.number} 激化：{note.strip()}", inflamed=True,
                          inflamed_note=note.strip())


def veto_proposal(d):
    return (VetoEvent.select().where(VetoEvent.source_type == "dispute", VetoEvent.source_id == d.id,
                                     VetoEvent.state.not_in(("withdrawn", "rejected", "overturned"))).first())


def propose_veto(d, user):
    """An inflamed dispute proposes 一票否决 (重大矛盾纠纷) for its unit in one step."""
    from ..veto import services as veto

    if not d.inflamed:
        WORKFLOW.refuse(d, user, "提出一票否决", "只有已激化的矛盾纠纷可以据此提出一票否决。")
    if veto_proposal(d) is not None:
        WORKFLOW.refuse(d, user, "提出一票否决", "已据此矛盾纠纷提出过一票否决。")
    try:
        return veto.propose(unit=d.unit, year=d.year, trigger="dispute", occurred_on=d.outcome_on or d.reported_on,
                            user=user, source_type="dispute", source_id=d.id,
                            description=f"矛盾纠纷 {d.number}（{d.headcount} 人）激化：{d.title}。{d.inflamed_note}".strip())
    except RuleError as exc:
        WORKFLOW.refuse(d, user, "提出一票否决", str(exc))


def reveal(d, user):
    """The parties' full ID numbers and phones, for office and leaders; audited."""
    privacy.reveal(d, "dispute", "disputes.reveal", user, f"矛盾纠纷 {d.number} 当事人",
                   lambda message: WORKFLOW.refuse(d, user, "查看个人信息", message))
    return list(d.parties.order_by(DisputeParty.seq))


# -- joint consultation (综合会诊) -----------------------------------------------------------------

@dataclass
class ActionInput:
    content: str
    unit: object
    due_date: datetime.date


def consult(d, user, *, on, participants, opinion, actions, version=UNCHECKED):
    """综合会诊 at the mediation centre: each action becomes a supervised item of its owner unit."""
    problems = [p for p in [date_problem(on, "会诊日期", d.reported_on, "登记日期"),
                             None if (participants or "").strip() else "请填写参加单位和人员。",
                             None if (opinion or "").strip() else "请填写会诊意见。"] if p]
    actions = [a for a in actions if (a.content or "").strip() or a.unit is not None or a.due_date is not None]
    for n, a in enumerate(actions, start=1):
        if not (a.content or "").strip() or a.unit is None or a.due_date is None:
            problems.append(f"第 {n} 项措施请填写内容、责任单位和完成期限。")
        elif a.due_date < (on or clock.today()):
            problems.append(f"第 {n} 项措施的完成期限不能早于会诊日期。")
        elif not a.unit.active:
            problems.append(f"第 {n} 项措施的责任单位已停用。")
    WORKFLOW.check("consult", user, d, version, "；".join(problems) or None)
    with database.atomic():
        c = Consultation.create(dispute=d, on=on, participants=participants.strip(), opinion=opinion.strip(),
                                created_by=user)
        for a in actions:
            action = ConsultationAction.create(consultation=c, content=a.content.strip()[:500], unit=a.unit,
                                               due_date=a.due_date)
            supervision.supervise(ACTION.key, source_id=action.id, unit=a.unit, assigned_by=user, start_date=on,
                                  due_date=a.due_date, title=f"会诊措施（{d.number}）：{action.content}"[:200],
                                  description=f"矛盾纠纷 {d.number} 综合会诊意见：{c.opinion}"[:500])
        WORKFLOW.write(d, "consult", user, summary=f"{d.number} {on} 综合会诊，措施 {len(actions)} 项")
    return c


def consultations(d):
    """The dispute's consultations with their actions and each action's item (two queries)."""
    rows = list(d.consultations.order_by(Consultation.on))
    acts = list(ConsultationAction.select(ConsultationAction, Unit).join(Unit)
                .where(ConsultationAction.consultation.in_([c.id for c in rows])).order_by(ConsultationAction.id))
    items = {i.source_id: i for i in SupervisedItem.select().where(
        SupervisedItem.source_type == ACTION.key, SupervisedItem.source_id.in_([a.id for a in acts]))}
    by = {}
    for a in acts:
        by.setdefault(a.consultation_id, []).append((a, items.get(a.id)))
    return [(c, by.get(c.id, [])) for c in rows]


# -- urgency, to-dos --------------------------------------------------------------------------------

def urgency(d, today=None):
    item = d.open_item
    return item_urgency(item, today) if item is not None else None


@module.todo
def _bureau_todos(user, limit=None):
    """Disputes held at the bureau's tiers wait on its staff (their clock's item belongs to the bureau
    itself, which has no user); informants' reports wait on the office's triage."""
    todos = []
    if can("disputes.handle", user) and sees_everything(user):
        colour = Case(None, [(OPEN_ITEM.id.is_null(), NO_URGENCY)], severity_sql(OPEN_ITEM))
        held = (Dispute.listed(user).where(Dispute.state == "open", Dispute.tier >= CENTRE)
                .order_by(colour, OPEN_ITEM.due_date.is_null(), OPEN_ITEM.due_date, Dispute.id).limit(limit))
        for d in held:
            item = d.open_item
            todos.append(supervision.Todo("调处矛盾纠纷（" + TIERS[d.tier].label + "）", dispute_url(d),
                                          f"矛盾纠纷 {d.number}：{d.title}", d.unit.name,
                                          item.due_date if item else None, urgency(d)))
    if can("disputes.triage", user):
        waiting = (InformantReport.select(InformantReport, User).join(User, on=(InformantReport.reporter == User.id))
                   .where(InformantReport.state == "submitted").order_by(InformantReport.id).limit(limit))
        for r in waiting:
            todos.append(supervision.Todo("研判信息员报告", path_for("disputes.report", report_id=r.id),
                                          f"{r.number} {r.title}（{r.reporter.display_name}）", "—", None, None,
                                          "紧急" if r.urgency == "urgent" else ""))
    return todos


def _bureau_todo_count(user):
    """The nav badge's share: COUNTs, no list built."""
    count = 0
    if can("disputes.handle", user) and sees_everything(user):
        count += Dispute.visible_to(user).where(Dispute.state == "open", Dispute.tier >= CENTRE).count()
    if can("disputes.triage", user):
        count += InformantReport.select().where(InformantReport.state == "submitted").count()
    return count


_bureau_todos.count = _bureau_todo_count


# -- informant reports -------------------------------------------------------------------------------

REPORT_FLOW = Workflow(InformantReport, "informant_report", noun="该报告", states=REPORT_STATES,
                       unit_field="concerned_unit", transitions={
                           "adopt": Transition("转为矛盾纠纷", ("submitted",), "dispute", "disputes.triage", todo=TRIAGE),
                           "petition": Transition("转为信访事项", ("submitted",), "petition", "disputes.triage", todo=TRIAGE),
                           "task": Transition("交办督办", ("submitted",), "task", "disputes.triage", todo=TRIAGE),
                           "file": Transition("存档答复", ("submitted",), "filed", "disputes.triage", todo=TRIAGE),
                       })


def allocate_report_number(year):
    return f"信{year}-{numbers.next_value(f'informant_report:{year}'):04d}"


def file_report(user, *, kind, title, content, place, people, headcount, urgency, concerned_unit, token=None):
    """An informant files a hot-issue report; the office is told."""
    if not can("disputes.inform", user):
        raise RuleError("只有信息员可以报送信息。")
    if token:
        existing = InformantReport.get_or_none(InformantReport.submit_token == token)
        if existing is not None:
            return existing, False
    problems = [p for p in [
        None if kind in REPORT_KINDS else "请选择信息类别。",
        None if (title or "").strip() else "请填写标题。",
        None if (content or "").strip() else "请填写反映的情况。",
        None if headcount is not None and headcount >= 1 else "涉及人数至少为 1。",
        None if urgency in REPORT_URGENCIES else "请选择紧急程度。",
        None if concerned_unit is None or concerned_unit.active else "涉及单位已停用。",
        None if concerned_unit is None or in_scope(user, concerned_unit) else "只能报送本单位（含下属单位）范围内的信息。"] if p]
    if problems:
        raise RuleError("；".join(problems))
    today = clock.today()
    with database.atomic():
        r = InformantReport.create(number=allocate_report_number(today.year), year=today.year, kind=kind,
                                   title=title.strip()[:200], content=content.strip(), place=(place or "").strip()[:200],
                                   people=(people or "").strip()[:300], headcount=headcount, urgency=urgency,
                                   concerned_unit=concerned_unit, reporter=user, submit_token=token or None)
        audit.record("create", "informant_report", r.id, unit=concerned_unit, actor=user,
                     summary=f"信息员报送 {r.number}：{r.title}（{REPORT_KINDS[kind]}，{REPORT_URGENCIES[urgency]}）"[:255])
        notify(users_with("disputes.triage"), f"{'【紧急】' if urgency == 'urgent' else ''}信息员报告：{r.title}",
               f"{user.display_name}报送，{REPORT_KINDS[kind]}。", path_for("disputes.report", report_id=r.id),
               kind="report")
    return r, True


def report_problem(report, user, action):
    return REPORT_FLOW.refusal(action, user, report)


def _triage(report, user, action, *, reply, **changes):
    moved = REPORT_FLOW.write(report, action, user, summary=f"{report.number}：{reply}", reply=reply,
                              triaged_by=user, triaged_at=clock.now(), **changes)
    notify([report.reporter], f"您报送的信息已处理：{report.title}", reply,
           path_for("disputes.report", report_id=report.id), kind="report")
    return moved


def file_with_reply(report, user, reply, version=UNCHECKED):
    """存档: kept as information, with a reply the informant reads on their list."""
    REPORT_FLOW.check("file", user, report, version, None if (reply or "").strip() else "请填写答复意见。")
    with database.atomic():
        return _triage(report, user, "file", reply=reply.strip())


def assign_task(report, user, *, unit, due_date, reply, version=UNCHECKED):
    """交办督办: the matter handed to a unit as a supervised task (督办), the informant told."""
    problem = guarded(None if unit is not None and unit.active else "请选择承办单位。",
                      None if due_date is not None and due_date >= clock.today() else "办理期限不能早于今天。",
                      None if (reply or "").strip() else "请填写答复意见。")
    REPORT_FLOW.check("task", user, report, version, problem)
    with database.atomic():
        item = supervision.supervise("task", unit=unit, title=f"信息员报告 {report.number}：{report.title}"[:200],
                                     due_date=due_date, description=report.content[:500], assigned_by=user)
        return _triage(report, user, "task", reply=reply.strip(), task_item=item.id)


def report_to_petition(report, user, *, petitioner, reply, version=UNCHECKED):
    """转为信访事项: registered in letters and visits with the named petitioner (the informant's report
    names a group, not a person), linked both ways; the informant told."""
    from ..petitions import services as petitions

    problem = guarded(None if (petitioner or "").strip() else "请填写信访人姓名。",
                      None if can("petitions.register", user) else "您的角色不能登记信访事项。",
                      None if (reply or "").strip() else "请填写答复意见。")
    REPORT_FLOW.check("petition", user, report, version, problem)
    category = PetitionCategory.get_or_none(PetitionCategory.name == "其他") or PetitionCategory.select().first()
    try:
        with database.atomic():
            petition, _ = petitions.register(
                received_on=clock.today(), channel="online", headcount=report.headcount,
                concerned_unit=report.concerned_unit, category=category, title=report.title,
                request=f"据信息员报告 {report.number}：{report.content}",
                persons=[petitions.PersonInput(petitioner.strip()[:50], "", "", report.headcount >= 5)], user=user)
            return _triage(report, user, "petition", reply=f"{reply.strip()}（信访编号 {petition.number}）",
                           petition=petition.id)
    except RuleError as exc:
        REPORT_FLOW.refuse(report, user, "转为信访事项", str(exc))


def reports_query(user):
    return (InformantReport.visible_to(user, InformantReport, User).join(User, on=(InformantReport.reporter == User.id),
                                                                        attr="reporter"))


def informant_figures(year):
    """Per informant (who holds disputes.inform) of a year: reports filed, adopted (turned into a dispute or task), into disputes.
    One aggregate query."""
    from peewee import Case, fn

    def count_if(cond):
        return fn.COALESCE(fn.SUM(Case(None, [(cond, 1)], 0)), 0)

    return list(User.select(User.id, User.display_name, fn.COUNT(InformantReport.id).alias("filed"),
                            count_if(InformantReport.state.in_(ADOPTED)).alias("adopted"),
                            count_if(InformantReport.state == "dispute").alias("disputes"))
                .join(InformantReport, JOIN.LEFT_OUTER,
                      on=((InformantReport.reporter == User.id) & (InformantReport.year == year)))
                .where(User.role.in_(tuple(PERMISSIONS["disputes.inform"]))).group_by(User.id, User.display_name).order_by(User.id).dicts())


# -- categories -----------------------------------------------------------------------------------

# The editable category list (portal.categories): archived, never deleted.
CATEGORIES = CategoryList(DisputeCategory, "disputes.manage", "dispute", "纠纷类别", "disputes.categories")
categories, save_category = CATEGORIES.all, CATEGORIES.save
