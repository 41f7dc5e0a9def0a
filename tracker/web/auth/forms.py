"""The login form."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from tracker.web.forms import TrackerForm


class LoginForm(TrackerForm):
    """Username and password."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=80)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=200)])
    remember = BooleanField("记住我")
