"""Forms of the agreement pages."""
from wtforms import DateField, DecimalField, FieldList, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, choices
from ..models import ITEM_KINDS


class TemplateItemForm(Form):
    class Meta:
        csrf = False  # a sub-form; the page's form carries the token

    category = StringField("类别", validators=[Optional(), Length(max=50, message="类别不能超过 50 个字符。")])
    content = TextAreaField("目标内容", validators=[Optional(), Length(max=2000, message="目标内容不能超过 2000 个字符。")])
    points = DecimalField("分值", places=1, validators=[Optional(), NumberRange(0, 1000, "分值应在 0 到 1000 之间。")])
    scoring_rule = TextAreaField("考核办法", validators=[Optional(), Length(max=2000, message="考核办法不能超过 2000 个字符。")])
    kind = SelectField("类型", choices=choices(ITEM_KINDS.items()), validate_choice=False)


class TemplateForm(Form):
    year = IntegerField("年度", validators=[InputRequired("请填写年度。"), NumberRange(2000, 2100, "年度应在 2000 到 2100 之间。")])
    title = StringField("标题", validators=[DataRequired("请填写标题。"), Length(max=200)])
    party_a = StringField("甲方", validators=[DataRequired("请填写甲方。"), Length(max=100)])
    party_a_signatory = StringField("甲方签字人职务", validators=[DataRequired("请填写甲方签字人职务。"), Length(max=50)])
    preamble = TextAreaField("前言", validators=[Optional(), Length(max=8000)])
    rewards = TextAreaField("奖惩", validators=[Optional(), Length(max=8000)])
    excellent_min = DecimalField("优秀分数线", places=1, validators=[InputRequired("请填写优秀分数线。")])
    good_min = DecimalField("良好分数线", places=1, validators=[InputRequired("请填写良好分数线。")])
    pass_min = DecimalField("合格分数线", places=1, validators=[InputRequired("请填写合格分数线。")])
    bonus_cap = DecimalField("加分上限", places=1, default=0, validators=[InputRequired("请填写加分上限。"), NumberRange(0, 100, "加分上限应在 0 到 100 之间。")])
    sign_due = DateField("签订期限", validators=[Optional()])
    self_assess_due = DateField("自评期限", validators=[Optional()])
    items = FieldList(FormField(TemplateItemForm), min_entries=1)

    def item_data(self):
        """Filled item rows (blank rows ignored), in page order."""
        return [{"category": (f.category.data or "").strip(), "content": (f.content.data or "").strip(),
                 "points": f.points.data or 0, "scoring_rule": (f.scoring_rule.data or "").strip(), "kind": f.kind.data}
                for f in self.items if (f.content.data or "").strip() or (f.category.data or "").strip()]

    def header_data(self):
        text = ("title", "party_a", "party_a_signatory", "preamble", "rewards")
        other = ("year", "excellent_min", "good_min", "pass_min", "bonus_cap", "sign_due", "self_assess_due")
        return {**{name: (getattr(self, name).data or "").strip() for name in text},
                **{name: getattr(self, name).data for name in other}}
