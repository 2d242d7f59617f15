"""Demo data of dispute mediation: a year of disputes settled mostly at the unit or its second-level
body, some at the mediation centre after a joint consultation, one reported to the county, one high
risk with a warning letter, one turned into a group petition (激化); three informants and their
reports. Fictional people only."""
import datetime

from .. import clock, privacy
from ..demo import DEMO_PASSWORD, GIVEN, SURNAMES
from ..models import Unit, User
from ..models.disputes import Dispute, DisputeCategory, InformantReport, ScreeningSchedule
from ..users.services import create_user
from . import services as ds

# Two more informants beside the core demo's `informant` (县商业行业管理办公室), as the seed has three.
INFORMANTS = [("informant2", "吴春梅", "WMXB"), ("informant3", "梁国庆", "SMFW")]

MATTERS = [
    ("改制遗留", "改制职工身份置换金差额争议", "部分改制职工认为身份置换补偿金计算基数偏低，要求补足差额。"),
    ("劳动争议", "临时用工解除劳动关系争议", "临时工对解除劳动关系的经济补偿有异议，多次到单位反映。"),
    ("拖欠工资", "拖欠装卸工劳务费", "仓库装卸工反映劳务费拖欠三个月，要求结清。"),
    ("社会保险", "养老保险缴费基数争议", "职工对单位申报的养老保险缴费基数有异议，要求按实际工资补缴。"),
    ("下岗安置", "下岗职工公益性岗位安排", "下岗职工要求按政策安排公益性岗位。"),
    ("合同纠纷", "门面租赁合同到期续租纠纷", "租户对门面到期收回有异议，要求优先续租并补偿装修费用。"),
    ("邻里纠纷", "职工宿舍公共部位占用纠纷", "宿舍楼住户因楼道堆放杂物、占用公共部位发生争执。"),
    ("改制遗留", "集资款退还争议", "原职工要求退还改制前缴纳的集资款及利息。"),
]
GRASSROOTS = ["SD315", "BHGS", "WJJD", "TJGS", "YSFW", "DWMY", "TCJCK", "WMCC", "LYSP", "JSCL", "JDSB", "JCGS",
              "RLGS", "SCGS", "SPGS", "FSPC", "ZSHS"]
REPORTS = [
    ("hotspot", "退休职工关注调资政策落实", "多名退休职工议论今年调资政策，担心本单位不落实。"),
    ("opinion", "职工对宿舍维修意见较大", "宿舍楼屋面漏水，职工希望单位尽快组织维修。"),
    ("instability", "部分改制职工酝酿集体上访", "有改制职工在微信群中相约到县政府反映补偿问题。"),
    ("hotspot", "门面租金上调引发租户不满", "市场门面租金上调，租户聚集议论，要求协商。"),
    ("opinion", "职工希望公开困难帮扶名单", "职工反映困难帮扶对象评定不透明，希望张榜公示。"),
]

DAY = datetime.timedelta(days=1)


def _at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def _accounts():
    created = 0
    for username, name, code in INFORMANTS:
        if User.get_or_none(User.username == username) is None:
            create_user(username=username, display_name=name, role="informant", unit=Unit.get(Unit.code == code),
                        password=DEMO_PASSWORD)
            created += 1
    return created


