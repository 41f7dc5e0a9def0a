"""Shared pieces of the lag rules: numeric targets, comparators, elapsed shares, grace
deadlines and the accepted reports visible on a day (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag.facts import ReportFact
from tracker.domain.milestones import MilestoneSpec

EPS = 1e-9
ONE_DAY = timedelta(days=1)


def as_number(target: object) -> float | None:
    """The target as a float, or None when it is not a number."""
    if isinstance(target, bool) or not isinstance(target, int | float):
        return None
    return float(target)


def target_of(m: MilestoneSpec) -> float:
    """The numeric target of ``m``; ``ValueError`` when it has none (checked by callers)."""
    value = as_number(m.target)
    if value is None:
        raise ValueError(f"节点目标不是数值：{m.target!r}")
    return value


def lower_is_better(comparator: str | None) -> bool:
    """True for "<=" and "<" (e.g. "控制在8%以内")."""
    return comparator in ("<=", "<")


def meets(value: float, comparator: str | None, target: float) -> bool:
    """Whether ``value`` meets ``target`` under ``comparator`` (">=", ">", "<=", "<", "=").

    "=" and ``None`` read as ">=" ("达到"): surpassing a level or count still meets it.
    """
    if comparator == ">":
        return value > target + EPS
    if comparator == "<":
        return value < target - EPS
    if comparator == "<=":
        return value <= target + EPS
    return value >= target - EPS


def on_pace(value: float, expected: float, comparator: str | None) -> bool:
    """Whether ``value`` is at or beyond ``expected`` in the good direction (never strict)."""
    if lower_is_better(comparator):
        return value <= expected + EPS
    return value >= expected - EPS


def elapsed_fraction(day: date, start: date, end: date) -> float:
    """Share of ``(start, end]`` elapsed at ``day``, clamped to [0, 1]."""
    span = (end - start).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (day - start).days / span))


def grace_deadline(day: date, calendar: WorkdayCalendar, grace_workdays: int) -> date:
    """``day`` plus ``grace_workdays`` working days (``day`` itself when there is no grace)."""
    return day if grace_workdays <= 0 else calendar.add_workdays(day, grace_workdays)


def year_start(m: MilestoneSpec) -> date:
    """First day covered by an annual/maintain/growth milestone."""
    return m.start or date(m.due.year, 1, 1)


@dataclass(frozen=True)
class Accepted:
    """Accepted reports visible at ``as_of``, sorted by period end."""

    rows: tuple[tuple[date, float | None], ...]

    @classmethod
    def of(cls, reports: Iterable[ReportFact], as_of: date) -> Accepted:
        """Accepted reports submitted by ``as_of`` (period end when no submission day)."""
        visible = [r for r in reports if r.accepted and (r.submitted_on or r.period_end) <= as_of]
        visible.sort(key=lambda r: (r.period_end, r.submitted_on or r.period_end))
        return cls(tuple((r.period_end, r.value) for r in visible))

    def latest(self, since: date | None = None, until: date | None = None) -> float | None:
        """Latest numeric value with ``since <= period_end <= until``."""
        for end, value in reversed(self.rows):
            if value is None or (until is not None and end > until):
                continue
            if since is not None and end < since:
                return None
            return value
        return None

    def values_after(self, day: date) -> list[float]:
        """Numeric values of periods ending after ``day``."""
        return [v for end, v in self.rows if end > day and v is not None]

    def any_between(self, since: date | None, until: date | None) -> bool:
        """Whether an accepted report (text-only too) ends in ``[since, until]``."""
        return any(
            (since is None or end >= since) and (until is None or end <= until)
            for end, _ in self.rows
        )
