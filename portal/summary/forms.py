"""Forms of the year-end summary."""
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from ..forms import Form
from .services import FIRST_YEAR, LAST_YEAR


class DraftForm(Form):
    """起草总结: a year and a scope."""

    year = IntegerField("年度", validators=[InputRequired("请填写年度。"),
                                           NumberRange(FIRST_YEAR, LAST_YEAR, f"年度应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间。")])
    unit = SelectField("总结范围", coerce=int, validate_choice=False)


class ParagraphForm(Form):
    """One paragraph as typed, with the version of the draft the page showed it at."""

    pid = HiddenField()
    revision = HiddenField()
    text = TextAreaField("段落")


class AddParagraphForm(Form):
    section = HiddenField()
    text = TextAreaField("新段落")
