"""Dispute mediation: the tiers on the one Workflow (the holding tier acts, the origin reads, a unit
outside the branch sees nothing), each transition per role, the tier clocks at their boundaries on the
supervision core and the watch list, outcomes (agreement, follow-up visit, petition link, 激化 and the
veto), masking and the audited reveal, bad input, the informants' reports and their triage, figures,
Excel and PDFs, and a list whose statement count does not grow with its rows."""
import datetime
import io

import pytest
from openpyxl import load_workbook

from portal import clock, privacy
from portal.disputes import services as ds
from portal.disputes import stats
from portal.models import AuditLog, Petition, SupervisedItem, VetoEvent
from portal.models.disputes import Dispute, DisputeCategory, InformantReport
from portal.supervision.urgency import urgency
from portal.veto import services as veto
from portal.workflow import RuleError

TODAY = datetime.date(2026, 3, 2)
D = datetime.timedelta
GOOD_ID = privacy.with_check_digit("43990219800101123")


def at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


def users(world):
    """The shop's head, its branch's head, a head of the other branch, office, leader."""
    return (world.user("unit_head"), world.user("unit_head", unit=world.branch, username="branch_head"),
            world.user("unit_head", unit=world.other_shop, username="other_head"), world.user("office"),
            world.user("leader"))


def register(world, day=TODAY, unit=None, user=None, complexity="simple", risk="low", reasons=(), headcount=1,
             parties=None, **kw):
    parties = parties or [ds.PartyInput("甲当事人", "person", GOOD_ID, "13800001111"), ds.PartyInput("测试公司", "org")]
    with clock.frozen(at(day)):
        d, _ = ds.register(reported_on=day, title="拖欠工资纠纷", summary="职工要求补发工资",
                           category=DisputeCategory.get(DisputeCategory.name == "拖欠工资"), source="screening",
                           unit=unit or world.shop, headcount=headcount, risk=risk, reasons=list(reasons),
                           complexity=complexity, parties=parties, user=user or world.user("unit_head"), **kw)
    return d


def fresh(d):
    return Dispute.get_by_id(d.id)


def tier_items(d):
    return list(SupervisedItem.select().where(SupervisedItem.source_type == ds.TIER_CLOCK.key,
                                              SupervisedItem.source_id == d.id).order_by(SupervisedItem.id))


def test_a_dispute_is_held_by_one_tier_at_a_time_and_its_clock_moves_with_it(app, world):
    shop_head, branch_head, other_head, office, leader = users(world)
    with app.app_context():
        d = register(world)
        assert (d.tier, d.origin_tier, ds.holder_unit(d).id) == (0, 0, world.shop.id)
        assert ds.available(shop_head, d) == ["log", "assess", "escalate", "settle", "partly", "transfer"]
        assert ds.available(branch_head, d) == []  # the branch reads, the shop holds
        assert ds.available(office, d) == ["inflame"]
        with clock.frozen(at(TODAY + D(1))):
            with pytest.raises(RuleError, match="请填写上报理由"):
                ds.escalate(d, shop_head, " ", d.version)
            d = ds.escalate(fresh(d), shop_head, "单位无法化解", d.version)
        assert (d.tier, ds.holder_unit(d).id) == (1, world.branch.id)
        first, second = tier_items(d)
        assert first.state == "closed" and first.unit_id == world.shop.id
        assert second.state != "closed" and second.unit_id == world.branch.id
        assert second.start_date == TODAY + D(1) and second.due_date == TODAY + D(4)  # simple: 3 days, anew
        with pytest.raises(RuleError, match="当前由二级机构办理"):
            ds.settle(d, shop_head, on=TODAY + D(1), note="x", agreement="y")
        with clock.frozen(at(TODAY + D(2))):
            d = ds.send_back(d, branch_head, "请单位继续做工作", d.version)
        assert ds.holder_unit(d).id == world.shop.id
        assert ds.may(shop_head, d, "send_back") == "该纠纷已在发生单位所在层级，不能再退回。"
        with clock.frozen(at(TODAY + D(3))):
            d = ds.escalate(d, shop_head, "仍无法化解")
            d = ds.escalate(d, branch_head, "报局调处中心")
        assert ds.TIERS[d.tier].label == "局调处中心"
        assert ds.available(branch_head, d) == []
        assert set(ds.available(office, d)) >= {"escalate", "send_back", "settle", "consult"}
        assert ds.may(leader, d, "settle") == "您的角色不能调解成功。"
        with clock.frozen(at(TODAY + D(4))):
            d = ds.escalate(d, office, "跨行业，报县协调")
            assert ds.may(office, d, "escalate") == "该纠纷已在县级（跨行业、跨系统），不能再上报。"
            d = ds.settle(d, office, on=TODAY + D(4), note="县协调解决", agreement="一次性补发工资")
        assert (d.state, d.outcome, d.outcome_tier) == ("settled", "settled", 3)
        assert all(i.state == "closed" for i in tier_items(d)) and len(tier_items(d)) == 6
        assert [m.to_tier for m in d.moves] == [1, 0, 1, 2, 3]
        actions = [a.action for a in AuditLog.select().where(AuditLog.object_type == "dispute", AuditLog.object_id == d.id)
                   .order_by(AuditLog.id)]
        assert actions == ["create", "denied", "escalate", "denied", "send_back", "escalate", "escalate", "escalate", "settle"]


