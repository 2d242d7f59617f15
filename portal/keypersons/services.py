"""Rules of the key-person register: registering and editing a person, the responsible cadre and its
handovers, the status on the one Workflow, contact visits whose clocks are supervised items on the
cadre's 待办, requests for assistance as supervised items of their owner unit, the audited reveal,
and the link to letters and visits by ID number."""
import calendar
import datetime
from dataclasses import dataclass

from flask import current_app
from peewee import JOIN

from ..categories import CategoryList
from .. import audit, clock, privacy
from ..attachments import services as attachments
from ..access import can, in_scope, sees_everything
from ..db import database
from ..models import Petition, Petitioner, SupervisedItem, Unit, User
from ..models.keypersons import (LEVELS, MOODS, OUTCOMES, REQUEST_ITEM_TYPE, REQUEST_KINDS, SEXES, STATUSES,
                                 VISIT_FORMS, VISIT_ITEM_TYPE, AssistanceRequest, CadreAssignment, KeyPerson,
                                 KeyPersonCategory, KeyPersonCategoryLink, KeyPersonVisit)
from ..nav import path_for
from ..notify import notify
from ..supervision import services as supervision
from ..supervision.registry import SourceType
from ..workflow import OPTIONAL, UNCHECKED, RuleError, Transition, Workflow, version_problem, versioned_update
from . import module

audit.register_object_type("keyperson", "重点人员")
audit.register_object_type("keyperson_request", "重点人员诉求")
# Action keys of their own (petitions' "visit" is a 回访, its "conclude" closes a case).
audit.register_actions({"resolve_person": "化解销号", "move_out": "迁出", "decease": "去世", "reinstate": "恢复在册",
                        "kp_handover": "移交包保", "kp_visit": "走访", "kp_request": "登记诉求",
                        "kp_conclude": "办结诉求", "reveal": "查看个人信息", "import": "导入"})
audit.register_fields({"level": "稳控级别", "cadre": "包保责任人"})

DEFAULT_MONTHS = {"key": 1, "watch": 3, "stable": 6}
BUREAU_KINDS = ("bureau", "office")


def person_url(person_id):
    return path_for("keypersons.detail", person_id=person_id)


# The next visit: module-driven (done by recording a visit), on the cadre's 待办 through the register's
# own to-do below, never on the whole unit's (its unit permission is held by no role).
VISIT = module.item_type(SourceType(
    VISIT_ITEM_TYPE, "重点人员走访", unit_permission="keypersons.visit_unit", max_extensions=0,
    max_extension_days=0, todo_label="走访重点人员", url=lambda item: person_url(item.source_id)))
# A request: the owner unit handles it and records the outcome on the person's page.
REQUEST = module.item_type(SourceType(
    REQUEST_ITEM_TYPE, "重点人员诉求", unit_permission="keypersons.edit", max_extensions=1, max_extension_days=30,
    todo_label="办理重点人员诉求", url=lambda item: path_for("keypersons.request_page", request_id=item.source_id)))


# -- the status (在册 / 已化解 / 迁出 / 去世): the one Workflow; a person is never deleted -------------------

# Status changes are recorded when they happen: nobody waits to take them (todo=OPTIONAL).
WORKFLOW = Workflow(KeyPerson, "keyperson", noun="该重点人员", states=STATUSES, transitions={
    "resolve_person": Transition("化解销号", ("active",), "resolved", "keypersons.edit", scope="subtree", todo=OPTIONAL),
    "move_out": Transition("迁出", ("active",), "moved", "keypersons.edit", scope="subtree", todo=OPTIONAL),
    "decease": Transition("登记去世", ("active",), "deceased", "keypersons.edit", scope="subtree", todo=OPTIONAL),
    "reinstate": Transition("恢复在册", ("resolved", "moved"), "active", "keypersons.edit", scope="subtree",
                            todo=OPTIONAL),
})


# -- visit clocks ---------------------------------------------------------------------------------

