"""Demo data of the organisation behind the work (fictional people): the bureau's leading group and one
per second-level body (one without a 组长, to show the flag), each leader's contact units and visits,
four quarters of meetings of the Party committee and its branches (one quarter missed; decisions in
every state, one overdue), a year of duty rosters with the Spring Festival and National Day rosters,
and eight spot checks with one failure."""
import datetime

from .. import clock


def outside(ctx):
    """A leading group, a body with a meeting, a contact assignment and visit, a roster and a failed spot
    check of a unit outside the test user's scope (access matrix)."""
    from ..models import User
    from ..models.governance import ContactUnit, LeadingGroup
    from . import services as sv

    today = clock.today()
    group = LeadingGroup.create(unit=ctx.unit, name="界外综治领导小组", established_on=today)
    body = sv.add_body(unit=ctx.unit, name="界外支部", user=ctx.office)
    meeting = sv.record_meeting(body, held_on=today, chair="界外主持人", attendees="界外甲、界外乙", topics="界外议题",
                                decisions=[sv.DecisionInput("界外决定", ctx.unit, "界外责任人")], user=ctx.office)
    leader = User.get_or_none(User.role == "leader")
    contact = ContactUnit.create(leader=leader or ctx.office, unit=ctx.unit, year=today.year)
    roster = sv.create_roster(unit=ctx.unit, title="界外值班表", kind="holiday", start_date=today, end_date=today,
                              user=ctx.office)
    check = sv.SpotCheck.create(unit=ctx.unit, checked_at=clock.now(), year=today.year, checker=ctx.office,
                                result="absent", on_duty="界外值班员")
    return {"group_id": group.id, "body_id": body.id, "meeting_id": meeting.id, "contact_id": contact.id,
            "roster_id": roster.id, "check_id": check.id}


# Fictional second and third leaders (局领导) of the demo, besides the demo's own "leader".
LEADERS = [("leader2", "王建华", "副局长"), ("leader3", "李秀梅", "副局长、纪检组长")]
CONTACTS = {"leader": ["SD315", "BHGS", "DWMY"], "leader2": ["WJJD", "TJGS", "YSFW", "TCJCK"],
            "leader3": ["JSCL", "JDSB", "SPGS", "SCGS", "RLGS"]}
# (unit code, body name): the Party committee and each branch that must meet every quarter.
BODIES = [("SWJ", "局党组"), ("SYXB", "商业行办党支部"), ("WMXB", "外经贸行办党支部"), ("WZZGS", "物资总公司党支部"),
          ("SMFW", "商贸服务中心党支部")]
MISSED = ("WZZGS", 2)  # this branch did not meet in the second quarter
TOPICS = ["分析本季度信访形势，研究改制遗留问题的化解措施", "部署重要节日和敏感时期的维稳工作和值班安排",
          "研究群体性上访苗头的排查和稳控", "听取矛盾纠纷排查调处情况汇报，研究下季度工作"]
DECISIONS = [("对改制职工养老保险接续情况逐户摸底，建立台账", 20), ("落实节假日24小时值班和领导带班制度", 15),
             ("对拖欠工资问题制定分期偿还方案并向职工公开", 30), ("开展一次矛盾纠纷集中排查，实行零报告", 25)]


def _name(rng):
    from ..demo import GIVEN, SURNAMES

    return rng.choice(SURNAMES) + GIVEN[rng.randrange(0, len(GIVEN) - 1, 2)] + GIVEN[rng.randrange(1, len(GIVEN), 2)]


def _at(day, hour=10):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(hour)))


