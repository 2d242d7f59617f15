"""Forms of the user administration pages."""
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..auth.forms import strong_password
from ..forms import Form, choices
from ..models import ROLES


class UserForm(Form):
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=50, message="姓名不能超过 50 个字符。")])
    role = SelectField("角色", choices=choices(ROLES.items()), validate_choice=False)
    unit = SelectField("所在单位", coerce=int, validate_choice=False)
    phone = StringField("联系电话", validators=[Optional(), Length(max=32, message="电话不能超过 32 个字符。")])


class NewUserForm(UserForm):
    username = StringField("用户名", validators=[
        DataRequired("请填写用户名。"),
        Regexp(r"^[a-z0-9_.-]{3,64}$", message="用户名只能使用小写字母、数字、下划线、点和连字符，3 到 64 位。"),
    ])
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码。"), strong_password])
    confirm = PasswordField("再次输入密码", validators=[EqualTo("password", "两次输入的密码不一致。")])


class ResetPasswordForm(Form):
    password = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), strong_password])
    confirm = PasswordField("再次输入新密码", validators=[EqualTo("password", "两次输入的密码不一致。")])
