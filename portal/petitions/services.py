"""Rules of letters and visits: intake with repeat detection, the case state machine on the
statutory clocks, follow-up visits, reviews, escalation to the one-veto module, and tasks
assigned from above. Handling and visiting run on the supervision core (deadlines, extensions,
to-do lists, the "议而不决、决而不办" watch list)."""
import datetime
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from ..categories import CategoryList
from .. import audit, clock, numbers
from ..access import can, in_scope
from ..attachments import services as attachments
from ..db import database
from ..models import (CHANNELS, PETITION_STATES, SATISFACTION, TASK_SOURCES, AssignedTask, Petition,
                      PetitionCategory, Petitioner, PetitionVisit, Unit, VetoEvent)
from ..models.petitions import (GROUP_SIZE, HANDLING_ITEM_TYPES, TASK_ITEM, TASK_ITEM_TYPE, VISIT_ITEM_TYPE,
                                VISIT_METHODS)
from ..nav import path_for
from ..supervision import services as supervision
from ..supervision.registry import SourceType
from ..supervision.urgency import deadline_severity_sql
from ..workflow import OPTIONAL, UNCHECKED, RuleError, Transition, Workflow
from .. import privacy
from . import clocks, module

audit.register_object_type("petition", "信访事项")
audit.register_object_type("assigned_task", "上级交办事项")
audit.register_actions({"register": "登记", "accept": "受理", "not_accept": "不予受理", "start": "签收办理",
                        "reply": "答复", "visit": "回访", "conclude": "办结", "request_review": "申请复查",
                        "answer_review": "复查答复", "link": "关联重复信访", "escalate": "标记越级访",
                        "reveal": "查看个人信息", "duplicate": "重复提交"})


def _handling_unit(user, p):
    """A unit acts on the cases assigned to its subtree (bureau staff on all of them). Before the case
    is assigned its state refuses the unit's steps, with that reason."""
    return p.unit_id is None or in_scope(user, p.unit)


# The one table of allowed transitions. A case is never deleted. The desk's steps are on its to-do list;
# the unit's are supervised items (handling, reopened handling, the follow-up visit) on the unit's.
DESK = "petitions.office_todos"
WORKFLOW = Workflow(Petition, "petition", noun="该信访事项", states=PETITION_STATES, transitions={
    "accept": Transition("受理", ("registered",), "accepted", "petitions.decide", todo=DESK),
    "not_accept": Transition("不予受理", ("registered",), "not_accepted", "petitions.decide", todo=DESK,
                             confirm="不予受理后须向信访人出具不予受理告知书。"),
    "assign": Transition("交办", ("accepted",), "assigned", "petitions.decide", todo=DESK),
    "start": Transition("签收办理", ("assigned",), "handling", "petitions.handle", scope="handling_unit",
                        todo=HANDLING_ITEM_TYPES[0]),
    "reply": Transition("答复", ("assigned", "handling"), "replied", "petitions.reply", scope="handling_unit",
                        todo=HANDLING_ITEM_TYPES[0]),
    "visit": Transition("回访", ("replied",), "visited", "petitions.reply", scope="handling_unit",
                        todo=VISIT_ITEM_TYPE),
    "conclude": Transition("办结", ("visited",), "closed", "petitions.decide", todo=DESK,
                           confirm="办结后该信访事项结案。"),
    # Registered when the petitioner asks for a review; nobody waits to take this step.
    "request_review": Transition("登记复查申请", ("replied", "visited", "closed"), "review", "petitions.decide",
                                 todo=OPTIONAL),
    "answer_review": Transition("复查答复", ("review",), "closed", "petitions.decide", todo=DESK),
}, scopes={"handling_unit": _handling_unit}, scope_messages={"handling_unit": "只能办理交办给本单位的信访事项。"})


def petition_url(p):
    return path_for("petitions.detail", petition_id=p.id)


def _case_url(item):
    """Where the unit acts on a case's supervised item: the case page."""
    return path_for("petitions.detail", petition_id=item.source_id)


