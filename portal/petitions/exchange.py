"""Excel exchange of letters and visits: the ledger and assigned-task exports (personal data always
masked) and the import of an earlier ledger in the same columns (preview, then all-or-nothing commit)."""
import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from typing import Optional

from peewee import IntegrityError

from .. import audit, clock, excel
from ..access import can
from ..excel import Column, Sheet
from ..models import CHANNELS, PETITION_STATES, SATISFACTION, Petition, Petitioner, PetitionVisit, Unit
from ..models.petitions import GROUP_SIZE
from ..workflow import RuleError
from .. import privacy
from . import clocks, services
from .services import PersonInput

audit.register_actions({"import": "导入"})

DATE = "yyyy-mm-dd"
SEP = "、"  # several petitioners in one cell
NUMBER = re.compile(r"^(\d{4})-\d{4}$")  # the numbering of services.register: year-sequence


def _yes(flag):
    return "是" if flag else "否"


def _joined(values):
    """One cell for several petitioners, positions kept (so an empty value stays a gap)."""
    values = list(values)
    return SEP.join(values) if any(values) else ""


@dataclass
class LedgerLine:
    """One case of the ledger export: the case (its units, category and items joined) and what the
    export looked up for all its cases at once."""

    n: int
    p: Petition
    persons: list
    visit: Optional[PetitionVisit]  # the latest
    original: str  # the number of the case it repeats


def _date_column(label, value, width=12):
    return Column(label, value, width, DATE)


# The columns of a county petition office's ledger, in its order; export, template and import share them.
LEDGER_COLUMNS = [
    Column("序号", lambda r: r.n, 6),
    Column("信访编号", lambda r: r.p.number, 12),
    _date_column("登记日期", lambda r: r.p.received_on),
    Column("信访方式", lambda r: r.p.channel_label, 12),
    Column("信访人", lambda r: SEP.join(x.name for x in r.persons), 16),
    Column("身份证号", lambda r: _joined(privacy.mask_id(x.id_number) for x in r.persons), 22),  # always masked
    Column("联系电话", lambda r: _joined(privacy.mask_phone(x.phone) for x in r.persons), 16),
    Column("人数", lambda r: r.p.headcount, 6),
    Column("群体/个体", lambda r: "群体" if r.p.is_group else "个体", 12),
    Column("涉及单位", lambda r: r.p.concerned_unit.name if r.p.concerned_unit else "", 20),
    Column("问题类别", lambda r: r.p.category.name, 12),
    Column("事项摘要", lambda r: r.p.title, 30),
    Column("信访诉求", lambda r: r.p.request, 40),
    Column("越级访", lambda r: _yes(r.p.escalated), 8),
    _date_column("受理日期", lambda r: r.p.accepted_on),
    Column("承办单位", lambda r: r.p.unit.name if r.p.unit else "", 20),
    Column("承办人", lambda r: r.p.handler_name, 12),
    _date_column("答复期限", lambda r: r.p.reply_due),
    _date_column("答复日期", lambda r: r.p.replied_on),
    Column("答复意见", lambda r: r.p.reply_text, 40),
    _date_column("回访日期", lambda r: r.visit.visited_on if r.visit else None),
    Column("满意度", lambda r: r.visit.satisfaction_label if r.visit else "", 12),
    Column("办理状态", lambda r: r.p.state_label, 12),
    Column("重复信访(原编号)", lambda r: r.original, 14),
    Column("积案", lambda r: _yes(clocks.is_backlog(r.p)), 6),  # as on the ledger page: open past its limit now
]
LEDGER_HEADERS = [c.label for c in LEDGER_COLUMNS]


def _on_time(task):
    if task.replied_on:
        return _yes(task.answered_on_time)
    return "否" if clock.today() > task.due_date else "未到期"


# (number, task) rows; the task's unit and supervised item (its deadline) joined.
TASK_COLUMNS = [
    Column("序号", lambda r: r[0], 6),
    Column("来源", lambda r: r[1].source_label, 12),
    Column("文号", lambda r: r[1].ref_number, 12),
    Column("事项", lambda r: r[1].title, 36),
    _date_column("收到日期", lambda r: r[1].received_on),
    _date_column("办理期限", lambda r: r[1].due_date),
    Column("承办单位", lambda r: r[1].unit.name, 20),
    _date_column("答复日期", lambda r: r[1].replied_on),
    Column("是否按期", lambda r: _on_time(r[1]), 12),
    Column("状态", lambda r: r[1].state_label, 12),
]
TASK_HEADERS = [c.label for c in TASK_COLUMNS]


