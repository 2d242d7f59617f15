"""Demo data of the key-person register: about sixty fictional persons across the seed's four
categories (more in the restructured enterprises), each with a cadre and a year of visits (a few
overdue), about thirty requests with mixed outcomes and amounts, and two persons who also petitioned
this year (individual cases of the petitions demo, matched by their ID numbers)."""
import datetime
import random
from decimal import Decimal

from .. import clock, privacy
from ..demo import GIVEN, SURNAMES
from ..models import Petition, Petitioner, Unit, User
from ..models.keypersons import KeyPerson, KeyPersonCategory
from . import services

# (unit code, persons): restructured grassroots enterprises carry most of the register.
UNITS = [("SD315", 8), ("BHGS", 7), ("WJJD", 6), ("TJGS", 5), ("YSFW", 5), ("DWMY", 6), ("WMCC", 4), ("JSCL", 5),
         ("RLGS", 4), ("SPGS", 4), ("LYSP", 2), ("SYXB", 2)]
CATEGORY_WEIGHTS = [("改制下岗困难职工", 5), ("退伍转业军人", 3), ("企业军转干部", 3), ("抗美援朝老兵", 1)]
FAMILY = ["与配偶同住，子女在外务工", "独居，子女在县城", "配偶患病，一子待业", "三代同住，家庭负担较重"]
INCOME = ["月退休金约 2600 元", "领取失业保险金", "无固定收入，靠打零工", "享受低保，月约 800 元", "月退休金约 3800 元"]
HEALTH = ["良好", "高血压", "腿脚不便", "慢性病需长期服药", "年事已高，行动不便"]
TALKS = ["了解近期生活情况，宣讲养老保险政策，本人表示理解。", "询问医保报销进展，已答应协调办理。",
         "座谈改制遗留问题，情绪平稳，无上访意向。", "节日慰问，送去慰问金和米油。", "电话问候，本人身体状况稳定。"]
REQUESTS = [("pension", "要求补缴改制前断缴的养老保险", Decimal("12600")), ("medical", "住院费用报销困难，申请医疗救助", Decimal("3500")),
            ("wages", "要求补发改制时拖欠的工资", Decimal("8400")), ("retirement", "申请办理退休手续", None),
            ("salary", "反映退休后未按政策调资", None), ("relief", "家庭困难申请临时救助", Decimal("2000")),
            ("other", "要求协调解决住房维修问题", None)]


def _at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def _cadres(unit):
    """The cadres a unit's persons are given: its head, its clerk if any, and office for the bureau's share."""
    users = list(User.select().where(User.unit == unit, User.active == True,  # noqa: E712
                                     User.role.in_(["unit_head", "unit_clerk"])))
    return users + [User.get(User.username == "office")]


