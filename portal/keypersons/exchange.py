"""Excel exchange and printables of the key-person register: the register export (ID numbers and phones
always masked), the figures workbook, the one-person archive (一人一档) PDF, and the import of an existing
register with a row-by-row preview, all or nothing, on the shared excel.Import."""
import datetime

from .. import audit, clock, excel, pdf, privacy
from ..access import can, in_scope
from ..excel import Column, Sheet
from ..models import Unit, User
from ..models.keypersons import LEVELS, SEXES, AssistanceRequest, CadreAssignment, KeyPersonVisit
from ..workflow import RuleError
from . import services, stats

DATE = "yyyy-mm-dd"
SEP = "、"


def _due(row):
    item = row[1]
    return item.due_date if item is not None else None


# Rows: (n, person, open visit item, [category names]).
REGISTER_COLUMNS = [
    Column("序号", lambda r: r[0], 6),
    Column("姓名", lambda r: r[1].name, 10),
    Column("性别", lambda r: r[1].sex_label, 6),
    Column("出生日期", lambda r: r[1].birth_date, 12, DATE),
    Column("身份证号", lambda r: privacy.mask_id(r[1].id_number), 22),  # always masked
    Column("联系电话", lambda r: privacy.mask_phone(r[1].phone), 16),
    Column("住址", lambda r: r[1].address, 24),
    Column("所在单位", lambda r: r[1].unit.name, 20),
    Column("人员类别", lambda r: SEP.join(r[3]), 24),
    Column("稳控级别", lambda r: r[1].level_label, 10),
    Column("定级理由", lambda r: r[1].level_reason, 30),
    Column("包保责任人", lambda r: r[1].cadre.display_name if r[1].cadre_id else "", 12),
    Column("上次走访", lambda r: r[1].last_visit_on, 12, DATE),
    Column("下次走访期限", lambda r: r[2].due_date if r[2] is not None else None, 14, DATE),
    Column("状态", lambda r: r[1].state_label, 8),
]


def export_register(query, filename):
    """The register of a query the caller scoped and filtered (services.listed), as a download."""
    people = list(query)
    cats = services.categories_of(p.id for p in people)
    rows = [(n, p, p.visit_item if getattr(p, "visit_item", None) is not None and p.visit_item.id else None,
             cats.get(p.id, [])) for n, p in enumerate(people, start=1)]
    return excel.response(filename, [Sheet("重点人员台账", REGISTER_COLUMNS, rows)])


def export_figures(user, year):
    f = stats.figures(user, year)
    level_columns = [Column(label, lambda r, k=key: r[1][k], 8) for key, label in LEVELS.items()]
    return excel.response(f"重点人员统计-{year}.xlsx", [
        Sheet("类别与级别", [Column("人员类别", lambda r: r[0].name, 18)] + level_columns
              + [Column("合计", lambda r: r[2], 8)], f["by_category"]),
        Sheet("诉求与帮扶", [Column("诉求类型", lambda r: r[0], 16), Column("提出", lambda r: r[1], 8),
                            Column("解决", lambda r: r[2], 8), Column("部分解决", lambda r: r[3], 10),
                            Column("不符合政策", lambda r: r[4], 10), Column("办理中", lambda r: r[5], 8),
                            Column("支付金额（元）", lambda r: r[6], 14, "#,##0.00")], f["requests"]),
        Sheet("走访与信访", [Column("指标", lambda r: r[0], 40), Column("数值", lambda r: r[1], 14)], [
            ("年度走访次数", f["visits_done"]), ("按期走访次数", f["visits_on_time"]),
            ("按期走访率（%）", f["on_time_rate"] if f["on_time_rate"] is not None else "—"),
            ("年度有信访登记的重点人员（人）", f["petitioned"])]
            + [(f"涉及{c.name}的群体访（起）", n) for c, n in f["group_petitions"]]),
    ])


# -- the one-person archive (一人一档) ----------------------------------------------------------------------

def ymd(d):
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def archive_pdf(person, user):
    """一人一档 in the official layout; personal numbers masked."""
    visits = list(person.visits.order_by(KeyPersonVisit.visited_on, KeyPersonVisit.id))
    requests = list(person.requests.order_by(AssistanceRequest.raised_on, AssistanceRequest.id))
    items = stats.request_items([r.id for r in requests])
    history = list(person.cadre_history.order_by(CadreAssignment.on, CadreAssignment.id))
    item = services.open_visit_item(person)
    return pdf.render("keypersons/pdf/archive.html", p=person, visits=visits,
                      requests=[(r, items.get(r.id)) for r in requests], cadre_history=history,
                      categories=services.categories_of([person.id]).get(person.id, []),
                      petitions=services.petitions_of(person, user), item=item,
                      bureau=Unit.get(Unit.parent.is_null()).name, today=clock.today(), ymd=ymd, levels=LEVELS,
                      id_masked=privacy.mask_id(person.id_number), phone_masked=privacy.mask_phone(person.phone))


# -- import ----------------------------------------------------------------------------------------------

IMPORT_HEADERS = ("姓名", "性别", "出生日期", "身份证号", "联系电话", "住址", "所在单位", "人员类别", "稳控级别",
                  "定级理由", "家庭情况", "收入情况", "健康状况", "包保责任人")


