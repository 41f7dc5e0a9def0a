"""Forms of the settings pages: a plan's reporting rules and one calendar day."""

from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from tracker.services.plan_settings import CADENCE_LABELS, LIMITS
from tracker.web.forms import TrackerForm, choices

HOLIDAY, WORKDAY = "holiday", "workday"


def _workdays(name: str) -> IntegerField:
    """A whole number of working days within the service's limits for ``name``."""
    limit = LIMITS[name]
    return IntegerField(
        limit.label,
        validators=[
            InputRequired(f"请填写{limit.label}"),
            NumberRange(limit.low, limit.high, message=f"须为{limit.low}到{limit.high}之间的整数"),
        ],
        render_kw={"min": limit.low, "max": limit.high, "inputmode": "numeric"},
    )


class PlanSettingsForm(TrackerForm):
    """The office's reporting rules of one plan (working-day counts, DESIGN.md §5)."""

    cadence = SelectField(
        "填报周期",
        choices=choices((cadence.value, label) for cadence, label in CADENCE_LABELS.items()),
        validators=[InputRequired("请选择填报周期")],
    )
    report_due_workdays = _workdays("report_due_workdays")
    overdue_grace_workdays = _workdays("overdue_grace_workdays")
    contribution_due_workdays = _workdays("contribution_due_workdays")
    unit_approval = BooleanField("单位审批：单位填报须经本单位审批后再报送改革办")


class CalendarDayForm(TrackerForm):
    """Add or change one day of the holiday calendar."""

    day = DateField("日期", validators=[InputRequired("请填写日期")])
    kind = RadioField(
        "类型",
        choices=choices([(HOLIDAY, "放假"), (WORKDAY, "调休上班")]),
        default=HOLIDAY,
        validators=[InputRequired("请选择放假或调休上班")],
    )
    name = StringField(
        "名称",
        validators=[
            DataRequired("请填写名称，如“国庆节”"),
            Length(max=50, message="名称不能超过50个字"),
        ],
    )
