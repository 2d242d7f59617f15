"""Owns the demo data: a fictional county commerce bureau modelled on the seed summary.

All people are invented. Later modules append their demo records to seed().
"""
import datetime

from . import clock
from .models import SupervisedItem, Unit, User
from .units.services import create_unit
from .users.services import create_user

DEMO_PASSWORD = "portal-demo-2026"

# (code, name, kind, parent code, first responsible person)
UNITS = [
    ("SWJ", "县商务局", "bureau", None, "周立新"),
    ("SWJ-ZG", "政工股", "office", "SWJ", "孙海燕"),
    ("SWJ-GZ", "改制股", "office", "SWJ", "马永福"),
    ("SYXB", "县商业行业管理办公室", "trade_office", "SWJ", "陈志强"),
    ("WMXB", "县外经贸行业管理办公室", "trade_office", "SWJ", "刘德胜"),
    ("WZZGS", "县物资总公司", "company", "SWJ", "黄国栋"),
    ("SMFW", "县商贸服务中心", "centre", "SWJ", "郭春兰"),
    ("MDTC", "矛盾纠纷排查调处中心", "centre", "SWJ", "杨振华"),
    ("SD315", "315商店", "grassroots", "SYXB", "何文斌"),
    ("BHGS", "县百货公司", "grassroots", "SYXB", "林淑芬"),
    ("WJJD", "县五金交电公司", "grassroots", "SYXB", "谢宏伟"),
    ("TJGS", "县糖业烟酒公司", "grassroots", "SYXB", "韩玉珍"),
    ("YSFW", "县饮食服务公司", "grassroots", "SYXB", "冯建军"),
    ("DWMY", "县对外贸易公司", "grassroots", "WMXB", "罗庆丰"),
    ("TCJCK", "县土畜产进出口公司", "grassroots", "WMXB", "曾丽华"),
    ("WMCC", "县外贸仓储公司", "grassroots", "WMXB", "邓卫东"),
    ("LYSP", "县粮油食品进出口公司", "grassroots", "WMXB", "许秀英"),
    ("JSCL", "县金属材料公司", "grassroots", "WZZGS", "萧永安"),
    ("JDSB", "县机电设备公司", "grassroots", "WZZGS", "潘美玲"),
    ("JCGS", "县建材公司", "grassroots", "WZZGS", "彭德明"),
    ("RLGS", "县燃料公司", "grassroots", "WZZGS", "蒋红霞"),
    ("SCGS", "县蔬菜公司", "grassroots", "SMFW", "蔡光荣"),
    ("SPGS", "县食品公司", "grassroots", "SMFW", "袁桂芳"),
    ("FSPC", "县副食品批发市场", "grassroots", "SMFW", "于建平"),
    ("ZSHS", "县再生资源回收公司", "grassroots", "SMFW", "董晓东"),
]

# (username, display name, role, unit code)
USERS = [
    ("admin", "系统管理员", "admin", "SWJ"),
    ("leader", "周立新", "leader", "SWJ"),
    ("office", "孙海燕", "office", "SWJ-ZG"),
    ("inspector", "马永福", "inspector", "SWJ-GZ"),
    ("head_waimao", "罗庆丰", "unit_head", "DWMY"),
    ("head_315", "何文斌", "unit_head", "SD315"),
    ("clerk_315", "唐小燕", "unit_clerk", "SD315"),
    ("informant", "程立军", "informant", "SYXB"),
]


# (title, unit code, started days ago, due in days, steps the unit has taken, responsible person)
TASKS = [
    ("县信访领导小组交办：原315商店职工养老保险接续问题答复", "SD315", 40, -2, ["acknowledge", "progress"], "何文斌"),
    ("县人大代表建议第12号：改制企业下岗职工安置情况书面答复", "DWMY", 5, 10, [], "罗庆丰"),
    ("县政协提案第3号：外贸系统退休职工调资政策解释", "DWMY", 25, 5, ["acknowledge", "report"], "罗庆丰"),
    ("第三季度综治议事会议决定：完善值班查岗记录", "SD315", 12, 2, ["acknowledge", "progress"], "何文斌"),
    ("县领导批示件：外贸仓储公司消防通道整治", "WMCC", 1, 25, [], "邓卫东"),
    ("县安委会交办：百货公司商场安全出口隐患整改", "BHGS", 4, 12, [], "林淑芬"),
]
STEP_NOTES = {"progress": "已召开专题会议，正在逐项落实。", "report": "已按要求办结，相关记录已整理归档。"}