def add_months(day, months):
    """The same day `months` later, on the month's last day when it has fewer (1-31 + 1 month = 2-28)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def visit_months(level):
    return current_app.config.get("KEYPERSON_VISIT_MONTHS", DEFAULT_MONTHS).get(level, DEFAULT_MONTHS[level])


def due_after(base, level):
    """The visit due after a visit (or the registration) on `base` for a person of this level."""
    return add_months(base, visit_months(level))


def open_visit_item(person):
    return (SupervisedItem.select().where(SupervisedItem.source_type == VISIT.key, SupervisedItem.source_id == person.id,
                                          SupervisedItem.open()).order_by(SupervisedItem.id.desc()).first())


def _item_title(person):
    return f"走访重点人员 {person.name}（{LEVELS[person.level]}）"[:200]


def _schedule(person, base, user):
    """Open the next visit item: due one interval of the person's level after `base`."""
    return supervision.supervise(VISIT.key, unit=person.unit, title=_item_title(person), start_date=base,
                                 due_date=max(due_after(base, person.level), base), source_id=person.id,
                                 responsible_name=person.cadre.display_name if person.cadre_id else "",
                                 description=f"{LEVELS[person.level]}人员每 {visit_months(person.level)} 个月至少走访一次。",
                                 assigned_by=user)


def _retime(person, user):
    """A level change moves the next due date: one interval of the new level after the last visit (or
    the registration), but never before today."""
    item = open_visit_item(person)
    if item is None:
        return None
    due = max(due_after(item.start_date, person.level), clock.today())
    before = item.due_date
    versioned_update(item, due_date=due, original_due_date=due, title=_item_title(person))
    audit.record("update", "supervision", item.id, unit=item.unit_id, actor=user,
                 summary=f"{person.name}调整为{LEVELS[person.level]}，下次走访期限由 {before} 改为 {due}",
                 before={"due_date": before.isoformat()}, after={"due_date": due.isoformat()})
    return item


# -- categories ------------------------------------------------------------------------------------

# The editable category list (portal.categories): archived, never deleted.
CATEGORIES = CategoryList(KeyPersonCategory, "keypersons.manage", "keyperson", "重点人员类别", "keypersons.categories")
categories, save_category = CATEGORIES.all, CATEGORIES.save


def categories_of(person_ids):
    """{person id: [category names]} of many persons in one query."""
    found = {}
    for link in (KeyPersonCategoryLink.select(KeyPersonCategoryLink, KeyPersonCategory).join(KeyPersonCategory)
                 .where(KeyPersonCategoryLink.person.in_(list(person_ids)))
                 .order_by(KeyPersonCategory.seq, KeyPersonCategory.id)):
        found.setdefault(link.person_id, []).append(link.category.name)
    return found


# -- cadres ----------------------------------------------------------------------------------------

def cadre_problem(person_unit, candidate):
    """None when `candidate` may be the responsible cadre of a person of this unit: an active user who may
    be a cadre, of the person's unit subtree (above or below it) or of the bureau."""
    if candidate is None:
        return None
    if not candidate.active or not can("keypersons.cadre", candidate):
        return f"{candidate.display_name}不能担任包保责任人（账号停用或角色不符）。"
    unit = candidate.unit
    if not (sees_everything(candidate) or unit.kind in BUREAU_KINDS or unit.contains(person_unit)
            or person_unit.contains(unit)):
        return f"{candidate.display_name}（{unit.name}）不在该人员所在单位或局机关，不能担任其包保责任人。"
    return None


def cadre_choices(person_unit=None, viewer=None):
    """[(id, "name（unit）")] of the users who may be cadres (of this unit, when given), and of those the
    ones a unit's user may name (their own unit's line and the bureau: no other unit's people)."""
    users = (User.select(User, Unit).join(Unit).where(User.active == True)  # noqa: E712
             .order_by(Unit.path, User.display_name))
    local = viewer is not None and not sees_everything(viewer)
    return [(u.id, f"{u.display_name}（{u.unit.name}）") for u in users
            if can("keypersons.cadre", u) and (person_unit is None or cadre_problem(person_unit, u) is None)
            and (not local or cadre_problem(viewer.unit, u) is None)]


def _refuse(person, user, label, message):
    WORKFLOW.refuse(person, user, label, message)


def _may_edit(person, user, label):
    if not can("keypersons.edit", user) or not in_scope(user, person.unit):
        _refuse(person, user, label, f"只能{label}本单位（含下属单位）的重点人员。")


