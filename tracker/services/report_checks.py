"""Checks of an honest report form (issue 12 §5), asked before a report is saved:

* text carried over from the last period unchanged must be edited or confirmed;
* a value far from the task's target (over ``factor`` times it) or below zero must be
  confirmed.

Nothing here writes; the report service saves once the writer has confirmed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.domain.milestones import MilestoneKind
from tracker.domain.periods import parse_period
from tracker.domain.whole_numbers import quantity
from tracker.models import ProgressReport, ReportStatus, Task
from tracker.services.reports import ReportInput, current_reports, find_report, value_unit

#: The texts of a report, with their labels.
TEXT_FIELDS = {"progress": "进展情况", "problems": "存在问题", "next_steps": "下步打算"}
#: Statuses of a report that was sent (the texts a new period may start from).
_SENT = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.PENDING_APPROVAL})
#: Milestone kinds whose target is a value in the task's unit.
_VALUED = frozenset(
    {MilestoneKind.LEVEL, MilestoneKind.MAINTAIN, MilestoneKind.ANNUAL, MilestoneKind.CUMULATIVE}
)


@dataclass(frozen=True, slots=True)
class CarriedOver:
    """The fields of a report equal to those of an earlier period's report."""

    period_label: str
    fields: tuple[str, ...]

    @property
    def labels(self) -> str:
        """The fields' labels, "进展情况、下步打算"."""
        return "、".join(TEXT_FIELDS[field] for field in self.fields)


def previous_report(task: Task, period: str) -> ProgressReport | None:
    """The sent report of the latest period before ``period`` (None when there is none
    or ``period`` cannot be read)."""
    try:
        end = parse_period(period).end
    except ValueError:
        return None
    earlier = [r for r in current_reports(task.id) if r.period_end < end and r.status in _SENT]
    return earlier[0] if earlier else None


def carried_over(task: Task, data: ReportInput) -> CarriedOver | None:
    """Which non-empty texts of ``data`` equal the previous period's report word for word
    (leaving out those this period's report was already sent with: confirmed before);
    None when none does."""
    previous = previous_report(task, data.period)
    if previous is None:
        return None
    current = find_report(task.id, data.period)
    sent = current if current is not None and current.submitted_on is not None else None
    same = tuple(
        field
        for field in TEXT_FIELDS
        if (text := getattr(data, field).strip())
        and text == getattr(previous, field)
        and (sent is None or getattr(sent, field) != text)
    )
    if not same:
        return None
    return CarriedOver(parse_period(previous.period).label, same)


def largest_target(task: Task) -> float | None:
    """The largest target of the task's valued milestones, in its report unit."""
    targets = [
        m.target_value
        for m in task.milestones
        if m.kind in _VALUED and m.target_value is not None and m.target_value > 0
    ]
    return max(targets) if targets else None


def unusual_value(task: Task, value: float | None, factor: float) -> str | None:
    """Why ``value`` asks for confirmation: below zero, or above ``factor`` times the
    task's largest target; None when it is plausible."""
    if value is None or not math.isfinite(value):
        return None  # the report service refuses what is not a finite number
    unit = value_unit(task)
    shown = quantity(value, unit)
    if value < 0:
        return f"完成值是负数（{shown}），请核对"
    target = largest_target(task)
    if target is not None and value > factor * target:
        times = value / target
        return (
            f"完成值{shown}是目标{quantity(target, unit)}的{times:,.0f}倍，"
            f"超过目标的{factor:g}倍，请核对是否多填了位数或用错了单位"
        )
    return None
