"""Rules of inspections: versioned checklists, rounds and their teams on the one workflow, results
saved item by item with a version check, and findings whose rectification runs on the supervision core."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from peewee import Case, fn

from .. import audit, clock
from ..access import can
from ..db import database
from ..forms import decimal_value, int_arg, year_arg
from ..pagination import search_text, sorted_by
from ..models import (ROUND_STATES, SEVERITIES, VERDICTS, Attachment, ChecklistItem, ChecklistTemplate, Finding,
                      InspectionRound, ItemResult, RoundMember, RoundUnit, SupervisedItem, Unit)
from ..nav import path_for
from ..supervision import services as supervision
from ..supervision.registry import SourceType
from ..supervision import urgency
from ..workflow import (OPTIONAL, UNCHECKED, RuleError, Transition, Workflow, guarded, version_problem,
                        versioned_update)
from . import module

audit.register_object_type("checklist", "督查清单")
audit.register_object_type("round", "督查轮次")
audit.register_object_type("item_result", "检查结果")
audit.register_object_type("finding", "督查问题")
audit.register_actions({"record": "记录检查结果", "raise": "提出问题", "start_round": "开始督查",
                        "complete_round": "完成督查"})


def on_team(user, record):
    """The scope rule of the inspectors' own work: the user is on the team of the round (the record is
    a round, or a result of one)."""
    round_id = record.id if isinstance(record, InspectionRound) else record.round_id
    return RoundMember.on_team(round_id, user)


TEAM = {"scopes": {"team": on_team}, "scope_messages": {"team": "只有本轮督查组成员可以{label}。"}}
NOT_UNDER_WAY = "督查尚未开始或已经完成，不能{label}。"

# Office and leaders plan, start and complete rounds; only the round's own team records and raises.
ROUNDS = Workflow(InspectionRound, "round", noun="该督查", states=ROUND_STATES, **TEAM, transitions={
    "start_round": Transition("开始督查", ("planned",), "in_progress", "inspections.manage",
                              todo="inspections.round_todos"),
    "complete_round": Transition("完成督查", ("in_progress",), "completed", "inspections.manage",
                                 state_message="督查已完成。", todo="inspections.round_todos",
                                 confirm="完成后不能再记录检查结果或提出问题。"),
    # Raised when an item is found wanting while the team records results (their to-do).
    "raise": Transition("提出问题", ("in_progress",), None, "inspections.record", scope="team",
                        role_message="只有本轮督查组成员可以提出问题。",
                        state_message=NOT_UNDER_WAY.format(label="提出问题"), todo=OPTIONAL),
})
# A result has no states of its own: it is saved while its round is under way (ItemResult.round_state).
RESULTS = Workflow(ItemResult, "item_result", noun="该检查结果", states=ROUND_STATES, state_field="round_state",
                   **TEAM, transitions={
    "record": Transition("记录检查结果", ("in_progress",), None, "inspections.record", scope="team",
                         role_message="只有本轮督查组成员可以记录检查结果。",
                         state_message=NOT_UNDER_WAY.format(label="记录检查结果"), todo="inspections.round_todos"),
})


def _round_of(item):
    return Finding.get_by_id(item.source_id).round


def _rectification_check(user, item, action):
    """Only the round's own inspectors verify a rectification; submitting needs evidence."""
    if action in ("close", "return") and not on_team(user, _round_of(item)):
        return "只有本轮督查组成员可以验收整改。"
    if action == "report":
        has_evidence = Attachment.select().where(Attachment.owner_type == "supervision", Attachment.owner_id == item.id,
                                                 Attachment.archived == False).exists()  # noqa: E712
        if not has_evidence:
            return "请先上传整改佐证材料，再提交整改报告。"
    return None


def _verifiable_by(user):
    """_rectification_check's rule for closing, in SQL: items of findings of rounds the user is on the team of."""
    team_rounds = RoundMember.select(RoundMember.round).where(RoundMember.user == user.id)
    return SupervisedItem.source_id.in_(Finding.select(Finding.id).where(Finding.round.in_(team_rounds)))