def test_a_dispute_points_at_its_open_item_at_every_step_and_the_migration_fills_it(app, world):
    """The list joins this pointer (no per-row MAX); the supervision core keeps it equal to what the
    dispute's items say on every change (SourceType.on_items_change), and migration 0018 fills it."""
    import importlib

    from portal.db import database

    shop_head, branch_head, *_ = users(world)

    def open_items(d):
        return [i.id for i in SupervisedItem.select().where(SupervisedItem.source_type.in_((ds.TIER_CLOCK.key, ds.VISIT.key)),
                                                            SupervisedItem.source_id == d.id, SupervisedItem.open())]

    with app.app_context():
        d = register(world)
        assert fresh(d).open_item_id == tier_items(d)[0].id and open_items(d) == [tier_items(d)[0].id]
        with clock.frozen(at(TODAY + D(1))):
            d = ds.escalate(fresh(d), shop_head, "单位无法化解")
        assert [fresh(d).open_item_id] == open_items(d) == [tier_items(d)[1].id]
        listed = Dispute.listed(world.user("office")).where(Dispute.id == d.id).get()
        assert listed.open_item.unit_id == world.branch.id and ds.urgency(listed) is not None
        with clock.frozen(at(TODAY + D(2))):
            d = ds.settle(fresh(d), branch_head, on=TODAY + D(2), note="已调解", agreement="补发工资")
        [visit_item] = open_items(d)
        assert fresh(d).open_item_id == visit_item and SupervisedItem.get_by_id(visit_item).source_type == ds.VISIT.key
        other = register(world)
        expected = {d.id: visit_item, other.id: fresh(other).open_item_id}
        with clock.frozen(at(TODAY + D(3))):
            ds.visit(fresh(d), shop_head, on=TODAY + D(3), note="协议已履行")
        expected[d.id] = None
        assert fresh(d).open_item_id is None and open_items(d) == []
        Dispute.update(open_item=None).execute()
        importlib.import_module("portal.migrations.0018_dispute_item_pointer").fill(database.obj)
        assert {k: fresh(Dispute.get_by_id(k)).open_item_id for k in expected} == expected


@pytest.mark.parametrize("role, allowed", [("unit_head", True), ("unit_clerk", True), ("office", False),
                                           ("leader", False), ("inspector", False), ("informant", False),
                                           ("admin", False)])
def test_who_settles_at_the_unit_tier(app, world, role, allowed):
    with app.app_context():
        d = register(world)
        user = world.user(role)
        if allowed:
            d = ds.settle(d, user, on=TODAY, note="已调解", agreement="补发工资")
            assert d.state == "settled"
        else:
            with pytest.raises(RuleError):
                ds.settle(d, user, on=TODAY, note="已调解", agreement="补发工资")
            assert fresh(d).state == "open"


@pytest.mark.parametrize("role, status", [("unit_head", 200), ("unit_clerk", 200), ("informant", 403),
                                          ("office", 200), ("leader", 200)])
def test_tier_scoping_of_pages(app, world, login_as, role, status):
    """The origin and its branch read; a unit of another branch gets 404; informants have no dispute pages."""
    with app.app_context():
        d = register(world)
    assert login_as(role).get(f"/disputes/{d.id}").status_code == status
    branch = login_as(world.user("unit_clerk", unit=world.branch, username="branch_clerk"))
    assert branch.get(f"/disputes/{d.id}").status_code == 200
    assert "拖欠工资纠纷" in branch.get("/disputes/").get_data(as_text=True)
    other = login_as(world.user("unit_head", unit=world.other_shop, username="other_head"))
    assert other.get(f"/disputes/{d.id}").status_code == 404
    assert "拖欠工资纠纷" not in other.get("/disputes/").get_data(as_text=True)
    assert other.post(f"/disputes/{d.id}/step/settle", {"note": "x", "version": "1"}).status_code == 404


def test_a_page_step_is_refused_for_the_origin_once_escalated_and_keeps_what_was_typed(app, world, login_as):
    with app.app_context():
        d = register(world)
        d = ds.escalate(d, world.user("unit_head"), "报上级")
    shop = login_as("unit_head")
    page = shop.get(f"/disputes/{d.id}").get_data(as_text=True)
    assert "当前没有需要您办理的步骤" in page and "测试行办" in page
    answer = shop.post(f"/disputes/{d.id}/step/settle", {"note": "我方已调解好", "agreement": "协议",
                                                        "version": str(d.version), "on": "2026-03-02"}, htmx=True)
    assert answer.status_code == 422
    assert "只有该层级的单位可以调解成功" in answer.get_data(as_text=True)
    branch = login_as(world.user("unit_head", unit=world.branch, username="branch_head"))
    stale = branch.post(f"/disputes/{d.id}/step/log", {"note": "座谈", "kind": "meeting", "on": "2026-03-02",
                                                      "version": str(d.version - 1)}, htmx=True)
    assert stale.status_code == 422 and "页面已过期" in stale.get_data(as_text=True)
    assert "座谈" in stale.get_data(as_text=True)  # the typed text comes back
    ok = branch.post(f"/disputes/{d.id}/step/log", {"note": "座谈协调", "kind": "meeting", "on": TODAY.isoformat(),
                                                   "version": str(d.version)}, htmx=True)
    assert ok.status_code == 200 and "座谈协调" in ok.get_data(as_text=True)


