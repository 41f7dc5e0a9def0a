"""The state of a whole task: its milestones and its required reports (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag.common import Accepted, as_number, meets, target_of, year_start
from tracker.domain.lag.expected import expected_to_date
from tracker.domain.lag.facts import MilestoneAssessment, TaskAssessment, TaskFacts
from tracker.domain.lag.milestone import (
    Context,
    Outcome,
    annual_quantity,
    assess_milestone,
    milestone_event,
)
from tracker.domain.lag.relative import resolve_relative
from tracker.domain.lag.reports import report_event, report_state
from tracker.domain.lag.states import URGENCY, LagSettings, LagState
from tracker.domain.milestones import MilestoneKind, MilestoneSpec


def _final_met(ctx: Context, m: MilestoneSpec, state: LagState) -> bool:
    """A final milestone is met: level/cumulative by the latest value (early too), else DONE."""
    if m.kind in (MilestoneKind.LEVEL, MilestoneKind.CUMULATIVE):
        latest = ctx.accepted.latest()
        return latest is not None and meets(latest, m.comparator, target_of(m))
    return state is LagState.DONE


def _is_done(ctx: Context, states: Sequence[LagState]) -> bool:
    """done: closed; or no milestone missed and every last-dated numeric target met."""
    if ctx.facts.closed:
        return True
    numeric = [
        (i, m)
        for i, m in enumerate(ctx.facts.milestones)
        if m.is_numeric and as_number(m.target) is not None
    ]
    if not numeric or LagState.MISSED in states:
        return False
    last_due = max(m.due for _, m in numeric)
    return all(_final_met(ctx, m, states[i]) for i, m in numeric if m.due == last_due)


def _most_urgent(states: Iterable[LagState]) -> LagState:
    """The first of :data:`URGENCY` present; a met milestone (done) counts as on track."""
    present = {LagState.ON_TRACK if s is LagState.DONE else s for s in states}
    return next((s for s in URGENCY if s in present), LagState.NO_DATA)


def _headline(ctx: Context, outcomes: Sequence[Outcome]) -> tuple[float | None, float | None]:
    """Task expected/actual: :func:`expected_to_date` and the latest accepted value.

    For a task whose only numbers are annual quantities, "actual" is the current year's
    quantity; when only growth milestones give an expectation, the current one is used.
    """
    facts = ctx.facts
    expected = expected_to_date(facts.milestones, ctx.as_of, facts.plan_start, facts.baseline)
    kinds = {m.kind for m in facts.milestones if m.is_numeric}
    if not kinds:
        return None, None
    if kinds == {MilestoneKind.ANNUAL}:
        year = ctx.as_of.year
        actual = annual_quantity(ctx, date(year, 1, 1), date(year, 12, 31))
    else:
        actual = ctx.accepted.latest()
    if expected is None:
        for m, outcome in zip(facts.milestones, outcomes, strict=True):
            if m.kind is MilestoneKind.GROWTH and year_start(m) <= ctx.as_of <= m.due:
                expected = outcome.expected
    return expected, actual


def assess_task(
    facts: TaskFacts, as_of: date, calendar: WorkdayCalendar, settings: LagSettings
) -> TaskAssessment:
    """Assess one task at ``as_of`` by the rules of DESIGN.md §5.

    Per milestone (before its date): ``on_track`` when the latest accepted value is at or
    beyond expected-to-date, ``behind`` below it, ``no_data`` without a value; milestones
    whose interval has not begun are ``no_data``. After the date: ``done`` when the
    accepted value of a period ending on/before the date meets the target (even if it was
    submitted late — lateness is the report's ``overdue``); until the date plus
    ``missed_grace_workdays`` working days a failing or missing value is ``behind`` /
    ``no_data``; after that ``missed``, or ``recovered`` when a later period's accepted
    value meets the target (not for ``annual``: each year stands alone).
    Per required report: ``overdue`` / ``due_soon`` (see :func:`report_state`).

    Task state: ``done`` when closed, or when no milestone is missed and every numeric
    milestone with the last date is met (level/cumulative by the latest accepted value,
    even early; annual/maintain/growth once their year has passed); stage/ongoing-only
    tasks only when closed. Otherwise the most urgent of :data:`URGENCY` (overdue, missed,
    behind, recovered, due_soon, on_track, no_data) over milestones and reports.

    Events: one per missed or behind milestone and per overdue or due-soon report, with
    a Chinese message; none when the task is done.

    Relative targets ("较2022年下降8%") get their concrete target from the base year's
    actual (:func:`resolve_relative`); while a base is missing the task is never done or
    on track: it stays 暂无 (unless another milestone or report lags) with
    :attr:`TaskAssessment.notes` saying which base to report.
    """
    facts, missing = resolve_relative(facts)
    ctx = Context(
        facts,
        as_of,
        calendar,
        settings,
        Accepted.of(facts.reports, as_of),
        any(m.kind is MilestoneKind.CUMULATIVE for m in facts.milestones),
    )
    outcomes = [assess_milestone(ctx, m) for m in facts.milestones]
    states = [o.state for o in outcomes]
    milestones = tuple(
        MilestoneAssessment(i, o.state, o.expected, o.actual) for i, o in enumerate(outcomes)
    )
    expected, actual = _headline(ctx, outcomes)
    if (facts.closed or not missing) and _is_done(ctx, states):
        return TaskAssessment(LagState.DONE, expected, actual, milestones, ())
    events = [
        e
        for i, (m, o) in enumerate(zip(facts.milestones, outcomes, strict=True))
        if (e := milestone_event(i, m, o)) is not None
    ]
    report_states = []
    for report in sorted(facts.report_dues, key=lambda r: r.due):
        state = report_state(report, as_of, calendar, settings)
        if state is not None:
            report_states.append(state)
            events.append(report_event(report, state))
    state = _most_urgent([*states, *report_states])
    if missing and state in (LagState.ON_TRACK, LagState.DONE):
        state = LagState.NO_DATA
    return TaskAssessment(state, expected, actual, milestones, tuple(events), missing)
