"""Letters and visits: the printables (交办单, 答复意见书, 不予受理告知书) and the yearly statistics."""
import datetime
import io
import re
import subprocess

import pytest

from portal import clock
from portal.models import PetitionCategory
from portal import privacy
from portal.petitions import services, stats
from portal.petitions.printing import ymd

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEADER_ID = privacy.with_check_digit("43010219800101123")


class Storage:
    def __init__(self, name, data):
        self.filename, self.stream = name, io.BytesIO(data)


def person(name, id_number="", phone="", leader=False):
    return services.PersonInput(name=name, id_number=id_number, phone=phone, is_leader=leader)


@pytest.fixture
def ledger(app, world):
    """2026 seen from 2026-12-20, plus one case of 2025 answered late in January 2026:
    A  group of 6, accepted, replied and visited in time, closed
    B  accepted late and replied late (backlog from 03-21), visited late, basically satisfied
    C  not accepted, in time
    D  assigned to the other branch, past its reply date unanswered (backlog from 08-05)
    E  only registered; the same ID number as A's representative, so a repeat of A
    G  replied in time, follow-up visit overdue
    P  2025: backlog since 2025-12-05, replied 2026-01-20"""
    clock.set_frozen(datetime.datetime(2026, 12, 20, 2, 0))
    office = world.user("office")
    cat = {c.name: c for c in PetitionCategory.select()}
    cases = {}

    def case(key, received, channel, people, category, unit=None, headcount=1, title=None):
        p, _ = services.register(received_on=received, channel=channel, headcount=headcount, concerned_unit=unit,
                                 category=cat[category], title=title or f"事项{key}", request=f"{key}的诉求",
                                 persons=people, user=office)
        cases[key] = p
        return p

    def handle(p, accepted, assigned, unit, replied=None, text="答复意见"):
        p = services.accept(p, office, on=accepted, note="")
        p = services.assign(p, office, unit=unit, handler_name="王承办", on=assigned)
        if replied:
            p = services.reply(p, office, on=replied, text=text, document=Storage("答复.pdf", PDF))
        return p

    with app.app_context():
        p = case("P", D(2025, 10, 1), "letter", [person("钱七")], "养老保险", world.shop)
        cases["P"] = handle(p, D(2025, 10, 5), D(2025, 10, 6), world.shop, D(2026, 1, 20))

        p = case("A", D(2026, 1, 10), "visit", [person("张三", LEADER_ID, "13812345678", leader=True), person("李四")],
                 "改制遗留", world.shop, headcount=6, title="原百货公司改制职工要求补缴养老保险问题")
        p = handle(p, D(2026, 1, 15), D(2026, 1, 16), world.shop, D(2026, 2, 20),
                   text="经核实，已协调社保部门为你们补缴。\n请于三月底前到社保大厅办理。")
        p = services.visit(p, office, on=D(2026, 3, 1), visitor="王承办", method="home", satisfaction="satisfied",
                           notes="")
        cases["A"] = services.close(p, office)

        p = case("B", D(2026, 3, 5), "letter", [person("赵五")], "拖欠工资", world.shop)
        p = handle(p, D(2026, 3, 25), D(2026, 3, 26), world.shop, D(2026, 6, 10))
        cases["B"] = services.visit(p, office, on=D(2026, 7, 1), visitor="王承办", method="phone", satisfaction="basic",
                                    notes="")

        p = case("C", D(2026, 5, 1), "online", [person("孙六")], "其他")
        cases["C"] = services.not_accept(p, office, on=D(2026, 5, 10), reason="所诉事项已由人民法院受理，依法应通过诉讼程序解决。")

        p = case("D", D(2026, 6, 1), "phone", [person("周八")], "养老保险", world.other_shop)
        cases["D"] = handle(p, D(2026, 6, 5), D(2026, 6, 6), world.other_shop)

        case("E", D(2026, 12, 15), "visit", [person("张三", LEADER_ID)], "改制遗留", world.shop)

        p = case("G", D(2026, 7, 1), "letter", [person("吴九")], "拖欠工资", world.shop)
        cases["G"] = handle(p, D(2026, 7, 2), D(2026, 7, 3), world.shop, D(2026, 7, 20))

        t1 = services.create_task(source="npc", ref_number="建议1号", title="关于改制职工社保的建议", content="",
                                  received_on=D(2026, 3, 1), due_date=D(2026, 3, 31), unit=world.shop, user=office)
        services.reply_task(t1, office, on=D(2026, 3, 20), text="已答复", document=Storage("答复.pdf", PDF))
        t2 = services.create_task(source="cppcc", ref_number="提案2号", title="关于农贸市场的提案", content="",
                                  received_on=D(2026, 4, 1), due_date=D(2026, 4, 30), unit=world.other_shop,
                                  user=office)
        services.reply_task(t2, office, on=D(2026, 5, 10), text="已答复", document=Storage("答复.pdf", PDF))
        services.create_task(source="county_leader", ref_number="", title="年底走访慰问", content="",
                             received_on=D(2026, 12, 10), due_date=D(2027, 1, 10), unit=world.shop, user=office)
        cases = {k: type(p).get_by_id(p.id) for k, p in cases.items()}
    return cases


