"""The lag scan: every task's state as of a date, and alerts for new lag events (§5)."""

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
from tracker.domain.periods import parse_period
from tracker.extensions import db
from tracker.models import Alert, Plan, ProgressReport, ReportStatus, Task
from tracker.services.calendar import load_calendar
from tracker.services.contributions import unanswered_after_deadline

#: Reports whose values the lag rules see (a superseded revision gave way to its correction).
_COUNTED = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED})

#: Lag events that become alerts in the office's inbox.
ALERT_KINDS = frozenset({LagState.MISSED, LagState.OVERDUE, LagState.BEHIND})


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
            "expected": _rounded(self.assessment.expected),
            "actual": _rounded(self.assessment.actual),
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """One scan: the date, every task's status, and how many alerts were new."""

    as_of: date
    statuses: list[TaskStatus]
    alerts_created: int

    def to_json(self) -> dict[str, object]:
        """The object ``scan --json`` prints."""
        return {
            "as_of": self.as_of.isoformat(),
            "tasks": [status.to_json() for status in self.statuses],
            "alerts_created": self.alerts_created,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


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


def run_scan(as_of: date, plan_id: int | None = None, *, lag: LagThresholds) -> ScanResult:
    """Assess every plan (or one) under the thresholds ``lag`` and add an alert for each
    new lag event.

    Safe to run twice: an alert's key names its event, and a known key is skipped.
    Flushes; the caller commits.
    """
    plans = (
        [db.session.get(Plan, plan_id)] if plan_id else list(db.session.scalars(sa.select(Plan)))
    )
    calendar = load_calendar()
    statuses: list[TaskStatus] = []
    created = 0
    for plan in plans:
        if plan is None:
            continue
        plan_statuses = assess_plan(plan, as_of, calendar, lag=lag)
        statuses.extend(plan_statuses)
        created += _store_alerts(plan, plan_statuses, as_of)
    created += _store_contribution_alerts({plan.id for plan in plans if plan}, as_of)
    db.session.flush()
    return ScanResult(as_of=as_of, statuses=statuses, alerts_created=created)


def _day_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _store_contribution_alerts(plan_ids: set[int], as_of: date) -> int:
    """An alert for each contribution request left unanswered past its deadline."""
    existing = set(
        db.session.scalars(sa.select(Alert.key).where(Alert.key.like("overdue:contribution%")))
    )
    created = 0
    for contribution in unanswered_after_deadline(as_of):
        task = contribution.report.task
        key = f"overdue:contribution{contribution.id}:due{contribution.due_on}"
        if task.plan_id not in plan_ids or key in existing or contribution.due_on is None:
            continue
        existing.add(key)
        label = parse_period(contribution.report.period).label
        db.session.add(
            Alert(
                key=key,
                plan_id=task.plan_id,
                task_id=task.id,
                unit_id=contribution.unit_id,
                kind=LagState.OVERDUE,
                due=contribution.due_on,
                message=(
                    f"{contribution.unit.name}未在{_day_label(contribution.due_on)}前确认"
                    f"{label}填报中的配合情况"
                ),
                raised_on=as_of,
            )
        )
        created += 1
    return created


def alert_key(task: Task, event: LagEvent) -> str:
    """The identity of a lag event: kind, task and the milestone or period it is about."""
    if event.milestone_index is not None:
        milestone = task.milestones[event.milestone_index]
        return f"{event.kind}:task{task.id}:milestone{milestone.id}"
    return f"{event.kind}:task{task.id}:period{event.period_code}"


def _store_alerts(plan: Plan, statuses: Sequence[TaskStatus], as_of: date) -> int:
    existing = set(db.session.scalars(sa.select(Alert.key).where(Alert.plan_id == plan.id)))
    created = 0
    for status in statuses:
        lead = status.task.lead_units
        for event in status.assessment.events:
            if event.kind not in ALERT_KINDS:
                continue
            key = alert_key(status.task, event)
            if key in existing:
                continue
            existing.add(key)
            db.session.add(
                Alert(
                    key=key,
                    plan_id=plan.id,
                    task_id=status.task.id,
                    unit_id=lead[0].id if lead else None,
                    kind=event.kind,
                    due=event.due,
                    message=event.message,
                    raised_on=as_of,
                )
            )
            created += 1
    return created
