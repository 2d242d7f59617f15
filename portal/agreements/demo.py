"""Demo data of agreements: this year's template issued to every unit, at mixed stages."""
import datetime

from .. import clock
from ..models import User


# (category, content, points, scoring rule, kind): drawn from the seed's practice.
AGREEMENT_ITEMS = [
    ("组织领导", "成立综治维稳工作领导小组，单位一把手为第一责任人，明确分管负责人和具体工作人员", 6, "未成立领导小组扣3分；分工不明确扣2分", "standard"),
    ("组织领导", "落实一把手负责制和“谁主管谁负责”原则，将目标任务层层分解到班组、岗位", 5, "未层层分解扣2分；责任不落实扣1—3分", "standard"),
    ("议事制度", "每季度至少召开一次综治维稳工作议事会议，分析工作动态，研究解决措施，形成会议纪要", 6, "每少开一次扣1.5分；无纪要扣1分", "standard"),
    ("矛盾纠纷排查", "基层单位每半月、二级机构每月开展一次矛盾纠纷排查，无矛盾纠纷的实行零报告", 8, "每缺一次排查或报告扣1分", "standard"),
    ("矛盾纠纷调处", "一般矛盾纠纷不出二级机构，特殊复杂矛盾不出局系统，调处情况按时上报", 8, "矛盾上交每件扣2分；调处不及时每件扣1分", "standard"),
    ("信访接待", "热情接待群众来信来访，做到不推、不拖，按期受理、按期答复", 8, "逾期受理或答复每件扣1分", "standard"),
    ("信访回访", "落实信访回访制度，答复后15日内回访，跟踪问效，矛盾不解决不撒手", 5, "未按期回访每件扣1分", "standard"),
    ("上级交办", "上级交办的人大代表建议、政协提案和信访件件有落实、事事有回音，按期书面回复", 6, "逾期回复每件扣1分；未回复每件扣2分", "standard"),
    ("重点人员", "对军转干部、抗美援朝老兵、退伍军人、改制下岗困难职工实行一包一责任制，建立档案", 6, "未建档扣2分；责任人不落实每人扣0.5分", "standard"),
    ("信息报送", "信息员及时收集、整理、报送影响稳定的热点难点问题", 4, "迟报、漏报每次扣1分", "standard"),
    ("普法教育", "组织学习公司法、劳动合同法、安全生产法等法律法规，职工受教育面达到90%以上", 6, "受教育面每低5个百分点扣1分", "standard"),
    ("查岗值班", "落实查岗值班制度，重要节日和敏感时期实行24小时值班", 5, "查岗发现脱岗每次扣1分", "standard"),
    ("安全生产", "落实安全生产责任制，定期开展安全隐患排查，发现隐患按期整改到位", 8, "隐患未按期整改每项扣2分", "standard"),
    ("内部防范", "做好单位内部安全防范工作，全年无被盗、火灾等治安案件", 5, "发生治安案件每起扣2分", "standard"),
    ("综治档案", "建立健全综治工作档案，资料齐全、分类规范", 4, "档案不全扣1—2分", "standard"),
    ("督查整改", "对督查组反馈的问题按期整改并书面报告整改情况", 4, "逾期未整改每项扣1分", "standard"),
    ("职工权益", "积极稳妥为符合条件的下岗职工办理养老保险、医疗保险，补发拖欠工资，及时办理退休调资", 6, "应办未办每人扣1分", "standard"),
    ("表彰加分", "综治维稳工作受到县级表彰", 2, "每次加1分，最多加2分", "bonus"),
    ("表彰加分", "综治维稳工作受到市级表彰", 3, "每次加1.5分，最多加3分", "bonus"),
    ("表彰加分", "综治维稳工作受到省级及以上表彰", 5, "省级每次加2分，国家级每次加3分", "bonus"),
    ("单项否决", "发生重大群体性事件或因工作不力引发越级集体上访", 0, "发生即年度考核不合格", "veto"),
    ("单项否决", "发生重大安全生产责任事故或重大刑事案件", 0, "发生即年度考核不合格", "veto"),
]
PREAMBLE = ("为认真贯彻“谁主管谁负责”的原则，落实综治维稳工作领导责任制、目标管理责任制和领导责任查究制，"
            "确保商务系统社会稳定，根据县综治委有关要求，经甲乙双方协商，签订本责任书。")
