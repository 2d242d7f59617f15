"""Rules of agreements: templates, issuing with a frozen copy of the items, the lifecycle (declared on
the one Workflow), scoring, and the deadlines handed to the supervision core."""
import datetime
from decimal import Decimal, InvalidOperation

from .. import audit, clock
from ..access import can
from ..db import database
from ..models import (AGREEMENT_STATES, ITEM_KINDS, Agreement, AgreementItem, AgreementTemplate, TemplateItem,
                      Unit)
from ..nav import path_for
from ..supervision import registry
from ..supervision import services as supervision
from ..workflow import OPTIONAL, UNCHECKED, RuleError, Transition, Workflow, versioned_update
from . import grading, module

audit.register_object_type("agreement", "目标责任书")
audit.register_object_type("agreement_template", "责任书模板")
audit.register_actions({"issue": "下发", "sign": "签订", "self_assess": "提交自评", "assess": "考核评分",
                        "archive": "审定归档", "save_scores": "保存评分", "edit_items": "修改条目",
                        "copy": "复制模板"})

SIGN = module.item_type(registry.SourceType(
    "agreement_sign", "签订目标责任书", unit_permission="agreements.sign", max_extensions=1,
    max_extension_days=15, todo_label="签订目标责任书",
    url=lambda item: path_for("agreements.detail", agreement_id=item.source_id)))
SELF_ASSESS = module.item_type(registry.SourceType(
    "agreement_self_assess", "责任书年度自评", unit_permission="agreements.sign", max_extensions=1,
    max_extension_days=15, todo_label="提交年度自评",
    url=lambda item: path_for("agreements.detail", agreement_id=item.source_id)))

DEFAULT_SIGN_DAYS = 15
TEMPLATE_FIELDS = ["year", "title", "preamble", "rewards", "party_a", "party_a_signatory", "excellent_min",
                   "good_min", "pass_min", "bonus_cap", "sign_due", "self_assess_due"]

WORKFLOW = Workflow(Agreement, "agreement", noun="责任书", states=AGREEMENT_STATES, transitions={
    # The office's own initiative: an agreement is created and issued in one transaction.
    "issue": Transition("下发", ("draft",), "issued", "agreements.issue", todo=OPTIONAL,
                        confirm="所选单位将收到责任书并须在期限内签订；下发后模板不能再修改。"),
    # An agreement is created and issued in one transaction, so one that is not "issued" is signed.
    "sign": Transition("签订", ("issued",), "signed", "agreements.sign", scope="own_unit",
                       state_message="该责任书已经签订，不能重复签订。", todo=SIGN.key,
                       confirm="签订后责任书文本冻结，不能再修改。"),
    "self_assess": Transition("提交自评", ("signed",), "self_assessed", "agreements.sign", scope="own_unit",
                              todo=SELF_ASSESS.key, confirm="提交后自评得分不能再修改，交局里考核评分。"),
    "assess": Transition("考核评分", ("self_assessed",), "assessed", "agreements.assess",
                         todo="agreements.assessment_todos", confirm="提交后考核得分和等次确定，交局领导审定归档。"),
    "archive": Transition("审定归档", ("assessed",), "archived", "agreements.archive",
                          todo="agreements.assessment_todos", confirm="归档后考核结果不再变动。"),
})


def _named(agreement):
    return f"《{agreement.year}年度{agreement.title}》（{agreement.party_b}）"


# -- templates -------------------------------------------------------------------------------------

