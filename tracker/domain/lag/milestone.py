"""The state of one milestone at a day, by its kind (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag.common import (
    ONE_DAY,
    Accepted,
    as_number,
    elapsed_fraction,
    grace_deadline,
    meets,
    on_pace,
    target_of,
    year_start,
)
from tracker.domain.lag.expected import annual_expected, chain_expected, chain_of
from tracker.domain.lag.facts import LagEvent, TaskFacts
from tracker.domain.lag.messages import behind_message, missed_message
from tracker.domain.lag.states import LagSettings, LagState
from tracker.domain.milestones import MilestoneKind, MilestoneSpec


@dataclass(frozen=True)
class Context:
    """What every milestone rule reads: the task's facts, the day ``as_of``, the calendar and
    settings, the accepted reports visible that day, and whether values are running totals
    (the task has a ``cumulative`` milestone)."""

    facts: TaskFacts
    as_of: date
    calendar: WorkdayCalendar
    settings: LagSettings
    accepted: Accepted
    running_totals: bool
    _chains: dict[MilestoneKind, list[MilestoneSpec]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def chain(self, kind: MilestoneKind) -> list[MilestoneSpec]:
        """The task's milestones of ``kind`` with a numeric target, by due date
        (:func:`~tracker.domain.lag.expected.chain_of`, worked out once per kind)."""
        found = self._chains.get(kind)
        if found is None:
            found = self._chains[kind] = chain_of(self.facts.milestones, kind)
        return found

    def deadline(self, m: MilestoneSpec) -> date:
        """The milestone date plus the missed grace, in working days."""
        return grace_deadline(m.due, self.calendar, self.settings.missed_grace_workdays)


@dataclass(frozen=True)
class Outcome:
    """The state of one milestone with its expected, actual and concrete target values, in
    the milestone's unit (``None`` when there is none)."""

    state: LagState
    expected: float | None = None
    actual: float | None = None
    target: float | None = None  # the concrete target (growth: last year × factor)


def _progress(actual: float | None, expected: float | None, comparator: str | None) -> LagState:
    """Before a milestone date: on track / behind against expected-to-date (no data: 暂无)."""
    if actual is None:
        return LagState.NO_DATA
    if expected is None or on_pace(actual, expected, comparator):
        return LagState.ON_TRACK
    return LagState.BEHIND


def _settle(
    ctx: Context,
    m: MilestoneSpec,
    target: float,
    measured: float | None,
    later: Sequence[float],
) -> Outcome:
    """After the milestone date: done / missed / recovered; within the grace still pending.

    ``measured`` is the accepted value of a period ending on/before the milestone date;
    ``later`` the accepted values of later periods (a later one that meets → recovered).
    """
    if measured is not None and meets(measured, m.comparator, target):
        return Outcome(LagState.DONE, target, measured, target)
    if ctx.as_of <= ctx.deadline(m):
        state = LagState.NO_DATA if measured is None else LagState.BEHIND
        return Outcome(state, target, measured, target)
    for value in later:
        if meets(value, m.comparator, target):
            return Outcome(LagState.RECOVERED, target, value, target)
    return Outcome(LagState.MISSED, target, measured, target)


def _assess_line(ctx: Context, m: MilestoneSpec) -> Outcome:
    """level / cumulative: linear expected-to-date along the chain of the same kind."""
    chain = ctx.chain(m.kind)
    pos = next(i for i, c in enumerate(chain) if c is m)
    target = target_of(m)
    if pos > 0 and ctx.as_of <= chain[pos - 1].due:
        return Outcome(LagState.NO_DATA, target=target)
    if ctx.as_of <= m.due:
        expected = chain_expected(chain, pos, ctx.as_of, ctx.facts.plan_start, ctx.facts.baseline)
        actual = ctx.accepted.latest()
        return Outcome(_progress(actual, expected, m.comparator), expected, actual, target)
    measured = ctx.accepted.latest(until=m.due)
    return _settle(ctx, m, target, measured, ctx.accepted.values_after(m.due))


def _assess_maintain(ctx: Context, m: MilestoneSpec) -> Outcome:
    """maintain: the level itself is expected all along its [start, due]."""
    start = m.start or ctx.facts.plan_start
    target = target_of(m)
    if ctx.as_of < start:
        return Outcome(LagState.NO_DATA, target=target)
    if ctx.as_of <= m.due:
        actual = ctx.accepted.latest(since=start)
        return Outcome(_progress(actual, target, m.comparator), target, actual, target)
    measured = ctx.accepted.latest(since=start, until=m.due)
    return _settle(ctx, m, target, measured, ctx.accepted.values_after(m.due))


