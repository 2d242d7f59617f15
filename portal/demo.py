"""Owns the demo data: a fictional county commerce bureau modelled on the seed summary.

All people are invented. The bureau, its units and accounts are made here; each module adds its own
records from its `demo.py` (declared in its manifest).
"""
from . import modules
from .models import Unit, User
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


# Fictional names for demo people, drawn by the modules' demo data.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国秀英志强丽华文斌春梅海燕国庆玉兰德明红霞永安淑芬卫东晓燕振华桂芳立新金凤宏伟巧云光荣冬梅"


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
    for unit in Unit.select().where(Unit.kind.not_in(("bureau", "office"))):
        # Every unit has its 一把手 online: head_<code>, same demo password.
        if not User.select().where(User.unit == unit, User.role == "unit_head").exists():
            create_user(username=f"head_{unit.code.lower()}", display_name=unit.head_name or f"{unit.name}负责人",
                        role="unit_head", unit=unit, password=DEMO_PASSWORD)
            created += 1
    # Then each module's own demo records, in the order of portal.modules.MODULES.
    for manifest in modules.manifests():
        demo = manifest.demo_module()
        if demo is not None:
            created += demo.seed()
    return created