def _decimal(value, label, upper=Decimal("1000"), range_text=None):
    """A score or points value in 0..upper with at most one decimal place; anything else is refused in
    Chinese, never silently rounded (NaN and Infinity are Decimals too, and a NaN cannot be compared).
    `range_text` says the allowed range when it is not simply 0 to upper."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleError(f"{label}必须是数字。") from None
    if not number.is_finite():
        raise RuleError(f"{label}必须是数字。")
    if number < 0 or number > upper:
        raise RuleError(range_text or f"{label}应在 0 到 {upper.normalize():f} 之间。")
    if number != number.quantize(Decimal("0.1")):
        raise RuleError(f"{label}最多保留一位小数（填写的是 {value}）。")
    return number.quantize(Decimal("0.1"))


THRESHOLDS = {"excellent_min": "优秀分数线", "good_min": "良好分数线", "pass_min": "合格分数线", "bonus_cap": "加分上限"}


def check_thresholds(excellent, good, passing):
    if not excellent > good > passing > 0:
        raise RuleError("等次分数线应满足：优秀 > 良好 > 合格 > 0。")


def save_template(template, user, *, items, **fields):
    """Create or edit a template (only while it has not been issued) with its items in order."""
    if template.id and not template.editable:
        raise RuleError("该模板已经下发，不能再修改；如需调整，请修改尚未签订的单个责任书。")
    fields.update({key: _decimal(fields[key], label) for key, label in THRESHOLDS.items()})
    check_thresholds(fields["excellent_min"], fields["good_min"], fields["pass_min"])
    clash = AgreementTemplate.select().where(AgreementTemplate.year == fields["year"])
    if template.id:
        clash = clash.where(AgreementTemplate.id != template.id)
    if clash.exists():
        raise RuleError(f"{fields['year']}年度的模板已存在。")
    _check_items(items)
    with database.atomic():
        before = audit.snapshot(template, TEMPLATE_FIELDS) if template.id else None
        for key, value in fields.items():
            setattr(template, key, value)
        if not template.id:
            template.created_by = user
        template.save()
        TemplateItem.delete().where(TemplateItem.template == template).execute()
        for seq, item in enumerate(items, start=1):
            TemplateItem.create(template=template, seq=seq, **item)
        audit.record("update" if before else "create", "agreement_template", template.id, actor=user,
                     summary=f"{'修改' if before else '新建'}{template.year}年度责任书模板（{len(items)} 项）",
                     before=before, after=audit.snapshot(template, TEMPLATE_FIELDS))
    return template


def _check_items(items):
    if not items:
        raise RuleError("模板至少需要一个目标条目。")
    for n, item in enumerate(items, start=1):
        if not item.get("category") or not item.get("content"):
            raise RuleError(f"第 {n} 条缺少类别或目标内容。")
        if item.get("kind") not in ITEM_KINDS:
            raise RuleError(f"第 {n} 条的类型无效。")
        if item["kind"] == "veto":
            item["points"] = Decimal("0")
            continue
        item["points"] = _decimal(item["points"], f"第 {n} 条分值")
        if item["points"] <= 0:
            raise RuleError(f"第 {n} 条的分值必须大于 0。")


def copy_template(source, year, user):
    """Start a year from the previous year's template: text, thresholds and items, deadlines moved on."""
    shift = year - source.year

    def moved(day):
        return day.replace(year=day.year + shift) if day else None

    fields = {k: getattr(source, k) for k in TEMPLATE_FIELDS if k not in ("year", "sign_due", "self_assess_due")}
    items = [{"category": i.category, "content": i.content, "points": i.points, "scoring_rule": i.scoring_rule,
              "kind": i.kind} for i in source.items.order_by(TemplateItem.seq)]
    template = save_template(AgreementTemplate(), user, items=items, year=year, sign_due=moved(source.sign_due),
                             self_assess_due=moved(source.self_assess_due), **fields)
    with database.atomic():
        audit.record("copy", "agreement_template", template.id, actor=user,
                     summary=f"由{source.year}年度模板复制{year}年度模板")
    return template


def default_units():
    """Every active second-level body and grassroots unit."""
    return list(Unit.select().where(Unit.active == True, Unit.bodies(), Unit.level.in_((2, 3)))  # noqa: E712
                .order_by(Unit.path))