def seed_supervision():
    """Tasks in every colour: overdue, unacknowledged, due soon, awaiting close-out, normal."""
    from .supervision.services import supervise, take_step

    created = 0
    office = User.get(User.username == "office")
    today = clock.today()
    for title, code, started, due_in, steps, person in TASKS:
        if SupervisedItem.select().where(SupervisedItem.title == title).exists():
            continue
        unit = Unit.get(Unit.code == code)
        item = supervise("task", unit=unit, title=title, responsible_name=person, assigned_by=office,
                         start_date=today - datetime.timedelta(days=started),
                         due_date=today + datetime.timedelta(days=due_in),
                         description="请按“件件有落实、事事有回音”的要求办理，按期书面回复。")
        head = User.get(User.unit == unit, User.role == "unit_head") if steps else None
        for step in steps:
            take_step(item, step, head, STEP_NOTES.get(step, ""))
        created += 1
    return created


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


def seed_agreements():
    """This year's template, issued to every unit, walked through the lifecycle to mixed stages."""
    from decimal import Decimal

    from .agreements import services as agreements
    from .models import AgreementTemplate

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


def seed_veto():
    """A confirmed veto against 315商店, a yellow card for another unit, one accountability record."""
    from .models import VetoEvent
    from .veto import services as veto

    year = clock.today().year
    shop = Unit.get(Unit.code == "SD315")
    if VetoEvent.select().where(VetoEvent.unit == shop, VetoEvent.year == year).exists():
        return 0
    office, leader = User.get(User.username == "office"), User.get(User.username == "leader")
    event = veto.propose(
        unit=shop, year=year, trigger="mass_incident", user=office,
        occurred_on=clock.today() - datetime.timedelta(days=20),
        description="原315商店改制下岗职工32人因养老保险接续和拖欠工资问题到县委集体上访，"
                    "单位事前未排查掌握、事后未及时化解，造成较大影响。")
    event = veto.act(event, "confirm", leader, "经局党组研究，事实清楚，依照目标管理责任书单项否决条款确认。",
                     event.version)
    veto.issue_sanction(unit=Unit.get(Unit.code == "TJGS"), kind="yellow", user=office,
                        reason="连续两个月未报送矛盾纠纷排查情况，经催办仍未落实。")
    veto.record_accountability(
        veto=event, persons=[{"name": shop.head_name, "post": "经理", "unit_name": shop.name}], measure="admonition",
        decided_on=clock.today() - datetime.timedelta(days=5),
        decision="对315商店主要负责人进行诫勉谈话，责成其书面检查，限期化解职工合理诉求。",
        follow_up="已谈话，书面检查已交；职工养老保险接续正在办理。", user=leader)
    return 1


CHECKLIST = """一把手负责制 | 单位一把手为综治第一责任人，领导小组成立、分工明确 | 查阅文件、询问负责人 | 10
一把手负责制 | 目标管理责任书层层分解到班组、岗位 | 查阅分解材料 | 5
综治档案 | 综治工作档案齐全、分类规范 | 查阅档案 | 10
矛盾纠纷排查 | 每半月开展一次矛盾纠纷排查，无矛盾实行零报告 | 查阅排查记录 | 15
矛盾纠纷排查 | 排查出的矛盾有调处措施、有结果 | 抽查2件调处记录 | 10
信访回访 | 信访件答复后15日内回访，记录完整 | 抽查回访记录 | 10
普法 | 年度普法计划落实，职工受教育面达90%以上 | 查阅签到表、试卷 | 10
查岗值班 | 重要节日和敏感时期24小时值班，值班记录完整 | 现场查岗、查阅记录 | 15
安全生产 | 安全生产责任制落实，隐患排查整改到位 | 现场检查 | 15"""


