"""One-veto accountability: the state machine per role, the grade override and its restore, the
appeal window, sanctions, the watch list, responsibility investigation and scoping."""
import datetime
import subprocess

import pytest
from test_agreements import issued, walk_to  # noqa: F401  (fixtures and helpers shared with the agreements tests)

from portal import clock
from portal.agreements import grading
from portal.models import AuditLog, Notification, Sanction, SupervisedItem, VetoEvent
from portal.supervision import services as supervision
from portal.veto import services as sv
from portal.workflow import RuleError

TODAY = datetime.date(2026, 11, 2)


def at(day):
    return clock.local_to_utc(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def proposed(app, world):
    world.user("unit_head"), world.user("leader")
    with app.app_context(), clock.frozen(at(TODAY)):
        return sv.propose(unit=world.shop, year=2026, trigger="mass_incident", occurred_on=TODAY,
                          description="改制下岗职工集体上访", user=world.user("office"))


def step(app, veto, action, user, reason="理由充分", day=TODAY):
    with app.app_context(), clock.frozen(at(day)):
        return sv.act(VetoEvent.get_by_id(veto.id), action, user, reason, VetoEvent.get_by_id(veto.id).version)


@pytest.mark.parametrize("role,action,allowed", [
    ("leader", "confirm", True), ("office", "confirm", False), ("unit_head", "confirm", False),
    ("inspector", "confirm", False), ("admin", "confirm", False), ("leader", "reject", True),
    ("office", "withdraw", True), ("unit_head", "withdraw", False), ("unit_head", "appeal", False),
])
def test_who_may_act_on_a_proposed_veto(app, world, proposed, role, action, allowed):
    with app.app_context():
        assert (sv.refusal(action, world.user(role), proposed) is None) == allowed


def test_only_office_and_leaders_propose(app, world):
    with app.app_context(), pytest.raises(RuleError, match="只有股室工作人员和局领导"):
        sv.propose(unit=world.shop, year=2026, trigger="other", occurred_on=TODAY, description="x",
                   user=world.user("inspector"))


def test_confirm_fails_the_grade_and_overturn_restores_it(app, world, issued):  # noqa: F811
    agreement = walk_to(app, world, issued[0], "assessed", scores={1: "40", 2: "60", 3: "0"})
    assert grading.grade(agreement).grade == "优秀"
    with app.app_context():
        veto = sv.propose(unit=world.shop, year=2026, trigger="escalated_petition", occurred_on=clock.today(),
                          description="越级上访", user=world.user("office"))
    assert grading.grade(agreement).grade == "优秀"  # a proposal alone changes nothing
    leader, head = world.user("leader"), world.user("unit_head")
    today = clock.today()
    step(app, veto, "confirm", leader, day=today)
    result = grading.grade(agreement)
    assert result.grade == "不合格" and not result.eligible_for_awards and "越级上访" in result.reasons[0]
    step(app, veto, "appeal", head, "事出有因，已妥善化解", day=today)
    assert grading.grade(agreement).grade == "不合格"  # in force while the appeal is heard
    step(app, veto, "overturn", leader, "经复核，系外单位人员所致", day=today)
    assert grading.grade(agreement).grade == "优秀"
    # A veto of another year or unit does not touch this agreement.
    with app.app_context():
        other = sv.propose(unit=world.shop, year=2025, trigger="other", occurred_on=today, description="往年",
                           user=world.user("office"))
    step(app, other, "confirm", leader, day=today)
    assert grading.grade(agreement).grade == "优秀"


def test_grade_reason_shows_on_the_ranking_and_agreement_page(app, login_as, world, issued):  # noqa: F811
    walk_to(app, world, issued[0], "assessed", scores={1: "40", 2: "60", 3: "0"})
    with app.app_context():
        veto = sv.propose(unit=world.shop, year=2026, trigger="accident", occurred_on=clock.today(),
                          description="安全事故", user=world.user("office"))
    step(app, veto, "confirm", world.user("leader"), day=clock.today())
    office = login_as("office")
    for url in ("/agreements/ranking?year=2026", f"/agreements/{issued[0].id}"):
        body = office.get(url).get_data(as_text=True)
        assert "不合格" in body and "一票否决：重大责任事故" in body and "取消评先评优资格" in body


def test_appeal_window_once_and_own_unit_only(app, world, proposed):
    leader, head = world.user("leader"), world.user("unit_head")
    veto = step(app, proposed, "confirm", leader)
    assert veto.appeal_due == TODAY + datetime.timedelta(days=15)
    with pytest.raises(RuleError, match="申诉期已于"):
        step(app, veto, "appeal", head, day=TODAY + datetime.timedelta(days=16))
    other_head = world.user("unit_head", unit=world.other_shop)
    with pytest.raises(RuleError, match="只能对本单位"):
        step(app, veto, "appeal", other_head, day=TODAY + datetime.timedelta(days=15))
    veto = step(app, veto, "appeal", head, "请求复核", day=TODAY + datetime.timedelta(days=15))
    assert veto.state == "appealed"
    veto = step(app, veto, "uphold", leader, "维持")
    with pytest.raises(RuleError, match="只能申诉一次"):
        step(app, veto, "appeal", head, "再次申诉")
    assert VetoEvent.get_by_id(veto.id).state == "upheld"


def test_appeal_window_is_a_setting(app, world, proposed):
    app.config["VETO_APPEAL_DAYS"] = 30
    assert step(app, proposed, "confirm", world.user("leader")).appeal_due == TODAY + datetime.timedelta(days=30)


def test_refusals_are_audited_and_change_nothing(app, world, proposed):
    with pytest.raises(RuleError, match="只有局领导可以确认"):
        step(app, proposed, "confirm", world.user("office"))
    with pytest.raises(RuleError, match="请填写确认否决的理由"):
        step(app, proposed, "confirm", world.user("leader"), reason="  ")
    assert VetoEvent.get_by_id(proposed.id).state == "proposed"
    assert AuditLog.select().where(AuditLog.object_type == "veto", AuditLog.action == "denied").count() == 2


def test_stale_version_is_refused(app, world, proposed):
    stale = proposed.version
    step(app, proposed, "withdraw", world.user("office"), "误报")
    with app.app_context(), pytest.raises(RuleError, match="不能确认否决|已被他人修改"):
        sv.act(VetoEvent.get_by_id(proposed.id), "confirm", world.user("leader"), "确认", stale)


def test_a_veto_is_withdrawn_not_deleted(app, login_as, world, proposed):
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith("veto.") and "DELETE" in r.methods]
    veto = step(app, proposed, "withdraw", world.user("office"), "经核实不属实")
    assert veto.state == "withdrawn" and veto.withdrawn_reason == "经核实不属实"
    assert VetoEvent.select().count() == 1


