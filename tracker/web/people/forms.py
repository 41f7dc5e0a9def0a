"""Forms of the unit and user pages and of the Excel imports."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.domain.policy import ROLE_LABELS
from tracker.services.unit_admin import KIND_LABELS
from tracker.web.forms import TrackerForm, choices

#: The "nobody / none" choice of an optional select.
NONE = ""
KIND_CHOICES = choices(KIND_LABELS.items())
ROLE_CHOICES = choices((role.value, label) for role, label in ROLE_LABELS.items())


class UnitForm(TrackerForm):
    """A unit: name, aliases (one a line), kind, parent, head, leader in charge, active."""

    name = StringField(
        "单位名称",
        validators=[DataRequired("请填写单位名称"), Length(max=100, message="不能超过100个字")],
    )
    aliases = TextAreaField("别名（每行一个）", validators=[Length(max=2000, message="别名过长")])
    kind = SelectField("单位类型", choices=KIND_CHOICES, validators=[InputRequired("请选择类型")])
    parent_id = SelectField("上级单位", choices=[], default=NONE)
    head_id = SelectField("单位负责人（接收督办单）", choices=[], default=NONE)
    leader_id = SelectField("分管领导", choices=[], default=NONE)
    active = BooleanField("在用（停用的单位不再参与对应与考核）", default=True)


class MergeForm(TrackerForm):
    """Merge this unit into another: the other unit."""

    target_id = SelectField("合并到", choices=[], validators=[InputRequired("请选择单位")])


class UserForm(TrackerForm):
    """A user: username (on creation), name, role, unit, e-mail, active."""

    username = StringField(
        "用户名",
        validators=[DataRequired("请填写用户名"), Length(max=80, message="不能超过80个字符")],
    )
    display_name = StringField("姓名", validators=[Length(max=100, message="不能超过100个字")])
    role = SelectField("角色", choices=ROLE_CHOICES, validators=[InputRequired("请选择角色")])
    unit_id = SelectField("单位（单位填报员必填）", choices=[], default=NONE)
    email = StringField("邮箱", validators=[Optional(), Length(max=255, message="邮箱过长")])
    active = BooleanField("在用（停用后不能登录）", default=True)


class ImportForm(TrackerForm):
    """An Excel (or Word) list to preview; for units, the kind of rows without one."""

    file = FileField(
        "名单文件",
        validators=[
            FileRequired("请选择要导入的文件。"),
            FileAllowed(["xlsx", "docx"], "只能上传 .xlsx 或 .docx 文件。"),
        ],
    )
    kind = SelectField(
        "未写类型的行按",
        choices=choices([(NONE, "其他（或按各行的类型列）"), *KIND_LABELS.items()]),
        default=NONE,
    )


class ConfirmForm(TrackerForm):
    """Confirm a previewed import: the rows read, carried as JSON, and the kind."""

    payload = HiddenField(validators=[DataRequired("导入内容缺失，请重新上传。")])
    kind = HiddenField()
