"""Forms of the key-person pages. Rules live in services; these only parse input."""
from wtforms import DateField, DecimalField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from .. import privacy
from ..forms import Form, choices
from ..models.keypersons import LEVELS, MOODS, OUTCOMES, REQUEST_KINDS, SEXES, VISIT_FORMS


def _id_number(form, field):
    problem = privacy.id_number_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _phone(form, field):
    problem = privacy.phone_problem(field.data)
    if problem:
        raise ValidationError(problem)


class PersonForm(Form):
    version = HiddenField()
    name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=50)])
    sex = SelectField("性别", choices=choices([("", "—")] + list(SEXES.items())), validate_choice=False)
    birth_date = DateField("出生日期", validators=[Optional()])
    id_number = StringField("身份证号", validators=[Optional(), Length(max=18, message="身份证号应为 18 位。"), _id_number])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20), _phone])
    address = StringField("住址", validators=[Optional(), Length(max=200)])
    unit = SelectField("所在单位", coerce=int, validate_choice=False)
    categories = SelectMultipleField("人员类别", coerce=int, validate_choice=False)
    level = SelectField("稳控级别", choices=choices(LEVELS.items()), validate_choice=False)
    level_reason = TextAreaField("定级理由", validators=[Optional(), Length(max=2000)])
    family = TextAreaField("家庭情况", validators=[Optional(), Length(max=4000)])
    income = TextAreaField("收入情况", validators=[Optional(), Length(max=4000)])
    health = TextAreaField("健康状况", validators=[Optional(), Length(max=4000)])
    cadre = SelectField("包保责任人", coerce=int, validate_choice=False, validators=[Optional()])


class HandoverForm(Form):
    version = HiddenField()
    cadre = SelectField("新的包保责任人", coerce=int, validate_choice=False, validators=[Optional()])
    on = DateField("移交日期", validators=[DataRequired("请填写移交日期。")])
    reason = TextAreaField("移交原因", validators=[Optional(), Length(max=2000)])


class StatusForm(Form):
    version = HiddenField()
    note = TextAreaField("说明", validators=[Optional(), Length(max=2000)])


class VisitForm(Form):
    version = HiddenField()
    visited_on = DateField("走访日期", validators=[DataRequired("请填写走访日期。")])
    form = SelectField("走访形式", choices=choices(VISIT_FORMS.items()), validate_choice=False)
    content = TextAreaField("走访情况", validators=[Optional(), Length(max=8000)])
    requests_raised = TextAreaField("提出的诉求", validators=[Optional(), Length(max=4000)])
    mood = SelectField("思想动态", choices=choices(MOODS.items()), validate_choice=False)
    level = SelectField("重新评估稳控级别", choices=choices(LEVELS.items()), validate_choice=False)
    level_reason = TextAreaField("调整理由", validators=[Optional(), Length(max=2000)])


class RequestForm(Form):
    kind = SelectField("诉求类型", choices=choices(REQUEST_KINDS.items()), validate_choice=False)
    content = TextAreaField("诉求内容", validators=[Optional(), Length(max=8000)])
    unit = SelectField("责任单位", coerce=int, validate_choice=False, validators=[Optional()])
    raised_on = DateField("提出日期", validators=[DataRequired("请填写提出日期。")])
    due_date = DateField("办理期限", validators=[DataRequired("请填写办理期限。")])


class OutcomeForm(Form):
    version = HiddenField()
    outcome = SelectField("办理结果", choices=choices(OUTCOMES.items()), validate_choice=False)
    explanation = TextAreaField("向当事人的答复或解释", validators=[Optional(), Length(max=8000)])
    amount = DecimalField("支付金额（元）", places=2, validators=[Optional(), NumberRange(0, 10 ** 9, "金额应在 0 到 10 亿元之间。")])
    closed_on = DateField("办结日期", validators=[DataRequired("请填写办结日期。")])