def handover(person, user, *, cadre, reason, on=None, version=UNCHECKED):
    """Name or hand over (移交) the responsible cadre; the history keeps who, when and why."""
    on = on or clock.today()
    if not may_hand_over(person, user):
        _refuse(person, user, "移交包保", "只有本单位负责人或股室工作人员可以指定或移交包保责任人。")
    problem = (version_problem(person, version) or cadre_problem(person.unit, cadre)
               or ("请选择新的包保责任人。" if cadre is None else None)
               or ("新的包保责任人与现任相同。" if cadre is not None and cadre.id == person.cadre_id else None)
               or ("移交时请填写移交原因。" if person.cadre_id and not (reason or "").strip() else None)
               or ("移交日期不能晚于今天。" if on > clock.today() else None)
               or ("该人员已不在册，不能移交。" if not person.is_active else None))
    if problem:
        _refuse(person, user, "移交包保", problem)
    previous = person.cadre
    with database.atomic():
        versioned_update(person, version, cadre=cadre.id, cadre_since=on)
        CadreAssignment.create(person=person, cadre=cadre, previous=previous, on=on, reason=(reason or "").strip(),
                               by=user)
        text = (f"{person.name}的包保责任人由{previous.display_name}移交{cadre.display_name}" if previous
                else f"指定{cadre.display_name}为{person.name}的包保责任人")
        audit.record("kp_handover", "keyperson", person.id, unit=person.unit_id, actor=user,
                     summary=(text + (f"：{reason.strip()}" if (reason or "").strip() else ""))[:255],
                     before={"cadre": previous.id if previous else None}, after={"cadre": cadre.id})
        item = open_visit_item(person)
        if item is not None:
            versioned_update(item, responsible_name=cadre.display_name)
        notify([cadre], f"您已成为{person.name}的包保责任人", f"{person.unit.name}。请按期走访。", person_url(person.id),
               kind="assign")
        if previous is not None:
            notify([previous], f"{person.name}已移交{cadre.display_name}包保", (reason or "").strip(),
                   person_url(person.id), kind="assign")
    return KeyPerson.get_by_id(person.id)


# -- registering and editing -----------------------------------------------------------------------

@dataclass
class PersonFields:
    """What a form (or an import row) says about a person."""

    name: str
    sex: str = ""
    birth_date: datetime.date = None
    id_number: str = ""
    phone: str = ""
    address: str = ""
    unit: Unit = None
    family: str = ""
    income: str = ""
    health: str = ""
    level: str = "stable"
    level_reason: str = ""
    categories: tuple = ()  # KeyPersonCategory rows


def person_problems(f, person=None):
    """Every problem of a person's fields, in Chinese (empty when they may be saved)."""
    problems = []
    if not (f.name or "").strip():
        problems.append("请填写姓名。")
    if f.sex and f.sex not in SEXES:
        problems.append("请选择性别。")
    if f.unit is None or not f.unit.active:
        problems.append("请选择所在单位。")
    if f.level not in LEVELS:
        problems.append("请选择稳控级别。")
    elif f.level != "stable" and not (f.level_reason or "").strip():
        problems.append(f"定为“{LEVELS[f.level]}”时请填写定级理由。")
    if not f.categories:
        problems.append("请至少选择一个人员类别。")
    if f.birth_date and f.birth_date > clock.today():
        problems.append("出生日期不能晚于今天。")
    problems += [p for p in (privacy.id_number_problem(f.id_number), privacy.phone_problem(f.phone)) if p]
    id_number = privacy.normalise_id(f.id_number)
    if id_number and not privacy.id_number_problem(id_number):
        clash = KeyPerson.select().where(KeyPerson.id_number == id_number)
        if person is not None:
            clash = clash.where(KeyPerson.id != person.id)
        clash = clash.first()
        if clash is not None:
            problems.append(f"身份证号已登记在册（{clash.name}，{clash.unit.name}），同一人只建一档。")
    return problems


def _values(f):
    return {"name": f.name.strip()[:50], "sex": f.sex or "", "birth_date": f.birth_date,
            "id_number": privacy.normalise_id(f.id_number), "phone": (f.phone or "").strip()[:20],
            "address": (f.address or "").strip()[:200], "unit": f.unit.id, "family": (f.family or "").strip(),
            "income": (f.income or "").strip(), "health": (f.health or "").strip(), "level": f.level,
            "level_reason": (f.level_reason or "").strip()}


