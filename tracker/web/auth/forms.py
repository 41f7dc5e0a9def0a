"""The login and change-password forms."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.web.forms import TrackerForm


class LoginForm(TrackerForm):
    """Username and password."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=80)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=200)])
    remember = BooleanField("记住我")


class ChangePasswordForm(TrackerForm):
    """The current password, the new one twice (the policy is checked by the service)."""

    current_password = PasswordField(
        "当前密码", validators=[DataRequired("请输入当前密码"), Length(max=200)]
    )
    new_password = PasswordField(
        "新密码", validators=[DataRequired("请输入新密码"), Length(max=200)]
    )
    confirm = PasswordField(
        "确认新密码",
        validators=[
            DataRequired("请再次输入新密码"),
            EqualTo("new_password", "两次输入的新密码不一致"),
        ],
    )