# -- exports -----------------------------------------------------------------------------------------

def ledger_lines(query):
    """The export's lines of a query of cases made by Petition.listed(), in received order; the
    petitioners, latest visits and repeated cases of all of them in three more queries."""
    petitions = list(query.order_by(Petition.received_on, Petition.number))
    ids = [p.id for p in petitions]
    people, visits = {}, {}
    for person in Petitioner.select().where(Petitioner.petition.in_(ids)).order_by(Petitioner.seq, Petitioner.id):
        people.setdefault(person.petition_id, []).append(person)
    for v in PetitionVisit.select().where(PetitionVisit.petition.in_(ids)).order_by(PetitionVisit.visited_on,
                                                                                     PetitionVisit.id):
        visits[v.petition_id] = v  # the latest visit wins
    originals = dict(Petition.select(Petition.id, Petition.number)
                     .where(Petition.id.in_([p.repeat_of_id for p in petitions if p.repeat_of_id])).tuples())
    return [LedgerLine(n, p, people.get(p.id, []), visits.get(p.id), originals.get(p.repeat_of_id, ""))
            for n, p in enumerate(petitions, start=1)]


def export_ledger(query, filename="信访台账.xlsx"):
    """The ledger of the cases of a query the caller already scoped and filtered, as a download."""
    return excel.response(filename, [Sheet("信访台账", LEDGER_COLUMNS, ledger_lines(query))])


def export_tasks(query, filename="上级交办事项.xlsx"):
    """Tasks assigned from above (a query of AssignedTask.listed(), already scoped by the caller) with
    whether each was answered on time."""
    return excel.response(filename, [Sheet("上级交办", TASK_COLUMNS, enumerate(query, start=1))])


def template_workbook():
    """An empty import template: the ledger's columns and one example row of fictional data."""
    year = clock.today().year - 1
    example = {"序号": 1, "登记日期": datetime.date(year, 3, 2), "信访方式": "来访", "信访人": "张三", "人数": 1,
               "群体/个体": "个体", "问题类别": "拖欠工资", "事项摘要": "反映工资拖欠", "信访诉求": "要求补发 2 个月工资",
               "越级访": "否", "受理日期": datetime.date(year, 3, 5), "答复日期": datetime.date(year, 4, 20),
               "答复意见": "已协调补发", "回访日期": datetime.date(year, 5, 6), "满意度": "满意"}
    # The ledger's own columns, read from the example by their labels.
    columns = [dataclasses.replace(c, value=lambda row, label=c.label: row.get(label)) for c in LEDGER_COLUMNS]
    notes = [(h, text) for h, text in (
        ("信访编号", "可空（按登记年度自动编号）；填写时格式为“年份-四位序号”，如 2025-0007，年份与登记日期一致"),
        ("登记日期", "必填，不晚于今天；受理、答复、回访日期须依次不早于前一日期"),
        ("信访方式", "、".join(CHANNELS.values()) + " 之一"),
        ("信访人", "必填；多人用“、”分隔，身份证号、联系电话按同样顺序用“、”分隔；含 * 的（已脱敏）按空白导入"),
        ("人数", "必填，不小于 1，不少于信访人个数；5 人以上为群体访，第一位信访人记为代表"),
        ("涉及单位、承办单位", "可空；须与系统中的单位名称完全一致；有承办单位时须有受理日期"),
        ("问题类别", "系统中在用的问题类别名称"),
        ("满意度", "、".join(SATISFACTION.values()) + " 之一，与回访日期同填"),
        ("重复信访(原编号)", "可空；原事项须已在系统中或在本文件中"),
        ("群体/个体、答复期限、办理状态、积案", "由系统根据人数和日期计算，导入时不读取"))]
    return excel.response("信访台账导入模板.xlsx", [
        Sheet("信访台账", columns, [example]),
        Sheet("填写说明", [Column("栏目", lambda r: r[0], 24), Column("要求", lambda r: r[1], 80)], notes)])