def test_the_tier_clock_at_its_boundaries_and_on_the_watch_list(app, world):
    with app.app_context():
        d = register(world, complexity="ordinary")
        item = tier_items(d)[0]
        assert item.due_date == TODAY + D(7)
        assert urgency(item, TODAY + D(7)).colour != "red"
        assert urgency(item, TODAY + D(8)).colour == "red"
        with clock.frozen(at(TODAY + D(7))):
            assert item.id not in {c.source_id for c in veto.watchlist()}
        with clock.frozen(at(TODAY + D(8))):
            assert item.id in {c.source_id for c in veto.watchlist()}
            d = ds.escalate(fresh(d), world.user("unit_head"), "超期未能化解")
            # The new tier's clock starts afresh; the overdue item is closed and leaves the list.
            assert item.id not in {c.source_id for c in veto.watchlist()}
        assert tier_items(d)[-1].due_date == TODAY + D(15)


def test_complexity_limits_are_settings(app, world):
    app.config["DISPUTE_DAYS_COMPLEX"] = 30
    with app.app_context():
        d = register(world, complexity="complex")
        assert tier_items(d)[0].due_date == TODAY + D(30)


def test_the_holding_unit_has_the_clock_on_its_todo_and_the_bureau_tiers_on_the_office(app, world, login_as):
    with app.app_context():
        d = register(world)
    assert "调处矛盾纠纷" in login_as("unit_head").get("/todo").get_data(as_text=True)
    with app.app_context():
        d = ds.escalate(fresh(d), world.user("unit_head"), "上报")
        d = ds.escalate(d, world.user("unit_head", unit=world.branch, username="branch_head"), "上报")
    todo = login_as("office").get("/todo").get_data(as_text=True)
    assert "调处矛盾纠纷（局调处中心）" in todo and d.number in todo