RECTIFICATION = module.item_type(SourceType(
    "rectification", "督查整改", assigner_permission="inspections.follow_up", close_permission="inspections.verify",
    extension_permission="inspections.extend", max_extensions=1, max_extension_days=30, check=_rectification_check,
    closable_by=_verifiable_by,
    url=lambda item: path_for("inspections.finding", finding_id=item.source_id)))
# The join from a finding to its rectification item.
RECTIFICATION_OF = (SupervisedItem.source_type == RECTIFICATION.key) & (SupervisedItem.source_id == Finding.id)


# -- checklists --------------------------------------------------------------------------------------

def parse_items(text):
    """Lines "类别 | 检查内容 | 检查方法 | 分值" -> item dicts; errors name the line."""
    items = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) != 4:
            raise RuleError(f"第 {n} 行应为“类别 | 检查内容 | 检查方法 | 分值”四栏，实际 {len(parts)} 栏。")
        category, what, how, points = parts
        if not category or not what:
            raise RuleError(f"第 {n} 行缺少类别或检查内容。")
        value = decimal_value(points)
        if value is None:
            raise RuleError(f"第 {n} 行的分值“{points}”不是数字。")
        if not Decimal("0") < value <= Decimal("100"):
            raise RuleError(f"第 {n} 行的分值应在 0 到 100 之间。")
        items.append({"category": category, "what": what, "how": how, "points": value})
    if not items:
        raise RuleError("清单至少需要一项检查内容。")
    return items


def save_checklist(template, name, text, user):
    """Create or edit a checklist. Once a round has used a version, edits make a new version."""
    items = parse_items(text)
    name = (name or "").strip()
    if not name:
        raise RuleError("请填写清单名称。")
    with database.atomic():
        if template is None or template.rounds.exists():
            version = (template.version + 1) if template else 1
            if template is None and ChecklistTemplate.select().where(ChecklistTemplate.name == name).exists():
                raise RuleError(f"已有名为“{name}”的清单，请直接修改它。")
            if template is not None:
                ChecklistTemplate.update(current=False).where(ChecklistTemplate.name == template.name).execute()
                name = template.name
            template = ChecklistTemplate.create(name=name, version=version, created_by=user)
        else:
            template.name = name
            template.save()
            ChecklistItem.delete().where(ChecklistItem.template == template).execute()
        for seq, item in enumerate(items, start=1):
            ChecklistItem.create(template=template, seq=seq, **item)
        audit.record("update", "checklist", template.id, actor=user,
                     summary=f"保存督查清单“{template.name}”第 {template.version} 版（{len(items)} 项）")
    return template


def checklist_text(template):
    return "\n".join(f"{i.category} | {i.what} | {i.how} | {i.points.normalize():f}"
                     for i in template.items.order_by(ChecklistItem.seq))


# -- rounds -------------------------------------------------------------------------------------------

def create_round(*, title, start_date, end_date, template, inspectors, units, user):
    problem = None if can("inspections.manage", user) else "只有股室工作人员和局领导可以安排督查。"
    problem = problem or guarded(
        None if (title or "").strip() else "请填写督查名称。",
        "结束日期不能早于开始日期。" if end_date < start_date else None,
        None if inspectors else "请至少选择一名督查组成员。",
        None if units else "请至少选择一个被督查单位。")
    if problem:
        raise RuleError(problem)
    with database.atomic():
        round_ = InspectionRound.create(title=title.strip(), start_date=start_date, end_date=end_date,
                                        template=template, created_by=user)
        for inspector in inspectors:
            RoundMember.create(round=round_, user=inspector)
        for unit in units:
            RoundUnit.create(round=round_, unit=unit)
        audit.record("create", "round", round_.id, actor=user,
                     summary=f"安排督查“{round_.title}”：{len(inspectors)} 名成员，{len(units)} 个单位")
    return round_


def next_step(round_):
    """The step that moves a round on: planned → in progress → completed."""
    return "start_round" if round_.state == "planned" else "complete_round"