def annual_quantity(ctx: Context, start: date, end: date) -> float | None:
    """The year's quantity: year-to-date value, or a difference of running totals."""
    in_year = ctx.accepted.latest(since=start, until=end)
    if in_year is None or not ctx.running_totals:
        return in_year
    before = ctx.accepted.latest(until=start - ONE_DAY)
    if before is None:
        before = ctx.facts.baseline or 0.0
    return in_year - before


def _assess_annual(ctx: Context, m: MilestoneSpec) -> Outcome:
    """annual: the year's quantity, expected pro rata; a later year never makes it up."""
    start = year_start(m)
    target = target_of(m)
    if ctx.as_of < start:
        return Outcome(LagState.NO_DATA, target=target)
    actual = annual_quantity(ctx, start, m.due)
    if ctx.as_of <= m.due:
        expected = annual_expected(m, ctx.as_of)
        return Outcome(_progress(actual, expected, m.comparator), expected, actual, target)
    return _settle(ctx, m, target, actual, ())


def _assess_growth(ctx: Context, m: MilestoneSpec) -> Outcome:
    """growth: target = last year's actual × factor; expected linear over the year."""
    start = year_start(m)
    if ctx.as_of < start:
        return Outcome(LagState.NO_DATA)
    previous = ctx.accepted.latest(until=start - ONE_DAY)
    if previous is None:
        previous = ctx.facts.baseline
    if previous is None:
        return Outcome(LagState.NO_DATA, actual=ctx.accepted.latest(since=start))
    target = previous * target_of(m)
    if ctx.as_of <= m.due:
        fraction = elapsed_fraction(ctx.as_of, start - ONE_DAY, m.due)
        expected = previous + (target - previous) * fraction
        actual = ctx.accepted.latest(since=start)
        return Outcome(_progress(actual, expected, m.comparator), expected, actual, target)
    measured = ctx.accepted.latest(since=start, until=m.due)
    return _settle(ctx, m, target, measured, ctx.accepted.values_after(m.due))


def _assess_stage(ctx: Context, m: MilestoneSpec) -> Outcome:
    """stage: met by closing the task or by an accepted report for a period in its window.

    The window runs from the day after the previous stage milestone (or the plan start) to
    the stage date; an accepted report of a later period after the deadline → recovered.
    """
    stages = sorted(
        (s for s in ctx.facts.milestones if s.kind is MilestoneKind.STAGE), key=lambda s: s.due
    )
    earlier = [s.due for s in stages if s.due < m.due]
    since = earlier[-1] + ONE_DAY if earlier else ctx.facts.plan_start
    if ctx.facts.closed or ctx.accepted.any_between(since, m.due):
        return Outcome(LagState.DONE)
    if ctx.as_of <= ctx.deadline(m):
        return Outcome(LagState.NO_DATA)
    if ctx.accepted.any_between(m.due + ONE_DAY, None):
        return Outcome(LagState.RECOVERED)
    return Outcome(LagState.MISSED)


def _assess_ongoing(ctx: Context, m: MilestoneSpec) -> Outcome:
    """ongoing: no number; on track once an accepted report exists (lateness: ReportDue)."""
    start = m.start or ctx.facts.plan_start
    if ctx.as_of >= start and ctx.accepted.any_between(start, None):
        return Outcome(LagState.ON_TRACK, actual=ctx.accepted.latest(since=start))
    return Outcome(LagState.NO_DATA)


_ASSESSORS = {
    MilestoneKind.LEVEL: _assess_line,
    MilestoneKind.CUMULATIVE: _assess_line,
    MilestoneKind.MAINTAIN: _assess_maintain,
    MilestoneKind.ANNUAL: _assess_annual,
    MilestoneKind.GROWTH: _assess_growth,
    MilestoneKind.STAGE: _assess_stage,
    MilestoneKind.ONGOING: _assess_ongoing,
}


def assess_milestone(ctx: Context, m: MilestoneSpec) -> Outcome:
    """Dispatch on the kind; a numeric kind without a numeric target has no data."""
    if m.is_numeric and as_number(m.target) is None:
        return Outcome(LagState.NO_DATA)
    return _ASSESSORS[m.kind](ctx, m)


def milestone_event(index: int, m: MilestoneSpec, outcome: Outcome) -> LagEvent | None:
    """A ``missed`` or ``behind`` event for the milestone, else None."""
    if outcome.state is LagState.MISSED:
        message = missed_message(m, outcome.target, outcome.actual)
    elif outcome.state is LagState.BEHIND:
        message = behind_message(m, outcome.target, outcome.expected, outcome.actual)
    else:
        return None
    return LagEvent(outcome.state, index, None, m.due, message)