def test_settlement_starts_the_visit_and_the_origin_closes_it(app, world, login_as):
    head = world.user("unit_head")
    with app.app_context():
        d = register(world)
        with pytest.raises(RuleError, match="调解协议"):
            ds.settle(d, head, on=TODAY, note="已调解", agreement="")
        with clock.frozen(at(TODAY)):
            d = ds.settle(fresh(d), head, on=TODAY, note="已调解", agreement="一、补发工资。")
        visit = SupervisedItem.get(SupervisedItem.source_type == ds.VISIT.key, SupervisedItem.source_id == d.id)
        assert visit.due_date == TODAY + D(15) and visit.unit_id == world.shop.id
        with pytest.raises(RuleError, match="回访日期不能早于化解日期"):
            ds.visit(d, head, on=TODAY - D(1), note="满意")
        with clock.frozen(at(TODAY + D(3))):
            d = ds.visit(fresh(d), head, on=TODAY + D(3), note="协议已履行")
        assert d.state == "closed" and d.outcome == "settled"
        assert SupervisedItem.get_by_id(visit.id).state == "closed"
    response = login_as("unit_head").get(f"/disputes/{d.id}/agreement.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_dispute_turned_into_a_group_petition_is_inflamed_and_proposes_a_veto(app, world, login_as):
    shop_head, branch_head, _, office, leader = users(world)
    people = [ds.PartyInput(f"职工{k}", "person", "", "") for k in range(3)]
    with app.app_context():
        d = register(world, headcount=8, parties=people)
        with pytest.raises(RuleError, match="转入信访由股室登记"):
            ds.transfer(d, shop_head, on=TODAY, channel="petition", note="到局上访")
        with pytest.raises(RuleError, match="只有已激化"):
            ds.propose_veto(d, office)
        d = ds.escalate(fresh(d), shop_head, "上报")
        d = ds.escalate(d, branch_head, "上报")
        with clock.frozen(at(TODAY)):
            d = ds.transfer(d, office, on=TODAY, channel="petition", note="职工集体上访")
        petition = Petition.get_by_id(d.petition_id)
        assert (d.state, d.inflamed, petition.is_group, petition.headcount) == ("transferred", True, True, 8)
        assert ds.disputes_of_petition(petition, office)[0].id == d.id
        assert [p.name for p in petition.petitioners] == ["职工0", "职工1", "职工2"]
        assert stats.figures(office, 2026).inflamed == 1
    petition_page = login_as("office").get(f"/petitions/{petition.id}").get_data(as_text=True)
    assert "由矛盾纠纷转入" in petition_page and d.number in petition_page  # the link back
    assert login_as("office").post(f"/disputes/{d.id}/veto", htmx=True).status_code == 200
    with app.app_context():
        event = VetoEvent.get(VetoEvent.source_type == "dispute", VetoEvent.source_id == d.id)
        assert (event.unit_id, event.trigger) == (world.shop.id, "dispute")
        with pytest.raises(RuleError, match="已据此矛盾纠纷提出过"):
            ds.propose_veto(fresh(d), office)


def test_high_risk_warns_the_unit_head_and_the_leaders(app, world, login_as):
    head, leader = world.user("unit_head"), world.user("leader")
    with app.app_context():
        with pytest.raises(RuleError, match="高风险纠纷请勾选风险因素"):
            register(world, risk="high")
        d = register(world, risk="high", reasons=("group", "skip_level"))
        assert d.warned_on == TODAY
        from portal.models import Notification

        assert Notification.select().where(Notification.user == head.id, Notification.kind == "warning").exists()
        assert Notification.select().where(Notification.user == leader.id, Notification.kind == "warning").exists()
    pdf = login_as("unit_head").get(f"/disputes/{d.id}/warning.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app.app_context():
        low = register(world)
    answer = login_as("unit_head").get(f"/disputes/{low.id}/warning.pdf")
    assert answer.status_code == 302  # no warning letter: back to the page with the reason


def test_parties_are_masked_and_revealed_only_with_an_audit_row(app, world, login_as):
    with app.app_context():
        d = register(world)
    page = login_as("unit_head").get(f"/disputes/{d.id}").get_data(as_text=True)
    assert GOOD_ID not in page and privacy.mask_id(GOOD_ID) in page and "13800001111" not in page
    assert login_as("unit_head").post(f"/disputes/{d.id}/reveal", htmx=True).status_code == 403
    shown = login_as("office").post(f"/disputes/{d.id}/reveal", htmx=True).get_data(as_text=True)
    assert GOOD_ID in shown
    with app.app_context():
        assert AuditLog.select().where(AuditLog.object_type == "dispute", AuditLog.action == "reveal").count() == 1
    export = login_as("office").get("/disputes/export?year=2026&state=all")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data))["矛盾纠纷"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert d.number in cells and GOOD_ID not in "".join(cells)
    figures = {row[0].value: row[1].value for row in load_workbook(io.BytesIO(export.data))["2026年度指标"].iter_rows()}
    assert (figures["排查纠纷（件）"], figures["在调（件）"], figures["零报告（份）"]) == (1, 1, 0)


def test_bad_input_gets_chinese_messages_and_keeps_what_was_typed(app, world, login_as):
    head = login_as("unit_head")
    form = head.get("/disputes/new").get_data(as_text=True)
    import re

    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form).group(1)
    data = {"token": token, "reported_on": "2026-13-40", "title": "门面租赁纠纷", "summary": "租户要求续租",
            "category": "abc", "source": "screening", "unit": str(world.shop.id), "headcount": "NaN", "risk": "low",
            "complexity": "simple", "parties-0-kind": "person", "parties-0-name": "乙当事人",
            "parties-0-id_number": "439902198001011234", "csrf_token": head.token}
    answer = head.post("/disputes/new", data)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "门面租赁纠纷" in body and "租户要求续租" in body
    data.update(reported_on=TODAY.isoformat(), headcount="2",
                category=str(DisputeCategory.get(DisputeCategory.name == "合同纠纷").id))
    with clock.frozen(at(TODAY)):
        answer = head.post("/disputes/new", data)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "校验位不正确" in body and "乙当事人" in body
    data.update({"parties-0-id_number": GOOD_ID, "unit": str(world.other_shop.id)})
    with clock.frozen(at(TODAY)):
        body = head.post("/disputes/new", data).get_data(as_text=True)
    assert "只能登记本单位（含下属单位）的矛盾纠纷" in body
    data["unit"] = str(world.shop.id)
    with clock.frozen(at(TODAY)):
        assert head.post("/disputes/new", data).status_code == 302
        assert head.post("/disputes/new", data).status_code == 302  # the same form again: nothing more
    with app.app_context():
        assert Dispute.select().count() == 1


def test_joint_consultation_actions_are_supervised_items(app, world):
    shop_head, branch_head, _, office, _ = users(world)
    with app.app_context():
        d = register(world)
        with pytest.raises(RuleError, match="上报局调处中心后"):
            ds.consult(d, office, on=TODAY, participants="各方", opinion="意见", actions=[])
        d = ds.escalate(fresh(d), shop_head, "上报")
        d = ds.escalate(d, branch_head, "上报")
        with pytest.raises(RuleError, match="第 1 项措施请填写"):
            ds.consult(d, office, on=TODAY, participants="各方", opinion="意见",
                       actions=[ds.ActionInput("核实", None, TODAY + D(5))])
        with clock.frozen(at(TODAY)):
            c = ds.consult(d, office, on=TODAY, participants="调处中心、改制股", opinion="分期补足",
                           actions=[ds.ActionInput("核实补偿基数", world.shop, TODAY + D(5)),
                                    ds.ActionInput("制定方案", world.branch, TODAY + D(10))])
        items = SupervisedItem.select().where(SupervisedItem.source_type == ds.ACTION.key).order_by(SupervisedItem.id)
        assert [(i.unit_id, i.due_date) for i in items] == [(world.shop.id, TODAY + D(5)), (world.branch.id, TODAY + D(10))]
        with clock.frozen(at(TODAY + D(6))):
            assert items[0].id in {x.source_id for x in veto.watchlist()}
        assert len(ds.consultations(fresh(d))[0][1]) == 2 and c.opinion == "分期补足"


