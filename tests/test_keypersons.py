"""Key persons (一包一责任制): visit clocks by level at their boundaries, a level change moving the due
date, visits on the cadre's 待办, cadre handover with history, status never deleting, requests and
amounts, scoping, masking in pages / Excel / PDF and the audited reveal, petition matching by ID number,
the import's rejections (all or nothing), figures, bad input, and the register's constant query count."""
import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from portal import clock, privacy
from portal.keypersons import exchange
from portal.keypersons import services as ks
from portal.keypersons import stats
from portal.models import Attachment, AuditLog, Notification, PetitionCategory, SupervisedItem
from portal.models.keypersons import AssistanceRequest, CadreAssignment, KeyPerson, KeyPersonCategory
from portal.petitions import services as ps
from portal.supervision import services as supervision
from portal.supervision.urgency import urgency
from portal.workflow import RuleError

TODAY = datetime.date(2026, 3, 2)
D = datetime.timedelta
GOOD_ID = privacy.with_check_digit("43990219600101123")
OTHER_ID = privacy.with_check_digit("43990219620202456")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Storage:
    def __init__(self, name="走访记录.pdf", data=PDF):
        self.filename, self.stream = name, io.BytesIO(data)


def at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def cat(name="企业军转干部"):
    return KeyPersonCategory.get(KeyPersonCategory.name == name)


def person(world, day=TODAY, level="stable", unit=None, cadre="self", id_number=GOOD_ID, name="王建国",
           categories=("企业军转干部",)):
    """A registered person (its cadre the shop's clerk unless said otherwise) on `day`."""
    if cadre == "self":
        cadre = world.user("unit_clerk")
    f = ks.PersonFields(name=name, unit=unit or world.shop, level=level, level_reason="" if level == "stable" else "有诉求",
                        id_number=id_number, phone="13812345678", categories=tuple(cat(c) for c in categories))
    with clock.frozen(at(day)):
        return ks.register(f, world.user("office"), cadre=cadre, registered_on=day)


def fresh(p):
    return KeyPerson.get_by_id(p.id)


def visit(p, user, day, level=None, reason=""):
    with clock.frozen(at(day)):
        return ks.record_visit(fresh(p), user, visited_on=day, form="home", content="谈了生活情况", mood="calm",
                               level=level, level_reason=reason)


# -- clocks ---------------------------------------------------------------------------------------------

def test_visits_fall_due_by_level_monthly_quarterly_half_yearly(app, world):
    with app.app_context():
        assert ks.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
        assert ks.add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
        assert ks.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
        dues = {}
        for level, id_number in (("key", GOOD_ID), ("watch", OTHER_ID), ("stable", "")):
            p = person(world, level=level, id_number=id_number, name=f"甲{level}")
            dues[level] = ks.open_visit_item(p).due_date
        assert dues == {"key": datetime.date(2026, 4, 2), "watch": datetime.date(2026, 6, 2),
                        "stable": datetime.date(2026, 9, 2)}
        app.config["KEYPERSON_VISIT_MONTHS"] = {"key": 2, "watch": 4, "stable": 12}
        p = person(world, level="key", id_number="", name="乙")
        assert ks.open_visit_item(p).due_date == datetime.date(2026, 5, 2)


def test_the_visit_clock_turns_blue_on_the_due_day_and_red_the_day_after(app, world):
    with app.app_context():
        item = ks.open_visit_item(person(world, level="key"))
        due = item.due_date
        assert urgency(item, due - D(15)).colour == "normal"
        assert urgency(item, due - D(4)).colour == "yellow"  # two thirds of the month gone
        assert urgency(item, due - D(3)).colour == "blue"
        assert urgency(item, due).countdown == "今天到期"
        assert urgency(item, due + D(1)).colour == "red"
        # Overdue visit items reach the 议而不决、决而不办 watch list by themselves.
        assert item.id in [i.id for i in supervision.overdue_items(due + D(1))]
        assert item.id not in [i.id for i in supervision.overdue_items(due)]