# The case's reply deadline is the handling item's due date: an approved extension moves it there,
# and the case reads it from there (clocks.reply_due_of), never from a copy.
HANDLING = module.item_type(SourceType(
    HANDLING_ITEM_TYPES[0], "信访事项办理", max_extensions=1,
    max_extension_days=clocks.EXTENSION_DAYS, todo_label="办理并书面答复信访事项", url=_case_url, on_items_change=Petition.point_items))
# A case reopened by a dissatisfied follow-up: the statutory extension was the case's one chance.
REOPENED = module.item_type(SourceType(
    HANDLING_ITEM_TYPES[1], "信访事项重新办理", max_extensions=0, max_extension_days=0,
    todo_label="重新办理并书面答复信访事项", url=_case_url, on_items_change=Petition.point_items))
HANDLING_TYPES = HANDLING_ITEM_TYPES
VISIT = module.item_type(SourceType(
    VISIT_ITEM_TYPE, "信访回访", max_extensions=0, max_extension_days=0, todo_label="回访信访人", url=_case_url, on_items_change=Petition.point_items))


def date_problem(value, label, *, not_before=None, not_before_label=""):
    if value is None:
        return f"请填写{label}。"
    if value > clock.today():
        return f"{label}不能晚于今天。"
    if not_before is not None and value < not_before:
        return f"{label}不能早于{not_before_label}（{not_before}）。"
    return None


def _document_problem(document, label):
    """A written reply is only recorded with its signed and sealed document."""
    if document is None or not getattr(document, "filename", ""):
        return f"请上传{label}后再提交。"
    return None


def _file(owner_type, owner, document, user, description):
    """Store the reply document inside the step's transaction; a refused file (a RuleError) refuses
    the step."""
    attachments.save(owner_type, owner, document, user, description=description)


def may(user, p, action):
    """None when the user may take this step now, else the Chinese reason: the workflow's refusal,
    then the case's own rules."""
    problem = WORKFLOW.refusal(action, user, p)
    t = WORKFLOW[action]
    if problem and action == "visit" and p.replied_on is None and can(t.permission, user) and _handling_unit(user, p):
        return "尚未书面答复，不能回访。"  # refused by its state: say what is missing
    if problem is None and action == "request_review" and p.review_requested_on:
        return "已复查过一次；对复查意见不服的，可向上一级机关请求复核。"
    return problem


def available(user, p):
    return [key for key in WORKFLOW if may(user, p, key) is None]


def _check(p, action, user, version, problem=None):
    """Refuse the step (audited) unless it is allowed (with the case's own reasons first), the page is
    current and the form is complete."""
    refused = may(user, p, action)
    if refused:
        WORKFLOW.refuse(p, user, WORKFLOW.label(action), refused)
    WORKFLOW.check(action, user, p, version, problem=problem)


# -- intake ---------------------------------------------------------------------------------------

@dataclass
class PersonInput:
    name: str
    phone: str = ""
    id_number: str = ""
    is_leader: bool = False


def next_number(year):
    """The number the next case of a year would get (a preview: imports number their rows with it)."""
    last = (Petition.select(fn.MAX(Petition.number)).where(Petition.number.startswith(f"{year}-")).scalar())
    seq = int(last.split("-")[1]) + 1 if last else 1
    return f"{year}-{seq:04d}"


def allocate_number(year):
    """Take the next case number of a year for a registration, without a race: two workers
    registering at the same instant get different numbers (numbers.next_value), never below what
    the ledger holds already (imported years)."""
    floor = int(next_number(year).split("-")[1])
    return f"{year}-{numbers.next_value(f'petition:{year}', at_least=floor):04d}"