def test_confirmation_notifies_the_unit_head(app, world, proposed):
    step(app, proposed, "confirm", world.user("leader"))
    note = Notification.get(Notification.user == world.user("unit_head").id, Notification.kind == "veto")
    assert "申诉" in note.body


# -- sanctions ---------------------------------------------------------------------------------------

def test_second_yellow_card_proposes_a_veto(app, world):
    world.user("leader")
    with app.app_context():
        sv.issue_sanction(unit=world.shop, kind="yellow", reason="第一次", user=world.user("office"))
        assert VetoEvent.select().count() == 0
        sv.issue_sanction(unit=world.shop, kind="yellow", reason="第二次", user=world.user("office"))
    veto = VetoEvent.get()
    assert veto.state == "proposed" and veto.unit_id == world.shop.id and "第2次黄牌警告" in veto.description


def test_second_yellow_card_rule_can_be_switched_off(app, world):
    app.config["VETO_SECOND_YELLOW_PROPOSES"] = False
    with app.app_context():
        for n in range(2):
            sv.issue_sanction(unit=world.shop, kind="yellow", reason=f"第{n}次", user=world.user("office"))
    assert VetoEvent.select().count() == 0


def test_a_supervision_notice_becomes_a_criticism(app, world):
    world.user("unit_head")
    with app.app_context():
        item = supervision.supervise("task", unit=world.shop, title="交办事项", assigned_by=world.user("office"),
                                     due_date=clock.today() + datetime.timedelta(days=5))
        notice = supervision.issue_notice(item, world.user("office"), "议而不决")
    sanction = Sanction.get()
    assert sanction.kind == "criticism" and sanction.notice_id == notice.id and sanction.unit_id == world.shop.id
    assert type(notice).get_by_id(notice.id).handled


# -- watch list --------------------------------------------------------------------------------------

def test_watch_list_lists_overdue_work_and_sanctions_in_one_step(app, login_as, world, issued):  # noqa: F811
    with app.app_context():
        supervision.supervise("task", unit=world.other_shop, title="县领导批示件", assigned_by=world.user("office"),
                              start_date=TODAY, due_date=TODAY + datetime.timedelta(days=3))
    sign_due = SupervisedItem.get(SupervisedItem.source_type == "agreement_sign").due_date
    with clock.frozen(at(sign_due + datetime.timedelta(days=1))):
        office = login_as("office")  # outside any app context: requests must not share one
        with app.app_context():
            entries = sv.watchlist()
        kinds = sorted((c.unit.name, c.kind) for c in entries)
        assert ("测试商店", "签订目标责任书") in kinds and ("界外基层单位乙", "交办事项") in kinds
        task = next(c for c in entries if c.kind == "交办事项")
        body = office.post(f"/veto/watchlist/supervision/{task.source_id}", {"kind": "yellow"}, htmx=True).get_data(as_text=True)
        assert "已处理" in body
        sanction = Sanction.get()
        assert sanction.kind == "yellow" and sanction.unit_id == world.other_shop.id and "议而不决" in sanction.reason
        response = office.post(f"/veto/watchlist/supervision/{task.source_id}", {"kind": "yellow"}, htmx=True)
        assert "该事项已作出处理" in response.get_data(as_text=True) and Sanction.select().count() == 1
    assert login_as("unit_head").get("/veto/watchlist").status_code == 403