def seed_inspections():
    """The seed's year sent inspection teams three times: two rounds done, one under way."""
    import io

    from .attachments.services import save as save_attachment
    from .inspections import services as insp
    from .models import ChecklistTemplate, InspectionRound
    from .supervision import services as supervision

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
            insp.advance(round_, inspector)
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
                insp.advance(round_, inspector)
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


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国秀英志强丽华文斌春梅海燕国庆玉兰德明红霞永安淑芬卫东晓燕振华桂芳立新金凤宏伟巧云光荣冬梅"


def seed_legal():
    """Rosters of realistic sizes and a year's sessions that cover the eight laws unevenly."""
    import random

    from .legal import services as legal
    from .models import Law, LegalSession, StaffMember

    if StaffMember.select().exists():
        return 0
    rng = random.Random(2026)
    office = User.get(User.username == "office")
    units = list(Unit.select().where(Unit.kind.not_in(("bureau", "office"))).order_by(Unit.path))
    for unit in units:
        size = rng.randint(10, 80) if unit.level == 3 else rng.randint(6, 15)
        for n in range(1, size + 1):
            name = rng.choice(SURNAMES) + GIVEN[rng.randrange(0, len(GIVEN) - 1, 2)] + \
                (GIVEN[rng.randrange(0, len(GIVEN) - 1, 2) + 1] if rng.random() < 0.6 else "")
            StaffMember.create(unit=unit, name=name, post=rng.choice(["营业员", "会计", "保管员", "驾驶员", "经理", "职工"]),
                               employee_no=f"{unit.code}-{n:03d}", active=rng.random() > 0.05)
    laws = list(Law.select().order_by(Law.sort_order))
    year = clock.today().year
    # Laws further down the catalogue were taught less: coverage falls unevenly, some units miss the target.
    weights = [0.95, 0.9, 0.92, 0.7, 0.55, 0.45, 0.35, 0.5]
    forms = ["lecture", "training", "exam", "contest", "board", "leaflet"]
    for unit in units:
        staff = list(StaffMember.select().where(StaffMember.unit == unit, StaffMember.active == True))  # noqa: E712
        # A few units organised little: only three laws, half their people.
        lagging = unit.code in ("SD315", "RLGS", "ZSHS", "WMCC")
        diligence = 0.5 if lagging else rng.choice([1.0, 1.0, 0.95, 0.8])
        for index, law in enumerate(laws[:3] if lagging else laws):
            share = (0.6 if lagging else weights[index % len(weights)]) * diligence
            people = [s for s in staff if rng.random() < share]
            if not people:
                continue
            held_on = min(datetime.date(year, 1 + (index * 5 + unit.id) % 10, 1 + unit.id % 27), clock.today())
            legal.record_session(unit=unit, held_on=held_on,
                                 form=forms[(index + unit.id) % len(forms)],
                                 title=f"《{law.name.replace('中华人民共和国', '')}》学习", speaker="", notes="",
                                 laws=[law], attendees=people, user=office)
    for session in LegalSession.select().where(LegalSession.form.in_(("exam", "contest"))):
        for attendance in session.attendance:
            attendance.score = rng.randint(62, 100)
            attendance.save()
    return 1


def seed():
    """Create whatever of the demo is missing; returns how many records were added."""
    created = 0
    for order, (code, name, kind, parent_code, head) in enumerate(UNITS):
        if Unit.get_or_none(Unit.code == code) is None:
            parent = Unit.get(Unit.code == parent_code) if parent_code else None
            create_unit(name=name, code=code, kind=kind, parent=parent, head_name=head, sort_order=order)
            created += 1
    for username, display_name, role, unit_code in USERS:
        if User.get_or_none(User.username == username) is None:
            create_user(username=username, display_name=display_name, role=role,
                        unit=Unit.get(Unit.code == unit_code), password=DEMO_PASSWORD)
            created += 1
    for unit in Unit.select().where(Unit.kind.not_in(("bureau", "office"))):
        # Every unit has its 一把手 online: head_<code>, same demo password.
        if not User.select().where(User.unit == unit, User.role == "unit_head").exists():
            create_user(username=f"head_{unit.code.lower()}", display_name=unit.head_name or f"{unit.name}负责人",
                        role="unit_head", unit=unit, password=DEMO_PASSWORD)
            created += 1
    return (created + seed_supervision() + seed_agreements() + seed_veto() + seed_inspections() + seed_legal()
            + seed_petitions())


