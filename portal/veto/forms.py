"""Forms of the one-veto pages."""
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, choices
from ..models import MEASURES, SANCTION_KINDS, TRIGGERS


class VetoForm(Form):
    unit = SelectField("单位", coerce=int, validate_choice=False)
    year = IntegerField("考核年度", validators=[InputRequired("请填写考核年度。"), NumberRange(2000, 2100, "年度应在 2000 到 2100 之间。")])
    trigger = SelectField("否决事由", choices=choices(TRIGGERS.items()), validate_choice=False)
    occurred_on = DateField("发生日期", validators=[DataRequired("请填写发生日期。")])
    description = TextAreaField("事件经过", validators=[DataRequired("请填写事件经过。"), Length(max=4000)])


class SanctionForm(Form):
    unit = SelectField("单位", coerce=int, validate_choice=False)
    kind = SelectField("处理方式", choices=choices(SANCTION_KINDS.items()), validate_choice=False)
    reason = TextAreaField("事由", validators=[DataRequired("请填写事由。"), Length(max=2000)])


class AccountabilityForm(Form):
    measure = SelectField("处理措施", choices=choices(MEASURES.items()), validate_choice=False)
    decided_on = DateField("决定日期", validators=[DataRequired("请填写决定日期。")])
    decision = TextAreaField("查究决定", validators=[DataRequired("请填写查究决定。"), Length(max=4000)])
    follow_up = TextAreaField("跟踪落实情况", validators=[Optional(), Length(max=4000)])
    name_1 = StringField("责任人姓名", validators=[Optional(), Length(max=50)])
    post_1 = StringField("职务", validators=[Optional(), Length(max=50)])
    name_2 = StringField("责任人姓名", validators=[Optional(), Length(max=50)])
    post_2 = StringField("职务", validators=[Optional(), Length(max=50)])
    name_3 = StringField("责任人姓名", validators=[Optional(), Length(max=50)])
    post_3 = StringField("职务", validators=[Optional(), Length(max=50)])

    def persons(self):
        return [{"name": getattr(self, f"name_{n}").data or "", "post": getattr(self, f"post_{n}").data or ""}
                for n in (1, 2, 3)]