def test_informant_reports_triage_and_the_informants_own_list(app, world, login_as):
    informant = world.user("informant", unit=world.shop)
    other = world.user("informant", unit=world.other_shop, username="informant_other")
    office_client = login_as("office")
    client = login_as(informant)
    form = client.get("/disputes/reports/new").get_data(as_text=True)
    import re

    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form).group(1)
    base = {"token": token, "kind": "instability", "title": "职工酝酿集体上访", "content": "微信群相约到县政府",
            "place": "测试商店", "people": "改制职工", "headcount": "abc", "urgency": "urgent",
            "concerned_unit": str(world.shop.id), "csrf_token": client.token}
    bad = client.post("/disputes/reports/new", base)
    assert bad.status_code == 422 and "微信群相约到县政府" in bad.get_data(as_text=True)
    assert client.post("/disputes/reports/new", {**base, "headcount": "12"}).status_code == 302
    with app.app_context():
        r = InformantReport.get()
        assert (r.reporter_id, r.state) == (informant.id, "submitted")
    assert "研判信息员报告" in office_client.get("/todo").get_data(as_text=True)
    assert login_as(other).get(f"/disputes/reports/{r.id}").status_code == 404
    assert "职工酝酿集体上访" not in login_as(other).get("/disputes/reports").get_data(as_text=True)
    # The office turns it into a dispute from a prefilled form.
    prefilled = office_client.get(f"/disputes/new?report={r.id}").get_data(as_text=True)
    assert "微信群相约到县政府" in prefilled and '<option selected value="informant">' in prefilled
    with app.app_context():
        d = register(world, user=world.user("office"), report=InformantReport.get_by_id(r.id), risk="high",
                     reasons=("group",))
        r = InformantReport.get_by_id(r.id)
        assert (r.state, r.dispute_id) == ("dispute", d.id) and d.number in r.reply
        with pytest.raises(RuleError, match="不能存档答复"):
            ds.file_with_reply(r, world.user("office"), "存档")
    mine = client.get("/disputes/reports").get_data(as_text=True)
    assert "已转为矛盾纠纷" in mine and d.number in mine


def test_a_report_filed_with_a_reply_or_handed_down_as_a_task(app, world, login_as):
    informant = world.user("informant", unit=world.shop)
    with app.app_context():
        first, _ = ds.file_report(informant, kind="opinion", title="宿舍漏水", content="屋面漏水", place="", people="",
                                  headcount=3, urgency="normal", concerned_unit=None)
        second, _ = ds.file_report(informant, kind="hotspot", title="门面租金", content="租金上调", place="", people="",
                                   headcount=5, urgency="normal", concerned_unit=world.shop)
    office = login_as("office")
    empty = office.post(f"/disputes/reports/{first.id}/triage/file", {"reply": " ", "version": "1"}, htmx=True)
    assert empty.status_code == 422 and "请填写答复意见" in empty.get_data(as_text=True)
    assert office.post(f"/disputes/reports/{first.id}/triage/file", {"reply": "已存档", "version": "1"},
                       htmx=True).status_code == 200
    assert office.post(f"/disputes/reports/{second.id}/triage/task",
                       {"reply": "已交单位办理", "version": "1", "unit": str(world.shop.id),
                        "due_date": (clock.today() + D(10)).isoformat()}, htmx=True).status_code == 200
    with app.app_context():
        second = InformantReport.get_by_id(second.id)
        item = SupervisedItem.get_by_id(second.task_item_id)
        assert (second.state, item.unit_id, item.source_type) == ("task", world.shop.id, "task")
        figures = {f["display_name"]: f for f in ds.informant_figures(clock.today().year)}
        assert (figures[informant.display_name]["filed"], figures[informant.display_name]["adopted"]) == (2, 1)
    mine = login_as(informant).get("/disputes/reports").get_data(as_text=True)
    assert "已存档" in mine and "已交单位办理" in mine


def test_figures_count_tiers_and_the_seeds_two_rates(app, world):
    shop_head, branch_head, _, office, _ = users(world)
    with app.app_context():
        with clock.frozen(at(TODAY)):
            for _ in range(2):  # settled at the unit
                ds.settle(register(world), shop_head, on=TODAY, note="调解", agreement="协议")
            d = ds.escalate(register(world), shop_head, "上报")  # at the second-level body
            ds.settle(d, branch_head, on=TODAY, note="调解", agreement="协议")
            d = ds.escalate(ds.escalate(register(world, complexity="complex"), shop_head, "上报"), branch_head, "上报")
            ds.settle(d, office, on=TODAY, note="会诊后调解", agreement="协议")  # complex, at the centre
            d = ds.escalate(ds.escalate(register(world), shop_head, "上报"), branch_head, "上报")
            ds.settle(ds.escalate(d, office, "报县"), office, on=TODAY, note="县调解", agreement="协议")  # ordinary, county
            register(world)  # open
        f = stats.figures(office, 2026)
        assert (f.screened, f.open, f.settled, f.by_tier, f.county) == (6, 1, 5, [2, 1, 1, 1], 1)
        assert f.settle_rate == round(500 / 6, 1)
        assert f.second_level_rate == 75.0  # 3 of 4 ordinary settled without leaving the second-level body
        assert f.bureau_rate == 80.0  # 4 of 5 settled without leaving the bureau
        other = stats.figures(world.user("unit_head", unit=world.other_shop, username="other_head"), 2026)
        assert other.screened == 0