def test_a_level_change_moves_the_next_due_date(app, world):
    with app.app_context():
        p = person(world, level="stable")
        assert ks.open_visit_item(p).due_date == datetime.date(2026, 9, 2)
        f = ks.PersonFields(name=p.name, unit=world.shop, level="key", level_reason="情绪激动", id_number=GOOD_ID,
                            categories=(cat(),))
        with clock.frozen(at(TODAY + D(10))):
            ks.update(fresh(p), f, world.user("office"), version=fresh(p).version)
        assert ks.open_visit_item(p).due_date == datetime.date(2026, 4, 2)
        # Raised to 重点 two months after the last visit: due at once (today), not in the past.
        f.level = "watch"
        with clock.frozen(at(TODAY + D(20))):
            ks.update(fresh(p), f, world.user("office"))
        assert ks.open_visit_item(p).due_date == datetime.date(2026, 6, 2)
        f.level = "key"
        with clock.frozen(at(TODAY + D(70))):
            ks.update(fresh(p), f, world.user("office"))
        assert ks.open_visit_item(p).due_date == TODAY + D(70)
        assert SupervisedItem.select().where(SupervisedItem.source_type == "keyperson_visit",
                                             SupervisedItem.source_id == p.id).count() == 1


def test_a_visit_closes_its_item_and_opens_the_next_from_the_reassessed_level(app, world):
    with app.app_context():
        p = person(world, level="watch")
        clerk = world.user("unit_clerk")
        first = ks.open_visit_item(p)
        v = visit(p, clerk, TODAY + D(40), level="key", reason="反映问题未解决，情绪波动")
        assert v.on_time and v.due_on == datetime.date(2026, 6, 2)
        assert SupervisedItem.get_by_id(first.id).state == "closed"
        nxt = ks.open_visit_item(p)
        assert nxt.due_date == ks.add_months(TODAY + D(40), 1) and fresh(p).level == "key"
        late = visit(p, clerk, nxt.due_date + D(3))
        assert not late.on_time
        with pytest.raises(RuleError, match="不能早于上次走访"):
            visit(p, clerk, TODAY + D(41))
        with pytest.raises(RuleError, match="调整稳控级别时请填写理由"):
            visit(p, clerk, nxt.due_date + D(5), level="stable")
        # Only the cadre (or office) records visits; a refusal is audited.
        with pytest.raises(RuleError, match="包保责任人"):
            visit(p, world.user("unit_head"), nxt.due_date + D(5))
        assert AuditLog.select().where(AuditLog.action == "denied", AuditLog.object_type == "keyperson").exists()


def test_due_visits_are_on_the_cadres_todo_not_the_whole_units(app, world):
    with app.app_context():
        clerk, head = world.user("unit_clerk"), world.user("unit_head")
        p = person(world, level="key")
        due = ks.open_visit_item(p).due_date
        with clock.frozen(at(due + D(2))):
            todos = [t for t in supervision.todo_for(clerk) if "走访重点人员" in t.action]
            assert len(todos) == 1 and todos[0].urgency.colour == "red" and p.name in todos[0].title
            assert todos[0].url == f"/keypersons/{p.id}"
            assert supervision.todo_count(clerk) == len(supervision.todo_for(clerk))
            assert not [t for t in supervision.todo_for(head) if "走访重点人员" in t.action]
        visit(p, clerk, due + D(2))
        nxt = ks.add_months(due + D(2), 1)
        # The next visit is on the 待办 from 30 days (KEYPERSON_TODO_DAYS) before it falls due.
        with clock.frozen(at(nxt - D(31))):
            assert not [t for t in supervision.todo_for(clerk) if "走访重点人员" in t.action]
            assert supervision.todo_count(clerk) == len(supervision.todo_for(clerk))
        with clock.frozen(at(nxt - D(30))):
            todos = [t for t in supervision.todo_for(clerk) if "走访重点人员" in t.action]
            assert [(t.due, t.urgency.colour) for t in todos] == [(nxt, "normal")]


