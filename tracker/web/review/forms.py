"""Forms of the review queue: one decision from the queue, accepting several at once, and
a supervision notice issued by hand."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from tracker.web.forms import TrackerForm
from tracker.web.tasks.forms import ReviewForm

#: Longest "what is overdue" text of a notice.
MAX_OVERDUE_TEXT = 500


class QueueDecisionForm(ReviewForm):
    """The office accepts or returns one report from the queue (the task page's decision
    and reason); ``despite`` says the warning about unconfirmed contributions was read."""

    despite = HiddenField()
    back = HiddenField()


class BulkAcceptForm(TrackerForm):
    """Accept the ticked reports; ``despite``: also those with unconfirmed contributions."""

    despite = BooleanField("配合单位未全部确认的填报也一并通过")
    back = HiddenField()


class NoticeForm(TrackerForm):
    """The office issues a supervision notice (督办单) on a task to one of its lead units."""

    unit = SelectField("督办单位", validators=[InputRequired("请选择督办单位")])
    period = SelectField("涉及期间", validators=[])
    overdue_text = TextAreaField(
        "督办事项",
        validators=[
            DataRequired("请写明督办事项"),
            Length(max=MAX_OVERDUE_TEXT, message=f"督办事项不能超过{MAX_OVERDUE_TEXT}字"),
        ],
    )


class EscalationForm(TrackerForm):
    """A plan's escalation steps (working days), on the plan settings page."""

    before = StringField(
        "截止前几个工作日提醒",
        validators=[Length(max=40, message="请填写用逗号分隔的整数，如“5,1”")],
    )
    notice_after_workdays = IntegerField(
        "逾期几个工作日后发督办单",
        validators=[
            InputRequired("请填写逾期几个工作日后发督办单"),
            NumberRange(1, 60, message="须为1到60之间的整数"),
        ],
        render_kw={"min": 1, "max": 60, "inputmode": "numeric"},
    )
    leader_after_workdays = IntegerField(
        "逾期几个工作日后报分管领导",
        validators=[
            InputRequired("请填写逾期几个工作日后报分管领导"),
            NumberRange(1, 120, message="须为1到120之间的整数"),
        ],
        render_kw={"min": 1, "max": 120, "inputmode": "numeric"},
    )
    notice_prefix = StringField(
        "督办单编号前缀",
        validators=[
            DataRequired("请填写督办单编号前缀，如“慈产改督”"),
            Length(max=20, message="督办单编号前缀不能超过20个字"),
        ],
    )