def intake_problems(*, received_on, channel, headcount, category, title, request, persons):
    """Every problem of an intake form, in Chinese (empty when it may be registered)."""
    problems = []
    problem = date_problem(received_on, "收件（来访）日期")
    if problem:
        problems.append(problem)
    if channel not in CHANNELS:
        problems.append("请选择信访方式。")
    if category is None or not category.active:
        problems.append("请选择问题类别。")
    if not (title or "").strip():
        problems.append("请填写事项摘要。")
    if not (request or "").strip():
        problems.append("请填写信访诉求。")
    for n, person in enumerate(persons, start=1):
        if not (person.name or "").strip() and ((person.id_number or "").strip() or (person.phone or "").strip()):
            problems.append(f"第 {n} 位信访人填了身份证号或电话，请填写姓名。")
    persons = [p for p in persons if (p.name or "").strip()]
    if not persons:
        problems.append("请至少填写一名信访人。")
    if headcount is None or headcount < 1:
        problems.append("人数至少为 1。")
    elif headcount < len(persons):
        problems.append(f"人数（{headcount}）少于填写的信访人数（{len(persons)}）。")
    if headcount and headcount >= GROUP_SIZE and persons and not any(p.is_leader for p in persons):
        problems.append(f"{GROUP_SIZE} 人以上为群体访，请至少标明一名为首带头人（代表）。")
    for p in persons:
        for check in (privacy.id_number_problem(p.id_number), privacy.phone_problem(p.phone)):
            if check:
                problems.append(f"{p.name.strip()}：{check}")
    return problems


# Functions (petition, user) called inside the transaction that registers a case, for other modules that
# watch for their people among the petitioners (the key-person register tells the person's cadre).
REGISTER_HOOKS = []


def on_register(fn):
    REGISTER_HOOKS.append(fn)
    return fn


def register(*, received_on, channel, headcount, concerned_unit, category, title, request, persons, user,
             escalated=False, escalated_note="", token=None):
    """登记 a case; its acceptance clock starts from the received date. A repeated form submission
    (same token) registers nothing and returns the case already made (second value False)."""
    if not can("petitions.register", user):
        raise RuleError("只有股室工作人员和局领导可以登记信访事项。")
    if token:
        existing = Petition.get_or_none(Petition.submit_token == token)
        if existing is not None:
            with database.atomic():
                audit.record("duplicate", "petition", existing.id, unit=existing.unit_id, actor=user,
                             summary=f"重复提交的登记表未再次登记（{existing.number}）")
            return existing, False
    problems = intake_problems(received_on=received_on, channel=channel, headcount=headcount, category=category,
                               title=title, request=request, persons=persons)
    if problems:
        raise RuleError("；".join(problems))
    persons = [p for p in persons if (p.name or "").strip()]
    with database.atomic():
        p = Petition.create(
            number=allocate_number(received_on.year), year=received_on.year, received_on=received_on, channel=channel,
            headcount=headcount, is_group=headcount >= GROUP_SIZE, concerned_unit=concerned_unit, category=category,
            title=title.strip()[:200], request=request.strip(), escalated=bool(escalated),
            escalated_note=(escalated_note or "").strip(), accept_due=clocks.accept_due(received_on),
            submit_token=token or None, created_by=user)
        for seq, person in enumerate(persons, start=1):
            Petitioner.create(petition=p, seq=seq, name=person.name.strip()[:50], phone=(person.phone or "").strip()[:20],
                              id_number=privacy.normalise_id(person.id_number), is_leader=bool(person.is_leader))
        audit.record("register", "petition", p.id, actor=user,
                     summary=f"登记信访事项 {p.number}：{p.title}（{CHANNELS[channel]}，{headcount} 人）"[:255],
                     after={"state": "registered", "accept_due": p.accept_due.isoformat()})
        strong = [c for c in repeat_candidates(p) if c.strong]
        if strong:
            _link(p, strong[0].petition, user, strong[0].reason)
        for hook in REGISTER_HOOKS:
            hook(p, user)
    return Petition.get_by_id(p.id), True


@dataclass
class Candidate:
    petition: object
    reason: str
    strong: bool