# -- cadres ---------------------------------------------------------------------------------------------

def test_handover_keeps_who_when_and_why(app, world):
    with app.app_context():
        clerk, head, office = world.user("unit_clerk"), world.user("unit_head"), world.user("office")
        p = person(world)
        with pytest.raises(RuleError, match="移交原因"):
            ks.handover(fresh(p), head, cadre=head, reason="")
        with pytest.raises(RuleError, match="不能指定或移交|不在该人员所在单位"):
            ks.handover(fresh(p), head, cadre=world.user("unit_clerk", unit=world.other_shop), reason="调岗")
        with clock.frozen(at(TODAY + D(5))):
            moved = ks.handover(fresh(p), head, cadre=office, reason="原责任人调岗", version=fresh(p).version)
        assert moved.cadre_id == office.id and moved.cadre_since == TODAY + D(5)
        rows = list(CadreAssignment.select().where(CadreAssignment.person == p.id).order_by(CadreAssignment.id))
        assert [(r.previous_id, r.cadre_id, r.reason) for r in rows] == [(None, clerk.id, "登记时指定"),
                                                                         (clerk.id, office.id, "原责任人调岗")]
        assert ks.open_visit_item(p).responsible_name == office.display_name
        assert Notification.select().where(Notification.user == office.id, Notification.kind == "assign").exists()
        # A unit clerk may not hand over; the page is stale after the move.
        with pytest.raises(RuleError):
            ks.handover(fresh(p), clerk, cadre=head, reason="x")
        with pytest.raises(RuleError, match="页面已过期"):
            ks.handover(fresh(p), head, cadre=head, reason="x", version=1)


def test_a_person_without_a_cadre_is_flagged_on_the_register(app, world, login_as):
    with app.app_context():
        person(world, cadre=None)
    with clock.frozen(at(TODAY)):
        body = login_as("office").get("/keypersons/").get_data(as_text=True)
        assert "尚未落实包保责任人" in body and "未落实包保" in body
        body = login_as("office").get("/keypersons/?cadre=none").get_data(as_text=True)
        assert "王建国" in body
        # A cadre whose account is disabled leaves the person without one.
        from portal.models import User
        clerk = world.user("unit_clerk")
        with app.app_context():
            other = person(world, id_number=OTHER_ID, name="李秀英")
            User.update(active=False).where(User.id == clerk.id).execute()
            assert stats.headline(world.user("office"))[3] == 2
        body = login_as("office").get("/keypersons/?cadre=none").get_data(as_text=True)
        assert "李秀英" in body and "账号已停用" in body
        del other
        unit_page = login_as("unit_head").get(f"/units/{world.shop.id}").get_data(as_text=True)
        assert "重点人员（走访逾期、未落实包保）" in unit_page and "王建国" in unit_page
        assert "在册重点人员" in login_as("office").get("/").get_data(as_text=True)


# -- status ---------------------------------------------------------------------------------------------

def test_a_person_leaves_the_register_by_status_never_by_deletion(app, world):
    with app.app_context():
        p = person(world)
        head = world.user("unit_head")
        with pytest.raises(RuleError, match="请填写说明"):
            ks.change_status(fresh(p), "move_out", head, "")
        with clock.frozen(at(TODAY + D(3))):
            moved = ks.change_status(fresh(p), "move_out", head, "迁往外省随子女生活", version=fresh(p).version)
        assert moved.state == "moved" and ks.open_visit_item(p) is None
        with pytest.raises(RuleError, match="不在册"):
            visit(p, world.user("unit_clerk"), TODAY + D(4))
        with clock.frozen(at(TODAY + D(30))):
            back = ks.change_status(fresh(p), "reinstate", head, "迁回本县")
        assert back.state == "active" and ks.open_visit_item(p).due_date == ks.add_months(TODAY + D(30), 6)
        with pytest.raises(RuleError, match="只能"):
            ks.change_status(fresh(p), "decease", world.user("unit_head", unit=world.other_shop), "x")
        assert KeyPerson.select().count() == 1