# -- letters and visits ----------------------------------------------------------------------------

# (category, title, request) of the year's group petitions, as in the seed: restructuring, pensions, wages.
GROUP_MATTERS = [
    ("改制遗留", "改制职工身份置换补偿金未足额发放", "要求按改制方案足额发放身份置换补偿金，并公开资产处置情况。"),
    ("改制遗留", "改制企业资产处置不公开", "要求公开门面出租和资产变现收入，用于解决职工遗留问题。"),
    ("养老保险", "下岗职工养老保险断缴", "要求单位补缴 2019 年以来断缴的养老保险费。"),
    ("养老保险", "养老保险接续手续长期未办", "要求尽快办理养老保险关系接续，按时领取养老金。"),
    ("拖欠工资", "拖欠职工工资和集资款", "要求补发拖欠的工资并退还职工集资款。"),
    ("拖欠工资", "拖欠退休职工生活费", "要求按月发放退休职工生活补助。"),
]
INDIVIDUAL_MATTERS = [
    ("医疗保险", "医疗保险报销问题", "反映改制后医疗保险未续保，住院费用无法报销。"),
    ("下岗安置", "下岗后安置不落实", "要求按政策安排公益性岗位或发放生活补助。"),
    ("退休调资", "退休调资未落实", "反映退休后未按政策调整基本养老金。"),
    ("军转/退伍待遇", "退伍军人待遇落实", "要求落实退伍军人一次性补助。"),
    ("拖欠工资", "个人工资拖欠", "要求补发 2024 年拖欠工资。"),
    ("养老保险", "个人养老保险补缴", "要求补缴在岗期间漏缴的养老保险。"),
]
GROUP_UNITS = ["SD315", "DWMY", "BHGS", "WJJD", "TJGS", "JSCL", "YSFW", "WMCC", "SPGS", "RLGS"]
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class _Document:
    """An uploaded scan stand-in for the demo's written replies."""

    def __init__(self, name):
        self.filename, self.stream = name, __import__("io").BytesIO(DEMO_PDF)


