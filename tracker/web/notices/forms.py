"""The form a unit answers a supervision notice with."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from tracker.services.notices import ANSWER_MAX
from tracker.web.forms import TrackerForm


class AnswerForm(TrackerForm):
    """The unit's answer (整改情况) to a notice."""

    answer = TextAreaField(
        "答复内容",
        validators=[
            DataRequired("请填写答复内容。"),
            Length(max=ANSWER_MAX, message=f"答复内容不能超过{ANSWER_MAX}字。"),
        ],
    )