# -- import ------------------------------------------------------------------------------------------

@dataclass
class LedgerRow:
    """One row of the file that would become a case."""

    line: int
    number: str
    fields: dict
    persons: list
    visit: tuple = None  # (visited on, satisfaction key, reply date from the file)
    repeat_of: str = ""  # the number of the earlier case it repeats, as written
    root: str = ""  # the number of the first case of that chain
    warnings: list = field(default_factory=list)

    @property
    def state_label(self):
        return PETITION_STATES[self.fields["state"]]


def _unit(name, label, units, problems):
    if not name:
        return None
    found = units.get(name, [])
    if len(found) != 1:
        problems.append(f"{label}“{name}”" + ("不存在（须与系统中的单位名称完全一致）" if not found else "有重名，无法确定"))
        return None
    return found[0]


def _people(c, problems, warnings):
    """The petitioners of a row: names, and IDs/phones in the same order; masked values come in empty."""
    names = [n.strip() for n in c["信访人"].split(SEP) if n.strip()]
    columns = {}
    for label, check in (("身份证号", privacy.id_number_problem), ("联系电话", privacy.phone_problem)):
        values = [v.strip() for v in c[label].split(SEP)] if c[label] else [""] * len(names)
        if len(values) != len(names):
            problems.append(f"{label}有 {len(values)} 个，信访人有 {len(names)} 位，请按信访人顺序用“、”分隔")
            values = [""] * len(names)
        if any(privacy.is_masked(v) for v in values):
            warnings.append(f"{label}已脱敏（含 *），按空白导入")
            values = ["" if privacy.is_masked(v) else v for v in values]
        problems.extend(p for p in map(check, values) if p)
        columns[label] = values
    return [PersonInput(name=name[:50], id_number=privacy.normalise_id(i), phone=ph)
            for name, i, ph in zip(names, columns["身份证号"], columns["联系电话"])]


def _dates(c, problems):
    """登记, 受理, 答复 and 回访 dates: the first required, each later one optional but never before the one it
    follows, none in the future (the services' own date rule)."""
    received = excel.cell_date(c["登记日期"], "登记日期", problems)
    if received is not None or not problems:  # an unreadable date is reported once
        problems.extend(filter(None, [services.date_problem(received, "登记日期")]))
    accepted = excel.cell_date(c["受理日期"], "受理日期", problems)
    replied = excel.cell_date(c["答复日期"], "答复日期", problems)
    visited = excel.cell_date(c["回访日期"], "回访日期", problems)
    for value, label, before, before_label in ((accepted, "受理日期", received, "登记日期"),
                                               (replied, "答复日期", accepted, "受理日期"),
                                               (visited, "回访日期", replied or accepted, "答复日期" if replied else "受理日期")):
        if value is not None:
            problems.extend(filter(None, [services.date_problem(value, label, not_before=before,
                                                               not_before_label=before_label)]))
    return received, accepted, replied, visited


