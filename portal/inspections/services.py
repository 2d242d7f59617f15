"""Rules of inspections: versioned checklists, rounds and their teams, results saved item by item
with a version check, and findings whose rectification runs on the supervision core."""
import datetime
from decimal import Decimal, InvalidOperation

from flask import current_app

from .. import audit, clock
from ..db import database
from ..models import (SEVERITIES, VERDICTS, Attachment, ChecklistItem, ChecklistTemplate, Finding, InspectionRound,
                      ItemResult, RoundMember, RoundUnit, SupervisedItem)
from ..nav import path_for
from ..supervision import registry
from ..supervision import services as supervision

audit.register_object_type("checklist", "督查清单")
audit.register_object_type("round", "督查轮次")
audit.register_object_type("item_result", "检查结果")
audit.register_object_type("finding", "督查问题")
audit.register_actions({"record": "记录检查结果", "raise": "提出问题"})


class InspectionError(ValueError):
    """A rule was broken; the message is shown to the user (and audited)."""


def _round_of(item):
    return Finding.get_by_id(item.source_id).round


def _rectification_check(user, item, action):
    """Only the round's own inspectors verify a rectification; submitting needs evidence."""
    if action in ("close", "return") and user.role == "inspector":
        if not RoundMember.select().where(RoundMember.round == _round_of(item), RoundMember.user == user.id).exists():
            return "只有本轮督查组成员可以验收整改。"
    if action == "report":
        has_evidence = Attachment.select().where(Attachment.owner_type == "supervision", Attachment.owner_id == item.id,
                                                 Attachment.archived == False).exists()  # noqa: E712
        if not has_evidence:
            return "请先上传整改佐证材料，再提交整改报告。"
    return None


RECTIFICATION = registry.register(registry.SourceType(
    "rectification", "督查整改", assigner_permission="inspections.follow_up",
    close_permission="inspections.verify", extension_permission="inspections.extend", max_extensions=1, max_extension_days=30, check=_rectification_check,
    url=lambda item: path_for("inspections.finding", finding_id=item.source_id)))


# -- checklists --------------------------------------------------------------------------------------

def parse_items(text):
    """Lines "类别 | 检查内容 | 检查方法 | 分值" -> item dicts; errors name the line."""
    items = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) != 4:
            raise InspectionError(f"第 {n} 行应为“类别 | 检查内容 | 检查方法 | 分值”四栏，实际 {len(parts)} 栏。")
        category, what, how, points = parts
        if not category or not what:
            raise InspectionError(f"第 {n} 行缺少类别或检查内容。")
        try:
            value = Decimal(points)
        except InvalidOperation:
            raise InspectionError(f"第 {n} 行的分值“{points}”不是数字。")
        if not Decimal("0") < value <= Decimal("100"):
            raise InspectionError(f"第 {n} 行的分值应在 0 到 100 之间。")
        items.append({"category": category, "what": what, "how": how, "points": value})
    if not items:
        raise InspectionError("清单至少需要一项检查内容。")
    return items


def save_checklist(template, name, text, user):
    """Create or edit a checklist. Once a round has used a version, edits make a new version."""
    items = parse_items(text)
    name = (name or "").strip()
    if not name:
        raise InspectionError("请填写清单名称。")
    with database.atomic():
        if template is None or template.rounds.exists():
            version = (template.version + 1) if template else 1
            if template is None and ChecklistTemplate.select().where(ChecklistTemplate.name == name).exists():
                raise InspectionError(f"已有名为“{name}”的清单，请直接修改它。")
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
    if user.role not in ("office", "leader"):
        raise InspectionError("只有股室工作人员和局领导可以安排督查。")
    if not (title or "").strip():
        raise InspectionError("请填写督查名称。")
    if end_date < start_date:
        raise InspectionError("结束日期不能早于开始日期。")
    if not inspectors:
        raise InspectionError("请至少选择一名督查组成员。")
    if not units:
        raise InspectionError("请至少选择一个被督查单位。")
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


NEXT_STATE = {"planned": "in_progress", "in_progress": "completed"}


