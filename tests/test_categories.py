"""The three editable category lists (信访问题类别, 重点人员类别, 纠纷类别) are one mechanism
(portal.categories): the same page, rules and audit for each module's own table."""
import pytest

from portal.models import AuditLog, PetitionCategory
from portal.models.disputes import DisputeCategory
from portal.models.keypersons import KeyPersonCategory


@pytest.mark.parametrize("prefix,model", [("/petitions", PetitionCategory), ("/keypersons", KeyPersonCategory),
                                          ("/disputes", DisputeCategory)])
def test_add_refuse_switch_off_and_on(app, world, login_as, prefix, model):
    office = login_as("office")
    page = office.get(f"{prefix}/categories").get_data(as_text=True)
    assert "类别名称" in page
    blank = office.post(f"{prefix}/categories", {"name": " ", "csrf_token": office.token})
    assert blank.status_code == 422 and "请填写类别名称" in blank.get_data(as_text=True)
    assert office.post(f"{prefix}/categories", {"name": "测试类别", "csrf_token": office.token}).status_code == 302
    again = office.post(f"{prefix}/categories", {"name": "测试类别", "csrf_token": office.token})
    assert again.status_code == 422 and "已有类别“测试类别”" in again.get_data(as_text=True)
    with app.app_context():
        new = model.get(model.name == "测试类别")
        assert new.active and new.seq == (model.select().count() and max(c.seq for c in model.select()))
    assert office.post(f"{prefix}/categories/{new.id}/toggle", {"csrf_token": office.token}).status_code == 302
    with app.app_context():
        assert model.get_by_id(new.id).active is False
        assert AuditLog.select().where(AuditLog.summary.contains("测试类别")).count() == 2
    assert "启用" in office.get(f"{prefix}/categories").get_data(as_text=True)
    assert office.post(f"{prefix}/categories/999999/toggle", {"csrf_token": office.token}).status_code == 404
    assert login_as("unit_head").get(f"{prefix}/categories").status_code == 403