def repeat_candidates(p):
    """Earlier cases that look like the same matter: the same ID number or the same name and phone
    (strong), or the same unit and category within the repeat window (likely)."""
    found = {}
    people = list(p.petitioners)
    ids = [x.id_number for x in people if x.id_number]
    if ids:
        for other in (Petitioner.select(Petitioner, Petition).join(Petition)
                      .where(Petitioner.id_number.in_(ids), Petition.id != p.id, Petition.received_on <= p.received_on)):
            found.setdefault(other.petition.id, Candidate(other.petition, f"同一身份证号（{other.name}）", True))
    for person in people:
        if not person.phone:
            continue
        for other in (Petitioner.select(Petitioner, Petition).join(Petition)
                      .where(Petitioner.name == person.name, Petitioner.phone == person.phone, Petition.id != p.id,
                             Petition.received_on <= p.received_on)):
            found.setdefault(other.petition.id, Candidate(other.petition, f"同一姓名和电话（{person.name}）", True))
    if p.concerned_unit_id:
        from flask import current_app

        since = p.received_on - datetime.timedelta(days=current_app.config["PETITION_REPEAT_WINDOW_DAYS"])
        for other in Petition.select().where(Petition.concerned_unit == p.concerned_unit_id,
                                             Petition.category == p.category_id, Petition.id != p.id,
                                             Petition.received_on.between(since, p.received_on)):
            found.setdefault(other.id, Candidate(other, "同一单位、同类问题，90 日内", False))
    return sorted(found.values(), key=lambda c: (not c.strong, c.petition.received_on, c.petition.id))


def _link(p, earlier, user, reason):
    root = earlier.repeat_of or earlier
    Petition.update(repeat_of=root.id, version=Petition.version + 1).where(Petition.id == p.id).execute()
    audit.record("link", "petition", p.id, unit=p.unit_id, actor=user,
                 summary=f"{p.number} 关联为重复信访：{reason}"[:255], after={"repeat_of": root.id})


def link_repeat(p, earlier, user):
    if not can("petitions.register", user):
        WORKFLOW.refuse(p, user, "关联重复信访", "只有股室工作人员和局领导可以关联重复信访。")
    if earlier.id == p.id or (earlier.repeat_of_id == p.id):
        WORKFLOW.refuse(p, user, "关联重复信访", "不能把信访事项关联到它自己。")
    if earlier.received_on > p.received_on:
        WORKFLOW.refuse(p, user, "关联重复信访", "只能关联到更早登记的信访事项。")
    with database.atomic():
        _link(p, earlier, user, "人工确认")


def mark_escalated(p, user, note):
    if not can("petitions.register", user):
        WORKFLOW.refuse(p, user, "标记越级访", "只有股室工作人员和局领导可以标记越级访。")
    if not (note or "").strip():
        WORKFLOW.refuse(p, user, "标记越级访", "请填写越级情况（去向、时间、人数）。")
    with database.atomic():
        Petition.update(escalated=True, escalated_note=note.strip(), version=Petition.version + 1).where(
            Petition.id == p.id).execute()
        audit.record("escalate", "petition", p.id, unit=p.unit_id, actor=user, summary=f"{p.number} 越级访：{note.strip()}"[:255],
                     before={"escalated": p.escalated}, after={"escalated": True})


def veto_proposal(p):
    """The one-veto event already proposed for this case (not withdrawn or rejected), if any."""
    return (VetoEvent.select().where(VetoEvent.source_type == "petition", VetoEvent.source_id == p.id,
                                     VetoEvent.state.not_in(("withdrawn", "rejected", "overturned"))).first())


