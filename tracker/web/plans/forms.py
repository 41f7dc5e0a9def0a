"""Forms of the plan import pages."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from tracker.domain.titles import parse_period_option
from tracker.io.responsibility_header import ROLE_LABELS
from tracker.web.forms import TrackerForm, choices

#: The choices of a column: a role, or 不导入.
COLUMN_CHOICES = choices([("ignore", "不导入"), *ROLE_LABELS.items()])


class PlanUploadForm(TrackerForm):
    """One .docx/.xlsx responsibility table; its type is checked by the service."""

    file = FileField("责任分工表", validators=[FileRequired("请选择要上传的文件。")])


class ColumnsForm(TrackerForm):
    """Which role each header column has; entries follow the preview's header labels."""

    columns = FieldList(SelectField("列", choices=COLUMN_CHOICES), min_entries=0, max_entries=60)


class ConfirmForm(TrackerForm):
    """The plan's name and period as the office confirms them (a new plan only)."""

    name = StringField("方案名称", validators=[Optional(), Length(max=200)])
    period = StringField("实施期限", validators=[Optional(), Length(max=20)])

    def validate_period(self, field: Any) -> None:
        """``2019-2025``, or empty (the title's period or the guess shown)."""
        if field.data and field.data.strip():
            try:
                parse_period_option(field.data.strip())
            except ValueError as error:
                raise ValidationError(str(error)) from error

    def period_value(self) -> tuple[int, int] | None:
        """The period typed, or None."""
        text = (self.period.data or "").strip()
        return parse_period_option(text) if text else None
