"""Required reports of a task and their states: overdue / due soon (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag.common import ONE_DAY, grace_deadline
from tracker.domain.lag.facts import LagEvent, ReportDue
from tracker.domain.lag.messages import day_text
from tracker.domain.lag.states import LagSettings, LagState
from tracker.domain.milestones import MilestoneKind, MilestoneSpec
from tracker.domain.periods import DEFAULT_DUE_WORKDAYS, Cadence, periods_between, report_due_date


def report_state(
    report: ReportDue, as_of: date, calendar: WorkdayCalendar, settings: LagSettings
) -> LagState | None:
    """``overdue``, ``due_soon`` or None (submitted, or not yet near) for a required report.

    - submitted on/before ``as_of``: None.
    - ``as_of`` after due + ``overdue_grace_workdays`` working days: ``overdue``.
    - after the due date but within the grace, or at most ``due_soon_workdays`` working days
      left in ``(as_of, due]``: ``due_soon``.
    """
    if report.submitted_on is not None and report.submitted_on <= as_of:
        return None
    if as_of > grace_deadline(report.due, calendar, settings.overdue_grace_workdays):
        return LagState.OVERDUE
    left = calendar.workdays_between(as_of + ONE_DAY, report.due)
    if as_of > report.due or left <= settings.due_soon_workdays:
        return LagState.DUE_SOON
    return None


def report_event(report: ReportDue, state: LagState) -> LagEvent:
    """The ``overdue`` / ``due_soon`` event of a required report, keyed by its period code."""
    label, due = report.period.label, day_text(report.due)
    if state is LagState.OVERDUE:
        message = f"{label}进度未按期填报（截止{due}）"
    else:
        message = f"{label}进度将于{due}截止，尚未填报"
    return LagEvent(state, None, report.period.code, report.due, message)


def required_report_dues(
    milestones: Sequence[MilestoneSpec],
    plan_start: date,
    as_of: date,
    cadence: Cadence,
    calendar: WorkdayCalendar,
    submitted: Mapping[str, date] | None = None,
    due_workdays: int = DEFAULT_DUE_WORKDAYS,
) -> list[ReportDue]:
    """The reports a task must file by ``as_of``: one per period of ``cadence``.

    Only tasks with an ``ongoing`` or numeric milestone need periodic reports (stage-only
    tasks do not). Periods run from the one containing ``plan_start`` to the one containing
    ``min(as_of, last such milestone date)`` — the current period is included so that it
    can become due soon. Each is due ``due_workdays`` working days after its end;
    ``submitted`` maps period codes to submission days.
    """
    relevant = [m for m in milestones if m.is_numeric or m.kind is MilestoneKind.ONGOING]
    if not relevant:
        return []
    last = min(as_of, max(m.due for m in relevant))
    submitted = submitted or {}
    return [
        ReportDue(p, report_due_date(p, calendar, due_workdays), submitted.get(p.code))
        for p in periods_between(plan_start, last, cadence)
    ]