def propose_veto(p, user):
    """An escalated group petition proposes 一票否决 for the unit concerned, in one step, through the
    one-veto module (leaders then confirm or reject it there)."""
    from ..veto import services as veto

    if not (p.escalated and p.is_group):
        WORKFLOW.refuse(p, user, "提出一票否决", "只有越级群体访可以据此提出一票否决。")
    unit = p.concerned_unit or p.unit
    if unit is None:
        WORKFLOW.refuse(p, user, "提出一票否决", "请先确定涉及单位。")
    if veto_proposal(p) is not None:
        WORKFLOW.refuse(p, user, "提出一票否决", "已据此信访事项提出过一票否决。")
    try:
        return veto.propose(unit=unit, year=p.received_on.year, trigger="escalated_petition", occurred_on=p.received_on,
                            user=user, source_type="petition", source_id=p.id,
                            description=f"信访事项 {p.number}（{p.headcount} 人群体访）越级上访：{p.title}。"
                                        f"{p.escalated_note}".strip())
    except RuleError as exc:
        WORKFLOW.refuse(p, user, "提出一票否决", str(exc))


def reveal(p, user):
    """Show the petitioners' ID numbers and phones of one case, to office staff and leaders; audited."""
    privacy.reveal(p, "petition", "petitions.reveal", user, f"信访事项 {p.number} 信访人",
                   lambda message: WORKFLOW.refuse(p, user, "查看个人信息", message))
    return list(p.petitioners.order_by(Petitioner.seq))


# -- the case's steps ------------------------------------------------------------------------------

def accept(p, user, *, on, note, version=UNCHECKED):
    problem = date_problem(on, "受理日期", not_before=p.received_on, not_before_label="收件日期")
    _check(p, "accept", user, version, problem)
    return WORKFLOW.write(p, "accept", user, summary=f"{p.number} 受理，{on}，答复期限 {clocks.reply_due(on)}",
                          accepted_on=on, notice_on=on, decision_note=(note or "").strip())


def not_accept(p, user, *, on, reason, version=UNCHECKED):
    problem = date_problem(on, "告知日期", not_before=p.received_on, not_before_label="收件日期")
    if problem is None and not (reason or "").strip():
        problem = "请填写不予受理的理由（将写入告知书）。"
    _check(p, "not_accept", user, version, problem)
    return WORKFLOW.write(p, "not_accept", user, summary=f"{p.number} {reason.strip()}", notice_on=on,
                          decision_note=reason.strip(), closed_on=on)


def assign(p, user, *, unit, handler_name, on, version=UNCHECKED):
    """交办: the case's reply deadline moves onto its supervised item, where it stays."""
    problem = date_problem(on, "交办日期", not_before=p.accepted_on, not_before_label="受理日期")
    if problem is None and unit is None:
        problem = "请选择承办单位。"
    if problem is None and not unit.active:
        problem = f"“{unit.name}”已停用，不能交办。"
    if problem is None and not (handler_name or "").strip():
        problem = "请填写承办人。"
    _check(p, "assign", user, version, problem)
    due = clocks.reply_due(p.accepted_on)
    with database.atomic():
        p = WORKFLOW.write(p, "assign", user, summary=f"{p.number} 交{unit.name}办理，承办人 {handler_name.strip()}，期限 {due}",
                           unit=unit.id, handler_name=handler_name.strip()[:50], assigned_on=on)
        # A case assigned after its reply date still has to be handled: it starts out overdue.
        supervision.supervise(HANDLING.key, source_id=p.id, unit=unit, assigned_by=user, start_date=min(on, due), due_date=due,
                   title=f"信访 {p.number}：{p.title}"[:200], description=p.request, responsible_name=p.handler_name)
        attachments.rehome("petition", p, user)
    return Petition.get_by_id(p.id)


def start(p, user, version=UNCHECKED):
    _check(p, "start", user, version)
    return WORKFLOW.write(p, "start", user, summary=f"{p.number} {user.display_name}签收")