def _parse(line, c, lookups):
    """A LedgerRow, or the Chinese reasons the row cannot be imported."""
    problems, warnings = [], []
    received, accepted, replied, visited = _dates(c, problems)
    number = c["信访编号"]
    match = NUMBER.match(number)
    if number and (match is None or (received and int(match.group(1)) != received.year)):
        problems.append(f"信访编号“{number}”应为“登记年度-四位序号”，如 {received.year if received else 2025}-0007")
    channel = lookups["channels"].get(c["信访方式"])
    if channel is None:
        problems.append(f"信访方式“{c['信访方式']}”应为{'、'.join(CHANNELS.values())}之一" if c["信访方式"] else "缺少信访方式")
    category = lookups["categories"].get(c["问题类别"])
    if category is None:
        problems.append(f"问题类别“{c['问题类别']}”不存在或已停用" if c["问题类别"] else "缺少问题类别")
    concerned = _unit(c["涉及单位"], "涉及单位", lookups["units"], problems)
    unit = _unit(c["承办单位"], "承办单位", lookups["units"], problems)
    headcount = int(c["人数"]) if c["人数"].isdigit() and 1 <= int(c["人数"]) <= 100000 else None
    if headcount is None:
        problems.append(f"人数“{c['人数']}”应为 1 到 100000 之间的整数" if c["人数"] else "缺少人数")
    for label in ("事项摘要", "信访诉求"):
        if not c[label]:
            problems.append(f"缺少{label}")
    if len(c["事项摘要"]) > 200:
        problems.append("事项摘要超过 200 字")
    persons = _people(c, problems, warnings)
    if not persons:
        problems.append("缺少信访人")
    elif headcount and headcount < len(persons):
        problems.append(f"人数（{headcount}）少于信访人个数（{len(persons)}）")
    if c["越级访"] not in ("", "是", "否"):
        problems.append(f"越级访应填“是”或“否”，而不是“{c['越级访']}”")
    satisfaction = lookups["satisfaction"].get(c["满意度"])
    if c["满意度"] and satisfaction is None:
        problems.append(f"满意度应为{'、'.join(SATISFACTION.values())}之一")
    if (visited is None) != (not c["满意度"]):
        problems.append("回访日期和满意度须同时填写")
    if replied and not accepted:
        problems.append("有答复日期时须填写受理日期")
    if unit and not accepted:
        problems.append("有承办单位时须填写受理日期")
    # A case reopened by a dissatisfied visit has no reply date: services.visit clears it (and so does our export).
    if visited and not (replied or (accepted and satisfaction == "dissatisfied")):
        problems.append("有回访日期时须填写答复日期")
    if problems:
        return None, problems
    if headcount >= GROUP_SIZE:
        persons[0].is_leader = True  # a group's first named petitioner stands as its representative
    fields = dict(
        year=received.year, received_on=received, channel=channel, headcount=headcount,
        is_group=headcount >= GROUP_SIZE, concerned_unit=concerned, category=category, title=c["事项摘要"],
        request=c["信访诉求"], escalated=c["越级访"] == "是", accept_due=clocks.accept_due(received),
        accepted_on=accepted, notice_on=accepted, unit=unit, handler_name=c["承办人"][:50], replied_on=replied, reply_text=c["答复意见"],
        visit_due=clocks.visit_due(replied) if replied else None, state=_state(accepted, unit, replied, satisfaction))
    if satisfaction == "dissatisfied":
        # As services.visit reopens a case: a new reply is owed within the reopening limit (clocks.reply_due_of).
        fields.update(replied_on=None, visit_due=None, reopened_on=visited)
        if replied:
            warnings.append(f"回访不满意，按重新办理导入；原答复日期 {replied} 记入回访记录")
    if fields["state"] == "closed":
        fields["closed_on"] = visited
    row = LedgerRow(line, number, fields, persons, (visited, satisfaction, replied) if visited else None,
                    c["重复信访(原编号)"], warnings=warnings)
    return row, []


def _state(accepted, unit, replied, satisfaction):
    if satisfaction in ("satisfied", "basic"):
        return "closed"
    if satisfaction == "dissatisfied":
        return "handling"
    if replied:
        return "replied"
    if unit:
        return "handling"
    return "accepted" if accepted else "registered"


def _lookups():
    units = {}
    for u in Unit.select():
        units.setdefault(u.name, []).append(u)
    return {"channels": {label: key for key, label in CHANNELS.items()},
            "satisfaction": {label: key for key, label in SATISFACTION.items()},
            "categories": {c.name: c for c in services.categories()},
            "units": units}


def _link_repeats(preview):
    """Check each row's 原编号 against the database and the file; remember the chain's first case."""
    rows = {row.number: row for row in preview.added if row.number}
    known = {p.number: p for p in Petition.select().where(
        Petition.number.in_([row.repeat_of for row in preview.added if row.repeat_of]))}
    roots = {p.id: p.number for p in Petition.select().where(Petition.id.in_(
        [p.repeat_of_id for p in known.values() if p.repeat_of_id]))}
    for row in list(preview.added):
        ref, seen = row.repeat_of, {row.number}
        if not ref:
            continue
        original = known.get(ref) or rows.get(ref)
        problem = None
        if original is None:
            problem = f"重复信访的原编号 {ref} 既不在系统中，也不在本文件中"
        elif ref in seen:
            problem = "重复信访的原编号不能是本事项自己的编号"
        elif (original.received_on if ref in known else original.fields["received_on"]) > row.fields["received_on"]:
            problem = f"原事项 {ref} 的登记日期晚于本事项"
        while problem is None and ref in rows and rows[ref].repeat_of and ref not in known:
            seen.add(ref)
            ref = rows[ref].repeat_of
            if ref in seen:
                problem = "重复信访的原编号互相引用"
        if problem:
            preview.added.remove(row)
            preview.rejected.append((row.line, problem))
        elif ref in known:
            row.root = roots.get(known[ref].repeat_of_id, ref)
        else:
            row.root = ref