def seed():
    """About 40 disputes over the year and three informants' 25 reports (idempotent)."""
    import random

    created = _accounts()
    if Dispute.select().exists():
        return created
    rng = random.Random(4312)
    today = clock.today()
    start = datetime.date(today.year, 1, 6) if today >= datetime.date(today.year, 3, 1) else today - 330 * DAY
    span = (today - start).days - 2
    office = User.get(User.username == "office")
    informants = [User.get(User.username == u) for u in ("informant", "informant2", "informant3")]

    def head(unit):
        return User.get(User.unit == unit, User.role == "unit_head")

    def person():
        name = rng.choice(SURNAMES) + GIVEN[rng.randrange(0, len(GIVEN) - 1, 2)] + GIVEN[rng.randrange(1, len(GIVEN), 2)]
        born = datetime.date(1960, 1, 1) + rng.randrange(0, 365 * 30) * DAY
        return ds.PartyInput(name, "person", privacy.with_check_digit(f"439902{born:%Y%m%d}{rng.randrange(100, 999)}"),
                             f"138{rng.randrange(10 ** 7, 10 ** 8)}")

    def step(day, fn):
        """Run one step on its own day (never in the future); False when the day has not come."""
        if day > today:
            return False
        with clock.frozen(_at(day)):
            fn()
        return True

    def fresh(d):
        return Dispute.get_by_id(d.id)

    # The informants' reports first: some of them become disputes below.
    reports = []
    for n in range(25):
        day = start + (span * n // 25) * DAY + 1 * DAY if n < 23 else today - (25 - n) * DAY
        kind, title, content = REPORTS[n % len(REPORTS)]
        who = informants[n % 3]
        own = list(Unit.select().where(Unit.parent == who.unit_id).order_by(Unit.id))
        unit = own[n % len(own)]
        with clock.frozen(_at(min(day, today))):
            r, _ = ds.file_report(who, kind=kind, title=f"{unit.name}{title}", content=content, place=unit.name,
                                  people="相关职工", headcount=rng.choice([1, 3, 6, 12]),
                                  urgency="urgent" if kind == "instability" else "normal", concerned_unit=unit)
        reports.append((r, day, unit))

    adopted = {}
    for n, (r, day, unit) in enumerate(reports):
        if day > today - 3 * DAY:
            continue  # the latest reports wait for the office's triage
        if n % 4 == 0:
            adopted[n] = (r, day + DAY, unit)  # turned into a dispute below
        elif n == 5:
            step(day + DAY, lambda r=r: ds.report_to_petition(
                InformantReport.get_by_id(r.id), office, petitioner=person().name, reply="已登记为信访事项，交有关单位办理。"))
        elif n % 4 == 1:
            step(day + DAY, lambda r=r, unit=unit: ds.assign_task(
                InformantReport.get_by_id(r.id), office, unit=unit, due_date=clock.today() + 15 * DAY,
                reply="已交所在单位核实处理，请继续关注。"))
        else:
            step(day + DAY, lambda r=r: ds.file_with_reply(InformantReport.get_by_id(r.id), office,
                                                           "已收悉，作为社情民意存档，相关情况已向局领导汇报。"))

    def register(day, unit, matter, *, complexity="ordinary", risk="low", reasons=(), headcount=None, report=None,
                 user=None):
        category, title, summary = matter
        headcount = headcount or rng.choice([1, 2, 3, 4, 8])
        parties = [person() for _ in range(min(headcount, 3))] + [ds.PartyInput(unit.name, "org")]
        with clock.frozen(_at(day)):
            d, _ = ds.register(reported_on=day, title=f"{unit.name}{title}", summary=summary,
                               category=DisputeCategory.get(DisputeCategory.name == category),
                               source="informant" if report else rng.choice(["screening", "screening", "petition", "other"]),
                               unit=unit, headcount=headcount, risk=risk, reasons=list(reasons), complexity=complexity,
                               parties=parties, report=report, user=user or (office if report else head(unit)))
        return d

    def log(d, day, user, text, kind="mediation"):
        return step(day, lambda: ds.add_log(fresh(d), user, kind=kind, on=day, people="当事人、单位负责人", content=text))

    def settle(d, day, user, partly=False):
        return step(day, lambda: ds.settle(fresh(d), user, on=day, partly=partly,
                                           note="经调解，双方就主要诉求达成一致。" if not partly else "主要诉求已解决，个别诉求仍在协调。",
                                           agreement="" if partly else "一、单位于协议签订后十五日内一次性支付相关款项。\n二、当事人不再就此事项提出其他要求。"))

    def visit(d, day, user):
        return step(day, lambda: ds.visit(fresh(d), user, on=day, note="当事人表示协议已履行，对处理结果满意。"))

    def escalate(d, day, user, reason):
        return step(day, lambda: ds.escalate(fresh(d), user, reason))

    for n in range(40):
        day = start + (span * n // 40) * DAY
        if n in (29, 30, 31):  # this month's, still in hand: one at the second-level body, two at the unit
            day = today - {29: 15, 30: 9, 31: 2}[n] * DAY
        code = GRASSROOTS[(n * 7) % len(GRASSROOTS)]
        unit = Unit.get(Unit.code == code)
        body = unit.parent
        matter = MATTERS[n % len(MATTERS)]
        report = None
        for key in sorted(adopted):
            r, rday, runit = adopted[key]
            if rday <= day:
                report, unit, body = InformantReport.get_by_id(r.id), runit, runit.parent
                del adopted[key]
                break
        complexity = "complex" if n in (32, 33, 34, 35, 36) else rng.choice(["simple", "ordinary", "ordinary"])
        if n == 37:  # the high-risk one: a warning letter, still in hand at the unit
            d = register(today - 4 * DAY, unit, ("改制遗留", "改制职工集体讨要安置费", "三十余名改制职工要求一次性发放安置费，情绪激动，扬言到市里上访。"),
                         complexity="complex", risk="high", reasons=("group", "worsening", "skip_level"), headcount=32,
                         user=office)
            log(d, today - 3 * DAY, head(unit), "单位负责人召集职工代表座谈，讲解安置政策。", kind="meeting")
            continue
        if n == 38:  # turned into a group petition: 激化
            d = register(day, unit, ("拖欠工资", "拖欠职工工资引发聚集", "二十余名职工因工资拖欠半年到单位聚集。"),
                         complexity="ordinary", risk="medium", reasons=("group",), headcount=22)
            escalate(d, day + 3 * DAY, head(unit), "单位无力筹措资金，需上级协调。")
            escalate(d, day + 8 * DAY, head(body), "涉及资金缺口较大，报局调处中心。")
            step(day + 12 * DAY, lambda: ds.transfer(fresh(d), office, on=day + 12 * DAY, channel="petition",
                                                     note="职工集体到局上访，转入信访程序办理。"))
            continue
        d = register(day, unit, matter, complexity=complexity, report=report,
                     risk=rng.choice(["low", "low", "medium"]))
        log(d, day + DAY, head(unit), "与当事人面谈，了解诉求，宣讲政策。", kind="contact")
        if n == 29:
            escalate(d, day + 3 * DAY, head(unit), "当事人要求上级单位出面协调。")
            continue
        if n in (30, 31):
            continue  # still in hand (some of them past their limit)
        if n < 22 or n == 39:  # settled at the unit
            settle(d, day + 2 * DAY, head(unit), partly=(n == 39 or n % 9 == 4))
            visit(d, day + 12 * DAY, head(unit))
        elif n < 32:  # settled at the second-level body
            escalate(d, day + 2 * DAY, head(unit), "当事人对单位处理意见不认可，单位无法化解。")
            log(d, day + 4 * DAY, head(body), f"{body.name}组织双方协调。", kind="meeting")
            settle(d, day + 6 * DAY, head(body))
            visit(d, day + 16 * DAY, head(unit))
        else:  # the mediation centre after a joint consultation; one to the county
            escalate(d, day + 2 * DAY, head(unit), "涉及改制政策，单位无法化解。")
            escalate(d, day + 5 * DAY, head(body), "需多部门协调，报局调处中心综合会诊。")
            consult_day = day + 8 * DAY
            step(consult_day, lambda: ds.consult(
                fresh(d), office, on=consult_day, participants=f"局调处中心、改制股、{body.name}、{unit.name}",
                opinion="按改制方案核实补偿基数，差额部分由单位分期补足。",
                actions=[ds.ActionInput("核实补偿基数并报改制股审核", unit, consult_day + 7 * DAY),
                         ds.ActionInput("制定分期补足方案", body, consult_day + 12 * DAY)]))
            if n == 36:  # cross-sector: reported to the county
                escalate(d, day + 12 * DAY, office, "涉及社保、人社等多个部门，跨行业、跨系统，报县协调。")
                settle(d, day + 30 * DAY, office)
            else:
                settle(d, day + 18 * DAY, office)
            visit(d, day + 30 * DAY, head(unit))
    _screening(rng, today, office)
    return created + 1


def _screening(rng, today, office):
    """A report of every unit for every period of the year that is due: mostly zero reports, a few
    late; two grassroots units have not filed the last half month (their items are overdue)."""
    from . import screening

    # The demo bureau has screened since January (a real one from the day the portal was set up).
    ScreeningSchedule.update(starts_on=datetime.date(today.year, 1, 1)).execute()
    plans = screening.schedules()
    missing = {"ZSHS", "FSPC"}
    for unit in screening.screening_units():
        schedule = plans.get(unit.level)
        user = office if unit.level == 1 else User.get(User.unit == unit, User.role == "unit_head")
        due = [p for p in screening.periods(schedule, today.year) if p.due_on < today]
        for n, period in enumerate(due):
            if unit.code in missing and n == len(due) - 1:
                continue
            day = period.due_on + (rng.choice([1, 2, 4]) if rng.random() < 0.06 else -rng.randint(0, 2)) * DAY
            new, still = screening.counts(unit, period)
            with clock.frozen(_at(min(day, today))):
                screening.file(unit, period.key, user, zero=not (new or still), note="" if not (new or still)
                               else "已按要求登记排查出的矛盾纠纷。", signer=unit.head_name or "负责人",
                               today=min(day, today))
    with clock.frozen(_at(today)):
        screening.issue_owed(today, office)


def outside(ctx):
    """A dispute of a unit outside the test user's scope (with a party), and a report of an informant
    there (access matrix)."""
    today = clock.today()
    d, _ = ds.register(reported_on=today, title="界外纠纷", summary="界外纠纷概况",
                       category=DisputeCategory.select().first(), source="screening", unit=ctx.unit, headcount=1,
                       risk="low", reasons=[], complexity="simple",
                       parties=[ds.PartyInput("界外当事人", "person", "", "")], user=ctx.user)
    informant = create_user(username="outside_informant", display_name="界外信息员", role="informant", unit=ctx.unit,
                            password=DEMO_PASSWORD)
    r, _ = ds.file_report(informant, kind="opinion", title="界外信息", content="界外情况", place="", people="",
                          headcount=1, urgency="normal", concerned_unit=ctx.unit)
    from ..models.disputes import ScreeningSchedule

    return {"dispute_id": d.id, "report_id": r.id, "schedule_id": ScreeningSchedule.select().first().id}
