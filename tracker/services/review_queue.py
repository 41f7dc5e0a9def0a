"""The review queue (待审核, issue 12 §1): every report waiting for the office's review or
a unit approver's sign-off, oldest first, with its age in working days (the stored
calendar), what it reports against what the schedule expects by the period's end, its
evidence files and the contributions not yet confirmed.

Accepting a report whose cooperating units have not all confirmed asks first
(:class:`UnconfirmedContributions`, issue 12 §6); the requests stay answerable until their
own deadline. Functions here flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.domain.calendar import WorkdayCalendar
from tracker.domain.lag import expected_to_date
from tracker.extensions import db
from tracker.models import (
    Contribution,
    ContributionStatus,
    Evidence,
    ProgressReport,
    ReportStatus,
    Task,
    Unit,
    User,
)
from tracker.services import reports as report_service
from tracker.services.calendar import load_calendar
from tracker.services.errors import Conflict

PER_PAGE = 50
#: The statuses of a report waiting for someone: the unit's approver, or the office.
WAITING = (ReportStatus.PENDING_APPROVAL, ReportStatus.SUBMITTED)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: ``plan_id``, ``unit_id`` and ``status`` narrow it;
    ``scope_unit_id`` (an approver's unit) limits it to that unit's reports waiting for
    approval."""

    plan_id: int | None = None
    unit_id: int | None = None
    status: ReportStatus | None = None
    scope_unit_id: int | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One waiting report: how many working days it has waited since it was submitted,
    the expected-to-date at its period's end (None without a numeric target), its
    evidence files and the contribution requests not confirmed (待确认 or 有异议)."""

    report: ProgressReport
    age_workdays: int
    expected: float | None
    evidence_count: int
    unconfirmed: list[Contribution]


@dataclass(frozen=True, slots=True)
class QueuePage:
    """A page of the queue: rows, page number (from 1), page count, rows in all."""

    rows: list[QueueRow]
    page: int
    pages: int
    total: int


class UnconfirmedContributions(Conflict):
    """Accepting would close a report whose cooperating units have not all confirmed;
    ``items`` are their requests. Accept again, knowingly, to go on."""

    def __init__(self, report: ProgressReport, items: list[Contribution]) -> None:
        names = "、".join(f"{c.unit.name}（{c.status_label}）" for c in items)
        super().__init__(f"还有配合单位未确认：{names}。确认仍要通过吗？", field="decision")
        self.report = report
        self.items = items


def _query(filters: QueueFilter) -> sa.Select[ProgressReport]:
    # Written into the SQL, not bound: the planner must see the statuses to read the
    # partial index of the waiting reports (migration 0019).
    statuses = [status.value for status in ([filters.status] if filters.status else WAITING)]
    waiting: sa.BindParameter[list[str]] = sa.bindparam(
        "waiting", statuses, expanding=True, literal_execute=True
    )
    query = sa.select(ProgressReport).where(ProgressReport.status.in_(waiting))
    if filters.scope_unit_id is not None:
        query = query.where(
            ProgressReport.unit_id == filters.scope_unit_id,
            ProgressReport.status == ReportStatus.PENDING_APPROVAL,
        )
    if filters.unit_id is not None:
        query = query.where(ProgressReport.unit_id == filters.unit_id)
    if filters.plan_id is not None:
        query = query.join(Task, Task.id == ProgressReport.task_id).where(
            Task.plan_id == filters.plan_id
        )
    return query


def waiting_count(filters: QueueFilter | None = None) -> int:
    """How many reports the queue holds (for the menu)."""
    base = _query(filters or QueueFilter())
    return db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0


def waiting_reports(
    filters: QueueFilter, today: date, page: int = 1, per_page: int = PER_PAGE
) -> QueuePage:
    """Page ``page`` (clamped) of the queue, oldest submission first."""
    total = waiting_count(filters)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    query = (
        _query(filters)
        .options(
            selectinload(ProgressReport.task).selectinload(Task.milestones),
            selectinload(ProgressReport.task).selectinload(Task.plan),
            selectinload(ProgressReport.unit),
            selectinload(ProgressReport.contributions).selectinload(Contribution.unit),
        )
        .order_by(ProgressReport.submitted_on, ProgressReport.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    found = list(db.session.scalars(query))
    counts = _evidence_counts([report.id for report in found])
    calendar = load_calendar()
    rows = [_row(report, today, calendar, counts.get(report.id, 0)) for report in found]
    return QueuePage(rows, page, pages, total)


def _evidence_counts(report_ids: list[int]) -> dict[int, int]:
    if not report_ids:
        return {}
    query = (
        sa.select(Evidence.report_id, sa.func.count(Evidence.id))
        .where(Evidence.report_id.in_(report_ids))
        .group_by(Evidence.report_id)
    )
    return {report_id: count for report_id, count in db.session.execute(query) if report_id}


def age_workdays(report: ProgressReport, today: date, calendar: WorkdayCalendar) -> int:
    """Working days from the day after submission to ``today`` (0 on the day itself)."""
    if report.submitted_on is None:
        return 0
    return calendar.workdays_between(date.fromordinal(report.submitted_on.toordinal() + 1), today)


def expected_at_period_end(report: ProgressReport) -> float | None:
    """What the task's schedule expects by the end of the report's period."""
    task = report.task
    specs = [milestone.to_spec() for milestone in task.milestones]
    if not specs or report_service.value_unit(task) is None:
        return None
    return expected_to_date(specs, report.period_end, task.plan.start, task.baseline_value)


def _row(report: ProgressReport, today: date, calendar: WorkdayCalendar, files: int) -> QueueRow:
    return QueueRow(
        report=report,
        age_workdays=age_workdays(report, today, calendar),
        expected=expected_at_period_end(report),
        evidence_count=files,
        unconfirmed=unconfirmed_of(report),
    )


def unconfirmed_of(report: ProgressReport) -> list[Contribution]:
    """The report's contribution requests not confirmed: 待确认 or 有异议."""
    return [c for c in report.contributions if c.status is not ContributionStatus.CONFIRMED]


def accept(
    report: ProgressReport, reviewer: User, today: date, *, despite_unconfirmed: bool = False
) -> ProgressReport:
    """The office accepts ``report`` (as :func:`tracker.services.reports.review_report`);
    raises :class:`UnconfirmedContributions` first when cooperating units have not all
    confirmed, unless ``despite_unconfirmed``."""
    pending = unconfirmed_of(report)
    if pending and not despite_unconfirmed and report.status is ReportStatus.SUBMITTED:
        raise UnconfirmedContributions(report, pending)
    return report_service.review_report(report, reviewer, True, "", today)


@dataclass
class BulkResult:
    """What accepting several reports did: the ids accepted, and for each one refused
    its id with the reason (each report is its own step: one refused undoes nothing else)."""

    accepted: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def waiting_units(filters: QueueFilter) -> list[Unit]:
    """The units with reports in the caller's queue (for the unit filter), by name."""
    scope = QueueFilter(scope_unit_id=filters.scope_unit_id)
    ids = _query(scope).with_only_columns(ProgressReport.unit_id).distinct()
    return list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name)))