def pdf_text(data, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)  # table cells and justified lines wrap anywhere


def test_issue_dates_use_arabic_numerals_without_leading_zeros():
    assert ymd(D(2026, 3, 5)) == "2026年3月5日"
    assert ymd(D(2030, 10, 20)) == "2030年10月20日"


def test_handling_slip_names_unit_number_and_due_date_with_masked_ids(ledger, login_as, world, tmp_path):
    a = ledger["A"]
    assert a.number == "2026-0001" and a.reply_due == D(2026, 3, 16)
    response = login_as("unit_clerk").get(f"/petitions/{a.id}/slip.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    for part in ("测试商务局", "信访事项交办单", "2026-0001", "测试商店", "王承办", "来访", "6人（群体访）", "改制遗留",
                 "张三（代表）", privacy.mask_id(LEADER_ID), "138****5678", "李四",
                 "请于2026年3月16日前办结并书面答复信访人，同时将答复意见书报送测试商务局。", "节假日不另行扣除",
                 "交办机关测试商务局（盖章）", "交办日期2026年1月16日", "签收人（签字）"):
        assert part in text, part
    assert LEADER_ID not in text and "13812345678" not in text and "信访办" not in text
    assert re.search(r"—1—", text)


def test_reply_opinion_has_the_reply_and_the_review_right(ledger, login_as, tmp_path):
    text = pdf_text(login_as("unit_clerk").get(f"/petitions/{ledger['A'].id}/reply.pdf").data, tmp_path)
    for part in ("信访编号：2026-0001", "信访事项处理（答复）意见书", "张三（等6人）：",
                 "你们于2026年1月10日反映的“原百货公司改制职工要求补缴养老保险”问题，现答复如下：",
                 "经核实，已协调社保部门为你们补缴。", "请于三月底前到社保大厅办理。",
                 "如对本答复意见不服，可自收到本意见书之日起30日内向测试商务局提出复查申请。",
                 "测试行办2026年2月20日"):
        assert part in text, part
    # Issued by the deciding body over the shop (测试行办), not by the grassroots shop itself.
    assert LEADER_ID not in text and "测试商店" not in text


def test_not_accepted_notice(ledger, login_as, tmp_path):
    office = login_as("office")
    text = pdf_text(office.get(f"/petitions/{ledger['C'].id}/notice.pdf").data, tmp_path)
    for part in ("不予受理告知书", "孙六：", "你于2026年5月1日反映的“事项C”问题", "所诉事项已由人民法院受理",
                 "测试商务局", "2026年5月10日"):
        assert part in text, part


