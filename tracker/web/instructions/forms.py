"""The form a leader writes an instruction with."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker.services.instructions import MAX_TEXT
from tracker.web.forms import TrackerForm


class InstructionForm(TrackerForm):
    """A leader's instruction on a task, optionally on one of its reports."""

    text = TextAreaField(
        "批示内容",
        validators=[
            DataRequired("请填写批示内容"),
            Length(max=MAX_TEXT, message=f"批示内容不能超过{MAX_TEXT}字"),
        ],
    )
    # The service checks that the report belongs to the task.
    report_id = StringField(
        "针对的填报", validators=[Optional(), Regexp(r"^\d+$", message="所选填报无效")]
    )