def advance(round_, user):
    """planned → in progress → completed."""
    if user.role not in ("office", "leader") and not is_member(round_, user):
        raise InspectionError("只有督查组成员或股室工作人员可以变更督查状态。")
    target = NEXT_STATE.get(round_.state)
    if target is None:
        raise InspectionError("督查已完成。")
    with database.atomic():
        before = round_.state
        round_.state = target
        round_.save(only=[InspectionRound.state])
        audit.record("update", "round", round_.id, actor=user, summary=f"督查“{round_.title}”状态变更",
                     before={"state": before}, after={"state": target})


def is_member(round_, user):
    return RoundMember.select().where(RoundMember.round == round_, RoundMember.user == user.id).exists()


def may_record(round_, user):
    if not (is_member(round_, user) or user.role == "office"):
        return "只有本轮督查组成员可以记录检查结果。"
    if round_.state != "in_progress":
        return "督查尚未开始或已经完成，不能记录检查结果。"
    return None


def targets(round_):
    return [t.unit for t in round_.targets.order_by(RoundUnit.id)]


def record_result(round_, unit, item, user, *, verdict, score, note, version):
    """Save one item's result as it is set; a stale version (someone else saved it) is refused."""
    problem = may_record(round_, user)
    if problem is None and unit.id not in {u.id for u in targets(round_)}:
        problem = "该单位不在本轮督查范围内。"
    if problem is None and item.template_id != round_.template_id:
        problem = "该检查项不属于本轮督查清单。"
    if problem is None and verdict not in VERDICTS and verdict != "":
        problem = "请选择符合、基本符合或不符合。"
    value = None
    if problem is None and (score or "").strip():
        try:
            value = Decimal(score.strip()).quantize(Decimal("0.1"))
        except InvalidOperation:
            problem = f"第 {item.seq} 项得分必须是数字。"
        else:
            if not Decimal("0") <= value <= item.points:
                problem = f"第 {item.seq} 项得分应在 0 到 {item.points.normalize():f} 分之间。"
    if problem is None and value is None and verdict:
        value = {"yes": item.points, "partly": (item.points / 2).quantize(Decimal("0.1")), "no": Decimal("0")}[verdict]
    result, _ = ItemResult.get_or_create(round=round_, unit=unit, item=item)
    if problem is None and str(version) != str(result.version):
        problem = f"第 {item.seq} 项刚被其他检查人员修改，已显示最新结果，请核对后再改。"
    if problem:
        with database.atomic():
            audit.record("denied", "item_result", result.id, unit=unit, actor=user, summary=f"检查结果未保存：{problem}"[:255])
        raise InspectionError(problem)
    with database.atomic():
        before = {"verdict": result.verdict, "score": str(result.score) if result.score is not None else None}
        updated = (ItemResult.update(verdict=verdict, score=value, note=(note or "").strip()[:1000],
                                     version=result.version + 1, updated_by=user, updated_at=clock.now())
                   .where(ItemResult.id == result.id, ItemResult.version == result.version).execute())
        if not updated:
            raise InspectionError(f"第 {item.seq} 项刚被其他检查人员修改，请核对后再改。")
        audit.record("record", "item_result", result.id, unit=unit, actor=user,
                     summary=f"“{round_.title}”{unit.name}第 {item.seq} 项：{VERDICTS.get(verdict, '未评')}",
                     before=before, after={"verdict": verdict, "score": str(value) if value is not None else None})
    return ItemResult.get_by_id(result.id)


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
    problem = None
    if not (is_member(round_, user) or user.role == "office"):
        problem = "只有本轮督查组成员可以提出问题。"
    elif unit.id not in {u.id for u in targets(round_)}:
        problem = "该单位不在本轮督查范围内。"
    elif not (description or "").strip():
        problem = "请填写发现的问题。"
    elif severity not in SEVERITIES:
        problem = "请选择问题严重程度。"
    elif not (requirement or "").strip():
        problem = "请填写整改要求。"
    elif deadline is None:
        problem = "请填写整改期限。"
    elif deadline < round_.start_date:
        problem = f"整改期限不能早于督查开始日期 {round_.start_date}。"
    elif deadline < clock.today():
        problem = "整改期限不能早于今天。"
    if problem:
        raise InspectionError(problem)
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
