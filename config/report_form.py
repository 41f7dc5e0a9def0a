"""Settings of the report form (issue 12 §5): how far from its target a value may be
before the form asks the writer to confirm it."""

from __future__ import annotations

from pydantic import Field

from config.base import SettingsGroup


class ReportFormSettings(SettingsGroup):
    """A value above ``TRACKER_REPORT_OUTLIER_FACTOR`` times the task's target (default 5),
    or below zero, is shown back with a request to confirm it before it is saved."""

    report_outlier_factor: float = Field(5.0, gt=1, le=1_000_000)
