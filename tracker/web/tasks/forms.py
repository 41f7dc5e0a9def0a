"""Forms of the task pages: report, review, contribution answer, milestone correction."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
)

from tracker.domain.milestones import COMPARATORS, MilestoneKind
from tracker.web.forms import TrackerForm, TrackerSubform, choices

KIND_LABELS = {
    MilestoneKind.LEVEL: "达到水平",
    MilestoneKind.MAINTAIN: "保持水平",
    MilestoneKind.ANNUAL: "每年数量",
    MilestoneKind.CUMULATIVE: "累计数量",
    MilestoneKind.GROWTH: "逐年增长",
    MilestoneKind.STAGE: "阶段节点",
    MilestoneKind.ONGOING: "常态推进",
}


class NumberField(FloatField):
    """A number typed by a person: blanks and thousands separators allowed, and a plain
    Chinese message for anything else (not WTForms' "不是有效的浮点数")."""

    MESSAGE = "请填写数字，例如 25 或 12.5"

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read the typed text; empty is no value."""
        if not valuelist:
            return
        raw = str(valuelist[0]).strip().replace(",", "").replace("，", "")
        if not raw:
            self.data = None
            return
        try:
            self.data = float(raw)
        except ValueError as error:
            self.data = None
            raise ValueError(self.MESSAGE) from error


class ReportForm(TrackerForm):
    """A lead unit's report for one period."""

    # The service checks the period (and says why one is refused: locked, outside the plan).
    period = SelectField(
        "填报期间", validators=[DataRequired("请选择填报期间")], validate_choice=False
    )
    value = NumberField(
        "完成值",
        validators=[Optional()],
        render_kw={"step": "any", "inputmode": "decimal"},
    )
    progress = TextAreaField(
        "进展情况",
        # Required on submission (the service says so); a draft may be incomplete.
        validators=[Length(max=2000, message="进展情况不能超过2000字")],
    )
    problems = TextAreaField(
        "存在问题", validators=[Length(max=2000, message="存在问题不能超过2000字")]
    )
    next_steps = TextAreaField(
        "下步打算", validators=[Length(max=2000, message="下步打算不能超过2000字")]
    )
    version = HiddenField(
        validators=[Optional(), Regexp(r"^\d+$", message="表单已过期，请刷新页面后重试")]
    )
    # Files go to the evidence service, which checks each by its bytes (field "file").
    file = MultipleFileField("佐证材料（可选，可一次选多个文件）")
    confirm_carryover = BooleanField("已核对：本期情况确与上期相同，照此报送")
    confirm_value = BooleanField("已核对：完成值无误，照此报送")


class ReviewForm(TrackerForm):
    """The office accepts or returns a submitted report."""

    decision = RadioField(
        "审核结果",
        choices=choices([("accept", "审核通过"), ("return", "退回")]),
        validators=[InputRequired("请选择审核结果")],
    )
    reason = TextAreaField(
        "退回理由", validators=[Length(max=1000, message="退回理由不能超过1000字")]
    )


class ContributionForm(TrackerForm):
    """A cooperating unit confirms its part or disputes it with a reason."""

    decision = RadioField(
        "确认结果",
        choices=choices([("confirm", "确认"), ("dispute", "有异议")]),
        validators=[InputRequired("请选择确认结果")],
    )
    text = TextAreaField(
        "本单位配合情况", validators=[Length(max=500, message="配合情况不能超过500字")]
    )
    reason = TextAreaField(
        "异议理由", validators=[Length(max=1000, message="异议理由不能超过1000字")]
    )


class MilestoneRow(TrackerSubform):
    """One milestone in the correction form; an empty row is ignored."""

    kind = SelectField(
        "类型",
        choices=choices([("", "—"), *((k.value, label) for k, label in KIND_LABELS.items())]),
    )
    due = DateField("截止日期", validators=[Optional()])
    start = DateField("起始日期", validators=[Optional()])
    comparator = SelectField("比较", choices=choices([("", "—"), *((c, c) for c in COMPARATORS)]))
    target = StringField("目标", validators=[Length(max=100)])
    upper = FloatField("上限", validators=[Optional()])
    unit = StringField("单位", validators=[Length(max=10)])
    remove = BooleanField("删除")


class MilestonesForm(TrackerForm):
    """The office's correction of a task's milestones."""

    rows = FieldList(FormField(MilestoneRow), min_entries=0)
    reviewed = BooleanField("已核对，移出待核对清单")
    baseline = FloatField("基数（计划开始时的水平）", validators=[Optional()])
    reason = StringField("修改原因", validators=[Optional(), Length(max=500)])