def test_printables_exist_only_at_their_stage(ledger, login_as):
    office = login_as("office")
    assert office.get(f"/petitions/{ledger['D'].id}/slip.pdf").status_code == 200
    assert office.get(f"/petitions/{ledger['D'].id}/reply.pdf").status_code == 302  # not replied yet
    assert office.get(f"/petitions/{ledger['E'].id}/slip.pdf").status_code == 302  # not assigned yet
    assert office.get(f"/petitions/{ledger['A'].id}/notice.pdf").status_code == 302  # accepted
    assert office.get(f"/petitions/{ledger['C'].id}/reply.pdf").status_code == 302
    refused = office.get(f"/petitions/{ledger['D'].id}/reply.pdf", follow_redirects=True).get_data(as_text=True)
    assert "尚未书面答复，还没有答复意见书" in refused
    assert office.get("/petitions/999999/slip.pdf").status_code == 404


def test_printables_are_scoped_to_the_handling_unit(ledger, login_as, world):
    other = login_as(world.user("unit_clerk", unit=world.other_shop))
    assert other.get(f"/petitions/{ledger['A'].id}/slip.pdf").status_code == 404
    assert other.get(f"/petitions/{ledger['A'].id}/reply.pdf").status_code == 404
    assert other.get(f"/petitions/{ledger['D'].id}/slip.pdf").status_code == 200
    clerk = login_as("unit_clerk")
    assert clerk.get(f"/petitions/{ledger['D'].id}/slip.pdf").status_code == 404
    assert clerk.get(f"/petitions/{ledger['C'].id}/notice.pdf").status_code == 404  # never assigned: bureau only


def test_year_stats_for_the_bureau(app, ledger, world):
    with app.app_context():
        s = stats.year_stats(world.user("office"), 2026)
    assert s.total == 6
    assert [n for _, _, n in s.by_month] == [1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1]
    assert {name: n for _, name, n in s.by_category if n} == {"改制遗留": 2, "拖欠工资": 2, "其他": 1, "养老保险": 1}
    assert {name: n for _, name, n in s.by_channel} == {"来信": 2, "来访": 2, "网上": 1, "电话": 1, "上级转送": 0}
    assert [(name, n) for _, name, n in s.by_unit] == [("测试商店", 4), ("界外基层单位乙", 1), ("未指明单位", 1)]
    assert (s.groups, s.group_people, s.repeats, s.escalated) == (1, 6, 1, 0)
    assert s.timely_accept == (4, 5)  # B accepted after its 15 days
    assert s.reply_on_time == (2, 4)  # B replied late, D overdue unanswered
    assert str(s.reply_on_time) == "50%"
    assert s.visited == (2, 3) and s.visit_on_time == (1, 3)  # B visited late, G not visited yet
    assert s.satisfied == (2, 2) and str(s.satisfied) == "100%"
    assert (s.backlog_opened, s.backlog_resolved) == (2, 2)  # B and D opened; B and last year's P resolved
    assert (s.tasks, s.tasks_replied, s.task_on_time) == (3, 2, (1, 2))


def test_year_stats_of_the_previous_year(app, ledger, world):
    with app.app_context():
        s = stats.year_stats(world.user("office"), 2025)
    assert s.total == 1 and (s.backlog_opened, s.backlog_resolved) == (1, 0)
    assert s.reply_on_time == (0, 1) and str(s.timely_accept) == "100%"
    assert str(stats.Rate(0, 0)) == "—" and str(stats.Rate(2, 3)) == "66.7%"