def issue(template, units, user):
    """Issue the template to units in one action: each gets its own copy of the text and items, and a
    signing deadline under supervision. Units that already have this year's agreement are skipped."""
    # Checked (and a refusal audited) before the transaction that creates the agreements.
    WORKFLOW.check("issue", user, Agreement(template=template, state="draft"))
    if not units:
        raise RuleError("请至少选择一个单位。")
    items = list(template.items.order_by(TemplateItem.seq))
    if not items:
        raise RuleError("模板没有目标条目，不能下发。")
    existing = {a.unit_id for a in Agreement.select(Agreement.unit).where(Agreement.template == template)}
    today = clock.today()
    sign_due = template.sign_due if template.sign_due and template.sign_due >= today else \
        today + datetime.timedelta(days=DEFAULT_SIGN_DAYS)
    issued = []
    with database.atomic():
        for unit in units:
            if unit.id in existing or not unit.active:
                continue
            agreement = Agreement.create(
                template=template, unit=unit, year=template.year, title=template.title, preamble=template.preamble,
                rewards=template.rewards, party_a=template.party_a, party_a_signatory=template.party_a_signatory,
                party_b=unit.name, party_b_signatory=unit.head_name, excellent_min=template.excellent_min,
                good_min=template.good_min, pass_min=template.pass_min, bonus_cap=template.bonus_cap,
            )
            for item in items:
                AgreementItem.create(agreement=agreement, seq=item.seq, category=item.category, content=item.content,
                                     points=item.points, scoring_rule=item.scoring_rule, kind=item.kind)
            agreement = WORKFLOW.write(agreement, "issue", user, summary=_named(agreement), issued_at=clock.now())
            supervision.supervise(SIGN.key, source_id=agreement.id, unit=unit, assigned_by=user, due_date=sign_due,
                                  title=f"签订{template.year}年度{template.title}", responsible_name=unit.head_name)
            issued.append(agreement)
        if template.issued_at is None:
            template.issued_at = clock.now()
            template.save(only=[AgreementTemplate.issued_at])
    return issued


# -- the lifecycle ---------------------------------------------------------------------------------
# Steps check first (a refusal is audited, so outside the step's transaction), then write the step and
# its side effects in one transaction.

def edit_items(agreement, user, version, changes):
    """Office adjusts one agreement's items before it is signed; signed text is frozen."""
    if not can("agreements.manage", user):
        raise RuleError("只有股室工作人员可以修改责任书条目。")
    if agreement.frozen:
        raise RuleError("责任书已签订，内容已冻结，不能修改。")
    items = {i.id: i for i in agreement.items}
    with database.atomic():
        versioned_update(agreement, version)
        for item_id, values in changes.items():
            item = items.get(item_id)
            if item is None:
                raise RuleError("条目不属于该责任书。")
            if item.kind != "veto":
                values["points"] = _decimal(values.get("points", item.points), f"第 {item.seq} 条分值")
                if values["points"] <= 0:
                    raise RuleError(f"第 {item.seq} 条的分值必须大于 0。")
            for key, value in values.items():
                setattr(item, key, value)
            item.save()
        audit.record("edit_items", "agreement", agreement.id, unit=agreement.unit_id, actor=user,
                     summary=f"修改《{agreement.party_b}》责任书条目 {len(changes)} 条")
    return agreement


def sign(agreement, user, version=UNCHECKED):
    """The unit head signs: the text freezes, the signing deadline is met, the self-assessment one set."""
    WORKFLOW.check("sign", user, agreement, version)
    with database.atomic():
        agreement = WORKFLOW.write(agreement, "sign", user, summary=_named(agreement), signed_at=clock.now(),
                                   signed_by=user.id, party_b_signatory=user.display_name)
        supervision.resolve(SIGN.key, agreement.id, user, "责任书已签订")
        template = agreement.template
        due = template.self_assess_due if template.self_assess_due and template.self_assess_due > clock.today() \
            else datetime.date(agreement.year, 12, 31)
        supervision.supervise(SELF_ASSESS.key, source_id=agreement.id, unit=agreement.unit, assigned_by=None,
                              due_date=max(due, clock.today()),
                              title=f"提交{agreement.year}年度责任书自评", responsible_name=user.display_name)
    return agreement


def _parse_scores(agreement, scores):
    """scores: {item_id: {"score": str, "note": str, "failed": bool}} -> validated values."""
    parsed = {}
    for item in agreement.items:
        entry = scores.get(item.id)
        if entry is None:
            continue
        note = (entry.get("note") or "").strip()[:1000]
        if item.kind == "veto":
            parsed[item.id] = (None, note, bool(entry.get("failed")))
            continue
        raw = (entry.get("score") or "").strip()
        if raw == "":
            parsed[item.id] = (None, note, False)
            continue
        value = _decimal(raw, f"第 {item.seq} 条“{item.category}”得分", item.points,
                         f"第 {item.seq} 条“{item.category}”得分应在 0 到 {item.points.normalize():f} 分之间。")
        parsed[item.id] = (value, note, False)
    return parsed