def test_the_list_costs_the_same_statements_whatever_its_size(app, world, login_as, count_queries):
    office = login_as("office")

    def cost():
        with count_queries() as q:
            assert office.get("/disputes/?year=2026&state=all", htmx=True).status_code == 200
            assert office.get("/disputes/?year=2026").status_code == 200
        return q.count

    with app.app_context():
        for _ in range(3):
            register(world)
    small = cost()
    with app.app_context():
        for k in range(12):
            d = register(world, unit=world.other_shop if k % 2 else world.shop, user=world.user("office"))
            if k % 3 == 0:
                ds.escalate(d, world.user("unit_head", unit=world.other_shop, username="other_head")
                            if k % 2 else world.user("unit_head"), "上报")
    assert cost() == small


def test_the_table_filters_and_sorts_by_urgency(app, world, login_as):
    with app.app_context():
        late = register(world, day=TODAY - D(20), complexity="simple")
        soon = register(world, day=TODAY, complexity="complex", risk="high", reasons=("group",))
        settled = register(world, day=TODAY)
        ds.settle(settled, world.user("unit_head"), on=TODAY, note="调解", agreement="协议")
    office = login_as("office")
    body = office.get("/disputes/?year=2026", htmx=True).get_data(as_text=True)
    assert body.index(late.number) < body.index(soon.number) and settled.number not in body
    assert soon.number not in office.get("/disputes/?year=2026&risk=low", htmx=True).get_data(as_text=True)
    assert settled.number in office.get("/disputes/?year=2026&state=settled", htmx=True).get_data(as_text=True)
    assert late.number not in office.get("/disputes/?year=2026&tier=1", htmx=True).get_data(as_text=True)


# -- periodic screening ------------------------------------------------------------------------------

from portal.disputes import screening  # noqa: E402
from portal.models.disputes import ScreeningSchedule  # noqa: E402


def test_periods_follow_the_schedule_as_data(app):
    with app.app_context():
        plans = screening.schedules()
        assert [(s.level, s.period) for s in plans.values()] == [(3, "half_month"), (2, "month"), (1, "quarter")]
        halves = screening.periods(plans[3], 2026)
        assert len(halves) == 24 and (halves[3].key, halves[3].starts_on, halves[3].ends_on, halves[3].due_on) == (
            "2026-02下", datetime.date(2026, 2, 16), datetime.date(2026, 2, 28), datetime.date(2026, 3, 3))
        assert [p.key for p in screening.periods(plans[1], 2026)] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


@pytest.fixture
def screening_since_january(app):
    """The schedules as a bureau that has screened since the start of 2026 (the migration dates them to the
    day it ran)."""
    from portal.models.disputes import ScreeningSchedule

    ScreeningSchedule.update(starts_on=datetime.date(2026, 1, 1)).execute()


def test_no_report_is_owed_for_a_period_before_screening_began(app, world):
    """A portal put into use mid-year does not make every unit owe the year's past reports at once."""
    from portal.models.disputes import ScreeningSchedule

    ScreeningSchedule.update(starts_on=datetime.date(2026, 3, 10)).execute()
    with app.app_context():
        plans = screening.schedules()
        with clock.frozen(at(datetime.date(2026, 3, 20))):
            screening.issue_owed(datetime.date(2026, 3, 20), world.user("office"))
            owed = [i.start_date for i in SupervisedItem.select().where(
                SupervisedItem.source_type == "screening_report", SupervisedItem.unit == world.shop.id)]
            assert owed == [datetime.date(2026, 3, 15)]  # 2026-03上 ends after the start; January's do not count
            assert [p.key for p in screening.owed_periods(world.shop)][0] == "2026-03上"
            cells = dict((u.id, c) for u, c in screening.matrix(world.user("office"), 3, 2026)["rows"])[world.shop.id]
            assert [state for state, _ in cells][:5] == ["before"] * 4 + ["missing"]
        assert plans[3].starts_on == datetime.date(2026, 3, 10)


