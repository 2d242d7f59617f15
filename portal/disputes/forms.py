"""Forms of the dispute pages. Rules live in services; these only parse input."""
from wtforms import (DateField, FieldList, FormField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, choices
from ..models.disputes import (CHANNELS, COMPLEXITIES, LOG_KINDS, PARTY_KINDS, REPORT_KINDS, REPORT_URGENCIES,
                               RISK_REASONS, RISKS, SOURCES)

PARTY_ROWS = 5
ACTION_ROWS = 4


class PartyForm(Form):
    class Meta:
        csrf = False

    kind = SelectField("类型", choices=choices(PARTY_KINDS.items()), validate_choice=False)
    name = StringField("姓名（名称）", validators=[Optional(), Length(max=100)])
    id_number = StringField("身份证号", validators=[Optional(), Length(max=18, message="身份证号应为 18 位。")])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])


class DisputeForm(Form):
    token = HiddenField()
    report = HiddenField()
    reported_on = DateField("发现（登记）日期", validators=[DataRequired("请填写发现（登记）日期。")])
    title = StringField("纠纷名称", validators=[DataRequired("请填写纠纷名称。"), Length(max=200)])
    summary = TextAreaField("纠纷概况", validators=[DataRequired("请填写纠纷概况。"), Length(max=8000)])
    category = SelectField("纠纷类别", coerce=int, validate_choice=False)
    source = SelectField("来源", choices=choices(SOURCES.items()), validate_choice=False)
    unit = SelectField("涉及单位", coerce=int, validate_choice=False)
    headcount = IntegerField("涉及人数", validators=[InputRequired("请填写涉及人数。"), NumberRange(1, 100000, "涉及人数至少为 1。")])
    organisations = StringField("涉及组织", validators=[Optional(), Length(max=500)])
    risk = SelectField("风险等级", choices=choices(RISKS.items()), validate_choice=False)
    reasons = SelectMultipleField("风险因素", choices=choices(RISK_REASONS.items()), validate_choice=False)
    complexity = SelectField("复杂程度", choices=choices(COMPLEXITIES.items()), validate_choice=False)
    parties = FieldList(FormField(PartyForm), min_entries=PARTY_ROWS, max_entries=PARTY_ROWS)


class StepForm(Form):
    """One form for every step; each step reads the fields it needs."""

    version = HiddenField()
    on = DateField("日期", validators=[Optional()])
    note = TextAreaField("说明", validators=[Optional(), Length(max=8000)])
    agreement = TextAreaField("调解协议内容", validators=[Optional(), Length(max=8000)])
    kind = SelectField("处置方式", choices=choices(LOG_KINDS.items()), validate_choice=False)
    people = StringField("参与人员", validators=[Optional(), Length(max=300)])
    channel = SelectField("转出渠道", choices=choices(CHANNELS.items()), validate_choice=False)
    risk = SelectField("风险等级", choices=choices(RISKS.items()), validate_choice=False)
    reasons = SelectMultipleField("风险因素", choices=choices(RISK_REASONS.items()), validate_choice=False)


class ActionForm(Form):
    class Meta:
        csrf = False

    content = StringField("措施", validators=[Optional(), Length(max=500)])
    unit = SelectField("责任单位", coerce=int, validate_choice=False, validators=[Optional()])
    due_date = DateField("完成期限", validators=[Optional()])


class ConsultForm(Form):
    version = HiddenField()
    on = DateField("会诊日期", validators=[DataRequired("请填写会诊日期。")])
    participants = TextAreaField("参加单位和人员", validators=[DataRequired("请填写参加单位和人员。"), Length(max=2000)])
    opinion = TextAreaField("会诊意见", validators=[DataRequired("请填写会诊意见。"), Length(max=8000)])
    actions = FieldList(FormField(ActionForm), min_entries=ACTION_ROWS, max_entries=ACTION_ROWS)


class ReportForm(Form):
    token = HiddenField()
    kind = SelectField("信息类别", choices=choices(REPORT_KINDS.items()), validate_choice=False)
    title = StringField("标题", validators=[DataRequired("请填写标题。"), Length(max=200)])
    content = TextAreaField("反映的情况", validators=[DataRequired("请填写反映的情况。"), Length(max=8000)])
    place = StringField("地点", validators=[Optional(), Length(max=200)])
    people = StringField("涉及人员", validators=[Optional(), Length(max=300)])
    headcount = IntegerField("涉及人数", validators=[InputRequired("请填写涉及人数。"), NumberRange(1, 100000, "涉及人数至少为 1。")])
    urgency = SelectField("紧急程度", choices=choices(REPORT_URGENCIES.items()), validate_choice=False)
    concerned_unit = SelectField("涉及单位", coerce=int, validate_choice=False)


class TriageForm(Form):
    version = HiddenField()
    reply = TextAreaField("答复意见", validators=[Optional(), Length(max=4000)])
    petitioner = StringField("信访人姓名", validators=[Optional(), Length(max=50)])
    unit = SelectField("承办单位", coerce=int, validate_choice=False, validators=[Optional()])
    due_date = DateField("办理期限", validators=[Optional()])
