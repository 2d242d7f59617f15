"""Forms of the supervision pages."""
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import Form

# Tasks from above (上级交办) are registered once, under 信访, where their on-time reply rate is counted.
FROM_ABOVE = ("人大代表建议", "人大建议", "政协提案", "信访领导小组", "领导来信")
FROM_ABOVE_MESSAGE = ("人大代表建议、政协提案和领导来信（县信访领导小组、县领导交办件）属于上级交办事项，"
                      "请在“信访 → 上级交办”登记（承办单位的待办和督办台账会同时显示，按期答复率从那里统计）。")


class TaskForm(Form):
    title = StringField("事项", validators=[DataRequired("请填写交办事项。"), Length(max=200, message="事项不能超过 200 个字符。")])
    description = TextAreaField("具体要求", validators=[Optional(), Length(max=4000, message="具体要求不能超过 4000 个字符。")])
    unit = SelectField("承办单位", coerce=int, validate_choice=False)
    responsible_name = StringField("责任人", validators=[Optional(), Length(max=50, message="责任人不能超过 50 个字符。")])
    start_date = DateField("交办日期", validators=[DataRequired("请填写交办日期。")])
    due_date = DateField("办理期限", validators=[DataRequired("请填写办理期限。")])

    def validate_title(self, field):
        """One record per task from above: those are registered under 信访 → 上级交办, not here."""
        if any(word in (field.data or "") for word in FROM_ABOVE):
            raise ValidationError(FROM_ABOVE_MESSAGE)


class StepForm(Form):
    note = TextAreaField("说明", validators=[Optional(), Length(max=4000, message="说明不能超过 4000 个字符。")])


class ExtensionForm(Form):
    new_due_date = DateField("延至", validators=[DataRequired("请填写新的期限。")])
    reason = TextAreaField("延期理由", validators=[DataRequired("请填写延期理由。"), Length(max=2000, message="理由不能超过 2000 个字符。")])


class NoticeForm(Form):
    reason = TextAreaField("通报理由", validators=[DataRequired("请填写通报理由。"), Length(max=2000, message="理由不能超过 2000 个字符。")])