def test_year_stats_of_a_unit_cover_its_own_cases(app, ledger, world):
    with app.app_context():
        s = stats.year_stats(world.user("unit_clerk"), 2026)
    assert s.total == 3 and [(name, n) for _, name, n in s.by_unit] == [("测试商店", 3)]
    assert s.timely_accept == (2, 3) and s.reply_on_time == (2, 3)
    assert (s.backlog_opened, s.backlog_resolved) == (1, 2)
    assert (s.tasks, s.tasks_replied, s.task_on_time) == (2, 1, (1, 1))
    with app.app_context():
        other = stats.year_stats(world.user("unit_head", unit=world.other_shop), 2026)
    assert other.total == 1 and other.reply_on_time == (0, 1) and other.backlog_opened == 1


def test_stats_page_and_dashboard_card(ledger, login_as, world):
    office = login_as("office")
    body = office.get("/petitions/stats?year=2026").get_data(as_text=True)
    assert "2026年度信访统计" in body and "<svg" in body
    for part in ("及时受理率", "4 / 5", "80%", "按期答复率", "2 / 4", "50%", "满意率", "100%", "界外基层单位乙",
                 "/petitions/?year=2026&amp;month=3"):
        assert part in body, part
    assert "style=" not in body  # the CSP allows no inline styles
    assert "2025年度信访统计" in office.get("/petitions/stats?year=2025").get_data(as_text=True)
    assert "2026年度信访统计" in office.get("/petitions/stats?year=abc").get_data(as_text=True)
    empty = office.get("/petitions/stats?year=2030").get_data(as_text=True)
    assert "2030年度信访统计" in empty and "0 / 0" in empty and "—" in empty
    dashboard = office.get("/").get_data(as_text=True)
    assert "2026年度信访" in dashboard and "群体访 1 起 6 人次，在办积案 1 件" in dashboard

    clerk_body = login_as("unit_clerk").get("/petitions/stats?year=2026").get_data(as_text=True)
    assert "界外基层单位乙" not in clerk_body and "2 / 3" in clerk_body
    assert "在办积案 0 件" in login_as("unit_clerk").get("/").get_data(as_text=True)

    informant = login_as(world.user("informant", unit=world.branch))
    assert informant.get("/petitions/stats").status_code == 403
    assert "年度信访" not in informant.get("/").get_data(as_text=True)


def test_the_slip_marks_a_representative_only_on_a_group_petition(ledger, login_as, app, tmp_path):
    from portal.models import Petitioner

    b = ledger["B"]
    with app.app_context():
        Petitioner.update(is_leader=True).where(Petitioner.petition == b.id).execute()
    text = pdf_text(login_as("office").get(f"/petitions/{b.id}/slip.pdf").data, tmp_path)
    assert "赵五" in text and "（代表）" not in text


def test_the_unit_prints_the_reply_to_stamp_before_uploading_its_scan(ledger, login_as, app, world, tmp_path):
    d = ledger["D"]
    assert d.state in ("assigned", "handling") and d.replied_on is None
    clerk = login_as(world.user("unit_clerk", unit=world.other_shop))
    page = clerk.get(f"/petitions/{d.id}").get_data(as_text=True)
    assert f"/petitions/{d.id}/reply-draft.pdf" in page and "data-native-submit" in page
    response = clerk.post(f"/petitions/{d.id}/reply-draft.pdf",
                          {"note": "经核实，已为你补办社保转移手续。", "on": "2026-06-20", "version": str(d.version)})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    for part in ("信访事项处理（答复）意见书", "经核实，已为你补办社保转移手续。", "界外总公司", "2026年6月20日",
                 "向测试商务局提出复查申请"):
        assert part in text, part
    with app.app_context():
        unchanged = type(d).get_by_id(d.id)
        assert unchanged.state == d.state and unchanged.reply_text == "" and unchanged.replied_on is None
    # Nothing typed: nothing to print; someone who may not reply: refused.
    assert clerk.post(f"/petitions/{d.id}/reply-draft.pdf", {"note": " "}).status_code == 302
    other = login_as("unit_clerk")
    assert other.post(f"/petitions/{d.id}/reply-draft.pdf", {"note": "x"}).status_code in (302, 404)