# -- requests -------------------------------------------------------------------------------------------

def test_requests_are_supervised_items_of_their_owner_unit_with_outcome_and_amount(app, world):
    with app.app_context():
        p = person(world)
        office, head = world.user("office"), world.user("unit_head")
        with pytest.raises(RuleError, match="责任单位应为"):
            ks.raise_request(fresh(p), office, kind="pension", content="补缴", unit=world.other_shop, raised_on=TODAY,
                             due_date=TODAY + D(30))
        with clock.frozen(at(TODAY)):
            req = ks.raise_request(fresh(p), office, kind="pension", content="要求补缴养老保险", unit=world.shop,
                                   raised_on=TODAY, due_date=TODAY + D(30))
            todo = [t for t in supervision.todo_for(head) if t.action == "办理重点人员诉求"]
            assert len(todo) == 1 and todo[0].due == TODAY + D(30)
        with pytest.raises(RuleError, match="答复或解释"):
            ks.conclude_request(req, head, outcome="solved", explanation="", amount=None, closed_on=TODAY)
        with pytest.raises(RuleError, match="只有责任单位"):
            ks.conclude_request(req, world.user("unit_head", unit=world.other_shop), outcome="solved",
                                explanation="x", closed_on=TODAY)
        with clock.frozen(at(TODAY + D(10))), pytest.raises(RuleError, match="类型不被接受"):
            ks.conclude_request(req, head, outcome="solved", explanation="已补缴", amount=Decimal("12600.50"),
                                closed_on=TODAY + D(10), document=Storage("凭证.exe", b"MZ\x90\x00" * 10))
        assert AssistanceRequest.get_by_id(req.id).state == "open"  # a refused file refuses the step
        with clock.frozen(at(TODAY + D(10))):
            req = AssistanceRequest.get_by_id(req.id)
            done = ks.conclude_request(req, head, outcome="solved", explanation="已补缴", amount=Decimal("12600.50"),
                                       closed_on=TODAY + D(10), version=req.version, document=Storage("缴费凭证.pdf"))
        assert done.state == "done" and ks.request_item(done).state == "closed"
        assert Attachment.get(Attachment.owner_type == "keyperson_request").owner_id == req.id
        table, totals = stats.requests(office, 2026)
        pension = next(row for row in table if row[0] == "养老保险")
        assert pension[1:3] == (1, 1) and Decimal(str(pension[6])) == Decimal("12600.50")


# -- access and privacy -----------------------------------------------------------------------------------

def test_personal_data_is_seen_by_the_unit_subtree_the_cadre_office_and_leaders_only(app, world, login_as):
    with app.app_context():
        branch_cadre = world.user("unit_clerk", unit=world.shop, username="shop_cadre")
        p = person(world, unit=world.branch, cadre=branch_cadre)  # a person of the branch, cadre below it
        q = person(world, unit=world.other_shop, cadre=None, id_number=OTHER_ID, name="界外人员")
    with clock.frozen(at(TODAY)):
        assert login_as("office").get(f"/keypersons/{q.id}").status_code == 200
        assert login_as("leader").get(f"/keypersons/{p.id}").status_code == 200
        assert login_as(branch_cadre).get(f"/keypersons/{p.id}").status_code == 200  # their cadre
        assert login_as("unit_head").get(f"/keypersons/{p.id}").status_code == 404  # the shop is below the branch
        branch_head = world.user("unit_head", unit=world.branch, username="branch_head")
        assert login_as(branch_head).get(f"/keypersons/{p.id}").status_code == 200
        assert login_as(branch_head).get(f"/keypersons/{q.id}").status_code == 404
        assert login_as("informant").get(f"/keypersons/{p.id}").status_code == 403
        assert login_as("informant").get("/keypersons/").status_code == 403
        body = login_as("unit_head").get("/keypersons/").get_data(as_text=True)
        assert "界外人员" not in body


