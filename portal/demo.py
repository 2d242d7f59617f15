"""Owns the demo data: a fictional county commerce bureau modelled on the seed summary.

All people are invented. Later modules append their demo records to seed().
"""
import datetime

from . import clock
from .models import SupervisedItem, Unit, User
from .units.services import create_unit
from .users.services import create_user

DEMO_PASSWORD = "portal-demo-2026"

# (code, name, kind, parent code, first responsible person)
UNITS = [
    ("SWJ", "县商务局", "bureau", None, "周立新"),
    ("SWJ-ZG", "政工股", "office", "SWJ", "孙海燕"),
    ("SWJ-GZ", "改制股", "office", "SWJ", "马永福"),
    ("SYXB", "县商业行业管理办公室", "trade_office", "SWJ", "陈志强"),
    ("WMXB", "县外经贸行业管理办公室", "trade_office", "SWJ", "刘德胜"),
    ("WZZGS", "县物资总公司", "company", "SWJ", "黄国栋"),
    ("SMFW", "县商贸服务中心", "centre", "SWJ", "郭春兰"),
    ("MDTC", "矛盾纠纷排查调处中心", "centre", "SWJ", "杨振华"),
    ("SD315", "315商店", "grassroots", "SYXB", "何文斌"),
    ("BHGS", "县百货公司", "grassroots", "SYXB", "林淑芬"),
    ("WJJD", "县五金交电公司", "grassroots", "SYXB", "谢宏伟"),
    ("TJGS", "县糖业烟酒公司", "grassroots", "SYXB", "韩玉珍"),
    ("YSFW", "县饮食服务公司", "grassroots", "SYXB", "冯建军"),
    ("DWMY", "县对外贸易公司", "grassroots", "WMXB", "罗庆丰"),
    ("TCJCK", "县土畜产进出口公司", "grassroots", "WMXB", "曾丽华"),
    ("WMCC", "县外贸仓储公司", "grassroots", "WMXB", "邓卫东"),
    ("LYSP", "县粮油食品进出口公司", "grassroots", "WMXB", "许秀英"),
    ("JSCL", "县金属材料公司", "grassroots", "WZZGS", "萧永安"),
    ("JDSB", "县机电设备公司", "grassroots", "WZZGS", "潘美玲"),
    ("JCGS", "县建材公司", "grassroots", "WZZGS", "彭德明"),
    ("RLGS", "县燃料公司", "grassroots", "WZZGS", "蒋红霞"),
    ("SCGS", "县蔬菜公司", "grassroots", "SMFW", "蔡光荣"),
    ("SPGS", "县食品公司", "grassroots", "SMFW", "袁桂芳"),
    ("FSPC", "县副食品批发市场", "grassroots", "SMFW", "于建平"),
    ("ZSHS", "县再生资源回收公司", "grassroots", "SMFW", "董晓东"),
]

# (username, display name, role, unit code)
USERS = [
    ("admin", "系统管理员", "admin", "SWJ"),
    ("leader", "周立新", "leader", "SWJ"),
    ("office", "孙海燕", "office", "SWJ-ZG"),
    ("inspector", "马永福", "inspector", "SWJ-GZ"),
    ("head_waimao", "罗庆丰", "unit_head", "DWMY"),
    ("head_315", "何文斌", "unit_head", "SD315"),
    ("clerk_315", "唐小燕", "unit_clerk", "SD315"),
    ("informant", "程立军", "informant", "SYXB"),
]


# (title, unit code, started days ago, due in days, steps the unit has taken, responsible person)
TASKS = [
    ("县信访领导小组交办：原315商店职工养老保险接续问题答复", "SD315", 40, -2, ["acknowledge", "progress"], "何文斌"),
    ("县人大代表建议第12号：改制企业下岗职工安置情况书面答复", "DWMY", 5, 10, [], "罗庆丰"),
    ("县政协提案第3号：外贸系统退休职工调资政策解释", "DWMY", 25, 5, ["acknowledge", "report"], "罗庆丰"),
    ("第三季度综治议事会议决定：完善值班查岗记录", "SD315", 12, 2, ["acknowledge", "progress"], "何文斌"),
    ("县领导批示件：外贸仓储公司消防通道整治", "WMCC", 1, 25, [], "邓卫东"),
    ("县安委会交办：百货公司商场安全出口隐患整改", "BHGS", 4, 12, [], "林淑芬"),
]
STEP_NOTES = {"progress": "已召开专题会议，正在逐项落实。", "report": "已按要求办结，相关记录已整理归档。"}


def seed_supervision():
    """Tasks in every colour: overdue, unacknowledged, due soon, awaiting close-out, normal."""
    from .supervision.services import supervise, take_step

    created = 0
    office = User.get(User.username == "office")
    today = clock.today()
    for title, code, started, due_in, steps, person in TASKS:
        if SupervisedItem.select().where(SupervisedItem.title == title).exists():
            continue
        unit = Unit.get(Unit.code == code)
        item = supervise("task", unit=unit, title=title, responsible_name=person, assigned_by=office,
                         start_date=today - datetime.timedelta(days=started),
                         due_date=today + datetime.timedelta(days=due_in),
                         description="请按“件件有落实、事事有回音”的要求办理，按期书面回复。")
        head = User.get(User.unit == unit, User.role == "unit_head") if steps else None
        for step in steps:
            take_step(item, step, head, STEP_NOTES.get(step, ""))
        created += 1
    return created


def seed():
    """Create whatever of the demo is missing; returns how many records were added."""
    created = 0
    for order, (code, name, kind, parent_code, head) in enumerate(UNITS):
        if Unit.get_or_none(Unit.code == code) is None:
            parent = Unit.get(Unit.code == parent_code) if parent_code else None
            create_unit(name=name, code=code, kind=kind, parent=parent, head_name=head, sort_order=order)
            created += 1
    for username, display_name, role, unit_code in USERS:
        if User.get_or_none(User.username == username) is None:
            create_user(username=username, display_name=display_name, role=role,
                        unit=Unit.get(Unit.code == unit_code), password=DEMO_PASSWORD)
            created += 1
    return created + seed_supervision()