def test_zero_reports_late_reports_and_owed_items(app, world, login_as, screening_since_january):
    head, office = world.user("unit_head"), world.user("office")
    with app.app_context():
        plans = screening.schedules()
        first_half = screening.periods(plans[3], 2026)[4]  # 2026-03上, due 03-18
        with pytest.raises(RuleError, match="尚未开始"):
            screening.file(world.shop, first_half.key, head, zero=True, note="", signer="甲", today=TODAY - D(10))
        with clock.frozen(at(datetime.date(2026, 3, 16))):
            assert screening.issue_owed(datetime.date(2026, 3, 16), office) >= 5  # every level-3 unit, Jan-Mar 上
            owed = SupervisedItem.get(SupervisedItem.source_type == "screening_report", SupervisedItem.unit == world.shop.id,
                                      SupervisedItem.start_date == first_half.ends_on)
            assert owed.due_date == first_half.due_on
            assert screening.issue_owed(datetime.date(2026, 3, 16), office) == 0  # idempotent
        with pytest.raises(RuleError, match="请填写签发人"):
            screening.file(world.shop, first_half.key, head, zero=True, note="", signer=" ")
        with pytest.raises(RuleError, match="只能填报本单位"):
            screening.file(world.other_shop, first_half.key, head, zero=True, note="", signer="甲")
        report = screening.file(world.shop, first_half.key, head, zero=True, note="", signer="甲负责人",
                                today=first_half.due_on)
        assert (report.zero, report.note, report.late) == (True, screening.ZERO_TEXT, False)
        assert SupervisedItem.get_by_id(owed.id).state == "closed"
        with pytest.raises(RuleError, match="已填报"):
            screening.file(world.shop, first_half.key, head, zero=True, note="", signer="甲")
        # A period with a dispute registered cannot be a zero report, and one without cannot be a non-zero one.
        second_half = screening.periods(plans[3], 2026)[5]
        register(world, day=datetime.date(2026, 3, 20))
        with pytest.raises(RuleError, match="不能零报告"):
            screening.file(world.shop, second_half.key, head, zero=True, note="", signer="甲", today=TODAY + D(40))
        late = screening.file(world.shop, second_half.key, head, zero=False, note="登记一件", signer="甲",
                              today=second_half.due_on + D(2))
        assert (late.new_count, late.late) == (1, True)
        with clock.frozen(at(datetime.date(2026, 3, 20))):
            m = screening.matrix(office, 3, 2026, today=datetime.date(2026, 3, 20))
            shop_cells = dict(zip([p.key for p in m["periods"]], [s for s, _ in dict(
                (u.id, c) for u, c in m["rows"])[world.shop.id]]))
            assert shop_cells["2026-03上"] == "zero" and shop_cells["2026-03下"] == "late"
            assert shop_cells["2026-01上"] == "missing" and shop_cells["2026-04上"] == "pending"
            other = dict((u.id, c) for u, c in screening.matrix(head, 3, 2026, today=datetime.date(2026, 3, 20))["rows"])
            assert world.other_shop.id not in other  # a unit sees its own subtree's rows only


def test_the_filing_page_and_the_matrix_page(app, world, login_as, screening_since_january):
    head = login_as("unit_head")
    with app.app_context():
        key = [p for p in screening.owed_periods(world.shop)][-1].key
    page = head.get("/disputes/screening/file")
    assert page.status_code == 200 and key in page.get_data(as_text=True)
    bad = head.post("/disputes/screening/file", {"unit": str(world.shop.id), "period": key, "zero": "y",
                                                 "note": "排查了三个门店", "signer": "", "csrf_token": head.token})
    assert bad.status_code == 422 and "请填写签发人" in bad.get_data(as_text=True)
    assert "排查了三个门店" in bad.get_data(as_text=True)
    ok = head.post("/disputes/screening/file", {"unit": str(world.shop.id), "period": key, "zero": "y", "note": "",
                                                "signer": "甲负责人", "csrf_token": head.token})
    assert ok.status_code == 302
    matrix = head.get("/disputes/screening?level=3").get_data(as_text=True)
    assert 'data-state="zero"' in matrix and world.other_shop.name not in matrix
    with app.app_context():
        assert screening.missing_count(world.user("office")) == 0
        screening.issue_owed(clock.today(), world.user("office"))
        # every period of the other grassroots unit that ended more than its deadline ago is owed
        assert screening.missing_count(world.user("office")) > screening.missing_count(world.user("unit_head")) > 0
    sheet = head.get("/disputes/screening/sheet.pdf")
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
    assert head.get("/disputes/screening/sheet.xlsx").status_code == 200
    assert head.get(f"/disputes/screening/sheet.pdf?unit={world.other_shop.id}").status_code == 404


def test_the_schedule_is_edited_by_the_office_only(app, world, login_as):
    with app.app_context():
        grassroots = ScreeningSchedule.get(ScreeningSchedule.level == 3)
        with pytest.raises(RuleError):
            screening.update_schedule(grassroots, world.user("unit_head"), period="month", due_days=3)
    office = login_as("office")
    office.post(f"/disputes/screening/schedule/{grassroots.id}", {"period": "month", "due_days": "40"}, htmx=True)
    with app.app_context():
        assert ScreeningSchedule.get_by_id(grassroots.id).period == "half_month"
    office.post(f"/disputes/screening/schedule/{grassroots.id}", {"period": "month", "due_days": "5"}, htmx=True)
    with app.app_context():
        assert len(screening.periods(ScreeningSchedule.get_by_id(grassroots.id), 2026)) == 12


