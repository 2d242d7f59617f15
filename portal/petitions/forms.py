"""Forms of the letters-and-visits pages. Rules live in services; these only parse input."""
from wtforms import (BooleanField, DateField, FieldList, FileField, FormField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, choices
from ..models import CHANNELS, SATISFACTION, TASK_SOURCES
from ..models.petitions import VISIT_METHODS

# A group sends at most five representatives (信访工作条例 Art. 20): five rows are enough.
PERSON_ROWS = 5


class PersonForm(Form):
    class Meta:
        csrf = False

    name = StringField("姓名", validators=[Optional(), Length(max=50)])
    id_number = StringField("身份证号", validators=[Optional(), Length(max=18, message="身份证号应为 18 位。")])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])
    is_leader = BooleanField("为首带头人")


class IntakeForm(Form):
    token = HiddenField()
    received_on = DateField("收件（来访）日期", validators=[DataRequired("请填写收件（来访）日期。")])
    channel = SelectField("信访方式", choices=choices(CHANNELS.items()), validate_choice=False)
    headcount = IntegerField("人数", validators=[InputRequired("请填写人数。"), NumberRange(1, 100000, "人数至少为 1。")])
    concerned_unit = SelectField("涉及单位", coerce=int, validate_choice=False)
    category = SelectField("问题类别", coerce=int, validate_choice=False)
    title = StringField("事项摘要", validators=[DataRequired("请填写事项摘要。"), Length(max=200)])
    request = TextAreaField("信访诉求", validators=[DataRequired("请填写信访诉求。"), Length(max=8000)])
    escalated = BooleanField("越级访（已到县以上机关上访）")
    escalated_note = StringField("越级情况", validators=[Optional(), Length(max=500)])
    persons = FieldList(FormField(PersonForm), min_entries=PERSON_ROWS, max_entries=PERSON_ROWS)
    letter = FileField("来信或材料扫描件")


class StepForm(Form):
    """One form for every step; each step reads the fields it needs."""

    version = HiddenField()
    on = DateField("日期", validators=[Optional()])
    note = TextAreaField("说明", validators=[Optional(), Length(max=8000)])
    unit = SelectField("承办单位", coerce=int, validate_choice=False, validators=[Optional()])
    handler_name = StringField("承办人", validators=[Optional(), Length(max=50)])
    visitor = StringField("回访人", validators=[Optional(), Length(max=100)])
    method = SelectField("回访方式", choices=choices(VISIT_METHODS.items()), validate_choice=False)
    satisfaction = SelectField("满意度", choices=choices(SATISFACTION.items()), validate_choice=False)
    document = FileField("答复意见书")


class TaskForm(Form):
    source = SelectField("来源", choices=choices(TASK_SOURCES.items()), validate_choice=False)
    ref_number = StringField("文号（提案号）", validators=[Optional(), Length(max=50)])
    title = StringField("事项", validators=[DataRequired("请填写事项名称。"), Length(max=200)])
    content = TextAreaField("内容", validators=[Optional(), Length(max=8000)])
    received_on = DateField("收到日期", validators=[DataRequired("请填写收到日期。")])
    due_date = DateField("办理期限", validators=[DataRequired("请填写办理期限。")])
    unit = SelectField("承办单位", coerce=int, validate_choice=False)


class TaskReplyForm(Form):
    on = DateField("答复日期", validators=[DataRequired("请填写答复日期。")])
    note = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容。"), Length(max=8000)])
    document = FileField("书面答复（盖章扫描件）")