def reply(p, user, *, on, text, document, version=UNCHECKED):
    """书面答复: the written opinion, with its document; starts the follow-up and review clocks."""
    last_visit = p.visits.order_by(PetitionVisit.visited_on.desc()).first()
    if last_visit is not None:  # reopened: the new reply follows the dissatisfied visit
        problem = date_problem(on, "答复日期", not_before=last_visit.visited_on, not_before_label="上次回访日期")
    else:
        problem = date_problem(on, "答复日期", not_before=p.accepted_on, not_before_label="受理日期")
    if problem is None and not (text or "").strip():
        problem = "请填写答复意见。"
    if problem is None:
        problem = _document_problem(document, "答复意见书（盖章扫描件）")
    _check(p, "reply", user, version, problem)
    due = p.reply_due
    with database.atomic():
        late = f"，超期 {(on - due).days} 天" if due and on > due else ""
        p = WORKFLOW.write(p, "reply", user, summary=f"{p.number} {on} 书面答复{late}", replied_on=on,
                           reply_text=text.strip(), visit_due=clocks.visit_due(on))
        for key in HANDLING_TYPES:
            supervision.resolve(key, p.id, user, f"{on} 已书面答复")
        supervision.supervise(VISIT.key, source_id=p.id, unit=p.unit, assigned_by=user, start_date=on, due_date=p.visit_due,
                   title=f"回访 {p.number}：{p.title}"[:200], description="答复后回访信访人，了解落实情况和满意度。",
                   responsible_name=p.handler_name)
        _file("petition_reply", p, document, user, f"答复意见书（{on}）")  # last: a refused step leaves no file
    return Petition.get_by_id(p.id)


def visit(p, user, *, on, visitor, method, satisfaction, notes, version=UNCHECKED):
    """回访: a satisfied (or basically satisfied) petitioner lets the office close the case; a
    dissatisfied one reopens it for another reply, due on the reopened item."""
    problem = date_problem(on, "回访日期", not_before=p.replied_on, not_before_label="答复日期") if p.replied_on else None
    if problem is None and not (visitor or "").strip():
        problem = "请填写回访人。"
    if problem is None and method not in VISIT_METHODS:
        problem = "请选择回访方式。"
    if problem is None and satisfaction not in SATISFACTION:
        problem = "请选择信访人的满意度。"
    if problem is None and satisfaction == "dissatisfied" and not (notes or "").strip():
        problem = "信访人不满意时，请记录其意见（将据此重新办理）。"
    _check(p, "visit", user, version, problem)
    with database.atomic():
        PetitionVisit.create(petition=p, visited_on=on, visitor=visitor.strip()[:100], method=method,
                             satisfaction=satisfaction, notes=(notes or "").strip(), created_by=user)
        supervision.resolve(VISIT.key, p.id, user, f"{on} 已回访：{SATISFACTION[satisfaction]}")
        if satisfaction != "dissatisfied":
            return WORKFLOW.write(p, "visit", user, summary=f"{p.number} {on} {VISIT_METHODS[method]}，{SATISFACTION[satisfaction]}")
        due = clocks.reopen_due(max(on, clock.today()))
        behind = [d for d in (p.backlog_from, clocks.backlog_since(p, on)) if d]
        p = WORKFLOW.write(p, "visit", user, summary=f"{p.number} {on} 回访不满意，重新办理，期限 {due}", state="handling",
                           replied_on=None, visit_due=None, reopened_on=on, backlog_from=min(behind) if behind else None)
        supervision.supervise(REOPENED.key, source_id=p.id, unit=p.unit, assigned_by=user, start_date=clock.today(), due_date=due,
                   title=f"信访 {p.number}（回访不满意，重新办理）"[:200], description=notes.strip(),
                   responsible_name=p.handler_name)
    return Petition.get_by_id(p.id)


def close(p, user, version=UNCHECKED):
    _check(p, "conclude", user, version)
    return WORKFLOW.write(p, "conclude", user, summary=f"{p.number} 回访满意，办结", closed_on=clock.today())


