"""Demo data of inspections: the year's three rounds with results and findings."""
import datetime

from .. import clock
from ..models import Unit, User


CHECKLIST = """一把手负责制 | 单位一把手为综治第一责任人，领导小组成立、分工明确 | 查阅文件、询问负责人 | 10
一把手负责制 | 目标管理责任书层层分解到班组、岗位 | 查阅分解材料 | 5
综治档案 | 综治工作档案齐全、分类规范 | 查阅档案 | 10
矛盾纠纷排查 | 每半月开展一次矛盾纠纷排查，无矛盾实行零报告 | 查阅排查记录 | 15
矛盾纠纷排查 | 排查出的矛盾有调处措施、有结果 | 抽查2件调处记录 | 10
信访回访 | 信访件答复后15日内回访，记录完整 | 抽查回访记录 | 10
普法 | 年度普法计划落实，职工受教育面达90%以上 | 查阅签到表、试卷 | 10
查岗值班 | 重要节日和敏感时期24小时值班，值班记录完整 | 现场查岗、查阅记录 | 15
安全生产 | 安全生产责任制落实，隐患排查整改到位 | 现场检查 | 15"""


def seed():
    """The seed's year sent inspection teams three times: two rounds done, one under way."""
    import io

    from ..attachments.services import save as save_attachment
    from ..inspections import services as insp
    from ..models import ChecklistTemplate, InspectionRound
    from ..supervision import services as supervision

    if InspectionRound.select().exists():
        return 0
    office = User.get(User.username == "office")
    inspector = User.get(User.username == "inspector")
    checklist = ChecklistTemplate.get_or_none(ChecklistTemplate.name == "综治维稳工作督查清单") or \
        insp.save_checklist(None, "综治维稳工作督查清单", CHECKLIST, office)
    today = clock.today()

    class Evidence:
        filename, stream = "整改佐证.pdf", None

    def run(title, start, units, results, findings, complete):
        moment = clock.local_to_utc(datetime.datetime.combine(start, datetime.time(9)))
        with clock.frozen(moment):
            round_ = insp.create_round(title=title, start_date=start, end_date=start + datetime.timedelta(days=4),
                                       template=checklist, inspectors=[inspector],
                                       units=[Unit.get(Unit.code == c) for c in units], user=office)
            round_ = insp.advance(round_, office)
            for code in units:
                unit = Unit.get(Unit.code == code)
                for n, item in enumerate(checklist.items.order_by(checklist.items.model.seq)):
                    if n >= results:
                        break
                    verdict = "no" if (n + len(code)) % 7 == 0 else ("partly" if (n + len(code)) % 4 == 0 else "yes")
                    insp.record_result(round_, unit, item, inspector, verdict=verdict, score="", note="", version=0)
            raised = [(insp.raise_finding(round_, Unit.get(Unit.code == code), inspector, description=text,
                                          severity=severity, requirement=requirement,
                                          deadline=insp.default_deadline(severity)), outcome)
                      for code, text, severity, requirement, outcome in findings]
            if complete:
                insp.advance(round_, office)
        for finding, outcome in raised:
            item = insp.item_of(finding)
            head = User.get(User.unit == finding.unit_id, User.role == "unit_head")
            if outcome in ("acknowledged", "reported", "closed"):
                supervision.take_step(item, "acknowledge", head)
            if outcome in ("reported", "closed"):
                Evidence.stream = io.BytesIO(b"%PDF-1.4\n% demo evidence\n%%EOF\n")
                save_attachment("supervision", item, Evidence, head, "整改完成后的记录")
                supervision.take_step(item, "report", head, "已按要求整改到位，记录已补齐。")
            if outcome == "closed":
                supervision.take_step(type(item).get_by_id(item.id), "close", inspector, "现场复查，整改到位。")

    run("第一季度综治维稳工作督查", today - datetime.timedelta(days=230), ["SD315", "DWMY", "BHGS", "WJJD"], 9, [
        ("SD315", "综治工作档案不全，缺少上半年排查记录", "minor", "补齐档案，建立台账", "closed"),
        ("BHGS", "节日期间值班记录缺失", "serious", "完善值班制度，补充值班记录", "closed"),
    ], True)
    run("第三季度综治维稳工作督查", today - datetime.timedelta(days=40), ["SD315", "TJGS", "WMCC", "SCGS"], 9, [
        ("SD315", "改制职工信访件未按期回访", "serious", "逐件回访并记录满意度", "acknowledged"),
        ("TJGS", "矛盾纠纷排查未实行零报告", "minor", "建立零报告制度", "reported"),
    ], True)
    run("第四季度综治维稳工作督查", today - datetime.timedelta(days=3), ["DWMY", "SD315", "JSCL"], 5, [
        ("DWMY", "安全出口堆放杂物，消防通道不畅", "grave", "立即清理并建立巡查制度", "open"),
    ], False)
    return 1


def outside(ctx):
    """A round under way and a finding of a unit outside the test user's scope (access matrix)."""
    from . import services as insp

    checklist = insp.save_checklist(None, "综治督查清单", "组织领导 | 一把手负责制落实 | 查阅资料 | 10", ctx.office)
    round_ = insp.create_round(title="界外督查", start_date=clock.today(), end_date=clock.today(), template=checklist,
                               inspectors=[ctx.inspector], units=[ctx.unit], user=ctx.office)
    round_ = insp.advance(round_, ctx.office)
    finding = insp.raise_finding(round_, ctx.unit, ctx.inspector, description="界外问题", severity="minor",
                                 requirement="限期整改", deadline=clock.today())
    return {"round_id": round_.id, "check_id": checklist.items.first().id, "checklist_id": checklist.id,
            "finding_id": finding.id}
