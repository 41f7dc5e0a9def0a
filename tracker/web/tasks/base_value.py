"""The base-year field of the report form (issue 10 item 2): asked while a relative target
("较2022年下降8%") lacks its base year's actual, stored with the report."""

from __future__ import annotations

from wtforms import FloatField
from wtforms.validators import NumberRange, Optional

from tracker.domain.milestones import missing_base_message
from tracker.models import Task, User
from tracker.services import bases
from tracker.web.forms import TrackerForm


class BaseValueForm(TrackerForm):
    """The actual of the first missing base year (``year``), optional."""

    value = FloatField("基期值", validators=[Optional(), NumberRange(min=0)])

    year: int = 0


def base_form(task: Task) -> BaseValueForm | None:
    """The field for the task's first missing base year, or ``None`` when none is missing."""
    missing = bases.missing_bases(task)
    if not missing:
        return None
    form = BaseValueForm(prefix="base", meta={"csrf": False})  # inside the report form
    form.year = missing[0]
    form.value.label.text = f"{missing[0]}年基期值（{missing_base_message(missing[0])}）"
    return form


def store_base(task: Task, form: BaseValueForm | None, user: User | None) -> None:
    """Store the base the lead unit gave with its report (nothing when left empty)."""
    if form is not None and form.value.data is not None:
        bases.record_base(task, form.year, float(form.value.data), user=user)