def test_id_numbers_and_phones_are_masked_on_pages_excel_and_pdf_and_revealed_only_audited(app, world, login_as):
    with app.app_context():
        p = person(world)
    masked = privacy.mask_id(GOOD_ID)
    with clock.frozen(at(TODAY)):
        office = login_as("office")
        body = office.get(f"/keypersons/{p.id}").get_data(as_text=True)
        assert masked in body and GOOD_ID not in body and "13812345678" not in body
        assert GOOD_ID not in office.get("/keypersons/").get_data(as_text=True)
        wb = load_workbook(io.BytesIO(office.get("/keypersons/export.xlsx").data))
        cells = [str(c) for row in wb.active.iter_rows(values_only=True) for c in row]
        assert masked in cells and GOOD_ID not in cells and "13812345678" not in cells
        pdf = office.get(f"/keypersons/{p.id}/archive.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True).stdout.decode()
        assert "一人一档" in text and GOOD_ID not in text and masked in text.replace(" ", "")
        assert login_as("unit_head").post(f"/keypersons/{p.id}/reveal", htmx=True).status_code == 403
        shown = office.post(f"/keypersons/{p.id}/reveal", htmx=True).get_data(as_text=True)
        assert GOOD_ID in shown and "13812345678" in shown
    assert AuditLog.select().where(AuditLog.action == "reveal", AuditLog.object_type == "keyperson",
                                   AuditLog.object_id == p.id).count() == 1


# -- the link to letters and visits --------------------------------------------------------------------------

def _petition(world, id_number, headcount=1, day=TODAY):
    persons = [ps.PersonInput("王建国", "", id_number, True)] + [ps.PersonInput(f"群众{i}") for i in range(min(headcount, 5) - 1)]
    with clock.frozen(at(day)):
        p, _ = ps.register(received_on=day, channel="visit", headcount=headcount, concerned_unit=world.shop,
                           category=PetitionCategory.get(PetitionCategory.name == "养老保险"), title="反映养老保险",
                           request="要求补缴", persons=persons, user=world.user("office"))
    return p


def test_a_petition_by_a_registered_person_is_matched_by_id_number(app, world, login_as):
    with app.app_context():
        kp = person(world, categories=("企业军转干部", "退伍转业军人"))
        other = person(world, id_number=OTHER_ID, name="李秀英", categories=("改制下岗困难职工",))
        case = _petition(world, GOOD_ID, headcount=6)
        alone = _petition(world, privacy.with_check_digit("43990219700101999"))
        clerk = world.user("unit_clerk")
        note = Notification.select().where(Notification.user == clerk.id, Notification.kind == "petition").get()
        assert case.number in note.body and note.url == f"/keypersons/{kp.id}"
        assert [x.id for x in ks.persons_in_petition(case)] == [kp.id] and ks.persons_in_petition(alone) == []
        figures = dict((c.name, n) for c, n in stats.group_petitions_by_category(world.user("office"), 2026))
        assert figures["企业军转干部"] == 1 and figures["退伍转业军人"] == 1 and figures["改制下岗困难职工"] == 0
        assert stats.persons_who_petitioned(world.user("office"), 2026) == 1
        del other
    with clock.frozen(at(TODAY)):
        office = login_as("office")
        assert f"在册重点人员：{kp.name}" in office.get(f"/petitions/{case.id}").get_data(as_text=True)
        assert "在册重点人员" not in office.get(f"/petitions/{alone.id}").get_data(as_text=True)
        assert case.number in office.get(f"/keypersons/{kp.id}").get_data(as_text=True)
        # The case is not yet assigned: the shop's clerk (the cadre) sees the person but not the case.
        body = login_as("unit_clerk").get(f"/keypersons/{kp.id}").get_data(as_text=True)
        assert case.number not in body


# -- forms and bad input --------------------------------------------------------------------------------------

def test_bad_input_gets_a_chinese_message_and_keeps_what_was_typed(app, world, login_as):
    with clock.frozen(at(TODAY)):
        office = login_as("office")
        bad = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
        r = office.post("/keypersons/new", data={"name": "赵德明", "id_number": bad, "unit": str(world.shop.id),
                                                  "level": "key", "categories": str(cat().id), "address": "解放路 8 号"})
        body = r.get_data(as_text=True)
        assert r.status_code == 422 and "校验位不正确" in body and "赵德明" in body and "解放路 8 号" in body
        r = office.post("/keypersons/new", data={"name": "赵德明", "id_number": GOOD_ID, "unit": str(world.shop.id),
                                                  "level": "key", "categories": str(cat().id)})
        assert r.status_code == 422 and "定级理由" in r.get_data(as_text=True)
        r = office.post("/keypersons/new", data={"name": "赵德明", "id_number": GOOD_ID, "unit": str(world.shop.id),
                                                  "level": "watch", "level_reason": "有诉求", "categories": str(cat().id),
                                                  "cadre": str(world.user("unit_clerk").id), "birth_date": "1960-01-01"})
        assert r.status_code == 302
        p = KeyPerson.get(KeyPerson.name == "赵德明")
        r = office.post(f"/keypersons/{p.id}/visit", htmx=True, data={"visited_on": "not-a-date", "form": "home",
                                                                      "mood": "calm", "content": "谈话内容甲乙",
                                                                      "level": "watch", "version": str(p.version)})
        body = r.get_data(as_text=True)
        assert r.status_code == 422 and "谈话内容甲乙" in body
        req_page = office.post(f"/keypersons/{p.id}/requests", htmx=True,
                               data={"kind": "relief", "content": "申请救助", "unit": str(world.shop.id),
                                     "raised_on": TODAY.isoformat(), "due_date": (TODAY + D(20)).isoformat()})
        assert req_page.status_code == 200
        req = AssistanceRequest.get()
        r = office.post(f"/keypersons/requests/{req.id}/conclude", htmx=True,
                        data={"outcome": "solved", "explanation": "已发放救助金", "amount": "NaN",
                              "closed_on": TODAY.isoformat(), "version": str(req.version)})
        body = r.get_data(as_text=True)
        assert r.status_code == 422 and "已发放救助金" in body
        r = office.post(f"/keypersons/requests/{req.id}/conclude", htmx=True,
                        data={"outcome": "solved", "explanation": "已发放救助金", "amount": "2000",
                              "closed_on": TODAY.isoformat(), "version": str(req.version)})
        assert r.status_code == 200 and AssistanceRequest.get_by_id(req.id).amount == Decimal("2000")


def test_the_register_costs_the_same_statements_whatever_its_size(app, world, login_as, count_queries):
    office = login_as("office")

    def cost(url):
        with clock.frozen(at(TODAY)), count_queries() as q:
            assert office.get(url).status_code == 200
        return q.count

    def add(n, start):
        with app.app_context():
            for k in range(n):
                person(world, id_number="", name=f"人员{start + k}", level=["key", "watch", "stable"][k % 3],
                       categories=("企业军转干部", "抗美援朝老兵") if k % 2 else ("改制下岗困难职工",))

    add(3, 0)
    urls = ["/keypersons/", "/keypersons/?overdue=1&requests=1&level=key", f"/keypersons/?category={1}",
            "/keypersons/stats"]
    small = [cost(u) for u in urls]
    add(30, 100)
    large = [cost(u) for u in urls]
    assert large == small, (small, large)


# -- import -------------------------------------------------------------------------------------------------

def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(list(exchange.IMPORT_HEADERS))
    for row in rows:
        ws.append([row.get(h, "") for h in exchange.IMPORT_HEADERS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_the_import_names_every_rejected_row_and_imports_all_or_nothing(app, world, login_as):
    with app.app_context():
        person(world, id_number=GOOD_ID)
    clerk = world.user("unit_clerk")
    good = {"姓名": "钱文斌", "所在单位": world.shop.name, "人员类别": "退伍转业军人", "稳控级别": "关注", "定级理由": "待业",
            "身份证号": OTHER_ID, "包保责任人": clerk.username}
    bad_check = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
    rows = [good,
            dict(good, 姓名="甲", 身份证号=bad_check),
            dict(good, 姓名="乙", 身份证号=GOOD_ID),  # already registered
            dict(good, 姓名="丙"),  # same ID as the first row
            dict(good, 姓名="丁", 身份证号="", 所在单位="不存在的公司"),
            dict(good, 姓名="戊", 身份证号="", 包保责任人="查无此人"),
            dict(good, 姓名="己", 身份证号="", 人员类别="外星人")]
    with clock.frozen(at(TODAY)):
        office = login_as("office")
        r = office.post("/keypersons/import", data={"file": (_workbook(rows), "台账.xlsx")},
                        content_type="multipart/form-data")
        body = r.get_data(as_text=True)
        assert r.status_code == 200
        for line, text in ((3, "校验位不正确"), (4, "已登记在册"), (5, "与第 2 行重复"), (6, "不存在的公司"),
                           (7, "查无此人"), (8, "外星人")):
            assert f"第 {line} 行" in body and text in body, (line, text)
        token = body.split("/keypersons/import/")[1].split("/commit")[0]
        r = office.post(f"/keypersons/import/{token}/commit")
        assert r.status_code == 302 and KeyPerson.select().count() == 1
        r = office.post("/keypersons/import", data={"file": (_workbook([good]), "台账.xlsx")},
                        content_type="multipart/form-data")
        token = r.get_data(as_text=True).split("/keypersons/import/")[1].split("/commit")[0]
        assert office.post(f"/keypersons/import/{token}/commit").status_code == 302
    imported = KeyPerson.get(KeyPerson.name == "钱文斌")
    assert imported.imported and imported.cadre_id == clerk.id and imported.level == "watch"
    with app.app_context():
        assert ks.open_visit_item(imported).due_date == datetime.date(2026, 6, 2)


# -- the module page, card and demo ------------------------------------------------------------------------------

def test_figures_card_and_cadre_list(app, world, login_as):
    with app.app_context():
        p = person(world, level="key")
        visit(p, world.user("unit_clerk"), TODAY + D(10))
        person(world, level="watch", id_number="", name="乙", categories=("抗美援朝老兵",))
    with clock.frozen(at(TODAY + D(10))):
        office = login_as("office")
        body = office.get("/keypersons/stats?year=2026").get_data(as_text=True)
        assert "按期率 <strong>100.0%</strong>" in body
        dash = office.get("/").get_data(as_text=True)
        assert "在册重点人员" in dash and "重点 1 人" in dash
        mine = login_as("unit_clerk").get("/keypersons/mine").get_data(as_text=True)
        assert "王建国" in mine and "乙" in mine
        assert "王建国" not in login_as("unit_head").get("/keypersons/mine").get_data(as_text=True)
        assert office.get("/keypersons/stats.xlsx").status_code == 200


def test_demo_seed_is_idempotent_and_matches_two_petitioners(app):
    from portal import demo

    with app.app_context():
        demo.seed()
        assert 55 <= KeyPerson.select().count() <= 65
        assert KeyPerson.select().where(KeyPerson.cadre.is_null()).count() == 0
        assert 25 <= AssistanceRequest.select().count() <= 35
        office = demo.User.get(demo.User.username == "office")
        assert stats.persons_who_petitioned(office, clock.today().year) == 2
        figures = dict((c.name, n) for c, n in stats.group_petitions_by_category(office, clock.today().year))
        assert figures["企业军转干部"] == 0
        assert stats.headline(office)[2] >= 1  # a few overdue visits
        before = KeyPerson.select().count()
        demo.seed()
        assert KeyPerson.select().count() == before