def seed():
    """Idempotent: nothing is added once the register holds anyone."""
    if KeyPerson.select().exists():
        return 0
    rng = random.Random(1601)
    today = clock.today()
    day = datetime.timedelta(days=1)
    office = User.get(User.username == "office")
    cats = {c.name: c for c in KeyPersonCategory.select()}
    pool = [name for name, weight in CATEGORY_WEIGHTS for _ in range(weight)]
    persons = []

    def make(unit, name, id_number, phone, categories, level, registered_on, sex=None, born=None):
        cadres = _cadres(unit)
        cadre = cadres[-1] if rng.random() < 0.15 else rng.choice(cadres[:-1] or cadres)  # office for a few
        f = services.PersonFields(
            name=name, sex=sex or rng.choice("mf"), birth_date=born, id_number=id_number, phone=phone,
            address=f"县城关镇{rng.choice(['解放路', '人民路', '建设街', '商业街'])}{rng.randrange(1, 200)} 号",
            unit=unit, family=rng.choice(FAMILY), income=rng.choice(INCOME), health=rng.choice(HEALTH), level=level,
            level_reason={"stable": "", "watch": "有未结诉求，需持续关注", "key": "多次反映问题，情绪易波动"}[level],
            categories=tuple(cats[c] for c in categories))
        with clock.frozen(_at(registered_on)):
            return services.register(f, office, cadre=cadre, registered_on=registered_on)

    n = 0
    for code, count in UNITS:
        unit = Unit.get(Unit.code == code)
        for _ in range(count):
            n += 1
            first = pool[n % len(pool)]
            categories = [first] + (["退伍转业军人"] if first == "企业军转干部" and n % 4 == 0 else [])
            born = datetime.date(1930 if first == "抗美援朝老兵" else 1955, 1, 1) + rng.randrange(0, 365 * 12) * day
            name = rng.choice(SURNAMES) + GIVEN[rng.randrange(0, len(GIVEN) - 1, 2)] + GIVEN[rng.randrange(1, len(GIVEN), 2)]
            # 439902: a fictional region code of its own, so no demo person matches a petitioner by chance.
            id_number = privacy.with_check_digit(f"439902{born:%Y%m%d}{rng.randrange(100, 999)}")
            level = rng.choice(["stable"] * 5 + ["watch"] * 3 + ["key"] * 2)
            registered = today - (365 + rng.randrange(0, 40)) * day
            persons.append(make(unit, name, id_number, f"138{rng.randrange(10 ** 7, 10 ** 8)}", categories, level,
                                registered, born=born))

    # Two persons who also petitioned this year, individually: the same ID numbers as the petitions demo's.
    petitioners = (Petitioner.select(Petitioner, Petition).join(Petition)
                   .where(Petition.year == today.year, Petition.is_group == False, Petitioner.id_number != "",  # noqa: E712
                          Petition.concerned_unit.is_null(False))
                   .order_by(Petition.received_on, Petition.id))
    taken = set()
    for x in petitioners:
        if len(taken) == 2:
            break
        if x.id_number in taken:
            continue
        taken.add(x.id_number)
        persons.append(make(Unit.get_by_id(x.petition.concerned_unit_id), x.name, x.id_number, x.phone,
                            ["改制下岗困难职工", "重点信访人员"], "watch", today - 200 * day))

    # A year of visits on the level's rhythm; a few persons miss their latest one (overdue now).
    overdue = set(rng.sample(range(len(persons)), 4))
    for i, person in enumerate(persons):
        while True:
            person = KeyPerson.get_by_id(person.id)
            item = services.open_visit_item(person)
            if item is None:
                break
            visit_on = item.due_date - rng.randrange(0, 12) * day
            if rng.random() < 0.08:
                visit_on = item.due_date + rng.randrange(1, 6) * day  # late, still recorded
            visit_on = max(visit_on, item.start_date)
            if visit_on > today or (i in overdue and item.due_date < today and
                                    services.due_after(item.due_date, person.level) > today):
                break
            level = person.level
            if rng.random() < 0.1:
                level = rng.choice([lv for lv in ("stable", "watch", "key") if lv != person.level])
            visitor = person.cadre if person.cadre_id else office
            with clock.frozen(_at(visit_on)):
                services.record_visit(person, visitor, visited_on=visit_on, form=rng.choice(["home", "home", "phone",
                                                                                            "meeting", "reception"]),
                                      content=rng.choice(TALKS), mood=rng.choice(["calm", "calm", "calm", "worried"]),
                                      level=level, level_reason="走访后重新评估" if level != person.level else "")

    # A few handovers during the year.
    for person in rng.sample(persons, 5):
        person = KeyPerson.get_by_id(person.id)
        others = [u for u in _cadres(person.unit) if u.id != person.cadre_id]
        if others:
            on = today - rng.randrange(30, 150) * day
            with clock.frozen(_at(on)):
                services.handover(person, office, cadre=rng.choice(others), reason="原包保责任人岗位调整", on=on)

    # About thirty requests: most concluded (solved, partly, refused), a few still open, one overdue.
    outcomes = ["solved"] * 6 + ["partial"] * 3 + ["refused"] * 2
    for k, person in enumerate(rng.sample(persons, 30)):
        person = KeyPerson.get_by_id(person.id)
        kind, content, amount = REQUESTS[k % len(REQUESTS)]
        raised = today - rng.randrange(5, 300) * day
        raised = max(raised, person.registered_on)
        unit = person.unit if k % 3 else Unit.get(Unit.code == "SWJ-ZG")  # 政工股: on office's 待办
        with clock.frozen(_at(raised)):
            req = services.raise_request(person, office, kind=kind, content=content, unit=unit, raised_on=raised,
                                         due_date=raised + 30 * day)
        closed = raised + rng.randrange(7, 40) * day
        if k < 26 and closed <= today:
            outcome = outcomes[k % len(outcomes)]
            with clock.frozen(_at(closed)):
                services.conclude_request(
                    req, office, outcome=outcome, closed_on=closed,
                    amount=amount if amount is not None and outcome != "refused" else None,
                    explanation={"solved": "已按政策办理完毕，当面向本人说明。",
                                 "partial": "已解决主要部分，其余待县人社部门研究，已向本人说明。",
                                 "refused": "经核查不符合现行政策，已向本人耐心解释政策依据。"}[outcome])
    return 1


def outside(ctx):
    """A person of a unit outside the test user's scope, with its cadre there, a visit and a request."""
    today = clock.today()
    category = KeyPersonCategory.select().first()
    f = services.PersonFields(name="界外重点人员", unit=ctx.unit, level="watch", level_reason="界外", categories=(category,),
                              id_number=privacy.with_check_digit("43990219600101123"), phone="13800000000")
    person = services.register(f, ctx.office, cadre=ctx.user, registered_on=today)
    services.record_visit(person, ctx.user, visited_on=today, form="home", content="界外走访", mood="calm")
    req = services.raise_request(KeyPerson.get_by_id(person.id), ctx.office, kind="relief", content="界外诉求",
                                 unit=ctx.unit, raised_on=today, due_date=today)
    return {"person_id": person.id, "request_id": req.id}
