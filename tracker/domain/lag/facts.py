"""What the lag rules read about a task and what they return (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.domain.lag.states import LagState
from tracker.domain.milestones import MilestoneSpec, missing_base_message
from tracker.domain.periods import Period


@dataclass(frozen=True, slots=True)
class ReportFact:
    """One report of the task's lead unit(s) for the period ending ``period_end``.

    ``value`` follows the reading in the module docstring (``None`` for text-only reports);
    ``accepted`` is the office's review; ``submitted_on`` the day it was submitted.
    """

    period_end: date
    value: float | None
    accepted: bool
    submitted_on: date | None


@dataclass(frozen=True, slots=True)
class ReportDue:
    """A required report: its period, its due date and the day it was submitted (if any)."""

    period: Period
    due: date
    submitted_on: date | None


@dataclass(frozen=True)
class TaskFacts:
    """Everything the lag rules read about one task.

    ``baseline`` is the value at ``plan_start`` (``None`` → 0 for rising targets);
    ``closed`` is True once the office closed the task (销号).
    """

    milestones: Sequence[MilestoneSpec]
    reports: Sequence[ReportFact]
    report_dues: Sequence[ReportDue]
    plan_start: date
    baseline: float | None = None
    closed: bool = False


@dataclass(frozen=True, slots=True)
class MilestoneAssessment:
    """State of ``milestones[index]``: expected value now (or the target once due), actual;
    both in the milestone's unit (percent as 0–100), ``None`` when there is none."""

    index: int
    state: LagState
    expected: float | None
    actual: float | None


@dataclass(frozen=True, slots=True)
class LagEvent:
    """A lag to record and remind about; dedupe key: (kind, milestone id / period code).

    ``milestone_index`` is set for ``missed``/``behind`` (an index into the task's milestones),
    ``period_code`` ("2020Q3") for ``overdue``/``due_soon``; ``due`` is the milestone or report
    due date; ``message`` is Chinese.
    """

    kind: LagState
    milestone_index: int | None
    period_code: str | None
    due: date
    message: str


@dataclass(frozen=True)
class TaskAssessment:
    """A task's state, its expected-to-date and actual value (in the milestones' unit, ``None``
    when there is none), one :class:`MilestoneAssessment` per milestone in the order
    of :attr:`TaskFacts.milestones`, and the :class:`LagEvent` list (empty when done).

    ``missing_bases``: base years of relative targets ("较2022年下降8%") whose actual is not
    known yet; ``notes`` says so in Chinese ("缺少2022年基期值，请在填报时补充")."""

    state: LagState
    expected: float | None
    actual: float | None
    milestones: tuple[MilestoneAssessment, ...]
    events: tuple[LagEvent, ...]
    missing_bases: tuple[int, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """One Chinese message per missing base year."""
        return tuple(missing_base_message(year) for year in self.missing_bases)