def advance(round_, user, version=UNCHECKED):
    """Start a planned round or complete one under way; the page's version must still match."""
    return ROUNDS.move(round_, next_step(round_), user, version, summary=f"督查“{round_.title}”")


def may_record(round_, user):
    """None when the user may record results in the round now, else the reason."""
    return RESULTS.refusal("record", user, ItemResult(round=round_))


def targets(round_):
    return [t.unit for t in round_.targets.order_by(RoundUnit.id)]


def not_in_round(round_, unit):
    """None when the unit is a target of the round, else the reason."""
    return None if RoundUnit.select().where(RoundUnit.round == round_, RoundUnit.unit == unit.id).exists() \
        else "该单位不在本轮督查范围内。"


def _result_value(item, verdict, score):
    """(the score a result gets, the problem with what was typed): a typed score wins, else the
    verdict's share of the item's points."""
    if verdict not in VERDICTS and verdict != "":
        return None, "请选择符合、基本符合或不符合。"
    if (score or "").strip():
        value = decimal_value(score)
        if value is None:
            return None, f"第 {item.seq} 项得分必须是数字。"
        if not Decimal("0") <= Decimal(score.strip()) <= item.points:
            return None, f"第 {item.seq} 项得分应在 0 到 {item.points.normalize():f} 分之间。"
        if Decimal(score.strip()) != value:
            return None, f"第 {item.seq} 项得分最多保留一位小数（填写的是 {score.strip()}）。"
        return value, None
    if verdict:
        # 基本符合 is half the points, rounded half up as people count (2.5 points: 1.3, not 1.2).
        half = (item.points / 2).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return {"yes": item.points, "partly": half, "no": Decimal("0")}[verdict], None
    return None, None


def record_result(round_, unit, item, user, *, verdict, score, note, version=UNCHECKED):
    """Save one item's result as it is set; a stale version (someone else saved it) is refused."""
    result = (ItemResult.get_or_none(ItemResult.round == round_, ItemResult.unit == unit, ItemResult.item == item)
              or ItemResult(round=round_, unit=unit, item=item))
    changed = f"第 {item.seq} 项刚被其他检查人员修改，已显示最新结果，请核对后再改。"
    stale = version_problem(result, version)  # a page without a (valid) version is simply out of date
    value, problem = _result_value(item, verdict, score)
    problem = guarded(RESULTS.refusal("record", user, result), not_in_round(round_, unit),
                      None if item.template_id == round_.template_id else "该检查项不属于本轮督查清单。", problem,
                      changed if stale and str(version).strip().isdigit() else stale)
    if problem:
        RESULTS.refuse(result, user, "记录检查结果", problem)
    if result.id is None:
        result, _ = ItemResult.get_or_create(round=round_, unit=unit, item=item)
    before = {"verdict": result.verdict, "score": str(result.score) if result.score is not None else None}
    try:
        with database.atomic():
            versioned_update(result, version, verdict=verdict, score=value, note=(note or "").strip()[:1000],
                             updated_by=user, updated_at=clock.now())
            audit.record("record", "item_result", result.id, unit=unit, actor=user,
                         summary=f"“{round_.title}”{unit.name}第 {item.seq} 项：{VERDICTS.get(verdict, '未评')}",
                         before=before, after={"verdict": verdict, "score": str(value) if value is not None else None})
    except RuleError:  # saved by someone else between the check and the write
        RESULTS.refuse(result, user, "记录检查结果", changed)
    return ItemResult.get_by_id(result.id)


