"""Forms of the supervision pages: rounds, findings, problems, rectification, closing,
self-checks, task closing and debriefings. Choices (units, tasks) are set by the views."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.models._types import MAX_ID
from tracker.models.inspection import INSPECTION_KIND_LABELS, PROBLEM_SOURCE_LABELS
from tracker.services.inspections.problems import MAX_DEADLINE_WORKDAYS, TEXT_MAX
from tracker.web.forms import TrackerForm, choices

_TEXT = Length(max=TEXT_MAX, message=f"不能超过{TEXT_MAX}字。")


def _id_field(label: str) -> IntegerField:
    return IntegerField(
        label, validators=[Optional(), NumberRange(1, MAX_ID, message="编号无效。")]
    )


def _deadline() -> IntegerField:
    return IntegerField(
        "整改期限（工作日）",
        default=10,
        validators=[
            InputRequired("请填写整改期限。"),
            NumberRange(
                0, MAX_DEADLINE_WORKDAYS, message=f"须为0到{MAX_DEADLINE_WORKDAYS}之间的整数。"
            ),
        ],
    )


class InspectionForm(TrackerForm):
    """A new round (督查)."""

    name = StringField("督查名称", validators=[DataRequired("请填写督查名称。"), Length(max=200)])
    kind = SelectField(
        "督查方式", choices=choices((k.value, v) for k, v in INSPECTION_KIND_LABELS.items())
    )
    starts_on = DateField("开始日期", validators=[InputRequired("请填写开始日期。")])
    ends_on = DateField("结束日期", validators=[InputRequired("请填写结束日期。")])
    unit_ids = SelectMultipleField(
        "被督查单位", coerce=int, validators=[DataRequired("请选择单位。")]
    )
    team = TextAreaField("督查组成员（每行一人）", validators=[_TEXT])
    task_ids = SelectMultipleField("督查的任务", coerce=int, validators=[Optional()])
    items = TextAreaField("其他督查事项（每行一项）", validators=[_TEXT])


class FindingForm(TrackerForm):
    """A finding of the team about one inspected unit (a problem of the ledger)."""

    unit_id = SelectField("单位", coerce=int, validators=[InputRequired("请选择单位。")])
    category = StringField("问题类别", validators=[Length(max=60)])
    description = TextAreaField("问题描述", validators=[DataRequired("请填写问题描述。"), _TEXT])
    requirement = TextAreaField("整改要求", validators=[_TEXT])
    deadline_workdays = _deadline()
    responsible = StringField("责任人", validators=[Length(max=100)])
    task_id = SelectField("关联任务", coerce=int, validators=[Optional()])


class ProblemForm(FindingForm):
    """A problem from any source, added to the ledger by the office."""

    source = SelectField(
        "问题来源", choices=choices((k.value, v) for k, v in PROBLEM_SOURCE_LABELS.items())
    )
    found_on = DateField("发现日期", validators=[InputRequired("请填写发现日期。")])
    indicator_id = _id_field("关联考核指标编号")


class RectifyForm(TrackerForm):
    """The unit's rectification (整改情况) with an optional evidence file."""

    rectification = TextAreaField("整改情况", validators=[DataRequired("请填写整改情况。"), _TEXT])
    file = FileField("佐证材料（可选）")


class CloseForm(TrackerForm):
    """The office's verification before closing (销号)."""

    verification = TextAreaField("核验意见", validators=[_TEXT])


class ReturnForm(TrackerForm):
    """Sending a rectification back (退回)."""

    reason = TextAreaField("退回理由", validators=[DataRequired("请填写退回理由。"), _TEXT])


class SelfCheckForm(TrackerForm):
    """A unit's self-check of one item, with an optional evidence file."""

    text = TextAreaField("自查情况", validators=[DataRequired("请填写自查情况。"), _TEXT])
    file = FileField("佐证材料（可选）")


class TaskCloseForm(TrackerForm):
    """Closing a task (销号) with a note."""

    note = TextAreaField("销号说明", validators=[_TEXT])


class ReopenForm(TrackerForm):
    """Reopening a closed task, with a reason."""

    reason = TextAreaField("重新打开的理由", validators=[DataRequired("请填写理由。"), _TEXT])


class DebriefingForm(TrackerForm):
    """A new duty debriefing round (述职评议)."""

    name = StringField("评议名称", validators=[DataRequired("请填写评议名称。"), Length(max=200)])
    held_on = DateField("评议日期", validators=[InputRequired("请填写评议日期。")])
    unit_ids = SelectMultipleField(
        "述职单位", coerce=int, validators=[DataRequired("请选择单位。")]
    )
    criteria = TextAreaField(
        "评分标准（每行“名称:满分”）",
        default="工作推进:40\n改革成效:40\n创新举措:20",
        validators=[DataRequired("请填写评分标准。"), _TEXT],
    )
    trim = BooleanField("去掉一个最高分和一个最低分", default=True)
    plan_id = _id_field("方案编号（可选）")
    indicator_id = _id_field("计入的考核指标编号（可选）")


class DebriefingReportForm(TrackerForm):
    """A unit's written report (述职报告), with an optional file."""

    text = TextAreaField(
        "述职报告", validators=[DataRequired("请填写述职报告。"), Length(max=TEXT_MAX * 5)]
    )
    file = FileField("报告文件（可选）")


class RateForm(TrackerForm):
    """A rater's scores of one unit, one per criterion."""

    scores = FieldList(
        FloatField("得分", validators=[InputRequired("请打分。"), NumberRange(0, 1000)]),
        min_entries=1,
        max_entries=50,
    )
