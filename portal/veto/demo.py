"""Demo data of one-veto: a confirmed veto against 315商店, a yellow card, an investigation."""
import datetime

from .. import clock
from ..models import Unit, User


def seed():
    """A confirmed veto against 315商店, a yellow card for another unit, one accountability record."""
    from ..models import VetoEvent
    from ..veto import services as veto

    year = clock.today().year
    shop = Unit.get(Unit.code == "SD315")
    if VetoEvent.select().where(VetoEvent.unit == shop, VetoEvent.year == year).exists():
        return 0
    office, leader = User.get(User.username == "office"), User.get(User.username == "leader")
    event = veto.propose(
        unit=shop, year=year, trigger="mass_incident", user=office,
        occurred_on=clock.today() - datetime.timedelta(days=20),
        description="原315商店改制下岗职工32人因养老保险接续和拖欠工资问题到县委集体上访，"
                    "单位事前未排查掌握、事后未及时化解，造成较大影响。")
    # Confirmed a week ago (its appeal window still open), the investigation decided after it.
    confirmed_at = clock.local_to_utc(datetime.datetime.combine(clock.today() - datetime.timedelta(days=8),
                                                                datetime.time(10)))
    with clock.frozen(confirmed_at):
        event = veto.act(event, "confirm", leader, "经局党组研究，事实清楚，依照目标管理责任书单项否决条款确认。",
                         event.version)
    veto.issue_sanction(unit=Unit.get(Unit.code == "TJGS"), kind="yellow", user=office,
                        reason="连续两个月未报送矛盾纠纷排查情况，经催办仍未落实。")
    veto.record_accountability(
        veto=event, persons=[{"name": shop.head_name, "post": "经理", "unit_name": shop.name}], measure="admonition",
        decided_on=clock.today() - datetime.timedelta(days=5),
        decision="对315商店主要负责人进行诫勉谈话，责成其书面检查，限期化解职工合理诉求。",
        follow_up="已谈话，书面检查已交；职工养老保险接续正在办理。", user=leader)
    return 1


def outside(ctx):
    """A veto, a yellow card and an investigation of a unit outside the test user's scope (access matrix)."""
    from . import services as veto

    event = veto.propose(unit=ctx.unit, year=2026, trigger="mass_incident", user=ctx.office,
                         occurred_on=clock.today(), description="界外单位群体性上访")
    sanction = veto.issue_sanction(unit=ctx.unit, kind="yellow", reason="界外黄牌", user=ctx.office)
    record = veto.record_accountability(sanction=sanction, persons=[{"name": "界外责任人"}], measure="admonition",
                                        decided_on=clock.today(), decision="诫勉谈话", follow_up="", user=ctx.office)
    return {"veto_id": event.id, "sanction_id": sanction.id, "record_id": record.id}
