"""Demo data of the supervision core: tasks handed down in every colour."""
import datetime

from .. import clock
from ..models import SupervisedItem, Unit, User


# (title, unit code, started days ago, due in days, steps the unit has taken, responsible person).
# NPC suggestions, CPPCC proposals and leaders' letters are not here: they are tasks from above (上级交办),
# registered once under 信访 (portal/petitions/demo.py), whose supervised items show on the board too.
TASKS = [
    ("县安委会交办：315商店仓库消防通道堵塞整改", "SD315", 40, -2, ["acknowledge", "progress"], "何文斌"),
    ("局务会议决定：外贸公司综治台账年底前补齐", "DWMY", 5, 10, [], "罗庆丰"),
    ("局综治办交办：外贸公司矛盾纠纷排查月报表报送", "DWMY", 25, 5, ["acknowledge", "report"], "罗庆丰"),
    ("第三季度综治议事会议决定：完善值班查岗记录", "SD315", 12, 2, ["acknowledge", "progress"], "何文斌"),
    ("县领导批示件：外贸仓储公司消防通道整治", "WMCC", 1, 25, [], "邓卫东"),
    ("县安委会交办：百货公司商场安全出口隐患整改", "BHGS", 4, 12, [], "林淑芬"),
]
STEP_NOTES = {"progress": "已召开专题会议，正在逐项落实。", "report": "已按要求办结，相关记录已整理归档。"}


def seed():
    """Tasks in every colour: overdue, unacknowledged, due soon, awaiting close-out, normal."""
    from ..supervision.services import supervise, take_step

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


def outside(ctx):
    """A task and an extension request of a unit outside the test user's scope (access matrix)."""
    from .services import request_extension, supervise

    item = supervise("task", unit=ctx.unit, title="界外督办事项", assigned_by=ctx.office,
                     due_date=clock.today() + datetime.timedelta(days=10))
    extension = request_extension(item, ctx.user, item.due_date + datetime.timedelta(days=5), "理由")
    return {"source_type": "supervision", "source_id": item.id, "item_id": item.id, "action": "acknowledge",
            "extension_id": extension.id, "decision": "approve"}