def _set_categories(person, categories):
    KeyPersonCategoryLink.delete().where(KeyPersonCategoryLink.person == person.id).execute()
    for category in {c.id: c for c in categories}.values():
        KeyPersonCategoryLink.create(person=person, category=category)


def register(f, user, *, cadre=None, registered_on=None, imported=False):
    """登记 a person; their visit clock starts from the registration day."""
    if not can("keypersons.edit", user) or (f.unit is not None and not in_scope(user, f.unit)):
        raise RuleError("只能登记本单位（含下属单位）的重点人员。")
    problems = person_problems(f) + ([cadre_problem(f.unit, cadre)] if f.unit is not None and cadre_problem(f.unit, cadre) else [])
    if problems:
        raise RuleError("；".join(problems))
    registered_on = registered_on or clock.today()
    with database.atomic():
        person = KeyPerson.create(**_values(f), registered_on=registered_on, imported=imported, created_by=user,
                                  last_visit_on=None)
        _set_categories(person, f.categories)
        audit.record("create", "keyperson", person.id, unit=person.unit_id, actor=user,
                     summary=f"登记重点人员{person.name}（{person.unit.name}，{LEVELS[person.level]}）"[:255],
                     after={"level": person.level, "state": "active"})
        if cadre is not None:
            person.cadre, person.cadre_since = cadre, registered_on
            KeyPerson.update(cadre=cadre.id, cadre_since=registered_on).where(KeyPerson.id == person.id).execute()
            CadreAssignment.create(person=person, cadre=cadre, on=registered_on, reason="登记时指定", by=user)
            notify([cadre], f"您已成为{person.name}的包保责任人", f"{person.unit.name}。请按期走访。",
                   person_url(person.id), kind="assign")
        _schedule(person, registered_on, user)
    return KeyPerson.get_by_id(person.id)


def update(person, f, user, version=UNCHECKED):
    """Edit a person's record (version-checked); a level change moves the next visit's due date."""
    _may_edit(person, user, "修改")
    if f.unit is not None and not in_scope(user, f.unit):
        _refuse(person, user, "修改", "只能把人员调整到本单位（含下属单位）。")
    problems = person_problems(f, person)
    problem = version_problem(person, version) or ("；".join(problems) if problems else None)
    if problem:
        _refuse(person, user, "修改", problem)
    before = {"level": person.level, "unit": person.unit_id}
    values = _values(f)
    with database.atomic():
        versioned_update(person, version, **values)
        _set_categories(person, f.categories)
        person = KeyPerson.get_by_id(person.id)
        audit.record("update", "keyperson", person.id, unit=person.unit_id, actor=user,
                     summary=f"修改重点人员{person.name}的档案"
                             + (f"，稳控级别{LEVELS[before['level']]}→{person.level_label}" if before["level"] != person.level else ""),
                     before=before, after={"level": person.level, "unit": person.unit_id})
        if before["level"] != person.level and person.is_active:
            _retime(person, user)
        if before["unit"] != person.unit_id:
            item = open_visit_item(person)
            if item is not None:
                versioned_update(item, unit=person.unit_id)
    return person


def change_status(person, action, user, note, version=UNCHECKED):
    """化解销号 / 迁出 / 去世 / 恢复在册: the open visit item ends with the person's time on the register."""
    note = (note or "").strip()
    problem = None if note else "请填写说明（化解情况、迁往何处或去世日期）。"
    WORKFLOW.check(action, user, person, version, problem)
    with database.atomic():
        moved = WORKFLOW.write(person, action, user, summary=f"{person.name}：{note}", state_note=note)
        if moved.is_active:
            _schedule(moved, clock.today(), user)
        else:
            supervision.resolve(VISIT.key, person.id, user, f"{STATUSES[moved.state]}，不再走访")
    return moved


# -- visits ------------------------------------------------------------------------------------------

def may_visit(person, user):
    """None when the user may record a visit to the person: their cadre, or office on their behalf."""
    if not person.is_active:
        return "该人员已不在册，不再走访。"
    if can("keypersons.manage", user) and in_scope(user, person.unit):
        return None
    if person.cadre_id == user.id and can("keypersons.cadre", user):
        return None
    return "只有该人员的包保责任人（或股室工作人员）可以登记走访。"