def test_reassessing_risk_as_high_warns_once(app, world, login_as):
    head = world.user("unit_head")
    with app.app_context():
        d = register(world)
        with pytest.raises(RuleError, match="高风险纠纷请勾选风险因素"):
            ds.assess(d, head, risk="high", reasons=[], note="职工情绪激动")
        d = ds.assess(fresh(d), head, risk="high", reasons=["worsening"], note="职工情绪激动")
        assert (d.risk, d.reason_keys, d.warned_on is not None) == ("high", ["worsening"], True)
        with pytest.raises(RuleError, match="已于"):
            ds.warn(d, world.user("office"))
    page = login_as("unit_head").get(f"/disputes/{d.id}").get_data(as_text=True)
    assert "打印预警函" in page and "可能激化" in page


def test_categories_are_switched_off_not_deleted(app, world, login_as):
    office = login_as("office")
    assert "请填写类别名称" in office.post("/disputes/categories", {"name": " ", "csrf_token": office.token}).get_data(
        as_text=True)
    assert office.post("/disputes/categories", {"name": "征地拆迁", "csrf_token": office.token}).status_code == 302
    with app.app_context():
        new = DisputeCategory.get(DisputeCategory.name == "征地拆迁")
    office.post(f"/disputes/categories/{new.id}/toggle", htmx=True)
    with app.app_context():
        assert DisputeCategory.get_by_id(new.id).active is False
        assert "征地拆迁" not in [c.name for c in ds.categories()]
    assert login_as("unit_head").get("/disputes/categories").status_code == 403


def test_the_dashboard_card_and_the_unit_panel(app, world, login_as):
    with app.app_context():
        register(world)
    home = login_as("unit_head").get("/").get_data(as_text=True)
    assert "年度矛盾纠纷" in home
    unit_page = login_as("office").get(f"/units/{world.shop.id}").get_data(as_text=True)
    assert "矛盾纠纷（在调）" in unit_page


MATRIX = {  # action at the unit's own tier -> roles that may take it (the shop's own users only)
    "log": {"unit_head", "unit_clerk"}, "assess": {"unit_head", "unit_clerk"}, "escalate": {"unit_head", "unit_clerk"},
    "send_back": set(), "settle": {"unit_head", "unit_clerk"}, "partly": {"unit_head", "unit_clerk"},
    "transfer": {"unit_head", "unit_clerk"}, "visit": set(), "consult": set(), "inflame": {"office", "leader"},
}


@pytest.mark.parametrize("role", ["admin", "leader", "office", "inspector", "unit_head", "unit_clerk", "informant"])
def test_each_step_per_role_at_the_unit_tier_and_at_the_centre(app, world, role):
    user = world.user(role)
    with app.app_context():
        d = register(world)
        assert {a for a in MATRIX if ds.may(user, d, a) is None} == {a for a, roles in MATRIX.items() if role in roles}
        d = ds.escalate(ds.escalate(d, world.user("unit_head"), "上报"),
                        world.user("unit_head", unit=world.branch, username="branch_head"), "上报")
        at_centre = {a for a in MATRIX if ds.may(user, d, a) is None}
        expected = {"office": {"log", "assess", "escalate", "send_back", "settle", "partly", "transfer", "consult",
                               "inflame"}, "leader": {"consult", "inflame"}}.get(role, set())
        assert at_centre == expected


def test_a_report_turned_into_a_petition(app, world, login_as):
    informant = world.user("informant", unit=world.shop)
    with app.app_context():
        r, _ = ds.file_report(informant, kind="hotspot", title="退休职工反映调资", content="调资未落实", place="",
                              people="退休职工", headcount=6, urgency="normal", concerned_unit=world.shop)
    office = login_as("office")
    nameless = office.post(f"/disputes/reports/{r.id}/triage/petition", {"reply": "转信访", "version": "1"}, htmx=True)
    assert nameless.status_code == 422 and "请填写信访人姓名" in nameless.get_data(as_text=True)
    assert office.post(f"/disputes/reports/{r.id}/triage/petition",
                       {"reply": "已转信访办理", "petitioner": "丙代表", "version": "1"}, htmx=True).status_code == 200
    with app.app_context():
        r = InformantReport.get_by_id(r.id)
        petition = Petition.get_by_id(r.petition_id)
        assert (r.state, petition.is_group, petition.concerned_unit_id) == ("petition", True, world.shop.id)
        assert r.number in petition.request and petition.number in r.reply
        assert stats.figures(world.user("office"), clock.today().year).reports_adopted == 1


def test_an_owed_report_is_reminded_from_the_board_and_issued_by_the_cli(app, world, runner, screening_since_january):
    from portal.models import Notification
    from portal.supervision import services as supervision

    head = world.user("unit_head")
    result = runner.invoke(args=["disputes", "issue-screening"])
    assert result.exit_code == 0 and "issued" in result.output
    with app.app_context():
        owed = (SupervisedItem.select().where(SupervisedItem.source_type == "screening_report",
                                              SupervisedItem.unit == world.shop.id).order_by(SupervisedItem.id).first())
        assert owed is not None and owed.due_date < clock.today()
        assert owed.id in {c.source_id for c in veto.watchlist()}
        supervision.remind(owed, world.user("office"), "请尽快填报排查报告")
        assert Notification.select().where(Notification.user == head.id, Notification.kind == "remind").exists()
    assert "issued 0" in runner.invoke(args=["disputes", "issue-screening"]).output