def request_review(p, user, *, on, reason, version=UNCHECKED):
    """复查申请: within 30 days of the written opinion; answered within 30 days of the request."""
    problem = may(user, p, "request_review")
    if problem is None:
        problem = date_problem(on, "复查申请日期", not_before=p.replied_on, not_before_label="答复日期")
    if problem is None and on > clocks.review_window_end(p.replied_on):
        problem = f"复查申请须在答复后 30 日内（{clocks.review_window_end(p.replied_on)} 前）提出。"
    if problem is None and not (reason or "").strip():
        problem = "请填写复查请求。"
    _check(p, "request_review", user, version, problem)
    with database.atomic():
        supervision.resolve(VISIT.key, p.id, user, "信访人申请复查")
        return WORKFLOW.write(p, "request_review", user, summary=f"{p.number} {on} 申请复查，{clocks.review_due(on)} 前答复",
                              review_requested_on=on, review_due=clocks.review_due(on), review_reason=reason.strip(),
                              closed_on=None)


def answer_review(p, user, *, on, text, document, version=UNCHECKED):
    problem = date_problem(on, "复查答复日期", not_before=p.review_requested_on, not_before_label="复查申请日期")
    if problem is None and not (text or "").strip():
        problem = "请填写复查意见。"
    if problem is None:
        problem = _document_problem(document, "复查意见书")
    _check(p, "answer_review", user, version, problem)
    with database.atomic():
        p = WORKFLOW.write(p, "answer_review", user, summary=f"{p.number} {on} 复查答复", review_answered_on=on,
                           review_answer=text.strip(), closed_on=on)
        _file("petition_reply", p, document, user, f"复查意见书（{on}）")
    return p


def handling_item(p):
    """The supervised item of the case's latest handling (for its extension requests), if assigned."""
    return p.handling_item


# -- office to-dos outside the supervision core -----------------------------------------------------

DESK_LABELS = {"registered": "受理或不予受理", "accepted": "交办信访事项", "visited": "办结信访事项", "review": "答复复查申请"}


@module.todo
def _office_todos(user, limit=None):
    """The petition desk: cases to accept within 15 days, cases to assign, visited cases to close, reviews
    to answer; in 待办's order in SQL (the colour of each case's current limit, then its date)."""
    if not can("petitions.desk", user):
        return []
    todos = []
    labels = DESK_LABELS
    due = clocks.limit_due_sql()
    # One query, the unit concerned and the handling item (a reply date) joined in.
    waiting = (Petition.with_handling_item(
        Petition.select(Petition, Unit).join(Unit, JOIN.LEFT_OUTER, on=(Petition.concerned_unit == Unit.id)))
               .where(Petition.state.in_(tuple(labels)))
               .order_by(deadline_severity_sql(due, clocks.limit_start_sql()), due.is_null(), due,
                         Petition.received_on, Petition.id)
               .limit(limit))
    for p in waiting:
        limit = clocks.current_limit(p)
        todos.append(supervision.Todo(labels[p.state], petition_url(p), f"信访 {p.number}：{p.title}",
                                      p.concerned_unit.name if p.concerned_unit_id else "—", limit[1] if limit else None,
                                      clocks.urgency(p)))
    return todos


def _office_todo_count(user):
    """The nav badge's share: one COUNT, no list built."""
    return Petition.select().where(Petition.state.in_(tuple(DESK_LABELS))).count() if can("petitions.desk", user) else 0


_office_todos.count = _office_todo_count


# -- tasks assigned from above (上级交办) ------------------------------------------------------------

# The task's deadline is its item's due date (an approved extension moves it there).
TASK = module.item_type(SourceType(
    TASK_ITEM_TYPE, "上级交办", unit_permission="petitions.reply_task", max_extensions=1,
    max_extension_days=30, todo_label="书面答复交办事项", url=lambda item: path_for("petitions.task", task_id=item.source_id)))