def _file(owner_type, owner, document, user, description):
    """Store an optional document inside the step's transaction; a refused file (a RuleError) refuses the step."""
    if document is not None and getattr(document, "filename", ""):
        attachments.save(owner_type, owner, document, user, description=description)


def record_visit(person, user, *, visited_on, form, content, mood, requests_raised="", level=None, level_reason="",
                 version=UNCHECKED, document=None):
    """走访: records the visit, closes the visit item it answered and opens the next one, due one
    interval of the (reassessed) level after this visit."""
    level = level or person.level
    problems = []
    if visited_on is None:
        problems.append("请填写走访日期。")
    elif visited_on > clock.today():
        problems.append("走访日期不能晚于今天。")
    elif person.last_visit_on and visited_on < person.last_visit_on:
        problems.append(f"走访日期不能早于上次走访（{person.last_visit_on}）。")
    elif visited_on < person.registered_on:
        problems.append(f"走访日期不能早于登记日期（{person.registered_on}）。")
    if form not in VISIT_FORMS:
        problems.append("请选择走访形式。")
    if mood not in MOODS:
        problems.append("请选择思想动态。")
    if not (content or "").strip():
        problems.append("请填写走访情况（谈了什么）。")
    if level not in LEVELS:
        problems.append("请选择重新评估后的稳控级别。")
    elif level != person.level and not (level_reason or "").strip():
        problems.append("调整稳控级别时请填写理由。")
    problem = may_visit(person, user) or version_problem(person, version) or ("；".join(problems) if problems else None)
    if problem:
        _refuse(person, user, "登记走访", problem)
    item = open_visit_item(person)
    with database.atomic():
        visit = KeyPersonVisit.create(
            person=person, visited_on=visited_on, form=form, visitor=user, content=content.strip(),
            requests_raised=(requests_raised or "").strip(), mood=mood, due_on=item.due_date if item else None,
            level_before=person.level, level_after=level, level_reason=(level_reason or "").strip())
        changes = {"last_visit_on": visited_on, "level": level}
        if level != person.level:
            changes["level_reason"] = level_reason.strip()
        versioned_update(person, version, **changes)
        late = "" if visit.on_time else f"（超期 {(visited_on - visit.due_on).days} 天）"
        audit.record("kp_visit", "keyperson", person.id, unit=person.unit_id, actor=user,
                     summary=(f"{visited_on} {VISIT_FORMS[form]}走访{person.name}{late}"
                              + (f"；稳控级别{LEVELS[visit.level_before]}→{LEVELS[level]}" if level != visit.level_before else ""))[:255],
                     before={"level": visit.level_before}, after={"level": level})
        supervision.resolve(VISIT.key, person.id, user, f"{visited_on} 已走访")
        person = KeyPerson.get_by_id(person.id)
        _schedule(person, visited_on, user)
        _file("keyperson_visit", visit, document, user, f"走访材料（{visited_on}）")
    return visit


# -- requests and assistance -------------------------------------------------------------------------

def owner_unit_problem(person, unit):
    """A request's owner unit: the person's unit, one above it, or an office of the bureau."""
    if unit is None or not unit.active:
        return "请选择责任单位。"
    if not (unit.contains(person.unit) or unit.kind in BUREAU_KINDS):
        return f"责任单位应为{person.unit.name}、其上级单位或局机关股室。"
    return None


def may_raise(person, user):
    """The person's unit subtree (those who edit it) or their cadre raise requests for them."""
    return (can("keypersons.edit", user) and in_scope(user, person.unit)) or person.cadre_id == user.id


def may_hand_over(person, user):
    return can("keypersons.assign", user) and in_scope(user, person.unit)


