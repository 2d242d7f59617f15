"""Forms of the unit pages."""
from ..forms import Form, choices
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..models import UNIT_KINDS


class UnitForm(Form):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称。"), Length(max=100, message="单位名称不能超过 100 个字符。")])
    code = StringField("单位代码", validators=[
        DataRequired("请填写单位代码。"),
        Regexp(r"^[A-Za-z0-9_-]{1,32}$", message="单位代码只能使用字母、数字、下划线和连字符，不超过 32 位。"),
    ])
    kind = SelectField("类型", choices=choices(UNIT_KINDS.items()), validate_choice=False)
    parent = SelectField("上级单位", coerce=int, validate_choice=False)
    head_name = StringField("第一责任人", validators=[Optional(), Length(max=50, message="姓名不能超过 50 个字符。")])
    phone = StringField("联系电话", validators=[Optional(), Length(max=32, message="电话不能超过 32 个字符。")])
    sort_order = IntegerField("排序", default=0, validators=[Optional()])

    def set_parents(self, tree_rows):
        self.parent.choices = choices((u.id, "　" * depth + u.name) for u, depth in tree_rows)