def create_task(*, source, ref_number, title, content, received_on, due_date, unit, user):
    problems = []
    if not can("petitions.tasks_manage", user):
        raise RuleError("只有股室工作人员和局领导可以登记上级交办事项。")
    if source not in TASK_SOURCES:
        problems.append("请选择交办来源。")
    if not (title or "").strip():
        problems.append("请填写事项名称。")
    problem = date_problem(received_on, "收到日期")
    if problem:
        problems.append(problem)
    if due_date is None:
        problems.append("请填写办理期限。")
    elif received_on and due_date < received_on:
        problems.append("办理期限不能早于收到日期。")
    if unit is None or not unit.active:
        problems.append("请选择承办单位。")
    if problems:
        raise RuleError("；".join(problems))
    with database.atomic():
        task = AssignedTask.create(year=received_on.year, source=source, ref_number=(ref_number or "").strip()[:50],
                                   title=title.strip()[:200], content=(content or "").strip(), received_on=received_on,
                                   unit=unit, created_by=user)
        audit.record("create", "assigned_task", task.id, unit=unit, actor=user,
                     summary=f"登记{TASK_SOURCES[source]}“{task.title}”，交{unit.name}，{due_date} 前答复"[:255])
        supervision.supervise(TASK.key, source_id=task.id, unit=unit, assigned_by=user, start_date=received_on,
                              due_date=due_date, title=f"{TASK_SOURCES[source]}：{task.title}"[:200],
                              description=task.content)
    return task


def may_reply_task(user, task):
    """The handling unit's subtree answers a task, or the office on its behalf."""
    if task.state != "open":
        return "该交办事项已答复。"
    if not can("petitions.reply_task", user) or not in_scope(user, task.unit):
        return "只能答复交给本单位的交办事项。"
    return None


def reply_task(task, user, *, on, text, document):
    problem = may_reply_task(user, task) or date_problem(on, "答复日期", not_before=task.received_on,
                                                         not_before_label="收到日期")
    if problem is None and not (text or "").strip():
        problem = "请填写答复内容。"
    if problem is None:
        problem = _document_problem(document, "书面答复（盖章扫描件）")
    if problem:
        with database.atomic():
            audit.record("denied", "assigned_task", task.id, unit=task.unit_id, actor=user,
                         summary=f"答复未执行：{problem}"[:255])
        raise RuleError(problem)
    with database.atomic():
        AssignedTask.update(state="replied", replied_on=on, reply_text=text.strip()).where(
            AssignedTask.id == task.id).execute()
        late = "（按期）" if on <= task.due_date else f"（超期 {(on - task.due_date).days} 天）"
        audit.record("reply", "assigned_task", task.id, unit=task.unit_id, actor=user,
                     summary=f"书面答复“{task.title}”{late}"[:255], before={"state": "open"}, after={"state": "replied"})
        supervision.resolve(TASK.key, task.id, user, f"{on} 已书面答复")
        _file("assigned_task", task, document, user, f"书面答复（{on}）")
    return AssignedTask.get_by_id(task.id)


def task_on_time_rate(year, user=None):
    """(replied on time, tasks due by today or replied) for a year, of the tasks a user may see (all
    without a user): "件件有落实, 事事有回音". One aggregate query, on the item's deadline."""
    on_time = AssignedTask.replied_on <= TASK_ITEM.due_date  # AssignedTask.answered_on_time
    counted = (AssignedTask.state == "replied") | (TASK_ITEM.due_date < clock.today())
    row = (AssignedTask.listed(user).where(AssignedTask.year == year)
           .select(_count_if(counted & on_time), _count_if(counted)).tuples().get())
    return int(row[0]), int(row[1])


def task_late_sql(today=None):
    """A task answered after its deadline, or unanswered past it, in SQL (on AssignedTask.listed())."""
    due = TASK_ITEM.due_date
    return ((AssignedTask.replied_on > due)
            | (AssignedTask.replied_on.is_null() & (due < (today or clock.today()))))


def _count_if(condition):
    return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)


# The editable category list (portal.categories): archived, never deleted.
CATEGORIES = CategoryList(PetitionCategory, "petitions.manage", "petition", "信访问题类别", "petitions.categories")
categories, save_category = CATEGORIES.all, CATEGORIES.save