def _number_rows(preview):
    """Rows without a number get the next free ones of their year, after those in the database."""
    taken = {row.number for row in preview.added if row.number}
    following = {}
    for row in preview.added:
        if row.number:
            continue
        year = row.fields["year"]
        seq = following.get(year) or int(services.next_number(year).split("-")[1])
        while f"{year}-{seq:04d}" in taken:
            seq += 1
        row.number = f"{year}-{seq:04d}"
        taken.add(row.number)
        following[year] = seq + 1


class LedgerImport(excel.Import):
    """An earlier year's ledger in the export's columns: each row a case (history: imported cases are
    not put under supervision, so no reminders or watch-list entries arise from them), audited once
    each, all of them or none."""

    headers = tuple(LEDGER_HEADERS)
    ignored_when_blank = ("序号",)
    noun = "信访事项"
    header_hint = "请使用下载的模板或导出的台账填写"

    def preview(self, token, *, user):
        if not can("petitions.manage", user):
            raise RuleError("只有股室工作人员可以导入信访台账。")
        self.lookups = _lookups()
        return super().preview(token, user=user)

    def read_row(self, preview, line, cells, *, user):
        c = {h: v if h.endswith(("日期", "期限")) else excel.cell_text(v) for h, v in cells.items()}
        row, problems = _parse(line, c, self.lookups)
        if row and row.number in preview.seen:
            problems = [f"信访编号 {row.number} 与第 {preview.seen[row.number]} 行重复"]
        if problems:
            return preview.reject(line, "；".join(problems))
        if row.number:
            preview.seen[row.number] = line
        preview.added.append(row)

    def finish(self, preview, *, user):
        existing = {n for (n,) in Petition.select(Petition.number).where(Petition.number.in_(list(preview.seen))).tuples()}
        for row in list(preview.added):
            if row.number in existing:
                preview.added.remove(row)
                preview.reject(row.line, f"信访编号 {row.number} 已导入过（系统中已有该编号）")
        _link_repeats(preview)
        _number_rows(preview)
        preview.notes = [(row.line, w) for row in preview.added for w in row.warnings]

    def commit(self, token, actor, **context):
        try:
            return super().commit(token, actor, user=actor)
        except IntegrityError:
            raise RuleError("导入时信访编号与刚登记的事项冲突，未导入任何数据，请重新上传预览。") from None

    def apply(self, preview, actor, **context):
        created = {}
        for row in preview.added:
            p = Petition.create(number=row.number, imported=True, created_by=actor, **row.fields)
            for seq, person in enumerate(row.persons, start=1):
                Petitioner.create(petition=p, seq=seq, name=person.name, id_number=person.id_number,
                                  phone=person.phone, is_leader=person.is_leader)
            if row.visit:
                on, satisfaction, replied = row.visit
                PetitionVisit.create(petition=p, visited_on=on, visitor="导入", method="phone",
                                     satisfaction=satisfaction, created_by=actor,
                                     notes=f"原答复日期 {replied}" if replied and satisfaction == "dissatisfied" else "")
            created[row.number] = p
        roots = dict(Petition.select(Petition.number, Petition.id).where(
            Petition.number.in_([row.root for row in preview.added if row.root])).tuples())
        for row in preview.added:
            p = created[row.number]
            if row.root:
                Petition.update(repeat_of=roots[row.root]).where(Petition.id == p.id).execute()
            audit.record("import", "petition", p.id, unit=p.unit_id, actor=actor,
                         summary=f"导入信访事项 {p.number}：{p.title}（{PETITION_STATES[p.state]}）"[:255],
                         after={"state": p.state, "repeat_of": row.root or None})


LEDGER = LedgerImport()