def raise_request(person, user, *, kind, content, unit, raised_on, due_date):
    """登记 a request; the owner unit answers it by the due date (a supervised item on its 待办)."""
    problems = []
    if kind not in REQUEST_KINDS:
        problems.append("请选择诉求类型。")
    if not (content or "").strip():
        problems.append("请填写诉求内容。")
    if raised_on is None:
        problems.append("请填写提出日期。")
    elif raised_on > clock.today():
        problems.append("提出日期不能晚于今天。")
    if due_date is None:
        problems.append("请填写办理期限。")
    elif raised_on and due_date < raised_on:
        problems.append("办理期限不能早于提出日期。")
    problem = owner_unit_problem(person, unit)
    if problem:
        problems.append(problem)
    if not may_raise(person, user):
        _refuse(person, user, "登记诉求", "只能为本单位的重点人员或自己包保的人员登记诉求。")
    if not person.is_active:
        problems.append("该人员已不在册。")
    if problems:
        _refuse(person, user, "登记诉求", "；".join(problems))
    with database.atomic():
        req = AssistanceRequest.create(person=person, year=raised_on.year, kind=kind, content=content.strip(), unit=unit,
                                       raised_on=raised_on, created_by=user)
        audit.record("kp_request", "keyperson", person.id, unit=person.unit_id, actor=user,
                     summary=f"{person.name}提出{REQUEST_KINDS[kind]}诉求，交{unit.name}，{due_date} 前办结"[:255])
        supervision.supervise(REQUEST.key, unit=unit, title=f"{person.name}：{REQUEST_KINDS[kind]}诉求"[:200],
                              start_date=raised_on, due_date=due_date, source_id=req.id, description=req.content,
                              responsible_name=person.cadre.display_name if person.cadre_id else "", assigned_by=user)
    return req


def request_item(req):
    return (SupervisedItem.select().where(SupervisedItem.source_type == REQUEST.key, SupervisedItem.source_id == req.id)
            .order_by(SupervisedItem.id.desc()).first())


def may_conclude(req, user):
    if req.state != "open":
        return "该诉求已办结。"
    if can("keypersons.manage", user):
        return None
    if can("keypersons.edit", user) and in_scope(user, req.unit):
        return None
    return "只有责任单位（或股室工作人员）可以登记办理结果。"


def conclude_request(req, user, *, outcome, explanation, amount=None, closed_on=None, version=UNCHECKED,
                     document=None):
    """办结 a request: outcome, the explanation given to the person, the amount paid where money is involved."""
    closed_on = closed_on or clock.today()
    problems = []
    if outcome not in OUTCOMES:
        problems.append("请选择办理结果。")
    if not (explanation or "").strip():
        problems.append("请填写向当事人作出的答复或解释。")
    if amount is not None and amount < 0:
        problems.append("金额不能为负数。")
    if closed_on > clock.today():
        problems.append("办结日期不能晚于今天。")
    elif closed_on < req.raised_on:
        problems.append(f"办结日期不能早于提出日期（{req.raised_on}）。")
    problem = may_conclude(req, user) or version_problem(req, version) or ("；".join(problems) if problems else None)
    if problem:
        with database.atomic():
            audit.record("denied", "keyperson_request", req.id, unit=req.person.unit_id, actor=user,
                         summary=f"办结诉求未执行：{problem}"[:255])
        raise RuleError(problem)
    with database.atomic():
        versioned_update(req, version, state="done", outcome=outcome, explanation=explanation.strip(), amount=amount,
                         closed_on=closed_on)
        paid = f"，支付 {amount} 元" if amount else ""
        audit.record("kp_conclude", "keyperson", req.person_id, unit=req.person.unit_id, actor=user,
                     summary=f"{req.person.name}的{req.kind_label}诉求办结：{OUTCOMES[outcome]}{paid}"[:255])
        supervision.resolve(REQUEST.key, req.id, user, f"{OUTCOMES[outcome]}{paid}")
        _file("keyperson_request", req, document, user, f"办理凭证（{OUTCOMES[outcome]}）")
    return AssistanceRequest.get_by_id(req.id)


# -- privacy ---------------------------------------------------------------------------------------

def reveal(person, user):
    """Full ID number and phone of one person, for office and leaders; audited."""
    privacy.reveal(person, "keyperson", "keypersons.reveal", user, f"重点人员{person.name}",
                   lambda message: _refuse(person, user, "查看个人信息", message))
    return person


# -- letters and visits ----------------------------------------------------------------------------

