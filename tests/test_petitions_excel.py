"""Letters and visits in Excel: ledger and task exports (masked for every role, scoped), and the import of
an earlier ledger: preview with row-numbered reasons, all-or-nothing commit, round trip of our own export."""
import datetime
import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from portal import clock
from portal.models import AuditLog, Petition, PetitionCategory, Petitioner, PetitionVisit, SupervisedItem
from portal import privacy
from portal.petitions import services as sv
from portal.petitions.exchange import LEDGER_HEADERS, TASK_HEADERS

NOW = datetime.datetime(2026, 6, 30, 2, 0)  # 10:00 in Asia/Shanghai
D = datetime.date
ID_ZHANG = privacy.with_check_digit("11010519800101001")
BAD_ID = ID_ZHANG[:17] + ("1" if ID_ZHANG[17] != "1" else "2")
PHONE_ZHANG = "13800001234"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Storage:
    def __init__(self, name, data):
        self.filename, self.stream = name, io.BytesIO(data)


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.set_frozen(NOW)  # before any login: sessions and dates share one "now"


def person(name, id_number="", phone="", leader=False):
    return sv.PersonInput(name=name, id_number=id_number, phone=phone, is_leader=leader)


def category(name="拖欠工资"):
    return PetitionCategory.get(PetitionCategory.name == name)


@pytest.fixture
def cases(app, world):
    """A: closed after a satisfied visit (branch's shop); B: a group case assigned to the other branch, past its
    reply limit; C: registered only, past its acceptance limit, request starting like a formula; D: a repeat of A."""
    office, clerk = world.user("office"), world.user("unit_clerk")
    with app.app_context():
        a, _ = sv.register(received_on=D(2026, 3, 2), channel="visit", headcount=2, concerned_unit=world.shop,
                           category=category(), title="反映工资拖欠", request="要求补发工资", user=office,
                           persons=[person("张三", ID_ZHANG, PHONE_ZHANG), person("李四")])
        a = sv.accept(a, office, on=D(2026, 3, 5), note="")
        a = sv.assign(a, office, unit=world.shop, handler_name="王五", on=D(2026, 3, 6))
        a = sv.start(a, clerk)
        a = sv.reply(a, clerk, on=D(2026, 4, 20), text="已协调补发", document=Storage("答复.pdf", PDF))
        a = sv.visit(a, office, on=D(2026, 5, 6), visitor="赵六", method="phone", satisfaction="satisfied", notes="")
        sv.close(a, office)
        b, _ = sv.register(received_on=D(2026, 3, 8), channel="letter", headcount=6, concerned_unit=world.other_shop,
                           category=category("养老保险"), title="集体反映养老保险", request="要求续缴养老保险",
                           user=office, escalated=True, persons=[person("钱七", leader=True), person("孙八")])
        b = sv.accept(b, office, on=D(2026, 3, 10), note="")
        sv.assign(b, office, unit=world.other_shop, handler_name="周九", on=D(2026, 3, 11))
        sv.register(received_on=D(2026, 1, 5), channel="online", headcount=1, concerned_unit=None,
                    category=category("其他"), title="咨询政策", request="=要求答复政策依据", user=office,
                    persons=[person("吴十")])
        sv.register(received_on=D(2026, 6, 1), channel="phone", headcount=1, concerned_unit=None,
                    category=category(), title="再次反映工资", request="要求尽快补发", user=office,
                    persons=[person("张三", ID_ZHANG)])
    return {p.title: p for p in Petition.select()}


