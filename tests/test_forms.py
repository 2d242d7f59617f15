"""The one validation layer of every form: numbers past 64 bits, NaN/Infinity and control characters are refused with a Chinese message before validators or services see them."""
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, IntegerField, StringField

from portal.forms import Form, int_arg, int_list
from portal.workflow import RuleError


class F(Form):
    """A form with one field of each screened kind."""

    class Meta:
        csrf = False
    n = IntegerField()
    d = DecimalField()
    t = StringField()

def test_odd_values_are_refused_with_a_message_and_plain_ones_pass(app):
    with app.test_request_context():
        f = F(formdata=MultiDict({"n": str(2**64), "d": "NaN", "t": "a\x01b"}))
        assert not f.validate()
        assert f.n.errors == ["数值超出范围。"] and f.d.errors == ["请输入有效的数字。"] and "控制字符" in f.t.errors[0]
        f = F(formdata=MultiDict({"n": "5", "d": "1.5", "t": "行1\n行2"}))
        assert f.validate(), f.errors


def test_a_refusal_is_shown_beside_the_fields_it_names(app):
    with app.test_request_context():
        f = F(formdata=MultiDict({"n": "5", "d": "1.5", "t": "x"}))
        f.refuse(RuleError("数量与说明不符", fields={"n": "数量不能超过 3。", "elsewhere": "另一处问题。"}), "t")
        assert f.n.errors == ["数量不能超过 3。"] and f.t.errors == ["另一处问题。"] and not f.form_errors
        f = F(formdata=MultiDict({"n": "5"}))
        f.refuse(RuleError("该单位本年度已有记录。"))
        assert f.form_errors == ["该单位本年度已有记录。"] and not f.n.errors
        f.refuse(RuleError("期限不能早于今天。"), "d")
        assert f.d.errors == ["期限不能早于今天。"]


def test_ids_from_a_request_are_parsed_or_dropped():
    assert int_arg({"unit": "12"}, "unit") == 12
    for bad in ("", "-1", "1.0", "١٢", "9" * 19, "NaN"):
        assert int_arg({"unit": bad}, "unit") is None
    assert int_list(["3", "x", "", "9" * 30, "4"]) == [3, 4]


def test_a_control_character_in_any_submitted_text_is_refused_before_the_view(login_as, world):
    """Also for views that read request.form themselves (a NUL cannot be stored in PostgreSQL)."""
    from portal.models import AuditLog

    office = login_as("office")
    before = AuditLog.select().count()
    response = office.post("/legal/plan", {"year": "2026", "notes": "计划\x00说明"}, htmx=True)
    assert response.status_code == 422 and "控制字符" in response.get_data(as_text=True)
    assert office.get("/petitions/", query_string={"q": "a\x01"}).status_code == 422
    assert AuditLog.select().count() == before


def test_a_text_longer_than_its_column_is_refused_on_every_database(app, world, login_as):
    """The model layer checks every write against the column sizes: PostgreSQL would fail with a 500 and
    SQLite would silently store it; both now refuse with a Chinese message, and the form keeps the text."""
    import pytest

    from portal.models import ChecklistTemplate, Unit
    from portal.workflow import RuleError

    with app.app_context():
        with pytest.raises(RuleError, match="过长：最多 100 个字，现为 101 个"):
            Unit.update(name="长" * 101).where(Unit.id == world.shop.id).execute()
        with pytest.raises(RuleError, match="最多 100 个字"):
            Unit.insert_many([{"name": "长" * 101, "code": "X", "kind": "grassroots", "level": 3, "path": "/x/"}])
    assert Unit.get_by_id(world.shop.id).name != "长" * 101
    name = "检查清单" * 75  # 300 characters into a 100-character column
    response = login_as("office").post("/inspections/checklists/new", {"name": name, "items": "组织领导|落实责任|查资料|10"})
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 422) and "最多 100 个字，现为 300 个" in body and name in body
    assert not ChecklistTemplate.select().where(ChecklistTemplate.name.startswith("检查清单")).exists()
