"""Demo data of letters and visits: a year of group and individual cases and tasks from above."""
import datetime
import io

from .. import clock
from ..demo import GIVEN, SURNAMES
from ..models import Unit, User
from .. import privacy
from . import services as ps


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
        self.filename, self.stream = name, io.BytesIO(DEMO_PDF)


def _at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def seed():
    """About 30 group petitions this year, individual cases in every state, a long backlog case at
    315商店 resolved this year, and the year's NPC/CPPCC proposals and leaders' letters (上级交办, their one
    record: the supervision demo has none), answered on time but for one overdue letter.
    Fictional people only."""
    import random

    from ..models import AssignedTask, Petition, PetitionCategory

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
        ref = {"npc": f"建议第 {20 + n} 号", "cppcc": f"提案第 {n} 号", "leading_group": f"县信访交〔{received.year}〕{n - 7} 号",
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
    # Still open: an NPC suggestion and a CPPCC proposal within their time, and a letter passed down by the
    # county petition leading group that is two days overdue (the on-time rate counts it).
    for source, ref, title, code, received_ago, due_in in (
            ("npc", "建议第 12 号", "关于改制企业下岗职工安置情况的建议", "DWMY", 5, 10),
            ("cppcc", "提案第 3 号", "关于外贸系统退休职工调资政策解释的提案", "DWMY", 25, 5),
            ("leading_group", f"县信访交〔{today.year}〕12 号", "关于原315商店职工养老保险接续问题的交办件", "SD315", 40, -2)):
        received = today - received_ago * day
        with clock.frozen(_at(received)):
            ps.create_task(source=source, ref_number=ref, title=title, content="请认真研究办理，并在期限内书面答复。",
                           received_on=received, due_date=today + due_in * day, unit=Unit.get(Unit.code == code),
                           user=office)
    # And this week's letter from a county leader, still within its time.
    received = today - 6 * day
    with clock.frozen(_at(received)):
        ps.create_task(source="county_leader", ref_number=f"县领导批办〔{received.year}〕6 号",
                       title="关于县百货公司退休职工来信反映生活补助问题的交办件", content="请认真研究办理，并在期限内书面答复。",
                       received_on=received, due_date=received + 30 * day, unit=Unit.get(Unit.code == "BHGS"), user=office)
    return 1


def _first_person(petition_model, code):
    """(name, phone, id number) of an earlier petitioner of a unit: a demo repeat petition."""
    from ..models import Petitioner

    person = (Petitioner.select().join(petition_model)
              .where(petition_model.concerned_unit == Unit.get(Unit.code == code).id, petition_model.is_group == False)  # noqa: E712
              .order_by(petition_model.received_on).first())
    return person.name, person.phone, person.id_number


def outside(ctx):
    """A case assigned to and answered by a unit outside the test user's scope, and a task assigned to
    it (access matrix)."""
    from ..models import PetitionCategory

    today = clock.today()
    category = PetitionCategory.select().first()
    p, _ = ps.register(received_on=today, channel="visit", headcount=6, concerned_unit=ctx.unit, category=category,
                       title="界外信访", request="界外诉求", user=ctx.office,
                       persons=[ps.PersonInput("界外信访人", "", "", True)])
    p = ps.accept(p, ctx.office, on=today, note="")
    p = ps.assign(p, ctx.office, unit=ctx.unit, handler_name="界外承办人", on=today)
    p = ps.reply(p, ctx.user, on=today, text="界外答复", document=_Document("界外答复.pdf"))
    task = ps.create_task(source="npc", ref_number="", title="界外交办", content="", received_on=today,
                          due_date=today, unit=ctx.unit, user=ctx.office)
    return {"petition_id": p.id, "other_id": p.id, "task_id": task.id, "category_id": category.id,
            "token": "0123456789abcdef"}