def sheet(data):
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return ws, rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def ledger(*rows, headers=LEDGER_HEADERS):
    """A workbook in the ledger's columns; each row a dict of the cells that are not empty."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(**cells):
    base = {"登记日期": D(2025, 3, 2), "信访方式": "来访", "信访人": "张三", "人数": 1, "问题类别": "拖欠工资",
            "事项摘要": "反映工资拖欠", "信访诉求": "要求补发工资"}
    return base | cells


def upload(client, data):
    return client.post("/petitions/import", {"file": (io.BytesIO(data), "台账.xlsx")}, content_type="multipart/form-data")


def commit(client, preview_body):
    token = re.search(r"/petitions/import/([0-9a-f]{32})/commit", preview_body).group(1)
    return client.post(f"/petitions/import/{token}/commit", follow_redirects=True)


# -- exports -----------------------------------------------------------------------------------------

def test_ledger_export_columns_dates_and_masking(login_as, cases):
    response = login_as("office").get("/petitions/export.xlsx?year=2026")
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    ws, headers, rows = sheet(response.data)
    assert list(headers) == LEDGER_HEADERS
    by_title = {r["事项摘要"]: r for r in rows}
    assert set(by_title) == set(cases)
    a = by_title["反映工资拖欠"]
    assert a["信访人"] == "张三、李四" and a["人数"] == 2 and a["群体/个体"] == "个体"
    assert a["身份证号"] == privacy.mask_id(ID_ZHANG) + "、" and a["联系电话"] == privacy.mask_phone(PHONE_ZHANG) + "、"
    assert (a["涉及单位"], a["承办单位"], a["承办人"], a["问题类别"]) == ("测试商店", "测试商店", "王五", "拖欠工资")
    assert (a["回访日期"].date(), a["满意度"], a["办理状态"], a["积案"]) == (D(2026, 5, 6), "满意", "已办结", "否")
    assert a["答复期限"].date() == D(2026, 5, 4) and a["答复日期"].date() == D(2026, 4, 20)
    date_cell = ws.cell(row=rows.index(a) + 2, column=LEDGER_HEADERS.index("登记日期") + 1)
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    b, c, d = by_title["集体反映养老保险"], by_title["咨询政策"], by_title["再次反映工资"]
    assert (b["群体/个体"], b["越级访"], b["积案"], b["身份证号"]) == ("群体", "是", "是", None)
    assert c["积案"] == "是" and c["信访诉求"] == "'=要求答复政策依据"  # no formula runs in Excel
    assert d["重复信访(原编号)"] == cases["反映工资拖欠"].number
    everything = repr(rows)
    assert ID_ZHANG not in everything and PHONE_ZHANG not in everything


def test_ledger_export_is_scoped_to_the_users_subtree(login_as, world, cases):
    head = login_as(world.user("unit_head", unit=world.branch))
    _, _, rows = sheet(head.get("/petitions/export.xlsx?year=2026").data)
    assert [r["事项摘要"] for r in rows] == ["反映工资拖欠"]
    assert rows[0]["身份证号"].startswith(privacy.mask_id(ID_ZHANG))
    _, _, rows = sheet(login_as("office").get("/petitions/export.xlsx?year=2025").data)
    assert rows == []


def test_task_export_scoped_with_on_time_column(app, login_as, world):
    office, clerk = world.user("office"), world.user("unit_clerk")
    with app.app_context():
        on_time = sv.create_task(source="npc", ref_number="建议第 12 号", title="关于农贸市场改造的建议", content="",
                                 received_on=D(2026, 3, 1), due_date=D(2026, 5, 31), unit=world.shop, user=office)
        sv.reply_task(on_time, clerk, on=D(2026, 5, 20), text="已答复", document=Storage("答复.pdf", PDF))
        sv.create_task(source="cppcc", ref_number="提案第 3 号", title="关于老旧商铺的提案", content="",
                       received_on=D(2026, 3, 1), due_date=D(2026, 6, 1), unit=world.other_shop, user=office)
        sv.create_task(source="county_leader", ref_number="", title="县领导批示件", content="",
                       received_on=D(2026, 6, 20), due_date=D(2026, 7, 20), unit=world.shop, user=office)
    _, headers, rows = sheet(login_as("office").get("/petitions/tasks/export.xlsx?year=2026").data)
    assert list(headers) == TASK_HEADERS
    assert [(r["事项"], r["来源"], r["承办单位"], r["是否按期"], r["状态"]) for r in rows] == [
        ("关于农贸市场改造的建议", "人大代表建议", "测试商店", "是", "已答复"),
        ("关于老旧商铺的提案", "政协提案", "界外基层单位乙", "否", "办理中"),
        ("县领导批示件", "县领导交办", "测试商店", "未到期", "办理中")]
    assert rows[0]["办理期限"].date() == D(2026, 5, 31) and rows[0]["答复日期"].date() == D(2026, 5, 20)
    _, _, rows = sheet(login_as("unit_clerk").get("/petitions/tasks/export.xlsx").data)
    assert [r["事项"] for r in rows] == ["关于农贸市场改造的建议", "县领导批示件"]
    _, _, rows = sheet(login_as("office").get("/petitions/tasks/export.xlsx?year=2025").data)
    assert rows == []


# -- import ------------------------------------------------------------------------------------------

def test_round_trip_of_our_own_export(app, login_as, cases):
    """The export, its numbers cleared, imports back as the same ledger (less the masked personal data)."""
    office = login_as("office")
    original = office.get("/petitions/export.xlsx?year=2026").data
    wb = load_workbook(io.BytesIO(original))
    for r in range(2, wb.active.max_row + 1):
        wb.active.cell(row=r, column=LEDGER_HEADERS.index("信访编号") + 1).value = None
    out = io.BytesIO()
    wb.save(out)
    items, audits = SupervisedItem.select().count(), AuditLog.select().where(AuditLog.action == "import").count()

    body = upload(office, out.getvalue()).get_data(as_text=True)
    assert "将新增 4 件，拒绝 0 行" in body and "身份证号已脱敏（含 *），按空白导入" in body
    assert Petition.select().count() == 4  # nothing is written before the confirmation
    assert "已导入 4 件信访事项" in commit(office, body).get_data(as_text=True)

    imported = {p.title: p for p in Petition.select().where(Petition.imported == True)}  # noqa: E712
    assert sorted(p.number for p in imported.values()) == ["2026-0005", "2026-0006", "2026-0007", "2026-0008"]
    assert {t: p.state for t, p in imported.items()} == {"反映工资拖欠": "closed", "集体反映养老保险": "handling",
                                                         "咨询政策": "registered", "再次反映工资": "registered"}
    assert imported["咨询政策"].request == "=要求答复政策依据"
    assert imported["再次反映工资"].repeat_of_id == cases["反映工资拖欠"].id
    people = list(imported["集体反映养老保险"].petitioners.order_by(Petitioner.seq))
    assert [(x.name, x.is_leader) for x in people] == [("钱七", True), ("孙八", False)]
    assert [x.id_number for x in imported["反映工资拖欠"].petitioners] == ["", ""]
    visit = imported["反映工资拖欠"].visits.get()
    assert (visit.visitor, visit.method, visit.satisfaction) == ("导入", "phone", "satisfied")
    assert SupervisedItem.select().count() == items  # history is not supervised
    assert AuditLog.select().where(AuditLog.action == "import").count() == audits + 4

    _, _, rows = sheet(office.get("/petitions/export.xlsx?year=2026").data)
    by_number = {r["信访编号"]: r for r in rows}
    kept = [h for h in LEDGER_HEADERS if h not in ("序号", "信访编号", "身份证号", "联系电话", "办理状态")]
    for title, p in imported.items():
        before, after = by_number[cases[title].number], by_number[p.number]
        assert {h: after[h] for h in kept} == {h: before[h] for h in kept}, title
    # An assigned case comes back as being handled: the ledger does not record the signing.
    assert by_number[imported["集体反映养老保险"].number]["办理状态"] == "办理中"


def test_states_and_clocks_derived_from_the_dates(app, login_as, world):
    office = login_as("office")
    data = ledger(row(信访编号="2025-0001", 事项摘要="只登记"),
                  row(受理日期=D(2025, 3, 3), 事项摘要="已受理"),
                  row(受理日期=D(2025, 3, 3), 承办单位="测试商店", 承办人="王五", 事项摘要="已交办"),
                  row(受理日期=D(2025, 3, 3), 承办单位="测试商店", 答复日期="2025/4/1", 事项摘要="已答复"),
                  row(受理日期=D(2025, 3, 3), 答复日期=D(2025, 4, 1), 回访日期=D(2025, 4, 10), 满意度="基本满意",
                      事项摘要="已办结"),
                  row(受理日期=D(2025, 3, 3), 答复日期=D(2025, 4, 1), 回访日期=D(2025, 4, 10), 满意度="不满意",
                      事项摘要="回访不满意"),
                  row(信访人="甲、乙", 人数=6, 事项摘要="群体访"))
    body = upload(office, data).get_data(as_text=True)
    assert "将新增 7 件，拒绝 0 行" in body
    commit(office, body)
    p = {x.title: x for x in Petition.select()}
    assert {t: x.state for t, x in p.items()} == {"只登记": "registered", "已受理": "accepted", "已交办": "handling",
                                                  "已答复": "replied", "已办结": "closed", "回访不满意": "handling",
                                                  "群体访": "registered"}
    assert p["只登记"].number == "2025-0001" and p["已受理"].number == "2025-0002"
    assert p["只登记"].accept_due == D(2025, 3, 17) and p["已受理"].reply_due == D(2025, 5, 2)
    assert p["已答复"].visit_due == D(2025, 4, 16) and p["已交办"].unit_id == world.shop.id
    assert p["已办结"].closed_on == D(2025, 4, 10)
    reopened = p["回访不满意"]  # as a visit reopens a case: a new reply owed from the visit
    assert (reopened.replied_on, reopened.reply_due) == (None, D(2025, 5, 10))
    assert reopened.visits.get().notes == "原答复日期 2025-04-01"
    assert p["群体访"].is_group and [x.is_leader for x in p["群体访"].petitioners.order_by(Petitioner.seq)] == [True, False]
    assert PetitionVisit.select().count() == 2 and all(x.imported for x in p.values())


@pytest.mark.parametrize("cells,reason", [
    ({"登记日期": None}, "请填写登记日期"),
    ({"登记日期": D(2026, 7, 1)}, "登记日期不能晚于今天"),
    ({"登记日期": "去年三月"}, "登记日期“去年三月”不是日期"),
    ({"受理日期": D(2025, 3, 1)}, "受理日期不能早于登记日期（2025-03-02）"),
    ({"受理日期": D(2025, 3, 3), "答复日期": D(2025, 3, 2)}, "答复日期不能早于受理日期"),
    ({"受理日期": D(2025, 3, 3), "答复日期": D(2025, 4, 1), "回访日期": D(2025, 3, 30), "满意度": "满意"},
     "回访日期不能早于答复日期"),
    ({"答复日期": D(2025, 4, 1)}, "有答复日期时须填写受理日期"),
    ({"信访方式": "微信"}, "信访方式“微信”应为来信、来访、网上、电话、上级转送之一"),
    ({"问题类别": "不存在的类别"}, "问题类别“不存在的类别”不存在或已停用"),
    ({"涉及单位": "测试商店（旧）"}, "涉及单位“测试商店（旧）”不存在"),
    ({"受理日期": D(2025, 3, 3), "承办单位": "无此单位"}, "承办单位“无此单位”不存在"),
    ({"人数": 0}, "人数“0”应为 1 到 100000 之间的整数"),
    ({"人数": "三人"}, "人数“三人”应为 1 到 100000 之间的整数"),
    ({"信访人": "甲、乙、丙", "人数": 2}, "人数（2）少于信访人个数（3）"),
    ({"身份证号": BAD_ID}, "校验位不正确"),
    ({"信访人": "甲、乙", "人数": 2, "身份证号": ID_ZHANG}, "身份证号有 1 个，信访人有 2 位"),
    ({"信访编号": "25-001"}, "信访编号“25-001”应为“登记年度-四位序号”"),
    ({"满意度": "满意"}, "回访日期和满意度须同时填写"),
    ({"受理日期": D(2025, 3, 3), "回访日期": D(2025, 4, 1), "满意度": "满意"}, "有回访日期时须填写答复日期"),
    ({"重复信访(原编号)": "2024-0001"}, "重复信访的原编号 2024-0001 既不在系统中，也不在本文件中"),
])
def test_a_rejected_row_is_reported_and_nothing_is_imported(login_as, cells, reason):
    office = login_as("office")
    body = upload(office, ledger(row(), row(**cells))).get_data(as_text=True)
    assert "拒绝 1 行" in body
    assert re.search(rf'<td class="num">第 3 行</td><td>[^<]*{re.escape(reason)}', body), body
    assert "disabled" in body  # the confirm button
    response = commit(office, body)
    assert "有 1 行被拒绝，未导入任何数据" in response.get_data(as_text=True)
    assert Petition.select().count() == 0 and Petitioner.select().count() == 0


def test_masked_ids_and_phones_come_in_empty_with_a_warning(login_as):
    office = login_as("office")
    body = upload(office, ledger(row(身份证号=privacy.mask_id(ID_ZHANG), 联系电话=privacy.mask_phone(PHONE_ZHANG)))
                  ).get_data(as_text=True)
    assert "将新增 1 件，拒绝 0 行，提示 2 条" in body
    assert "身份证号已脱敏（含 *），按空白导入" in body and "联系电话已脱敏（含 *），按空白导入" in body
    commit(office, body)
    person_ = Petitioner.get()
    assert (person_.name, person_.id_number, person_.phone) == ("张三", "", "")


def test_valid_ids_and_phones_are_kept_in_order(login_as):
    office = login_as("office")
    ids = "、".join(["", ID_ZHANG.lower()])
    commit(office, upload(office, ledger(row(信访人="李四、张三", 人数=2, 身份证号=ids, 联系电话="、" + PHONE_ZHANG)))
           .get_data(as_text=True))
    assert [(x.name, x.id_number, x.phone) for x in Petitioner.select().order_by(Petitioner.seq)] == [
        ("李四", "", ""), ("张三", ID_ZHANG, PHONE_ZHANG)]


def test_duplicate_numbers_are_rejected(login_as, cases):
    office = login_as("office")
    taken = cases["反映工资拖欠"].number
    body = upload(office, ledger(row(登记日期=D(2026, 3, 1), 信访编号=taken),
                                 row(登记日期=D(2026, 3, 1), 信访编号="2026-0100"),
                                 row(登记日期=D(2026, 3, 1), 信访编号="2026-0100"))).get_data(as_text=True)
    assert f"第 2 行</td><td>信访编号 {taken} 已导入过" in body
    assert "第 4 行</td><td>信访编号 2026-0100 与第 3 行重复" in body
    commit(office, body)
    assert Petition.select().count() == len(cases)


def test_repeats_link_to_the_first_case_within_the_file(login_as):
    office = login_as("office")
    commit(office, upload(office, ledger(row(信访编号="2025-0003", 登记日期=D(2025, 5, 1), **{"重复信访(原编号)": "2025-0002"}),
                                         row(信访编号="2025-0001", 登记日期=D(2025, 3, 1)),
                                         row(信访编号="2025-0002", 登记日期=D(2025, 4, 1), **{"重复信访(原编号)": "2025-0001"})))
           .get_data(as_text=True))
    p = {x.number: x for x in Petition.select()}
    assert p["2025-0003"].repeat_of_id == p["2025-0001"].id and p["2025-0002"].repeat_of_id == p["2025-0001"].id


def test_a_repeat_cannot_precede_its_original(login_as):
    office = login_as("office")
    body = upload(office, ledger(row(信访编号="2025-0001", 登记日期=D(2025, 5, 1), **{"重复信访(原编号)": "2025-0002"}),
                                 row(信访编号="2025-0002", 登记日期=D(2025, 6, 1)))).get_data(as_text=True)
    assert "第 2 行</td><td>原事项 2025-0002 的登记日期晚于本事项" in body


@pytest.mark.parametrize("data,message", [
    (b"this is not an excel file", "不是有效的 Excel"),
    (ledger(row(), headers=LEDGER_HEADERS[:-1] + ["备注"]), "表头应为：序号、信访编号、登记日期"),
])
def test_wrong_files_are_refused(login_as, data, message):
    response = login_as("office").post("/petitions/import", {"file": (io.BytesIO(data), "台账.xlsx")},
                                       content_type="multipart/form-data", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert Petition.select().count() == 0


def test_an_expired_preview_commits_nothing(login_as):
    office = login_as("office")
    response = office.post(f"/petitions/import/{'0' * 32}/commit", follow_redirects=True)
    assert "导入文件已失效，请重新上传" in response.get_data(as_text=True)


def test_the_template_has_the_columns_and_a_valid_example(login_as):
    office = login_as("office")
    data = office.get("/petitions/import/template.xlsx").data
    _, headers, rows = sheet(data)
    assert list(headers) == LEDGER_HEADERS and len(rows) == 1 and rows[0]["信访人"] == "张三"
    assert "将新增 1 件，拒绝 0 行" in upload(office, data).get_data(as_text=True)


@pytest.mark.parametrize("role", ["unit_clerk", "unit_head", "leader"])
def test_only_office_imports(login_as, role):
    client = login_as(role)
    assert client.get("/petitions/import").status_code == 403
    assert upload(client, ledger(row())).status_code == 403
    assert client.get("/petitions/import/template.xlsx").status_code == 403
    assert Petition.select().count() == 0


def test_the_import_page(login_as):
    body = login_as("office").get("/petitions/import").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body and "/petitions/import/template.xlsx" in body
