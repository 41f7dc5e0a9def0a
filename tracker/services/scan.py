"""The lag scan: every task's state as of a date, and alerts for new lag events (§5).

:func:`run_scan` (set-based, chunked, storing each day's :class:`TaskState`) lives in
:mod:`tracker.services.scan_run`; this module keeps the per-task ORM helpers the task
page, the obligations and the reminder facts use (:func:`assess_one`, :func:`assess_plan`,
:func:`report_dues`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from config.settings import LagThresholds
from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import (
    LagEvent,
    LagSettings,
    LagState,
    ReportDue,
    ReportFact,
    TaskAssessment,
    TaskFacts,
    assess_task,
    required_report_dues,
)
from tracker.extensions import db
from tracker.models import Plan, ProgressReport, ReportStatus, Task
from tracker.services.calendar import load_calendar
from tracker.services.scan_run import (
    ALERT_KINDS,
    CHUNK_TASKS,
    ScannedTask,
    ScanResult,
    rounded,
    run_scan,
    task_alert_key,
)

__all__ = [
    "ALERT_KINDS",
    "CHUNK_TASKS",
    "ScanResult",
    "ScannedTask",
    "TaskStatus",
    "alert_key",
    "assess_one",
    "assess_plan",
    "lag_settings",
    "report_dues",
    "run_scan",
    "task_facts",
]

#: Reports whose values the lag rules see (a superseded revision gave way to its correction).
_COUNTED = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED})


@dataclass(frozen=True, slots=True)
class TaskStatus:
    """A task with its assessment as of a date."""

    task: Task
    assessment: TaskAssessment

    @property
    def state(self) -> LagState:
        """The task's lag state."""
        return self.assessment.state

    def to_json(self) -> dict[str, object]:
        """``{"id", "state", "expected", "actual"}`` as ``scan --json`` prints per task."""
        return {
            "id": self.task.id,
            "state": str(self.assessment.state),
            "expected": rounded(self.assessment.expected),
            "actual": rounded(self.assessment.actual),
        }


def lag_settings(plan: Plan, lag: LagThresholds) -> LagSettings:
    """Thresholds in working days: the plan's overdue grace, the app-wide ``lag`` ones."""
    return LagSettings(
        missed_grace_workdays=lag.missed_grace_workdays,
        overdue_grace_workdays=plan.overdue_grace_workdays,
        due_soon_workdays=lag.due_soon_workdays,
    )


def assess_plan(
    plan: Plan,
    as_of: date,
    calendar: WorkdayCalendar | None = None,
    *,
    lag: LagThresholds,
) -> list[TaskStatus]:
    """Every task of ``plan`` with its state as of ``as_of`` under the thresholds ``lag``,
    in table order. Reads only."""
    calendar = calendar or load_calendar()
    tasks = list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.plan_id == plan.id, Task.archived_at.is_(None))
            .order_by(Task.position)
            .options(selectinload(Task.milestones), selectinload(Task.unit_links))
        )
    )
    reports = _reports_by_task(plan.id)
    settings = lag_settings(plan, lag)
    return [
        TaskStatus(
            task,
            assess_task(
                task_facts(task, reports.get(task.id, []), as_of, calendar),
                as_of,
                calendar,
                settings,
            ),
        )
        for task in tasks
    ]


def assess_one(task: Task, as_of: date, *, lag: LagThresholds) -> TaskStatus:
    """One task's status as of ``as_of`` under the thresholds ``lag``."""
    calendar = load_calendar()
    reports = list(
        db.session.scalars(sa.select(ProgressReport).where(ProgressReport.task_id == task.id))
    )
    facts = task_facts(task, reports, as_of, calendar)
    return TaskStatus(task, assess_task(facts, as_of, calendar, lag_settings(task.plan, lag)))


def _reports_by_task(plan_id: int) -> dict[int, list[ProgressReport]]:
    grouped: dict[int, list[ProgressReport]] = defaultdict(list)
    query = (
        sa.select(ProgressReport)
        .join(Task, Task.id == ProgressReport.task_id)
        .where(Task.plan_id == plan_id)
    )
    for report in db.session.scalars(query):
        grouped[report.task_id].append(report)
    return grouped


def report_dues(
    task: Task, reports: Sequence[ProgressReport], as_of: date, calendar: WorkdayCalendar
) -> list[ReportDue]:
    """The reports ``task`` owes by ``as_of`` with the day each reached the office (its
    first submission, or the unit's approval where the plan asks for one), if it did."""
    submitted: dict[str, date] = {}
    for report in reports:
        received = _received_on(report)
        if received is not None:
            submitted[report.period] = min(received, submitted.get(report.period, received))
    return required_report_dues(
        [milestone.to_spec() for milestone in task.milestones],
        task.plan.start,
        min(as_of, task.plan.end),
        task.plan.cadence,
        calendar,
        submitted,
        task.plan.report_due_workdays,
    )


def _received_on(report: ProgressReport) -> date | None:
    if report.status in (ReportStatus.DRAFT, ReportStatus.PENDING_APPROVAL):
        return None
    return report.approved_on or report.submitted_on


def task_facts(
    task: Task, reports: Sequence[ProgressReport], as_of: date, calendar: WorkdayCalendar
) -> TaskFacts:
    """The plain facts the domain needs about one task."""
    return TaskFacts(
        milestones=[milestone.to_spec() for milestone in task.milestones],
        reports=[
            ReportFact(
                period_end=report.period_end,
                value=report.value,
                accepted=report.status is ReportStatus.ACCEPTED,
                submitted_on=report.submitted_on,
            )
            for report in reports
            if report.status in _COUNTED
        ],
        report_dues=report_dues(task, reports, as_of, calendar),
        plan_start=task.plan.start,
        baseline=task.baseline_value,
        closed=task.closed_at is not None,
    )


def alert_key(task: Task, event: LagEvent) -> str:
    """The identity of a lag event: kind, task and the milestone or period it is about."""
    return task_alert_key(task.id, [milestone.id for milestone in task.milestones], event)
