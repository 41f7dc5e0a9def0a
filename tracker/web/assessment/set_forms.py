"""Forms of the indicator-table import and of a set's assessed units."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.web.forms import TrackerForm


class TableForm(TrackerForm):
    """An indicator table (.docx/.xlsx) to preview."""

    file = FileField(
        "指标表文件",
        validators=[
            FileRequired("请选择要导入的文件。"),
            FileAllowed(["xlsx", "docx"], "只能上传 .xlsx 或 .docx 文件。"),
        ],
    )


class ConfirmTableForm(TrackerForm):
    """Confirm a previewed table: the table read (JSON), its name, and a plan whose units
    its 考核对象 resolve to."""

    payload = HiddenField(validators=[DataRequired("导入内容缺失，请重新上传。")])
    name = StringField(
        "指标体系名称",
        validators=[DataRequired("请填写名称"), Length(max=200, message="不能超过200个字")],
    )
    plan_id = SelectField("考核对象对应到方案", choices=[], default="")


class AssignForm(TrackerForm):
    """Resolve the set's 考核对象 against the plan, or assign it to units (by name, one a
    line, or every unit of a kind)."""

    action = HiddenField(default="assign")
    names = TextAreaField("单位名称（每行一个）", validators=[Length(max=20000, message="过长")])
    kind = SelectField("或：全部该类型的单位", choices=[], default="")
