"""The plain series a milestone chart is drawn from (dates and numbers, no models)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ChartPoint:
    """One point of a chart series.

    Attributes:
        day: calendar date of the point (x axis).
        value: numeric value in the series' unit (e.g. 35.0 for 35 %, 1.2 for 1.2 倍,
            56000.0 for 5.6万人); ignored for stage points.
        label: text shown next to the point; empty means "format ``value`` with the unit"
            (for stages: the step's name such as "启动").
    """

    day: date
    value: float
    label: str = ""


@dataclass(frozen=True)
class MilestoneChartSeries:
    """Everything one milestone chart shows, as plain data prepared by a service.

    Attributes:
        title: the task text (may be long Chinese; wrapped to two lines and truncated).
        unit: the unit of every value ("%", "倍", "人", "家", "元") or None.
        targets: milestone targets, drawn as a step line "目标" with markers and labels.
        expected: expected-to-date (序时进度) curve, drawn dashed.
        reported: accepted reported values, solid line with dots "已审核填报值".
        pending: submitted but not yet accepted values, hollow markers "待审核".
        stages: qualitative steps (value ignored), vertical markers with their labels.
        today: date of the vertical "今天" line, or None for no line.
        period: x-axis range (plan start, plan end); None means fit the data.
    """

    title: str
    unit: str | None
    targets: Sequence[ChartPoint]
    expected: Sequence[ChartPoint]
    reported: Sequence[ChartPoint]
    pending: Sequence[ChartPoint] = ()
    stages: Sequence[ChartPoint] = ()
    today: date | None = None
    period: tuple[date, date] | None = None