# -- responsibility investigation --------------------------------------------------------------------

def test_accountability_needs_a_confirmed_veto_and_prints_a_notice(app, login_as, world, proposed, tmp_path):
    office = login_as("office")
    data = {"measure": "admonition", "decided_on": "2026-11-20", "decision": "对主要负责人诫勉谈话",
            "name_1": "乙经理", "post_1": "经理"}
    response = office.post(f"/veto/accountability/new?veto={proposed.id}", data)
    assert response.status_code == 422 and "只能对已确认的一票否决" in response.get_data(as_text=True)
    step(app, proposed, "confirm", world.user("leader"))
    response = office.post(f"/veto/accountability/new?veto={proposed.id}", {**data, "name_1": ""})
    assert "请至少填写一名被查究责任人" in response.get_data(as_text=True)
    response = office.post(f"/veto/accountability/new?veto={proposed.id}", data)
    assert response.status_code == 302
    record_id = int(response.headers["Location"].rsplit("/", 1)[1])
    pdf = login_as("unit_head").get(f"/veto/accountability/{record_id}/notice.pdf")
    assert pdf.status_code == 200
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for part in ("领导责任查究的决定", "测试商店", "乙经理", "诫勉谈话", "一票否决"):
        assert part in text
    other_head = login_as(world.user("unit_head", unit=world.other_shop))
    assert other_head.get(f"/veto/accountability/{record_id}/notice.pdf").status_code == 404


# -- pages and scoping --------------------------------------------------------------------------------

def test_unit_head_sees_own_vetoes_and_appeals_through_the_page(app, login_as, world, proposed):
    with app.app_context():
        other = sv.propose(unit=world.other_shop, year=2026, trigger="other", occurred_on=TODAY, description="界外",
                           user=world.user("office"))
    step(app, proposed, "confirm", world.user("leader"), day=clock.today())
    head = login_as("unit_head")
    body = head.get("/veto/?year=2026").get_data(as_text=True)
    assert "测试商店" in body and "界外基层单位乙" not in body
    assert head.get(f"/veto/{other.id}").status_code == 404
    assert "一票否决" in head.get(f"/units/{world.shop.id}").get_data(as_text=True)
    veto = VetoEvent.get_by_id(proposed.id)
    response = head.post(f"/veto/{veto.id}/appeal", {"reason": "", "version": veto.version}, htmx=True)
    assert response.status_code == 422 and "请填写申诉的理由" in response.get_data(as_text=True)
    response = head.post(f"/veto/{veto.id}/appeal", {"reason": "请求复核", "version": veto.version}, htmx=True)
    assert response.status_code == 200 and "申诉中" in response.get_data(as_text=True)
    assert "agreementsChanged" in response.headers["HX-Trigger"]


def test_sanction_form_and_withdraw(login_as, world):
    office = login_as("office")
    office.post("/veto/sanctions", {"unit": world.shop.id, "kind": "listed", "reason": "安全隐患整改不力"})
    sanction = Sanction.get()
    assert sanction.kind == "listed"
    office.post(f"/veto/sanctions/{sanction.id}/withdraw", {"reason": ""})
    assert Sanction.get_by_id(sanction.id).state == "active"
    office.post(f"/veto/sanctions/{sanction.id}/withdraw", {"reason": "已整改到位"})
    assert Sanction.get_by_id(sanction.id).state == "withdrawn"
    assert login_as("unit_head").post("/veto/sanctions", {"unit": world.shop.id, "kind": "yellow",
                                                          "reason": "x"}).status_code == 403


def test_leaders_find_vetoes_to_confirm_and_appeals_to_hear_in_their_todo(app, login_as, world, proposed):
    body = login_as("leader").get("/todo").get_data(as_text=True)
    assert "确认一票否决" in body and "改制下岗职工集体上访" in body
    assert "确认一票否决" not in login_as("office").get("/todo").get_data(as_text=True)
    step(app, proposed, "confirm", world.user("leader"), day=clock.today())
    step(app, proposed, "appeal", world.user("unit_head"), "请求复核", day=clock.today())
    assert "审理申诉" in login_as("leader").get("/todo").get_data(as_text=True)


# -- the workflow's own guards, a page's version, lists in SQL (issue #12) --------------------------------