REWARDS = ("年度考核为优秀的单位，由甲方通报表彰，并作为单位评先评优和领导班子年度考核的重要依据。\n"
           "年度考核为不合格的单位，取消当年评先评优资格，由甲方对单位主要负责人进行诫勉谈话；"
           "情节严重的，按照领导责任查究制追究有关人员责任。")
# Where each demo agreement stands: units not listed stay issued (awaiting signature).
AGREEMENT_STAGES = {
    "SYXB": "archived", "WMXB": "archived", "BHGS": "archived", "TCJCK": "assessed", "SD315": "assessed",
    "JSCL": "assessed", "WZZGS": "self_assessed", "SMFW": "self_assessed", "WJJD": "self_assessed",
    "LYSP": "self_assessed", "TJGS": "signed", "YSFW": "signed", "WMCC": "signed", "JDSB": "signed",
    "SCGS": "signed", "SPGS": "signed", "MDTC": "signed",
}


def _demo_scores(agreement, seed_text, side):
    """Plausible deterministic scores: small deductions, an occasional commendation."""
    import random

    rng = random.Random(seed_text + side)
    scores = {}
    for item in agreement.items:
        if item.kind == "veto":
            scores[item.id] = {"failed": False, "note": ""}
        elif item.kind == "bonus":
            scores[item.id] = {"score": str(item.points if rng.random() < 0.15 else 0), "note": ""}
        else:
            cut = rng.choice([0, 0, 0, 0.5, 1, 1, 1.5, 2]) * (2 if seed_text == "SD315" else 1)
            value = max(item.points - type(item.points)(str(cut)), 0)
            scores[item.id] = {"score": str(value), "note": "按要求落实" if not cut else "有扣分情形"}
    return scores


def seed():
    """This year's template, issued to every unit, walked through the lifecycle to mixed stages."""
    from decimal import Decimal

    from ..agreements import services as agreements
    from ..models import AgreementTemplate

    year = clock.today().year
    if AgreementTemplate.select().where(AgreementTemplate.year == year).exists():
        return 0
    office, leader = User.get(User.username == "office"), User.get(User.username == "leader")
    template = agreements.save_template(
        AgreementTemplate(), office, year=year, title="综治维稳目标管理责任书", party_a="县商务局",
        party_a_signatory="局长", preamble=PREAMBLE, rewards=REWARDS, excellent_min=Decimal("90"),
        good_min=Decimal("80"), pass_min=Decimal("60"), bonus_cap=Decimal("10"),
        sign_due=None, self_assess_due=datetime.date(year, 12, 31),
        items=[{"category": c, "content": t, "points": Decimal(str(p)), "scoring_rule": r, "kind": k}
               for c, t, p, r, k in AGREEMENT_ITEMS])
    order = ["issued", "signed", "self_assessed", "assessed", "archived"]
    for agreement in agreements.issue(template, agreements.default_units(), office):
        stage = AGREEMENT_STAGES.get(agreement.unit.code, "issued")
        head = User.get(User.unit == agreement.unit_id, User.role == "unit_head")
        for step in order[1:order.index(stage) + 1]:
            agreement = type(agreement).get_by_id(agreement.id)
            if step == "signed":
                agreements.sign(agreement, head, agreement.version)
            elif step == "self_assessed":
                agreements.save_scores(agreement, head, agreement.version,
                                       _demo_scores(agreement, agreement.unit.code, "self"), "self", submit=True)
            elif step == "assessed":
                agreements.save_scores(agreement, office, agreement.version,
                                       _demo_scores(agreement, agreement.unit.code, "bureau"), "bureau", submit=True)
            else:
                agreements.archive(agreement, leader, agreement.version)
    return 1


def outside(ctx):
    """An issued agreement and a print job of a unit outside the test user's scope (access matrix)."""
    from ..models import AgreementTemplate, TemplateItem
    from . import printing
    from . import services as agreements

    template = AgreementTemplate.create(year=2026, title="目标管理责任书", party_a="测试商务局", excellent_min=90,
                                        good_min=80, pass_min=60, bonus_cap=10)
    TemplateItem.create(template=template, seq=1, category="组织领导", content="落实一把手负责制", points=10)
    agreement = agreements.issue(template, [ctx.unit], ctx.office)[0]
    job = printing.start(ctx.user, "zip", [agreement.id], "界外打印")
    return {"agreement_id": agreement.id, "side": "self", "template_id": template.id, "job_id": job.id}