def petitions_of(person, user):
    """The cases whose petitioners carry the person's ID number, of those the user may see."""
    if not person.id_number:
        return []
    ids = Petitioner.select(Petitioner.petition).where(Petitioner.id_number == person.id_number)
    return list(Petition.visible_to(user).where(Petition.id.in_(ids)).order_by(Petition.received_on.desc()))


def persons_in_petition(petition, user=None):
    """Registered persons among a case's petitioners (of those the user may see, when given)."""
    ids = [x.id_number for x in petition.petitioners if x.id_number]
    if not ids:
        return []
    query = KeyPerson.visible_to(user) if user is not None else KeyPerson.select()
    return list(query.where(KeyPerson.id_number.in_(ids)).order_by(KeyPerson.id))


def on_petition_registered(petition, user):
    """A case registered with a registered person among its petitioners: tell their cadre."""
    for person in persons_in_petition(petition):
        if person.cadre_id and person.is_active:
            notify([person.cadre], f"您包保的重点人员{person.name}有新的信访登记",
                   f"信访 {petition.number}：{petition.title}", person_url(person.id), kind="petition")


def petition_notes(petition, user):
    """The "在册重点人员" note on a case's page, to those who may see the person too."""
    if not can("keypersons.view", user):
        return []
    return [(f"{'在册重点人员' if p.is_active else '重点人员（' + p.state_label + '）'}：{p.name}", person_url(p.id))
            for p in persons_in_petition(petition, user)]


# -- the cadre's 待办 ---------------------------------------------------------------------------------

def _cadre_items(user):
    """Open visit items of the persons the user is the cadre of, from KEYPERSON_TODO_DAYS before they fall due
    (a half-yearly visit does not sit on the 待办 for six months)."""
    horizon = clock.today() + datetime.timedelta(days=int(current_app.config.get("KEYPERSON_TODO_DAYS", 30)))
    # From the user's persons (indexed by cadre) to their items by (source_type, source_id): the nav badge
    # counts this on every page, so it must not scan every visit item of the bureau.
    persons = KeyPerson.select(KeyPerson.id).where(KeyPerson.cadre == user.id)
    return (SupervisedItem.select(SupervisedItem, Unit).join(Unit, on=(SupervisedItem.unit == Unit.id))
            .where(SupervisedItem.source_type == VISIT.key, SupervisedItem.source_id.in_(persons),
                   SupervisedItem.open(), SupervisedItem.due_date <= horizon))


@module.todo
def cadre_todos(user, limit=None):
    """The visits falling due of the persons this user is the cadre of, with their colours."""
    if not can("keypersons.cadre", user):
        return []
    return [supervision.Todo.for_item(item, "走访重点人员")
            for item in supervision.in_todo_order(_cadre_items(user), limit)]


def _cadre_todo_count(user):
    return _cadre_items(user).count() if can("keypersons.cadre", user) else 0


cadre_todos.count = _cadre_todo_count


# -- lists -----------------------------------------------------------------------------------------

VISIT_ITEM = SupervisedItem.alias("visit_item")
CADRE = User.alias("cadre_user")


def listed(user):
    """Persons the user may see, with their unit, cadre and open visit item selected in the same query."""
    return (KeyPerson.visible_to(user, KeyPerson, Unit, CADRE, VISIT_ITEM)
            .join_from(KeyPerson, Unit, on=(KeyPerson.unit == Unit.id), attr="unit")
            .join_from(KeyPerson, CADRE, JOIN.LEFT_OUTER, on=(KeyPerson.cadre == CADRE.id), attr="cadre")
            .join_from(KeyPerson, VISIT_ITEM, JOIN.LEFT_OUTER, attr="visit_item",
                       on=((VISIT_ITEM.source_type == VISIT_ITEM_TYPE) & (VISIT_ITEM.source_id == KeyPerson.id)
                           & VISIT_ITEM.state.in_(supervision.OPEN_STATES))))


def unassigned_sql():
    """Persons without a working cadre: none named, or one whose account was disabled."""
    return KeyPerson.cadre.is_null() | KeyPerson.cadre.in_(User.select(User.id).where(User.active == False))  # noqa: E712


def open_requests_sql():
    return KeyPerson.id.in_(AssistanceRequest.select(AssistanceRequest.person).where(AssistanceRequest.state == "open"))
