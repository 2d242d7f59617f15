"""The one workflow mechanism: declared transitions, permissions and scope rules, version-checked
moves, audited steps and refusals — and a tiered record expressed as data (a test workflow, not a
module): held by one tier at a time, escalated up, sent back down.

The tiered workflow below needed no change to any central file: its tiers, transitions, permissions
and scope rules are all declarations handed to portal.workflow.Workflow."""
import json

import pytest
from peewee import CharField, ForeignKeyField, IntegerField

from portal import access
from portal.db import BaseModel, database
from portal.models import AuditLog, Unit
from portal.workflow import STALE, RuleError, Tier, Transition, Workflow, parse_version


class TieredCase(BaseModel):
    """A record held by one tier of the tree at a time (like a dispute)."""

    unit = ForeignKeyField(Unit, on_delete="RESTRICT", backref="+")  # where it arose
    state = CharField(max_length=16, default="open")
    tier = IntegerField(default=0)
    note = CharField(max_length=100, default="")
    version = IntegerField(default=0)

    class Meta:
        table_name = "test_tiered_case"


PERMISSIONS = {"test.handle": {"unit_head", "unit_clerk", "office"}, "test.close": {"unit_head", "office"}}

FLOW = None


@pytest.fixture
def flow(app):
    """The test workflow: three tiers from the grassroots unit up to the bureau system."""
    global FLOW
    for name, roles in PERMISSIONS.items():
        access.PERMISSIONS.setdefault(name, frozenset(roles))
    FLOW = Workflow(TieredCase, "test_case", noun="该纠纷", states={"open": "调处中", "settled": "已化解"}, tiers=[
        Tier("基层单位", level=3), Tier("二级机构", level=2), Tier("局系统", level=1)], transitions={
        "escalate": Transition("上报", ("open",), None, "test.handle", scope="holder", tier=+1),
        "send_back": Transition("退回下级", ("open",), None, "test.handle", scope="holder", tier=-1),
        "settle": Transition("化解", ("open",), "settled", "test.close", scope="holder"),
        "reopen": Transition("重新调处", ("settled",), "open", "test.close", scope="subtree"),
    })
    with app.app_context(), database.connection_context():
        database.create_tables([TieredCase])
    yield FLOW
    with app.app_context(), database.connection_context():
        database.drop_tables([TieredCase])
    for name in PERMISSIONS:
        access.PERMISSIONS.pop(name, None)


@pytest.fixture
def case(app, world, flow):
    with app.app_context(), database.connection_context():
        return TieredCase.create(unit=world.shop)


def test_a_tiered_record_is_held_by_one_tier_at_a_time(app, world, flow, case):
    shop_head = world.user("unit_head")
    branch_head = world.user("unit_head", unit=world.branch, username="branch_head")
    office = world.user("office")
    with app.app_context(), database.connection_context():
        assert flow.holder_id(case) == world.shop.id
        # Only the holding tier acts: the branch above may not settle what the shop still holds.
        assert flow.available(branch_head, case) == []
        assert flow.available(shop_head, case) == ["escalate", "settle"]  # nothing below to send back to
        case = flow.move(case, "escalate", shop_head, str(case.version), summary="基层调处不成")
        assert (case.tier, flow.tier_of(case).label, flow.holder_id(case)) == (1, "二级机构", world.branch.id)
        with pytest.raises(RuleError, match="当前由二级机构办理"):
            flow.move(case, "settle", shop_head, case.version)
        case = flow.move(case, "escalate", branch_head, case.version)
        assert flow.tier_of(case).label == "局系统"
        # The top tier is the bureau system: office staff act there, and there is no tier above.
        assert flow.refusal("escalate", office, case) == "该纠纷已在局系统，不能再上报。"
        case = flow.move(case, "send_back", office, case.version, summary="由行办继续调处")
        assert flow.holder_id(case) == world.branch.id
        case = flow.move(case, "settle", branch_head, case.version)
        assert case.state == "settled"
        steps = [(a.action, a.after) for a in AuditLog.select().where(AuditLog.object_type == "test_case")
                 .order_by(AuditLog.id)]
    assert [action for action, _ in steps] == ["escalate", "denied", "escalate", "send_back", "settle"]
    assert json.loads(steps[0][1]) == {"state": "open", "tier": "二级机构"}


def test_a_stale_or_malformed_version_is_refused_and_audited(app, world, flow, case):
    head = world.user("unit_head")
    with app.app_context(), database.connection_context():
        for version in (None, "", "abc", "NaN", "1e3", "9" * 40, str(case.version + 1), "-1"):
            with pytest.raises(RuleError) as refused:
                flow.move(case, "settle", head, version)
            assert str(refused.value) == STALE
        denied = AuditLog.select().where(AuditLog.object_type == "test_case", AuditLog.action == "denied").count()
        assert denied == 8
        assert TieredCase.get_by_id(case.id).state == "open"


def test_a_concurrent_move_loses_cleanly(app, world, flow, case):
    """Two people load the same page; the second to submit is told the page is out of date."""
    head = world.user("unit_head")
    with app.app_context(), database.connection_context():
        first, second = TieredCase.get_by_id(case.id), TieredCase.get_by_id(case.id)
        flow.move(first, "settle", head, first.version)
        with pytest.raises(RuleError, match="页面已过期"):
            flow.move(second, "escalate", head, second.version)
        assert TieredCase.get_by_id(case.id).tier == 0


def test_permission_scope_and_state_refusals(app, world, flow, case):
    clerk, other = world.user("unit_clerk"), world.user("unit_head", unit=world.other_shop, username="other_head")
    leader = world.user("leader")
    with app.app_context(), database.connection_context():
        assert flow.refusal("settle", clerk, case) == "您的角色不能化解。"
        assert flow.refusal("settle", leader, case) == "您的角色不能化解。"
        assert "只有该层级的单位可以化解" in flow.refusal("settle", other, case)
        assert flow.refusal("reopen", world.user("unit_head"), case) == "该纠纷当前为“调处中”，不能重新调处。"
        settled = flow.move(case, "settle", world.user("unit_head"), case.version)
        assert flow.refusal("reopen", other, settled) == "只能重新调处本单位（含下属单位）的纠纷。"
        assert flow.refusal("reopen", world.user("office"), settled) is None


def test_parse_version():
    assert parse_version("12") == 12 and parse_version(3) == 3
    for bad in (None, "", " ", "1.5", "١٢", "NaN", True):
        with pytest.raises(RuleError):
            parse_version(bad)


def test_declaring_a_transition_with_an_unknown_permission_fails_at_once(app):
    with pytest.raises(KeyError, match="unknown permission"):
        Workflow(TieredCase, "x", {"go": Transition("走", ("open",), "gone", "no.such.permission")})