def save_scores(agreement, user, version, scores, side, submit=False):
    """Save the unit's self-assessment (side "self") or the bureau's scores (side "bureau"), and on
    submit take the lifecycle step. Every scored item must be in range; submit needs every item."""
    action = "self_assess" if side == "self" else "assess"
    # A draft save needs the same right as the step it prepares.
    WORKFLOW.check(action, user, agreement, version)
    parsed = _parse_scores(agreement, scores)
    with database.atomic():
        items = list(agreement.items.order_by(AgreementItem.seq))
        for item in items:
            if item.id not in parsed:
                continue
            value, note, failed = parsed[item.id]
            if side == "self":
                item.self_score, item.self_note, item.self_failed = value, note, failed
            else:
                item.score, item.score_note, item.failed = value, note, failed
            item.save()
        total = grading.total_of(items, side)
        if submit and total is None:
            missing = [str(i.seq) for i in items if i.kind != "veto" and (i.self_score if side == "self" else i.score) is None]
            raise RuleError(f"还有条目未评分（第 {'、'.join(missing)} 条），请全部评分后再提交。")
        totals = {"self_total": total} if side == "self" else {"total": total}
        if not submit:
            versioned_update(agreement, version, **totals)
            audit.record("save_scores", "agreement", agreement.id, unit=agreement.unit_id, actor=user,
                         summary=f"保存《{agreement.party_b}》{'自评' if side == 'self' else '考核'}得分（暂存）")
            return agreement
        stamp = {"self_assessed_at": clock.now()} if side == "self" else {
            "assessed_at": clock.now(), "assessed_by": user.id}
        agreement = WORKFLOW.write(agreement, action, user, summary=_named(agreement), **totals, **stamp)
        if side == "self":
            supervision.resolve(SELF_ASSESS.key, agreement.id, user, "已提交年度自评")
    return agreement


def archive(agreement, user, version=UNCHECKED):
    """The leader approves the assessment result; the agreement is archived."""
    return WORKFLOW.move(agreement, "archive", user, version, summary=_named(agreement), archived_at=clock.now())


def ranking(query):
    """Assessed agreements with their grade, best total first; ties by unit order. `query` selects the
    agreements with their units."""
    agreements = list(query.where(Agreement.state.in_(("assessed", "archived"))))
    grades = grading.grades_for(agreements)
    rows = [(a, grades[a.id]) for a in agreements]
    # Units failed by a veto rank below every other unit, whatever their score.
    rows.sort(key=lambda row: (not row[1].reasons, row[0].total), reverse=True)
    return rows


# -- the bureau's to-dos: scoring self-assessed agreements, approving and archiving assessed ones -------

def _waiting_steps(user):
    """{state: step} of the bureau's steps on agreements waiting for this user: the scoring (考核评分)
    for those who score but do not approve (the leader's step is the approval that follows), the
    approval and archiving (审定归档) for those who approve."""
    steps = {}
    if can("agreements.archive", user):
        steps["assessed"] = "archive"
    elif can("agreements.assess", user):
        steps["self_assessed"] = "assess"
    return steps


def _waiting(user):
    return Agreement.select(Agreement, Unit).join(Unit).where(Agreement.state.in_(tuple(_waiting_steps(user))))


@module.todo
def _assessment_todos(user, limit=None):
    """Agreements waiting for the bureau's scoring or for the leader's approval and archiving."""
    steps = _waiting_steps(user)
    if not steps:
        return []
    return [supervision.Todo(WORKFLOW.label(steps[a.state]), path_for("agreements.detail", agreement_id=a.id),
                             f"《{a.year}年度{a.title}》", a.unit.name,
                             note=f"自评 {a.self_total} 分" if a.state == "self_assessed" and a.self_total is not None
                             else (f"考核 {a.total} 分" if a.total is not None else ""))
            for a in _waiting(user).order_by(Agreement.year, Unit.path, Agreement.id).limit(limit)]


_assessment_todos.count = lambda user: _waiting(user).count() if _waiting_steps(user) else 0
