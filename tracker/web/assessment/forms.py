"""Forms of the assessment pages. Field limits are checked again by the services."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, FloatField, FormField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.services.self_assessment import FormRow
from tracker.services.self_assessment_forms import EntryInput, ReviewInput
from tracker.web.forms import TrackerForm, TrackerSubform, choices

DECISIONS = (("confirm", "确认"), ("change", "调整分值"), ("reject", "驳回"))


def _posted_id(text: str | None) -> int:
    """A hidden id field as posted: its number, or 0 (no row's id) for anything but at
    most 10 ASCII digits (a tampered form), so the view refuses the row instead of failing."""
    if text and text.isascii() and text.isdigit() and len(text) <= 10:
        return int(text)
    return 0


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

    def fill(self, rows: list[FormRow]) -> None:
        """One row per indicator of the form, with the unit's current entry."""
        while len(self.rows):
            self.rows.pop_entry()
        for row in rows:
            self.rows.append_entry(
                {
                    "indicator_id": str(row.indicator.id),
                    "text": row.entry.text if row.entry else "",
                    "proposed_score": row.entry.proposed_score if row.entry else None,
                }
            )

    def indicator_ids(self) -> list[int]:
        """The indicator of each posted row (0, no indicator's id, for one that is not a
        number)."""
        return [_posted_id(sub.indicator_id.data) for sub in self.rows]

    def inputs(self) -> list[EntryInput]:
        """The posted rows, in order."""
        return [
            EntryInput(indicator_id, sub.text.data or "", sub.proposed_score.data)
            for indicator_id, sub in zip(self.indicator_ids(), self.rows, strict=True)
        ]


class ReviewEntryForm(TrackerSubform):
    """The reviewer's opinion and final score on one entry."""

    entry_id = HiddenField()
    opinion = TextAreaField("审核意见")
    final_score = FloatField("审核得分", validators=[Optional()])


class ReviewForm(TrackerForm):
    """The reviewer's form over a unit's entries."""

    rows = FieldList(FormField(ReviewEntryForm))

    def fill(self, rows: list[FormRow]) -> None:
        """One row per filed entry, with its current opinion and final score."""
        while len(self.rows):
            self.rows.pop_entry()
        for row in rows:
            assert row.entry is not None
            self.rows.append_entry(
                {
                    "entry_id": str(row.entry.id),
                    "opinion": row.entry.opinion,
                    "final_score": row.entry.final_score,
                }
            )

    def entry_ids(self) -> list[int]:
        """The entry of each posted row (0, no entry's id, for one that is not a number)."""
        return [_posted_id(sub.entry_id.data) for sub in self.rows]

    def inputs(self) -> list[ReviewInput]:
        """The posted rows, in order."""
        return [
            ReviewInput(entry_id, sub.opinion.data or "", sub.final_score.data)
            for entry_id, sub in zip(self.entry_ids(), self.rows, strict=True)
        ]


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
