"""Forms of the assessment pages. Field limits are checked again by the services."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, FloatField, FormField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.web.forms import TrackerForm, TrackerSubform, choices

DECISIONS = (("confirm", "确认"), ("change", "调整分值"), ("reject", "驳回"))


class SelfEntryForm(TrackerSubform):
    """One indicator of the self-assessment form."""

    indicator_id = HiddenField()
    text = TextAreaField("自评情况")
    proposed_score = FloatField(
        "自评分", validators=[Optional()], render_kw={"inputmode": "decimal"}
    )


class SelfAssessmentForm(TrackerForm):
    """A unit's whole self-assessment form."""

    rows = FieldList(FormField(SelfEntryForm))


class ReviewEntryForm(TrackerSubform):
    """The reviewer's opinion and final score on one entry."""

    entry_id = HiddenField()
    opinion = TextAreaField("审核意见")
    final_score = FloatField("审核得分", validators=[Optional()])


class ReviewForm(TrackerForm):
    """The reviewer's form over a unit's entries."""

    rows = FieldList(FormField(ReviewEntryForm))


class EvidenceForm(TrackerForm):
    """One evidence file of a self-assessment entry."""

    file = FileField("佐证材料", validators=[FileRequired("请选择要上传的文件。")])


class DecisionForm(TrackerForm):
    """An assessor confirms, changes or rejects a proposed adjustment, with a reason."""

    decision = RadioField(
        "认定", choices=choices(DECISIONS), validators=[InputRequired("请选择认定结果。")]
    )
    points = FloatField("调整后分值（扣分为负数）", validators=[Optional()])
    reason = TextAreaField(
        "理由",
        validators=[DataRequired("请填写理由。"), Length(max=2000, message="理由不超过2000字。")],
    )


class AppealForm(TrackerForm):
    """A unit appeals a decided adjustment once, with a reason."""

    reason = TextAreaField(
        "申诉理由",
        validators=[
            DataRequired("请填写申诉理由。"),
            Length(max=2000, message="申诉理由不超过2000字。"),
        ],
    )


class AnswerForm(TrackerForm):
    """The assessor answers an appeal, optionally with new points."""

    answer = TextAreaField(
        "答复",
        validators=[DataRequired("请填写答复。"), Length(max=2000, message="答复不超过2000字。")],
    )
    points = FloatField("调整后分值（不变则留空）", validators=[Optional()])


class MappingForm(TrackerForm):
    """Map a task to a level-3 indicator, or remove the mapping."""

    task_id = HiddenField(validators=[DataRequired("缺少任务。")])
    indicator_id = HiddenField(validators=[DataRequired("请选择指标。")])
    action = HiddenField(default="map")