def test_a_confirmed_veto_is_withdrawn_by_a_leader_only(app, world, proposed):
    veto = step(app, proposed, "confirm", world.user("leader"))
    with app.app_context():
        assert sv.refusal("withdraw", world.user("office"), veto) == "已确认的一票否决只能由局领导撤回。"
    with pytest.raises(RuleError, match="只能由局领导撤回"):
        step(app, veto, "withdraw", world.user("office"), "误报")
    assert step(app, veto, "withdraw", world.user("leader"), "经复核不属实").state == "withdrawn"
    denied = AuditLog.get(AuditLog.object_type == "veto", AuditLog.action == "denied")
    assert denied.summary == "撤回未执行：已确认的一票否决只能由局领导撤回。"


@pytest.mark.parametrize("version", ["", "x", "1" * 30, None])
def test_a_missing_or_malformed_version_is_a_stale_page(app, login_as, world, proposed, version):
    form = {"reason": "事实清楚"} | ({} if version is None else {"version": version})
    response = login_as("leader").post(f"/veto/{proposed.id}/confirm", form, htmx=True)
    assert response.status_code == 422 and "页面已过期" in response.get_data(as_text=True)
    assert VetoEvent.get_by_id(proposed.id).state == "proposed"


def _fill(app, world, first, count):
    """`count` more vetoes, sanctions and investigations, for units of their own."""
    from portal.units.services import create_unit

    office = world.user("office")
    with app.app_context(), clock.frozen(at(TODAY)):
        for k in range(first, first + count):
            unit = create_unit(name=f"测试单位{k:02d}", code=f"T-V{k:02d}", kind="grassroots", parent=world.branch)
            veto = sv.propose(unit=unit, year=2026, trigger="other", occurred_on=TODAY, description="测试", user=office)
            sanction = sv.issue_sanction(unit=unit, kind="criticism", reason="测试", user=office, year=2026)
            if k % 2:
                veto = sv.act(veto, "confirm", world.user("leader"), "确认", veto.version)
                sv.record_accountability(veto=veto, persons=[{"name": "甲"}], measure="admonition", decided_on=TODAY,
                                         decision="诫勉谈话", follow_up="", user=office)
            else:
                sv.record_accountability(sanction=sanction, persons=[{"name": "乙"}], measure="admonition",
                                         decided_on=TODAY, decision="诫勉谈话", follow_up="", user=office)
            supervision.supervise("task", unit=unit, title=f"交办事项{k}", assigned_by=office, start_date=TODAY,
                                  due_date=TODAY + datetime.timedelta(days=1))


@pytest.mark.parametrize("role,url", [("office", "/veto/?year=2026"), ("office", "/veto/?year=2026&state=confirmed"),
                                      ("office", "/veto/watchlist"), ("leader", "/todo")])
def test_veto_lists_do_not_query_per_row(app, login_as, world, count_queries, role, url):
    world.user("leader")
    counts = []
    for first, count in ((0, 3), (3, 27)):  # 3 of each, then 30
        _fill(app, world, first, count)
        if len(counts) == 0:  # one watch-list entry already sanctioned
            with app.app_context(), clock.frozen(at(TODAY + datetime.timedelta(days=5))):
                item = SupervisedItem.get(SupervisedItem.title == "交办事项0")
                sv.sanction_candidate("supervision", item.id, "yellow", world.user("office"))
        client = login_as(role)
        with clock.frozen(at(TODAY + datetime.timedelta(days=5))), count_queries() as q:
            body = client.get(url).get_data(as_text=True)
        assert "测试单位02" in body
        counts.append(q.count)
    assert VetoEvent.select().count() == 30 and counts[0] == counts[1], counts


def test_each_list_of_the_overview_pages_on_its_own(app, login_as, world):
    app.config["PAGE_SIZE"] = 2
    _fill(app, world, 0, 3)
    office = login_as("office")
    body = office.get("/veto/?year=2026", htmx=True).get_data(as_text=True)
    assert body.count("第 1 / 2 页") == 3 and "测试单位02" in body and "测试单位00" not in body.split("通报批评")[0]
    body = office.get("/veto/?year=2026&sanctions_page=2", htmx=True).get_data(as_text=True)
    vetoes, sanctions = body.split("通报批评、黄牌警告、挂牌督办")[0], body.split("通报批评、黄牌警告、挂牌督办")[1].split("领导责任查究")[0]
    assert "测试单位02" in vetoes and "测试单位00" in sanctions and "测试单位02" not in sanctions
    assert "vetoes_page=2" in vetoes and "sanctions_page=1" in sanctions and "year=2026" in sanctions
    with clock.frozen(at(TODAY + datetime.timedelta(days=5))):
        body = office.get("/veto/watchlist?page=2", htmx=True).get_data(as_text=True)
    assert "第 2 / 2 页" in body and body.count("inline-decide") == 1  # one row of three