class RegisterImport(excel.Import):
    """An existing register (the template's columns): each row a person, checked like the form (ID check
    digits, duplicates in the file and on the register, units and cadres by name), all rows or none."""

    headers = IMPORT_HEADERS
    noun = "重点人员"

    def preview(self, token, *, user, **_):
        if not can("keypersons.manage", user):
            raise RuleError("只有股室工作人员可以导入重点人员台账。")
        units = {}
        for u in Unit.select().where(Unit.active == True):  # noqa: E712
            units.setdefault(u.name, []).append(u)
        cadres = {}
        for u in User.select().where(User.active == True):  # noqa: E712
            cadres.setdefault(u.display_name, []).append(u)
            cadres.setdefault(u.username, []).append(u)
        self.lookups = {"units": units, "cadres": cadres, "levels": {v: k for k, v in LEVELS.items()},
                        "sexes": {v: k for k, v in SEXES.items()},
                        "categories": {c.name: c for c in services.categories()}}
        return super().preview(token, user=user)

    def commit(self, token, actor, **context):
        return super().commit(token, actor, user=actor)

    def read_row(self, preview, line, cells, *, user):
        c = {h: v if h == "出生日期" else excel.cell_text(v) for h, v in cells.items()}
        problems = []
        lk = self.lookups
        birth = excel.cell_date(c["出生日期"], "出生日期", problems, "1960-03-08")
        found = lk["units"].get(c["所在单位"], [])
        unit = found[0] if len(found) == 1 else None
        if not c["所在单位"]:
            problems.append("缺少所在单位")
        elif unit is None:
            problems.append(f"所在单位“{c['所在单位']}”" + ("不存在（须与系统中的单位名称完全一致）" if not found else "有重名，无法确定"))
        names = [n.strip() for n in c["人员类别"].split(SEP) if n.strip()]
        cats = [lk["categories"][n] for n in names if n in lk["categories"]]
        unknown = [n for n in names if n not in lk["categories"]]
        if unknown:
            problems.append(f"人员类别“{'、'.join(unknown)}”不存在或已停用")
        level = lk["levels"].get(c["稳控级别"] or "稳定")
        if level is None:
            problems.append(f"稳控级别应为{'、'.join(LEVELS.values())}之一")
        sex = lk["sexes"].get(c["性别"], "") if c["性别"] else ""
        if c["性别"] and not sex:
            problems.append("性别应为“男”或“女”")
        cadre = None
        if c["包保责任人"]:
            matches = {u.id: u for u in lk["cadres"].get(c["包保责任人"], [])}
            if not matches:
                problems.append(f"包保责任人“{c['包保责任人']}”不是系统用户（请填写姓名或用户名）")
            elif len(matches) > 1:
                problems.append(f"包保责任人“{c['包保责任人']}”有重名，请改填用户名")
            else:
                cadre = next(iter(matches.values()))
        if privacy.is_masked(c["身份证号"]) or privacy.is_masked(c["联系电话"]):
            problems.append("身份证号或联系电话已脱敏（含 *），请填写完整号码")
        fields = services.PersonFields(
            name=c["姓名"], sex=sex, birth_date=birth, id_number=c["身份证号"], phone=c["联系电话"], address=c["住址"],
            unit=unit, family=c["家庭情况"], income=c["收入情况"], health=c["健康状况"], level=level or "stable",
            level_reason=c["定级理由"], categories=tuple(cats))
        if not problems:
            problems += services.person_problems(fields)
            if unit is not None and not in_scope(user, unit):
                problems.append(f"“{unit.name}”不在您的管理范围内")
            if unit is not None and cadre is not None:
                problem = services.cadre_problem(unit, cadre)
                if problem:
                    problems.append(problem)
        id_number = privacy.normalise_id(c["身份证号"])
        if id_number and id_number in preview.seen:
            problems.append(f"身份证号与第 {preview.seen[id_number]} 行重复")
        if problems:
            return preview.reject(line, "；".join(dict.fromkeys(p.rstrip("。") for p in problems)))
        if id_number:
            preview.seen[id_number] = line
        if not cadre:
            preview.note(line, "未填写包保责任人，导入后请尽快指定")
        preview.added.append((line, fields, cadre))

    def apply(self, preview, actor, **context):
        for line, fields, cadre in preview.added:
            person = services.register(fields, actor, cadre=cadre, imported=True)
            audit.record("import", "keyperson", person.id, unit=person.unit_id, actor=actor,
                         summary=f"导入重点人员{person.name}（第 {line} 行）")


REGISTER = RegisterImport()


def template_workbook():
    example = {"姓名": "张三", "性别": "男", "出生日期": datetime.date(1958, 3, 2), "身份证号": "",
               "联系电话": "", "住址": "县城关镇解放路 1 号", "所在单位": "", "人员类别": "企业军转干部",
               "稳控级别": "关注", "定级理由": "养老待遇诉求未结", "家庭情况": "与老伴同住", "收入情况": "退休金",
               "健康状况": "一般", "包保责任人": ""}
    columns = [Column(h, lambda row, h=h: row.get(h), 16) for h in IMPORT_HEADERS]
    notes = [("姓名、所在单位、人员类别", "必填；单位名称须与系统中完全一致；多个类别用“、”分隔"),
             ("身份证号", "可空；填写时须为 18 位并通过校验位检查；同一身份证号只能登记一次"),
             ("稳控级别", "、".join(LEVELS.values()) + " 之一，空白按稳定；关注、重点须填定级理由"),
             ("包保责任人", "系统用户的姓名或用户名，须为该单位（含上下级）或局机关的人员；可空，导入后再指定")]
    return excel.response("重点人员台账导入模板.xlsx", [
        Sheet("重点人员", columns, [example]),
        Sheet("填写说明", [Column("栏目", lambda r: r[0], 24), Column("要求", lambda r: r[1], 80)], notes)])
