"""Forms of the inspection pages. Rules live in services; these parse input and say every problem at once."""
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form


class FindingForm(Form):
    """提出问题: the problem found, its severity, what the unit must do, by when and who answers for it."""

    class Meta:
        csrf = False  # posted by htmx, which sends the page's token in a header

    check = SelectField("对应检查项", coerce=lambda v: int(v) if str(v or "").isdigit() else None, validate_choice=False)
    severity = SelectField("严重程度", validate_choice=False)
    deadline = DateField("整改期限", validators=[Optional()])
    responsible_person = StringField("责任人", validators=[Optional(), Length(max=50, message="责任人不能超过 50 个字符。")])
    description = TextAreaField("发现的问题", validators=[DataRequired("请填写发现的问题。"),
                                                     Length(max=2000, message="不能超过 2000 个字符。")])
    requirement = TextAreaField("整改要求", validators=[DataRequired("请填写整改要求。"),
                                                   Length(max=2000, message="不能超过 2000 个字符。")])

    def place(self, message):
        """Put a service's refusal beside the field it is about (else above the form)."""
        for name, word in (("deadline", "整改期限"), ("check", "检查项"), ("severity", "严重程度")):
            if word in message:
                getattr(self, name).errors = list(getattr(self, name).errors) + [message]
                return
        self.form_errors.append(message)
