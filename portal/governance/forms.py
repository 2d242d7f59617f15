"""Forms of the organisation pages. Rules live in services; these only parse input."""
from wtforms import (BooleanField, DateField, DateTimeLocalField, FieldList, FormField, HiddenField, IntegerField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, choices
from ..models.governance import CHECK_METHODS, CHECK_RESULTS, POSITIONS, ROSTER_KINDS

DECISION_ROWS = 5


class GroupForm(Form):
    unit = SelectField("所属单位", coerce=int, validate_choice=False)
    name = StringField("名称", validators=[DataRequired("请填写领导小组名称。"), Length(max=100)])
    offices = StringField("负责股室（办公室设在）", validators=[Optional(), Length(max=200)])
    established_on = DateField("成立日期", validators=[DataRequired("请填写成立日期。")])


class MemberForm(Form):
    account = SelectField("系统用户（可不选）", coerce=int, validate_choice=False, validators=[Optional()])
    name = StringField("姓名", validators=[Optional(), Length(max=50)])
    post = StringField("职务", validators=[Optional(), Length(max=100)])
    position = SelectField("小组职务", choices=choices(POSITIONS.items()), validate_choice=False)
    duty = TextAreaField("分工", validators=[Optional(), Length(max=2000)])
    in_charge = BooleanField("分管负责人")
    start_date = DateField("任职日期", validators=[DataRequired("请填写任职日期。")])


class EndMemberForm(Form):
    member = IntegerField("成员", validators=[InputRequired("请选择成员。"), NumberRange(1)])
    end_date = DateField("免去日期", validators=[DataRequired("请填写免去日期。")])


class BodyForm(Form):
    unit = SelectField("所属单位", coerce=int, validate_choice=False)
    name = StringField("名称", validators=[DataRequired("请填写名称，如“局党组”“××支部”。"), Length(max=100)])


class QuarterForm(Form):
    year = IntegerField("年度", validators=[InputRequired("请填写年度。"), NumberRange(2000, 2100, "年度无效。")])
    quarter = IntegerField("季度", validators=[InputRequired("请填写季度。"), NumberRange(1, 4, "季度应为 1 至 4。")])


class DecisionForm(Form):
    class Meta:
        csrf = False

    content = TextAreaField("决定事项", validators=[Optional(), Length(max=2000)])
    unit = SelectField("责任单位", coerce=int, validate_choice=False, validators=[Optional()])
    owner_name = StringField("责任人", validators=[Optional(), Length(max=50)])
    due_date = DateField("完成期限", validators=[Optional()])


class MeetingForm(Form):
    held_on = DateField("会议日期", validators=[DataRequired("请填写会议日期。")])
    place = StringField("地点", validators=[Optional(), Length(max=100)])
    chair = StringField("主持人", validators=[DataRequired("请填写主持人。"), Length(max=50)])
    attendees = TextAreaField("参会人员", validators=[DataRequired("请填写参会人员。"), Length(max=2000)])
    absentees = TextAreaField("缺席人员（及原因）", validators=[Optional(), Length(max=2000)])
    topics = TextAreaField("议题", validators=[DataRequired("请填写议题。"), Length(max=4000)])
    analysis = TextAreaField("工作动态分析", validators=[Optional(), Length(max=8000)])
    decisions = FieldList(FormField(DecisionForm), min_entries=DECISION_ROWS, max_entries=DECISION_ROWS)


class ContactForm(Form):
    leader = SelectField("局领导", coerce=int, validate_choice=False)
    unit = SelectField("联系单位", coerce=int, validate_choice=False)
    year = IntegerField("年度", validators=[InputRequired("请填写年度。"), NumberRange(2000, 2100, "年度无效。")])


class VisitForm(Form):
    unit = SelectField("督查单位", coerce=int, validate_choice=False)
    visited_on = DateField("督查日期", validators=[DataRequired("请填写督查日期。")])
    checked = TextAreaField("督查内容", validators=[DataRequired("请填写督查了什么。"), Length(max=4000)])
    problems = TextAreaField("发现的问题", validators=[Optional(), Length(max=4000)])
    task = BooleanField("将问题作为督办事项交办给该单位整改")
    task_due = DateField("整改期限", validators=[Optional()])


class RosterForm(Form):
    unit = SelectField("值班单位", coerce=int, validate_choice=False)
    title = StringField("标题", validators=[DataRequired("请填写标题，如“2026年春节值班表”。"), Length(max=100)])
    kind = SelectField("类型", choices=choices(ROSTER_KINDS.items()), validate_choice=False)
    start_date = DateField("开始日期", validators=[DataRequired("请填写开始日期。")])
    end_date = DateField("结束日期", validators=[DataRequired("请填写结束日期。")])


class CheckForm(Form):
    unit = SelectField("被查单位", coerce=int, validate_choice=False)
    roster = SelectField("值班表（可不选）", coerce=int, validate_choice=False, validators=[Optional()])
    checked_at = DateTimeLocalField("查岗时间", format="%Y-%m-%dT%H:%M", validators=[DataRequired("请填写查岗时间。")])
    method = SelectField("方式", choices=choices(CHECK_METHODS.items()), validate_choice=False)
    on_duty = StringField("值班人员", validators=[Optional(), Length(max=50)])
    result = SelectField("结果", choices=choices(CHECK_RESULTS.items()), validate_choice=False)
    note = TextAreaField("情况说明", validators=[Optional(), Length(max=2000)])
    criticise = BooleanField("不在岗的，同时通报批评")


class ArchiveForm(Form):
    year = IntegerField("年度", validators=[InputRequired("请填写年度。"), NumberRange(2000, 2100, "年度无效。")])
    unit = SelectField("单位", coerce=int, validate_choice=False)


class VersionForm(Form):
    version = HiddenField()