def _at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def seed_petitions():
    """About 30 group petitions this year, individual cases in every state, a long backlog case at
    315商店 resolved this year, and the year's NPC/CPPCC proposals and leaders' letters, all replied on time.
    Fictional people only."""
    import random

    from .models import AssignedTask, Petition, PetitionCategory
    from .petitions import privacy
    from .petitions import services as ps

    if Petition.select().exists():
        return 0
    rng = random.Random(4301)
    today = clock.today()
    year = today.year
    office = User.get(User.username == "office")
    day = datetime.timedelta(days=1)

    def person(is_leader=False):
        name = rng.choice(SURNAMES) + GIVEN[rng.randrange(0, len(GIVEN) - 1, 2)] + GIVEN[rng.randrange(1, len(GIVEN), 2)]
        born = datetime.date(1955, 1, 1) + rng.randrange(0, 365 * 25) * day
        id_number = privacy.with_check_digit(f"439901{born:%Y%m%d}{rng.randrange(100, 999)}")
        return ps.PersonInput(name, f"139{rng.randrange(10 ** 7, 10 ** 8)}", id_number, is_leader)

    def head(unit):
        return User.get(User.unit == unit, User.role == "unit_head")

    def case(received, code, matter, headcount, to, persons=None, channel="visit", escalated="", reply_after=None,
             satisfaction="satisfied"):
        """Register a case on its day and take it, step by step on their own days, as far as `to`."""
        unit = Unit.get(Unit.code == code)
        category, title, request = matter
        persons = persons or [person(True)] + [person() for _ in range(min(headcount, 5) - 1)]
        with clock.frozen(_at(received)):
            p, _ = ps.register(received_on=received, channel=channel, headcount=headcount, concerned_unit=unit,
                               category=PetitionCategory.get(PetitionCategory.name == category),
                               title=f"{unit.name}{title}", request=request, persons=persons, user=office,
                               escalated=bool(escalated), escalated_note=escalated)
        order = ["accepted", "assigned", "handling", "replied", "visited", "closed"]
        accepted = received + rng.randint(1, 8) * day
        replied = accepted + (reply_after or rng.randint(15, 50)) * day
        visited = replied + rng.randint(4, 13) * day
        when = {"accepted": accepted, "assigned": accepted + day, "handling": accepted + 2 * day, "replied": replied,
                "visited": visited, "closed": visited + rng.randint(1, 3) * day}
        steps = {
            "accepted": lambda p, d: ps.accept(p, office, on=d, note="属本系统职责范围，予以受理。"),
            "assigned": lambda p, d: ps.assign(p, office, unit=unit, handler_name=unit.head_name or "承办人", on=d),
            "handling": lambda p, d: ps.start(p, head(unit)),
            "replied": lambda p, d: ps.reply(p, head(unit), on=d, document=_Document("答复意见书.pdf"),
                                             text="经调查核实，已按政策落实相关待遇，具体情况已当面向信访人说明。"),
            "visited": lambda p, d: ps.visit(p, head(unit), on=d, visitor=unit.head_name or "承办人", method="home",
                                             satisfaction=satisfaction, notes="信访人表示认可。"
                                             if satisfaction != "dissatisfied" else "信访人认为补发金额不足。"),
            "closed": lambda p, d: ps.close(p, office),
        }
        for state in order[:order.index(to) + 1] if to != "registered" else []:
            if when[state] > today:
                break
            with clock.frozen(_at(when[state])):
                steps[state](Petition.get_by_id(p.id), when[state])
        return Petition.get_by_id(p.id)

    # The year's group petitions: about three a month, most resolved, the latest still in hand.
    # The demo year runs from early January to today; early in a year it covers the last eleven months instead,
    # so that no case is ever dated after today.
    start = datetime.date(year, 1, 8) if today >= datetime.date(year, 3, 1) else today - 330 * day
    span = (today - start).days - 3
    for n in range(30):
        received = start + (span * n // 30) * day
        matter = GROUP_MATTERS[n % len(GROUP_MATTERS)]
        code = GROUP_UNITS[(n * 3) % len(GROUP_UNITS)]
        size = rng.choice([6, 8, 12, 15, 20, 26, 32, 45, 60])
        to = "closed" if received < today - 70 * day else rng.choice(["handling", "replied", "visited", "accepted"])
        case(received, code, matter, size, to, channel=rng.choice(["visit", "visit", "visit", "letter", "transfer"]),
             escalated="到市信访局集体上访，约 20 人。" if n == 7 else "")

    # Individual cases in every state, including an overdue follow-up visit and one under review.
    for n, (to, ago) in enumerate([("registered", 3), ("registered", 17), ("accepted", 12), ("assigned", 20),
                                   ("handling", 40), ("handling", 75), ("replied", 45), ("visited", 80),
                                   ("closed", 150), ("closed", 200)]):
        case(today - ago * day, GROUP_UNITS[n % len(GROUP_UNITS)], INDIVIDUAL_MATTERS[n % len(INDIVIDUAL_MATTERS)], 1,
             to, channel=rng.choice(["letter", "visit", "online", "phone"]), reply_after=25 if to == "replied" else None)
    refused = case(today - 30 * day, "BHGS", ("其他", "要求单位出具个人房产证明", "要求出具与本单位无关的房产证明。"), 1,
                   "registered", channel="online")
    with clock.frozen(_at(today - 25 * day)):
        ps.not_accept(refused, office, on=today - 25 * day, reason="所反映事项不属于本系统职责，已告知向县不动产登记中心反映。")
    review = case(today - 40 * day, "TJGS", INDIVIDUAL_MATTERS[2], 1, "visited", reply_after=12)
    if review.replied_on and review.state in ("replied", "visited") and today <= review.replied_on + 30 * day:
        with clock.frozen(_at(today - day)):
            ps.request_review(review, office, on=today - day, reason="对调资标准有异议，请求复查。")
    repeat = case(today - 10 * day, "DWMY", INDIVIDUAL_MATTERS[4], 1, "accepted",
                  persons=[ps.PersonInput(*_first_person(Petition, "DWMY"))])
    del repeat

    # The long backlog case at 315商店: received two years ago, resolved this year.
    long_ago = datetime.date(start.year - 2, 9, 10)
    backlog = case(long_ago, "SD315", ("养老保险", "原职工养老保险及拖欠工资遗留问题",
                                        "原315商店职工要求补缴养老保险并补发拖欠工资，多次来访。"), 3, "handling")
    for step, when in (("reply", start + 66 * day), ("visit", start + 76 * day), ("close", start + 79 * day)):
        if when > today:
            break
        with clock.frozen(_at(when)):
            p = Petition.get_by_id(backlog.id)
            if step == "reply":
                ps.reply(p, head(p.unit), on=when, document=_Document("答复意见书.pdf"),
                         text="经局党组研究并报县政府同意，已为三名职工补缴养老保险，拖欠工资已全额补发。")
            elif step == "visit":
                ps.visit(p, head(p.unit), on=when, visitor="何文斌", method="home", satisfaction="satisfied",
                         notes="信访人对处理结果满意，表示息访。")
            else:
                ps.close(p, office)

    # Tasks from above: eight NPC/CPPCC proposals and twelve leaders' letters, all due ones answered on time.
    sources = ["npc"] * 4 + ["cppcc"] * 4 + ["leading_group"] * 6 + ["county_leader"] * 5
    subjects = ["改制企业下岗职工再就业", "外贸系统退休职工调资", "商贸企业职工医疗保险", "农贸市场改造",
                "改制企业遗留资产处置", "困难职工帮扶", "老旧商业网点安全隐患", "再生资源回收网点布局"]
    for n, source in enumerate(sources):
        received = start + 7 * day + (max((today - start).days - 47, 30) * n // 19) * day
        if received > today:
            break
        unit = Unit.get(Unit.code == GROUP_UNITS[n % len(GROUP_UNITS)])
        ref = {"npc": f"建议第 {10 + n} 号", "cppcc": f"提案第 {n} 号", "leading_group": f"县信访交〔{received.year}〕{n - 7} 号",
               "county_leader": f"县领导批办〔{received.year}〕{n - 13} 号"}[source]
        subject = subjects[n % len(subjects)] if n < 8 else f"{unit.name}职工来信反映问题"
        with clock.frozen(_at(received)):
            task = ps.create_task(source=source, ref_number=ref, title=f"关于{subject}的{'建议' if source == 'npc' else '提案' if source == 'cppcc' else '交办件'}",
                                  content="请认真研究办理，并在期限内书面答复。", received_on=received,
                                  due_date=received + (60 if n < 8 else 30) * day, unit=unit, user=office)
        answered = received + rng.randint(10, 25) * day
        if answered <= today:
            with clock.frozen(_at(answered)):
                ps.reply_task(AssignedTask.get_by_id(task.id), head(unit), on=answered, document=_Document("书面答复.pdf"),
                              text="已认真研究并落实，具体办理情况见书面答复。")
    # And this week's letter from a county leader, still within its time.
    received = today - 6 * day
    with clock.frozen(_at(received)):
        ps.create_task(source="county_leader", ref_number=f"县领导批办〔{received.year}〕6 号",
                       title="关于县百货公司退休职工来信反映生活补助问题的交办件", content="请认真研究办理，并在期限内书面答复。",
                       received_on=received, due_date=received + 30 * day, unit=Unit.get(Unit.code == "BHGS"), user=office)
    return 1


def _first_person(petition_model, code):
    """(name, phone, id number) of an earlier petitioner of a unit: a demo repeat petition."""
    from .models import Petitioner

    person = (Petitioner.select().join(petition_model)
              .where(petition_model.concerned_unit == Unit.get(Unit.code == code).id, petition_model.is_group == False)  # noqa: E712
              .order_by(petition_model.received_on).first())
    return person.name, person.phone, person.id_number
