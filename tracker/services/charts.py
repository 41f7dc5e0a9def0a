"""Series for a task's milestone chart; drawing is :mod:`tracker.io.charts`' job."""

from __future__ import annotations

from datetime import date, timedelta

from tracker.domain.lag import expected_to_date
from tracker.domain.milestones import MilestoneKind
from tracker.io.chart_series import ChartPoint, MilestoneChartSeries
from tracker.models import ProgressReport, ReportStatus, Task
from tracker.services.reports import is_cumulative, value_unit

_SAMPLE_DAYS = 15


def milestone_series(
    task: Task, reports: list[ProgressReport], as_of: date
) -> MilestoneChartSeries:
    """Targets, the expected-to-date curve, accepted and pending values, stages and today.

    For a task with a cumulative target the chart shows running totals, so yearly
    quantities (annual milestones) are left out of the target line; growth factors are
    never drawn as levels.
    """
    plan = task.plan
    specs = [milestone.to_spec() for milestone in task.milestones]
    plotted = _plotted_kinds(task)
    targets = [
        ChartPoint(spec.due, float(spec.target))
        for spec in specs
        if spec.kind in plotted and isinstance(spec.target, int | float)
    ]
    expected = _expected_curve(task, plan.start, plan.end) if targets else []
    stages = [
        ChartPoint(spec.due, 0.0, str(spec.target))
        for spec in specs
        if spec.kind is MilestoneKind.STAGE
    ]
    return MilestoneChartSeries(
        title=task.text,
        unit=value_unit(task),
        targets=targets,
        expected=expected,
        reported=_points(reports, accepted=True),
        pending=_points(reports, accepted=False),
        stages=stages,
        today=as_of,
        period=(plan.start, plan.end),
    )


def _plotted_kinds(task: Task) -> frozenset[MilestoneKind]:
    if is_cumulative(task):
        return frozenset({MilestoneKind.CUMULATIVE, MilestoneKind.LEVEL})
    return frozenset(
        {
            MilestoneKind.LEVEL,
            MilestoneKind.CUMULATIVE,
            MilestoneKind.MAINTAIN,
            MilestoneKind.ANNUAL,
        }
    )


def _expected_curve(task: Task, start: date, end: date) -> list[ChartPoint]:
    specs = [m.to_spec() for m in task.milestones]
    points = []
    day = start
    while day <= end:
        value = expected_to_date(specs, day, start, task.baseline_value)
        if value is not None:
            points.append(ChartPoint(day, value))
        day += timedelta(days=_SAMPLE_DAYS)
    return points


def _points(reports: list[ProgressReport], *, accepted: bool) -> list[ChartPoint]:
    wanted = {ReportStatus.ACCEPTED} if accepted else {ReportStatus.SUBMITTED}
    chosen = sorted((r for r in reports if r.status in wanted), key=lambda r: r.period_end)
    return [ChartPoint(r.period_end, float(r.value)) for r in chosen if r.value is not None]