def round_rows(round_, user):
    """Per target unit the user may see: its score, findings, rectified findings and rate — three queries."""
    units = list(Unit.visible_to(user).join(RoundUnit, on=(RoundUnit.unit == Unit.id))
                 .where(RoundUnit.round == round_).order_by(RoundUnit.id))
    scores = dict(ItemResult.select(ItemResult.unit, fn.SUM(ItemResult.score))
                  .where(ItemResult.round == round_).group_by(ItemResult.unit).tuples())
    found = {unit_id: (n, int(closed or 0)) for unit_id, n, closed in (
        Finding.select(Finding.unit, fn.COUNT(Finding.id), _count(SupervisedItem.state == "closed"))
        .join(SupervisedItem, on=RECTIFICATION_OF).where(Finding.round == round_).group_by(Finding.unit).tuples())}
    rows = []
    for unit in units:
        n, closed = found.get(unit.id, (0, 0))
        score = Decimal(str(scores.get(unit.id) or 0)).quantize(Decimal("0.1"))
        rows.append({"unit": unit, "score": score, "findings": n, "closed": closed,
                     "rate": (closed * 100 // n) if n else None})
    return rows


def results_for(round_, unit):
    return {r.item_id: r for r in ItemResult.select().where(ItemResult.round == round_, ItemResult.unit == unit)}


def unit_score(round_, unit):
    results = results_for(round_, unit).values()
    return sum((r.score for r in results if r.score is not None), Decimal("0"))


# -- findings -----------------------------------------------------------------------------------------

def default_deadline(severity, today=None):
    days = current_app.config["INSPECTION_DEADLINE_DAYS"][severity]
    return (today or clock.today()) + datetime.timedelta(days=days)


def raise_finding(round_, unit, user, *, description, severity, requirement, deadline, responsible_person="",
                  item=None):
    """A problem found in a unit; its rectification is handed to the unit under supervision."""
    ROUNDS.check("raise", user, round_, problem=guarded(
        not_in_round(round_, unit),
        "该检查项不属于本轮督查清单。" if item is not None and item.template_id != round_.template_id else None,
        None if (description or "").strip() else "请填写发现的问题。",
        None if severity in SEVERITIES else "请选择问题严重程度。",
        None if (requirement or "").strip() else "请填写整改要求。",
        "请填写整改期限。" if deadline is None else None,
        f"整改期限不能早于督查开始日期 {round_.start_date}。" if deadline and deadline < round_.start_date else None,
        "整改期限不能早于今天。" if deadline and deadline < clock.today() else None))
    with database.atomic():
        finding = Finding.create(round=round_, unit=unit, item=item, description=description.strip(), severity=severity,
                                 requirement=requirement.strip(), responsible_person=(responsible_person or "").strip(),
                                 raised_by=user)
        audit.record("raise", "finding", finding.id, unit=unit, actor=user,
                     summary=f"督查“{round_.title}”发现{unit.name}问题（{SEVERITIES[severity]}）：{description.strip()}"[:255])
        supervision.supervise(RECTIFICATION.key, source_id=finding.id, unit=unit, assigned_by=user, due_date=deadline,
                              title=f"督查整改：{description.strip()[:60]}", description=requirement.strip(),
                              responsible_name=finding.responsible_person)
    return finding


def item_of(finding):
    return SupervisedItem.get(SupervisedItem.source_type == RECTIFICATION.key, SupervisedItem.source_id == finding.id)


# -- the findings ledger ------------------------------------------------------------------------------

RECTIFICATION_STATES = ("assigned", "acknowledged", "reported", "returned", "closed")


def _overdue(today=None):
    """Overdue as the urgency badge computes it (红牌): past the deadline and neither reported nor closed."""
    return SupervisedItem.state.not_in(("closed", "reported")) & (SupervisedItem.due_date < (today or clock.today()))


overdue_sql = _overdue


def findings(user, args):
    """The user's findings with the rows' rectification item (`.rect`), unit and round, filtered by round,
    unit (with its subtree), severity, status and overdue — all in SQL."""
    query = (Finding.visible_to(user)
             .join(SupervisedItem, on=RECTIFICATION_OF, attr="rect")
             .switch(Finding).join(Unit).switch(Finding).join(InspectionRound)
             .select(Finding, SupervisedItem, Unit, InspectionRound))
    query = sorted_by(query, args, FINDING_SORTS, (Finding.id.desc(),), (Finding.id.desc(),))
    q = search_text(args)
    if q:
        query = query.where(Finding.description.contains(q) | Unit.name.contains(q))
    if int_arg(args, "round"):
        query = query.where(Finding.round == int_arg(args, "round"))
    if year_arg(args):  # the findings of the rounds that started in a year
        query = query.where(InspectionRound.start_date.between(datetime.date(year_arg(args), 1, 1),
                                                               datetime.date(year_arg(args), 12, 31)))
    if int_arg(args, "unit"):
        unit = Unit.get_or_none(Unit.id == int_arg(args, "unit"))
        if unit is not None:
            query = query.where(Unit.path.startswith(unit.path))
    if args.get("severity") in SEVERITIES:
        query = query.where(Finding.severity == args["severity"])
    if args.get("status") == "open":
        query = query.where(SupervisedItem.state != "closed")
    elif args.get("status") in RECTIFICATION_STATES:
        query = query.where(SupervisedItem.state == args["status"])
    if args.get("overdue") == "1":
        query = query.where(_overdue())
    return query


# The findings list's sortable column headers (sort_th); unsorted, the newest first.
FINDING_SORTS = {"unit": Unit.path, "severity": Case(Finding.severity, [("grave", 0), ("serious", 1), ("minor", 2)], 3),
                 "round": InspectionRound.start_date, "due": SupervisedItem.due_date, "state": SupervisedItem.state}


def _count(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


def counts_by_unit(query):
    """{unit name: {"open", "overdue", "closed"}} over every row of a findings query, in one query."""
    closed = SupervisedItem.state == "closed"
    rows = (query.select(Unit.name, _count(~closed), _count(_overdue()), _count(closed))
            .group_by(Unit.id, Unit.name).order_by(Unit.path).tuples())
    return {name: {"open": int(o or 0), "overdue": int(late or 0), "closed": int(c or 0)} for name, o, late, c in rows}


def open_findings(user):
    """(open, overdue) rectifications of the user's findings, in one query."""
    query = findings(user, {"status": "open"})
    total, late = query.select(fn.COUNT(Finding.id), _count(_overdue())).order_by().tuples().get()
    return total or 0, int(late or 0)


# -- to-dos: the team's round under way, the rounds office and leaders start and complete ---------------

def _team_rounds(user):
    """Rounds under way whose team the user is on."""
    if not can("inspections.record", user):
        return InspectionRound.select().where(False)
    return InspectionRound.select().where(InspectionRound.state == "in_progress", InspectionRound.id.in_(
        RoundMember.select(RoundMember.round).where(RoundMember.user == user.id)))


def _rounds_to_advance(user, today=None):
    """Rounds waiting on those who run them: planned ones whose start date has come (or is days away, as
    蓝牌 warns), rounds under way whose last day has come."""
    if not can("inspections.manage", user):
        return InspectionRound.select().where(False)
    today = today or clock.today()
    soon = today + datetime.timedelta(days=current_app.config.get("SUPERVISION_BLUE_DAYS", 3))
    return InspectionRound.select().where(
        ((InspectionRound.state == "planned") & (InspectionRound.start_date <= soon))
        | ((InspectionRound.state == "in_progress") & (InspectionRound.end_date <= today)))


@module.todo
def _round_todos(user, limit=None):
    """An inspector: record results on the round under way (by its last day); office and leaders: start a
    planned round, complete one whose last day has come."""
    todos = []
    for r in _team_rounds(user).order_by(InspectionRound.end_date):
        todos.append(supervision.Todo(RESULTS.label("record"), path_for("inspections.round_detail", round_id=r.id),
                                      r.title, "督查组", r.end_date, urgency.deadline(r.end_date, r.start_date),
                                      note=f"督查时间 {r.start_date} 至 {r.end_date}"))
    for r in _rounds_to_advance(user).order_by(InspectionRound.start_date):
        planned = r.state == "planned"
        due = r.start_date if planned else r.end_date
        todos.append(supervision.Todo(ROUNDS.label("start_round" if planned else "complete_round"),
                                      path_for("inspections.round_detail", round_id=r.id), r.title, "督查组", due,
                                      urgency.deadline(due, None if planned else r.start_date)))
    # A handful of rounds at most: put in 待办's order here.
    return sorted(todos, key=supervision.todo_sort_key)[:limit]


_round_todos.count = lambda user: _team_rounds(user).count() + _rounds_to_advance(user).count()