def seed():
    """The whole demo of the module, once (idempotent)."""
    import random

    from ..demo import DEMO_PASSWORD
    from ..models import Unit, User
    from ..models.governance import LeadingGroup
    from ..supervision import services as supervision
    from ..users.services import create_user
    from . import services as sv

    if LeadingGroup.select().exists():
        return 0
    rng = random.Random(1704)
    today = clock.today()
    year = today.year
    day = datetime.timedelta(days=1)
    unit = {u.code: u for u in Unit.select()}
    office = User.get(User.username == "office")
    for username, name, _ in LEADERS:
        if User.get_or_none(User.username == username) is None:
            create_user(username=username, display_name=name, role="leader", unit=unit["SWJ"], password=DEMO_PASSWORD)
    leaders = {u: User.get(User.username == u) for u in ("leader", "leader2", "leader3")}
    jan = datetime.date(year, 1, 1) if today > datetime.date(year, 1, 10) else today - 300 * day

    def head(code):
        return User.get(User.unit == unit[code], User.role == "unit_head")

    # -- leading groups: the bureau's and one per second-level body (商贸服务中心's without a 组长) --
    with clock.frozen(_at(jan + 4 * day)):
        bureau = sv.create_group(unit=unit["SWJ"], name="县商务局维护稳定工作领导小组", offices="政工股、改制股",
                                 established_on=jan + 4 * day, user=office)
        sv.add_member(bureau, account=leaders["leader"], name="", post="局党组书记、局长", position="leader",
                      duty="对全局综治维稳工作负总责", start_date=jan + 4 * day, user=office)
        for key, post in (("leader2", "副局长"), ("leader3", "副局长、纪检组长")):
            sv.add_member(bureau, account=leaders[key], name="", post=post, position="deputy",
                          duty="协助组长工作，分管综治维稳和信访工作" if key == "leader2" else "负责责任查究和督查工作",
                          in_charge=key == "leader2", start_date=jan + 4 * day, user=office)
        members = {}
        for code in ("SYXB", "WMXB", "WZZGS", "SMFW", "MDTC"):
            members[code] = sv.add_member(bureau, name=unit[code].head_name, post=f"{unit[code].name}负责人",
                                          position="member", duty=f"负责{unit[code].name}系统的综治维稳工作",
                                          start_date=jan + 4 * day, user=office)
        sv.add_member(bureau, account=office, name="", post="政工股股长", position="director",
                      duty="负责领导小组办公室日常工作和综治工作档案", start_date=jan + 4 * day, user=office)
    change = min(datetime.date(year, 7, 1), today - 2 * day)
    with clock.frozen(_at(change)):
        sv.end_member(members["MDTC"], end_date=change, user=office)
        sv.add_member(bureau, name=_name(rng), post="矛盾纠纷排查调处中心主任", position="member",
                      duty="负责矛盾纠纷排查调处中心的调处工作", start_date=change, user=office)
    with clock.frozen(_at(jan + 9 * day)):
        for code in ("SYXB", "WMXB", "WZZGS", "SMFW", "MDTC"):
            group = sv.create_group(unit=unit[code], name=f"{unit[code].name}综治领导小组", offices="办公室",
                                    established_on=jan + 9 * day, user=office)
            if code != "SMFW":
                sv.add_member(group, name=unit[code].head_name, post="主要负责人", position="leader",
                              duty="本单位综治第一责任人", start_date=jan + 9 * day, user=office)
            for post, position in (("分管副职", "deputy"), ("办公室主任", "member"), ("工会主席", "member")):
                sv.add_member(group, name=_name(rng), post=post, position=position, duty="按分工抓好综治维稳工作",
                              start_date=jan + 9 * day, user=office)

    # -- quarterly meetings: bodies, each quarter opened at its start, one missed, decisions in every state --
    with clock.frozen(_at(jan + 2 * day)):
        bodies = {code: sv.add_body(unit=unit[code], name=name, user=office) for code, name in BODIES}
    owners = {"SWJ": ["SYXB", "WMXB", "SMFW"], "SYXB": ["SD315", "BHGS", "WJJD"], "WMXB": ["DWMY", "TCJCK", "WMCC"],
              "WZZGS": ["JSCL", "JDSB", "RLGS"], "SMFW": ["SCGS", "SPGS", "FSPC"]}
    current = sv.quarter_of(today)[1] if sv.quarter_of(today)[0] == year else 4
    for quarter in range(1, current + 1):
        start = max(sv.quarter_start(year, quarter), jan)
        if quarter > 1:
            with clock.frozen(_at(start)):
                sv.open_quarter(year, quarter, office)
        for n, (code, body) in enumerate(bodies.items()):
            if (code, quarter) == MISSED:
                continue
            held = min(start + (25 + 5 * n) * day, today - day)
            if held < start:
                continue
            chair = unit[code].head_name if code != "SWJ" else leaders["leader"].display_name
            decisions = []
            for k in range(2):
                content, days = DECISIONS[(quarter + n + k) % len(DECISIONS)]
                owner = unit[owners[code][(quarter + k) % 3]]
                due = held + days * day
                if quarter == current:  # this quarter's decisions are not yet due
                    due = max(due, today + (10 + 7 * n + 5 * k) * day)
                decisions.append(sv.DecisionInput(content, owner, owner.head_name, due))
            with clock.frozen(_at(held, 15)):
                meeting = sv.record_meeting(
                    body, held_on=held, place="局三楼会议室" if code == "SWJ" else "本单位会议室", chair=chair,
                    attendees="、".join(_name(rng) for _ in range(5)), absentees=f"{_name(rng)}（出差）" if (quarter + n) % 2 else "",
                    topics=TOPICS[(quarter - 1) % 4],
                    analysis="本季度共排查矛盾纠纷若干起，群体访较上季度下降，改制遗留和拖欠工资问题仍是主要矛盾。",
                    decisions=decisions, user=office)
            for decision in sv.decisions_of(meeting):
                item, owner = decision.item, head(decision.unit.code)
                # Past quarters' decisions are done; the last but one quarter's: one overdue in hand, one
                # reported; this quarter's: just handed down or acknowledged.
                if quarter < current - 1:
                    plan = ["acknowledge", "report", "close"]
                elif quarter == current - 1:
                    # The one overdue decision: the Party committee's first, still in hand past its date.
                    plan = (["acknowledge", "progress"] if (code, decision.seq) == ("SWJ", 1) else
                            ["acknowledge", "report"] if decision.seq == 1 else ["acknowledge", "report", "close"])
                else:
                    plan = ["acknowledge"] if decision.seq == 1 else []
                when = held + day
                for action in plan:
                    if when >= today:
                        break
                    with clock.frozen(_at(when, 11)):
                        actor = office if action == "close" else owner
                        item = supervision.take_step(item, action, actor, note="已按会议要求落实。" if action != "acknowledge" else "")
                    when += 6 * day

    # -- contact units and a dozen visits each --
    for key, codes in CONTACTS.items():
        with clock.frozen(_at(jan + 5 * day)):
            for code in codes:
                sv.assign_contact(leader=leaders[key], unit=unit[code], year=year, user=office)
        span = max((today - jan).days - 10, 12)
        for n in range(12):
            visited = jan + (10 + span * n // 12) * day
            code = codes[n % len(codes)]
            problems = "值班记录不完整，个别节假日无带班领导签字" if n % 4 == 1 else (
                "矛盾纠纷排查台账未按半月更新" if n % 4 == 3 else "")
            task = visited + 20 * day if problems and n >= 8 else None
            with clock.frozen(_at(visited, 9)):
                sv.log_visit(leader=leaders[key], unit=unit[code], visited_on=visited,
                             checked="查阅综治工作台账、值班记录，听取单位负责人汇报维稳工作", problems=problems,
                             task_due=task, user=leaders[key])

    # -- duty rosters: the bureau's four quarters, Spring Festival and National Day --
    phone = "0731-8851" + "{:03d}"
    rota = [_name(rng) for _ in range(12)]
    chiefs = [leaders[k].display_name for k in ("leader", "leader2", "leader3")]

    def shifts(first, last):
        return {first + i * day: (rota[i % len(rota)], chiefs[i % 3], phone.format(100 + i % 3))
                for i in range((last - first).days + 1)}

    periods = [(f"{year}年第{q}季度机关值班表", "regular", max(sv.quarter_start(year, q), jan), sv.quarter_end(year, q))
               for q in range(1, 5)]
    spring = datetime.date(year, 2, 15)
    periods += [(f"{year}年春节期间值班表", "holiday", spring, spring + 8 * day),
                (f"{year}年国庆节期间值班表", "holiday", datetime.date(year, 10, 1), datetime.date(year, 10, 8))]
    rosters = {}
    for title, kind, first, last in periods:
        if first > today:
            continue
        with clock.frozen(_at(first - 3 * day if first - 3 * day >= jan else first)):
            rosters[title] = sv.create_roster(unit=unit["SWJ"], title=title, kind=kind, start_date=first, end_date=last,
                                              user=office, shifts=shifts(first, last))
    # A branch's own holiday roster too.
    if spring <= today:
        with clock.frozen(_at(spring - 2 * day)):
            sv.create_roster(unit=unit["SYXB"], title=f"{year}年春节期间商业行办值班表", kind="holiday", start_date=spring,
                             end_date=spring + 8 * day, user=office, shifts=shifts(spring, spring + 8 * day))

    # -- eight spot checks, one failure criticised --
    inspector = User.get(User.username == "inspector")
    checks = [(spring + 1 * day, "SWJ", "phone", "present"), (spring + 3 * day, "SYXB", "onsite", "present"),
              (spring + 5 * day, "SWJ", "phone", "absent"), (datetime.date(year, 5, 1), "SWJ", "phone", "present"),
              (datetime.date(year, 6, 20), "SWJ", "onsite", "other"), (datetime.date(year, 10, 2), "SWJ", "phone", "present"),
              (datetime.date(year, 10, 4), "SWJ", "onsite", "present"), (datetime.date(year, 10, 6), "SWJ", "phone", "present")]
    for when, code, method, result in checks:
        if when >= today:
            continue
        roster = next((r for r in rosters.values() if r.unit_id == unit[code].id and r.start_date <= when <= r.end_date
                       and r.kind == "holiday"), None) or next(
            (r for r in rosters.values() if r.unit_id == unit[code].id and r.start_date <= when <= r.end_date), None)
        at = _at(when, 21)
        with clock.frozen(at):
            on_duty = next((s.person for s in sv.shifts_of(roster) if s.day == when), "") if roster else ""
            note = {"absent": "夜间电话查岗，值班电话无人接听，值班人员擅自离岗", "other": "值班人员临时外出处置突发情况，已报告带班领导"}.get(result, "")
            sv.record_check(unit=unit[code], roster=roster, checked_at=at, method=method, result=result, on_duty=on_duty,
                            note=note, raise_notice=result == "absent", user=office if result == "absent" else inspector)
    return 1
