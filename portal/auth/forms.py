"""Forms of the login and own-account pages."""
from flask import current_app
from ..forms import Form
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=256)])


def strong_password(form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(f"密码至少需要 {minimum} 个字符。")


class NewPasswordMixin:
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), strong_password, Length(max=256)])
    confirm = PasswordField("再次输入新密码", validators=[EqualTo("new_password", "两次输入的新密码不一致。")])


class PasswordChangeForm(NewPasswordMixin, Form):
    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
